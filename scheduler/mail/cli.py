"""`sigmeet send OUT_DIR`: mail every attendee their agenda (or, after a re-plan, the
changed ones a notice), through `outbox.deliver`. The password comes only from the
environment (SIGMEET_SMTP_PASSWORD) or a hidden prompt; it is never printed or stored."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

PASSWORD_ENV = "SIGMEET_SMTP_PASSWORD"
EXIT_OK, EXIT_OTHER, EXIT_INPUT = 0, 1, 2
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|m|min|h|hour))?\s*$", re.IGNORECASE)
_PER_MINUTE = {"s": 60, "sec": 60, "m": 1, "min": 1, "h": 1 / 60, "hour": 1 / 60}


def parse_rate(text: str) -> float:
    """Messages per minute from `30/min`, `1/s`, `600/h` or `30`."""
    match = _RATE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise click.BadParameter(f"{text!r}: write e.g. 30/min, 1/s or 600/h")
    return float(match.group(1)) * _PER_MINUTE[(match.group(2) or "min").lower()]


def parse_server(text: str, starttls: bool) -> tuple[str, int]:
    host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    if not host:
        raise click.BadParameter(f"{text!r}: write HOST or HOST:PORT")
    if port and not port.isdigit():
        raise click.BadParameter(f"{text!r}: the port must be a number")
    return host, int(port) if port else (587 if starttls else 25)


@click.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--smtp", "server", metavar="HOST[:PORT]", help="Mail server [port: 25, 587 with --starttls]."
)
@click.option(
    "--from", "sender", metavar="ADDRESS", help="Sender, e.g. 'BioMatch <team@biomatch.example>'."
)
@click.option(
    "--starttls", is_flag=True, help="Encrypt the connection (STARTTLS) before logging in."
)
@click.option(
    "--user", help=f"Log in as USER; the password is read from {PASSWORD_ENV} or asked for."
)
@click.option(
    "--dry-run",
    "dry_run",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the messages as .eml files into this folder instead of sending them.",
)
@click.option(
    "--only", multiple=True, metavar="ID", help="Send only to this attendee (repeatable)."
)
@click.option(
    "--all",
    "everyone",
    is_flag=True,
    help="After a re-plan: send every attendee their whole agenda, not only notices of changes.",
)
@click.option("--rate", metavar="N/min", help="Send at most this many messages, e.g. 30/min.")
@click.option(
    "--retries",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Tries per message for temporary errors.",
)
@click.option(
    "--retry-wait",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Seconds before the first retry (then doubled).",
)
def send(
    out_dir: Path,
    server: str | None,
    sender: str | None,
    starttls: bool,
    user: str | None,
    dry_run: Path | None,
    only: tuple[str, ...],
    everyone: bool,
    rate: str | None,
    retries: int,
    retry_wait: float,
) -> None:
    """Mail each attendee of OUT_DIR their agenda (plain text and HTML, the PDF and the
    calendar file attached); after a re-plan only those whose agenda changed, saying what
    changed. OUT_DIR/send-log.csv records every message, so running it again sends only
    what is missing. Exit 2 when an address cannot be valid (nothing is sent), 1 when a
    message failed or sending stopped."""
    from scheduler.mail.folder import FolderUnusable
    from scheduler.mail.log import SendInProgress
    from scheduler.mail.outbox import (
        DeliveryStopped,
        InvalidAddresses,
        Retry,
        UnknownAttendees,
        deliver,
    )
    from scheduler.mail.transport import FolderTransport, SmtpTransport, is_loopback

    if not sender:
        raise click.UsageError("--from ADDRESS is required (the sender of the messages).")
    if dry_run is None and not server:
        raise click.UsageError("--smtp HOST[:PORT] is required (or --dry-run DIR).")
    per_minute = parse_rate(rate) if rate else None
    if dry_run is not None:
        transport = FolderTransport(dry_run)
    else:
        host, port = parse_server(server, starttls)
        password = None
        if user:
            if not starttls and not is_loopback(host):
                raise click.UsageError(
                    "--user needs --starttls: a password is never sent unencrypted."
                )
            password = os.environ.get(PASSWORD_ENV)
            if password is None:
                if not sys.stdin.isatty():
                    raise click.UsageError(
                        f"set {PASSWORD_ENV} (no terminal to ask for the password)."
                    )
                password = click.prompt(f"Password for {user} at {host}", hide_input=True)
        transport = SmtpTransport(
            host, port, sender=sender, starttls=starttls, user=user, password=password
        )
    try:
        report = deliver(
            out_dir,
            transport,
            sender=sender,
            only=only or None,
            everyone=everyone,
            per_minute=per_minute,
            retry=Retry(attempts=retries, first_wait=retry_wait),
            record=dry_run is None,
            notify=lambda msg: click.echo(msg, err=True),
        )
    except InvalidAddresses as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("Fix these addresses in the registration first; nothing was sent.", err=True)
        sys.exit(EXIT_INPUT)
    except (UnknownAttendees, FolderUnusable) as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INPUT)
    except SendInProgress as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_OTHER)
    except DeliveryStopped as exc:
        _summary(exc.report, dry_run)
        click.echo(
            f"Sending stopped: {exc.reason}. Run the same command again to send the rest.",
            err=True,
        )
        sys.exit(EXIT_OTHER)
    _summary(report, dry_run)
    sys.exit(EXIT_OK if report.ok else EXIT_OTHER)


def _summary(report, dry_run: Path | None) -> None:
    for r in report.no_email:
        where = f"Attendees row {r.row}" if r.row else "Attendees"
        click.echo(f"{where}: {r.attendee} ({r.name}) has no email address; not sent.", err=True)
    for r, error in report.failed:
        click.echo(f"Not delivered to {r.attendee} ({r.name}) <{r.email}>: {error}", err=True)
    verb = f"written to {dry_run}" if dry_run is not None else "sent"
    parts = [f"{len(report.sent)} message(s) {verb}"]
    if report.already_sent:
        parts.append(f"{len(report.already_sent)} already sent before")
    if report.unchanged:
        parts.append(f"{report.unchanged} attendee(s) unchanged since the previous plan")
    if report.failed:
        parts.append(f"{len(report.failed)} failed")
    if report.no_email:
        parts.append(f"{len(report.no_email)} without an address")
    click.echo("; ".join(parts) + ".")
