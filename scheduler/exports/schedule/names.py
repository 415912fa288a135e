"""The schedule workbook's names, in one place: its file name, its sheets and their columns.

The contract (docs/workbook.md, Output) fixes the file name, the sheet names and the first
columns of each sheet, in order; what follows those is sigmeet's own. Every writer of the
workbook, its reader, the checker and the re-plan use these names, so a sheet is spelled
once and a rename cannot leave one of them behind.
"""

from __future__ import annotations

SCHEDULE_FILE = "schedule.xlsx"

MEETINGS = "Meetings"
PANELS = "Panels"
PANEL_ROSTERS = "Panel rosters"
AGENDAS = "Agendas"
UNSCHEDULED = "Unscheduled"
SUMMARY = "Summary"
GRID = "Grid"
CHANGES = "Changes"

MEETINGS_COLUMNS = (
    "meeting",
    "date",
    "start",
    "end",
    "table",
    "room",
    "a",
    "a_name",
    "a_organisation",
    "b",
    "b_name",
    "b_organisation",
    "priority",
    "mutual",
    "origin",
)
PANELS_COLUMNS = (
    "panel",
    "title",
    "date",
    "start",
    "end",
    "room",
    "attendee",
    "attendee_name",
    "role",
)
# Contract columns first, then what helps an organiser filter and answer questions.
AGENDAS_COLUMNS = (
    "attendee",
    "name",
    "date",
    "start",
    "end",
    "activity",
    "with",
    "location",
    "with_id",
    "with_organisation",
    "panel",
    "role",
)
# Contract columns first; names and details follow so the sheet answers questions unaided.
UNSCHEDULED_COLUMNS = (
    "a",
    "b",
    "priority",
    "mutual",
    "reason",
    "a_name",
    "a_organisation",
    "b_name",
    "b_organisation",
    "details",
)
SUMMARY_COLUMNS = ("metric", "value", "about")
CHANGES_COLUMNS = ("attendee", "name", "email", "change", "details")
# Not fixed by the contract: the Grid's first columns (tables follow) and the header of
# each panel's block on the Panel rosters sheet.
GRID_SLOT_COLUMNS = ("session", "date", "start", "end")
PANEL_ROSTER_COLUMNS = ("role", "attendee", "name", "organisation", "email")

# What a reader of Meetings and Panels (the checker, a re-plan) needs: the required columns
# must be there; the optional ones are judged when a workbook has them. A workbook made by
# another tool or by hand may lack the names and the other descriptive columns.
MEETINGS_REQUIRED = ("date", "start", "end", "table", "a", "b")
MEETINGS_OPTIONAL = ("meeting", "room", "priority", "mutual", "origin")
PANELS_REQUIRED = ("panel", "date", "start", "end", "attendee", "role")
PANELS_OPTIONAL = ("title", "room")
