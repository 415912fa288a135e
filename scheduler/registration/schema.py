"""The registration workbook's sheets and columns, as the contract (docs/workbook.md) fixes them.

Shared by the reader (which matches sheet and column names case- and space-insensitively)
and the template writer (which writes them exactly as spelled here).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SheetSpec:
    name: str
    required: bool
    columns: tuple[str, ...]  # every contract column, in template order
    required_columns: tuple[str, ...]


EVENT = SheetSpec("Event", False, ("key", "value"), ("key", "value"))
SESSIONS = SheetSpec(
    "Sessions",
    True,
    ("session", "date", "start", "end", "slot_minutes", "changeover_minutes"),
    ("session", "date", "start", "end", "slot_minutes"),
)
ATTENDEES = SheetSpec(
    "Attendees",
    True,
    (
        "id",
        "name",
        "organisation",
        "email",
        "country",
        "type",
        "sessions",
        "max_meetings",
        "min_meetings",
        "host_table",
        "status",
    ),
    ("id", "name", "organisation"),
)
UNAVAILABLE = SheetSpec(
    "Unavailable", False, ("attendee", "date", "from", "to"), ("attendee", "date", "from", "to")
)
REQUESTS = SheetSpec(
    "Requests", True, ("from", "to", "priority", "status", "sessions"), ("from", "to")
)
TABLES = SheetSpec("Tables", True, ("table", "room", "sessions"), ("table",))
PANELS = SheetSpec(
    "Panels",
    False,
    ("panel", "title", "room", "capacity", "minutes", "moderator", "date", "start", "sessions"),
    ("panel", "title", "capacity", "minutes"),
)
PANEL_CHOICES = SheetSpec(
    "PanelChoices", False, ("attendee", "panel", "priority"), ("attendee", "panel")
)
PINNED = SheetSpec(
    "Pinned", False, ("a", "b", "date", "start", "table"), ("a", "b", "date", "start")
)

# Contract order: problems are reported sheet by sheet in this order.
SHEETS = (EVENT, SESSIONS, ATTENDEES, UNAVAILABLE, REQUESTS, TABLES, PANELS, PANEL_CHOICES, PINNED)

EVENT_KEYS = ("name", "timezone", "venue", "max_meetings", "max_consecutive", "mutual_only")

REQUEST_STATUSES = ("pending", "accepted", "declined")
ATTENDEE_STATUSES = ("registered", "cancelled")
# Spellings organisers use for the same answers.
STATUS_SYNONYMS = {"canceled": "cancelled", "": "registered"}


def normalise_name(name: object) -> str:
    """Sheet or column name as compared: case, spaces, underscores and hyphens ignored."""
    text = "" if name is None else str(name)
    return "".join(ch for ch in text.lower() if ch not in " _-\t\n\r\xa0")
