"""The web app's outbox: the organiser's SMTP settings and the queued send job, which calls
the one sender, `scheduler.mail.outbox.deliver`, on a run's output folder (the same folder
and send log `sigmeet send` uses, so the two never send a message twice).

The SMTP password is never typed into the app nor stored: the job reads it from its own
environment (SIGMEET_SMTP_PASSWORD), like `sigmeet send`. Progress (sent, failed, to go)
goes to the `sends` table for the page to poll; the per-message record is send-log.csv.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from scheduler.mail.addresses import normalised
from scheduler.mail.cli import PASSWORD_ENV
from scheduler.mail.folder import FolderUnusable
from scheduler.mail.log import SendInProgress
from scheduler.mail.outbox import DeliveryStopped, InvalidAddresses, Report, deliver
from scheduler.mail.transport import FolderTransport, SmtpTransport, is_loopback
from scheduler.web import store as st

SETTINGS = ("smtp_host", "smtp_port", "smtp_from", "smtp_starttls", "smtp_user")
DRY_RUN_DIR = "dry-run"  # runs/<id>/dry-run/<send id>/*.eml


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 25
    sender: str = ""
    starttls: bool = False
    user: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.host and self.sender)


def load_settings(store: st.Store) -> SmtpSettings:
    values = {k: store.setting(k) or "" for k in SETTINGS}
    port = values["smtp_port"]
    return SmtpSettings(
        host=values["smtp_host"],
        port=int(port) if port.isdigit() else 25,
        sender=values["smtp_from"],
        starttls=values["smtp_starttls"] == "1",
        user=values["smtp_user"],
    )


def parse_settings(form) -> tuple[SmtpSettings, list[str]]:
    """The settings from the posted form, and what is wrong with them (nothing: save)."""
    errors = []
    host = form.get("host", "").strip()[:253]
    port_text = form.get("port", "").strip()
    starttls = form.get("starttls") == "1"
    sender = form.get("sender", "").strip()[:300]
    user = form.get("user", "").strip()[:300]
    if not host or any(c.isspace() or c in "/:@" for c in host):
        errors.append("Give the mail server's host name, e.g. mail.example.org (no port).")
    port = 587 if starttls else 25
    if port_text:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            errors.append("The port must be a number from 1 to 65535.")
        else:
            port = int(port_text)
    try:
        normalised(parseaddr(sender)[1] or "-")
    except Exception:  # noqa: BLE001 - email_validator's errors are all "not valid"
        errors.append("Give the From address, e.g. BioMatch <events@example.org>.")
    if user and not starttls and host and not is_loopback(host):
        errors.append("Logging in needs STARTTLS: a password is never sent unencrypted.")
    return SmtpSettings(host, port, sender, starttls, user), errors


def save_settings(store: st.Store, settings: SmtpSettings) -> None:
    store.set_setting("smtp_host", settings.host)
    store.set_setting("smtp_port", str(settings.port))
    store.set_setting("smtp_from", settings.sender)
    store.set_setting("smtp_starttls", "1" if settings.starttls else "0")
    store.set_setting("smtp_user", settings.user or None)


def password_set() -> bool:
    return bool(os.environ.get(PASSWORD_ENV))


def dry_run_dir(store: st.Store, run_id: int, send_id: int) -> Path:
    return store.run_dir(run_id) / DRY_RUN_DIR / str(int(send_id))


def run_send(data: Path, send_id: int) -> None:
    """The queued job: send (or write, for a dry run) the run's messages through deliver."""
    store = st.Store(data)
    row = store.send(send_id)
    if row is None or not store.claim_send(send_id):
        return
    run_id, dry = row["run_id"], bool(row["dry_run"])
    settings = load_settings(store)

    def progress(report: Report) -> None:
        store.update_send(send_id, **_counts(report))

    def finish(status: str, message: str, report: Report | None = None, **extra) -> None:
        fields = _counts(report) if report is not None else {}
        if report is not None:
            fields["problems"] = json.dumps(_not_delivered(report))
        store.update_send(
            send_id, status=status, finished=st.now(), message=message, **fields, **extra
        )

    if dry:
        transport = FolderTransport(dry_run_dir(store, run_id, send_id))
    elif not settings.complete:
        return finish(st.FAILED, "Save the mail server settings first.")
    else:
        password = os.environ.get(PASSWORD_ENV) if settings.user else None
        if settings.user and not password:
            return finish(st.FAILED, f"Set {PASSWORD_ENV} in the server's environment first.")
        transport = SmtpTransport(
            settings.host,
            settings.port,
            sender=settings.sender,
            starttls=settings.starttls,
            user=settings.user or None,
            password=password,
        )
    sender = settings.sender or "sigmeet <dry-run@sigmeet.invalid>"
    try:
        report = deliver(
            store.out_dir(run_id), transport, sender=sender, record=not dry, progress=progress
        )
    except InvalidAddresses as exc:
        problems = [{"row": p.recipient.row, "text": str(p)} for p in exc.problems]
        return finish(
            st.FAILED,
            "Some addresses cannot be valid; nothing was sent.",
            problems=json.dumps({"invalid": problems}),
        )
    except (FolderUnusable, SendInProgress) as exc:
        return finish(st.FAILED, str(exc))
    except DeliveryStopped as exc:
        return finish(
            st.FAILED,
            f"Sending stopped: {exc.reason}. Send again to send the rest.",
            exc.report,
        )
    except Exception as exc:  # noqa: BLE001 - the page says what went wrong
        return finish(st.FAILED, f"Sending failed: {type(exc).__name__}: {exc}")
    verb = "written to the run folder (dry run)" if dry else "sent"
    message = f"{len(report.sent)} message(s) {verb}"
    if report.already_sent:
        message += f", {len(report.already_sent)} already sent before"
    if report.failed:
        message += f", {len(report.failed)} not delivered"
    return finish(st.DONE, message + ".", report)


def _counts(report: Report) -> dict[str, int]:
    return {
        "planned": report.planned,
        "sent": len(report.sent),
        "already": len(report.already_sent),
        "failed": len(report.failed),
        "unchanged": report.unchanged,
    }


def _not_delivered(report: Report) -> dict:
    no_email = report.no_email
    return {
        "failed": [
            {"attendee": r.attendee, "name": r.name, "email": r.email, "error": error}
            for r, error in report.failed
        ],
        "no_email": [{"attendee": r.attendee, "name": r.name, "row": r.row} for r in no_email],
    }
