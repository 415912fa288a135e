"""One attendee's message: a plain-text and an HTML agenda (multipart/alternative), their
PDF and their calendar file attached.

The agenda in the message is read from the attendee's .ics in the output folder, which is
also what is attached, so the mail, the attachment and what the calendar program imports can
never disagree. The calendar part's MIME `method=` is the file's METHOD (PUBLISH: see
README, "Sending agendas"). After a re-plan the message starts with what changed (the
Changes sheet's rows for the attendee). Every text from the workbook is escaped in the HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape

from scheduler.mail.addresses import normalised
from scheduler.mail.folder import Agenda, Entry, Recipient

AGENDA, NOTICE = "agenda", "notice"


def content_key(kind: str, agenda: Agenda, changes: Sequence[tuple[str, str]]) -> str:
    """What a message says, as a short hash: the send log counts a message as sent once per
    attendee and content, so a later re-plan's notice is still sent."""
    digest = hashlib.sha256(kind.encode())
    digest.update(agenda.data)
    for change, details in changes:
        digest.update(f"\n{change}\t{details}".encode())
    return digest.hexdigest()[:20]


def _when(e: Entry) -> str:
    return f"{e.start:%H:%M}–{e.end:%H:%M}"


def _days(entries: Sequence[Entry]) -> list[tuple[str, list[Entry]]]:
    days: dict[str, list[Entry]] = {}
    for e in entries:
        if not e.cancelled:
            days.setdefault(f"{e.start:%A %d %B %Y}", []).append(e)
    return list(days.items())


def subject(kind: str, event: str) -> str:
    return f"Your agenda has changed: {event}" if kind == NOTICE else f"Your agenda: {event}"


def plain_text(
    recipient: Recipient, agenda: Agenda, kind: str, changes: Sequence[tuple[str, str]]
) -> str:
    lines = [f"Dear {recipient.name},", ""]
    if kind == NOTICE:
        lines += [f"your agenda for {agenda.event} has changed:", ""]
        lines += [f"  - {change}: {details}" for change, details in changes]
        lines += [
            "",
            "Import the attached calendar file (.ics) again: it updates the entries you",
            "imported before, and marks cancelled ones as cancelled.",
            "",
            "Your agenda now:",
        ]
    else:
        lines += [
            f"here is your agenda for {agenda.event}. The printable PDF and a calendar",
            "file (.ics) to import into your calendar program are attached.",
            "",
        ]
    days = _days(agenda.entries)
    if agenda.venue:
        lines += ["", f"Venue: {agenda.venue}"]
    for day, entries in days:
        lines += ["", day]
        for e in entries:
            lines.append(f"  {_when(e)}  {e.summary}")
            if e.place or e.location:
                lines.append(f"               {e.place or e.location}")
    if not days:
        lines += ["", "Nothing is scheduled for you."]
    lines += ["", "Sent by sigmeet for the organisers; reply to reach them."]
    return "\n".join(lines) + "\n"


def html_text(
    recipient: Recipient, agenda: Agenda, kind: str, changes: Sequence[tuple[str, str]]
) -> str:
    h = escape
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{h(subject(kind, agenda.event))}</title></head>",
        "<body style='font-family:Arial,Helvetica,sans-serif;color:#1b1f24'>",
        f"<p>Dear {h(recipient.name)},</p>",
    ]
    if kind == NOTICE:
        parts.append(f"<p>your agenda for <b>{h(agenda.event)}</b> has changed:</p><ul>")
        parts += [f"<li><b>{h(c)}</b>: {h(d)}</li>" for c, d in changes]
        parts.append(
            "</ul><p>Import the attached calendar file (.ics) again: it updates the entries "
            "you imported before, and marks cancelled ones as cancelled.</p>"
            "<h3>Your agenda now</h3>"
        )
    else:
        parts.append(
            f"<p>here is your agenda for <b>{h(agenda.event)}</b>. The printable PDF and a "
            "calendar file (.ics) to import into your calendar program are attached.</p>"
        )
    days = _days(agenda.entries)
    if agenda.venue:
        parts.append(f"<p>Venue: {h(agenda.venue)}</p>")
    for day, entries in days:
        parts.append(f"<h4 style='margin-bottom:4px'>{h(day)}</h4>")
        parts.append("<table cellpadding='4' style='border-collapse:collapse'>")
        for e in entries:
            parts.append(
                f"<tr><td style='white-space:nowrap;vertical-align:top'>{h(_when(e))}</td>"
                f"<td><b>{h(e.summary)}</b><br><span style='color:#6a737d'>"
                f"{h(e.place or e.location)}</span></td></tr>"
            )
        parts.append("</table>")
    if not days:
        parts.append("<p>Nothing is scheduled for you.</p>")
    parts.append(
        "<p style='color:#6a737d;font-size:small'>Sent by sigmeet for the organisers; "
        "reply to reach them.</p></body></html>"
    )
    return "\n".join(parts) + "\n"


def compose(
    recipient: Recipient,
    agenda: Agenda,
    *,
    sender: str,
    kind: str = AGENDA,
    changes: Sequence[tuple[str, str]] = (),
    pdf: bytes | None = None,
) -> EmailMessage:
    """The message to `recipient` (whose address is valid: see `addresses.py`)."""
    msg = EmailMessage()
    msg["Subject"] = subject(kind, agenda.event)
    msg["From"] = sender
    local, _, domain = normalised(recipient.email).rpartition("@")
    msg["To"] = Address(display_name=recipient.name, username=local, domain=domain)
    msg["Date"] = formatdate(localtime=True)
    sender_domain = Address(addr_spec=msg["From"].addresses[0].addr_spec).domain or "sigmeet"
    msg["Message-ID"] = make_msgid(idstring="sigmeet", domain=sender_domain)
    msg["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    msg.set_content(plain_text(recipient, agenda, kind, changes))
    msg.add_alternative(html_text(recipient, agenda, kind, changes), subtype="html")
    msg.make_mixed()
    if pdf is not None and recipient.pdf is not None:
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=recipient.pdf.name)
    msg.add_attachment(
        agenda.data,
        maintype="text",
        subtype="calendar",
        filename=recipient.ics.name,
        params={"method": agenda.method, "charset": "utf-8"},
    )
    return msg
