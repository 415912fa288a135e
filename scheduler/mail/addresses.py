"""Addresses that cannot be valid are found before anything is sent, each named by its row
in the registration's Attendees sheet, so the organiser can fix them in one go."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from scheduler.mail.folder import Recipient


@dataclass(frozen=True)
class AddressProblem:
    recipient: Recipient
    reason: str

    def __str__(self) -> str:
        r = self.recipient
        where = f"Attendees row {r.row}" if r.row else "Attendees"
        return (
            f'{where}, column "email": {r.email!r} of {r.attendee} ({r.name}) is not a valid '
            f"address: {self.reason}"
        )


def normalised(address: str) -> str:
    """The address as mail servers want it (raises EmailNotValidError).

    Only the syntax is checked (no DNS look-ups), and special-use domains such as
    `.example`, `.test` or `.internal` are allowed: an in-house server may deliver there.
    """
    return validate_email(
        address, check_deliverability=False, globally_deliverable=False, test_environment=True
    ).normalized


def address_problem(recipient: Recipient) -> AddressProblem | None:
    try:
        normalised(recipient.email)
    except EmailNotValidError as exc:
        return AddressProblem(recipient, str(exc))
    return None
