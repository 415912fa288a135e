"""The one sender: `deliver(out_dir, transport, ...)` mails every attendee of an output
folder what they should get, and records it in the send log. The `sigmeet send` command and
the web app's outbox both call it; they differ only in the transport and how they report.

What is sent: on a first run, every attendee their agenda; after a re-plan (the folder has
changes.csv), only the attendees whose agenda changed, a notice saying what changed with the
updated agenda (`everyone=True` sends all attendees their agenda anyway). Before anything is
sent, every address is checked: one that cannot be valid stops the run (`InvalidAddresses`,
each with its Attendees row); attendees without an address are reported and skipped. A
message already in the send log with the same content is not sent again. Transient errors
are tried again with exponential backoff; a recipient refused for good is logged as failed
and the others are still sent; a fatal error (login refused, server gone for good) stops the
run with `DeliveryStopped`, and a re-run continues where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.mail.addresses import AddressProblem, address_problem, normalised
from scheduler.mail.compose import AGENDA, NOTICE, compose, content_key
from scheduler.mail.folder import Recipient, read_agenda, read_changes, read_recipients
from scheduler.mail.log import FAILED, SEND_LOG, SENT, LogRow, SendLog, now_text
from scheduler.mail.transport import Fatal, Permanent, Transient, Transport, Unreachable


class InvalidAddresses(Exception):
    """Some addresses cannot be valid; nothing was sent."""

    def __init__(self, problems: Iterable[AddressProblem]):
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} invalid address(es)")


class UnknownAttendees(Exception):
    """`only` names attendees the folder does not have."""


class DeliveryStopped(Exception):
    """Sending stopped before the end (the report says what was sent)."""

    def __init__(self, reason: str, report: Report):
        super().__init__(reason)
        self.reason, self.report = reason, report


@dataclass(frozen=True)
class Retry:
    """How often and how long to wait before trying a transient failure again."""

    attempts: int = 5  # tries in all
    first_wait: float = 2.0  # seconds; doubled after each failure
    longest_wait: float = 60.0

    def waits(self) -> list[float]:
        return [min(self.longest_wait, self.first_wait * 2**i) for i in range(self.attempts - 1)]


@dataclass(frozen=True)
class Outgoing:
    recipient: Recipient
    kind: str  # AGENDA or NOTICE
    changes: tuple[tuple[str, str], ...] = ()


@dataclass
class Report:
    sent: list[Recipient] = field(default_factory=list)
    already_sent: list[Recipient] = field(default_factory=list)
    failed: list[tuple[Recipient, str]] = field(default_factory=list)
    no_email: list[Recipient] = field(default_factory=list)
    unchanged: int = 0  # re-plan: attendees whose agenda did not change (nothing to send)
    planned: int = 0  # messages this run has to send or skip as already sent

    @property
    def to_go(self) -> int:
        return self.planned - len(self.sent) - len(self.already_sent) - len(self.failed)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class Batch:
    outgoing: tuple[Outgoing, ...]
    no_email: tuple[Recipient, ...]
    invalid: tuple[AddressProblem, ...]
    unchanged: int


def plan_batch(
    out_dir: Path, *, only: Iterable[str] | None = None, everyone: bool = False
) -> Batch:
    """Who gets which message (raises `FolderUnusable`, `UnknownAttendees`)."""
    recipients = read_recipients(out_dir)
    if only is not None:
        wanted = list(dict.fromkeys(only))
        known = {r.attendee for r in recipients}
        missing = [x for x in wanted if x not in known]
        if missing:
            raise UnknownAttendees(
                f"{out_dir} has no attendee {', '.join(missing)} (see contacts.csv)."
            )
        recipients = [r for r in recipients if r.attendee in set(wanted)]
    changes = None if everyone else read_changes(out_dir)
    outgoing, no_email, invalid, unchanged = [], [], [], 0
    for r in recipients:
        if changes is not None and r.attendee not in changes:
            unchanged += 1
            continue
        if not r.email:
            no_email.append(r)
            continue
        problem = address_problem(r)
        if problem is not None:
            invalid.append(problem)
            continue
        if changes is None:
            outgoing.append(Outgoing(r, AGENDA))
        else:
            outgoing.append(Outgoing(r, NOTICE, tuple(changes[r.attendee])))
    return Batch(tuple(outgoing), tuple(no_email), tuple(invalid), unchanged)


def deliver(
    out_dir: str | Path,
    transport: Transport,
    *,
    sender: str,
    only: Iterable[str] | None = None,
    everyone: bool = False,
    per_minute: float | None = None,
    retry: Retry = Retry(),
    record: bool = True,
    notify: Callable[[str], None] | None = None,
    progress: Callable[[Report], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Report:
    """Send the folder's messages through `transport`; return what happened.

    `per_minute` caps the rate; `record=False` (a dry run) leaves the send log alone.
    `notify` gets a line of text per message, `progress` the report so far: once before the
    first message and after each one (the web app's outbox records it for its page).
    Raises `InvalidAddresses` (nothing sent), `UnknownAttendees`, `FolderUnusable`,
    `SendInProgress`, or `DeliveryStopped` (with the report so far).
    """
    out_dir = Path(out_dir)
    say = notify or (lambda _msg: None)
    batch = plan_batch(out_dir, only=only, everyone=everyone)
    if batch.invalid:
        raise InvalidAddresses(batch.invalid)
    report = Report(
        no_email=list(batch.no_email), unchanged=batch.unchanged, planned=len(batch.outgoing)
    )
    tick = progress or (lambda _report: None)
    gap = 60.0 / per_minute if per_minute else 0.0
    last = None
    with SendLog(out_dir / SEND_LOG, record=record) as log:
        tick(report)
        try:
            for out in batch.outgoing:
                r = out.recipient
                agenda = read_agenda(r)
                key = content_key(out.kind, agenda, out.changes)
                if log.done(r.attendee, key):
                    report.already_sent.append(r)
                    tick(report)
                    continue
                pdf = r.pdf.read_bytes() if r.pdf is not None and r.pdf.is_file() else None
                message = compose(
                    r, agenda, sender=sender, kind=out.kind, changes=out.changes, pdf=pdf
                )
                if last is not None and gap:
                    sleep(max(0.0, last + gap - time.monotonic()))
                last = time.monotonic()
                error = _send(transport, message, normalised(r.email), retry, sleep, say)
                row = LogRow(
                    when=now_text(),
                    attendee=r.attendee,
                    email=r.email,
                    kind=out.kind,
                    status=SENT if error is None else FAILED,
                    message_id=str(message["Message-ID"]),
                    content=key,
                    error=error or "",
                )
                log.append(row)
                if error is None:
                    report.sent.append(r)
                    verb = "sent" if record else "wrote (dry run)"
                    say(f"{verb} {out.kind} to {r.attendee} {r.name} <{r.email}>")
                else:
                    report.failed.append((r, error))
                    say(f"FAILED {r.attendee} {r.name} <{r.email}>: {error}")
                tick(report)
        except (Fatal, _GaveUp) as exc:
            raise DeliveryStopped(str(exc), report) from exc
        finally:
            transport.close()
    return report


class _GaveUp(Exception):
    """The server stayed unreachable through every retry."""


def _send(transport, message, address, retry: Retry, sleep, say) -> str | None:
    """Send one message, retrying transient failures; the error text when it failed for
    this recipient (None when sent). A connection that never comes back raises `_GaveUp`."""
    waits = retry.waits()
    for attempt in range(len(waits) + 1):
        try:
            transport.send(message, address)
            return None
        except Permanent as exc:
            return f"refused: {exc}"
        except Transient as exc:
            if attempt == len(waits):
                if isinstance(exc, Unreachable):
                    raise _GaveUp(f"{exc}; gave up after {retry.attempts} tries") from exc
                return f"still refused after {retry.attempts} tries: {exc}"
            say(f"  {exc}; trying again in {waits[attempt]:g} s")
            sleep(waits[attempt])
    return None  # pragma: no cover - the loop always returns or raises
