"""Write a blank registration workbook: instructions, every contract sheet, dropdowns, formats.

Data sheets start empty (no example rows to forget and delete): the examples live in the
Instructions sheet, next to the explanation of each column.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from scheduler.registration.schema import (
    ATTENDEE_STATUSES,
    EVENT_KEYS,
    REQUEST_STATUSES,
    SHEETS,
    SheetSpec,
)

LAST_ROW = 1048576  # Excel's last row: dropdowns and formats cover the whole column

SHEET_PURPOSE = {
    "Event": "Settings of the whole event, one per row. Leave a value blank to use the default.",
    "Sessions": "Blocks of time when meetings happen, each cut into meeting slots. Required.",
    "Attendees": "Everyone taking part, one row each. Required.",
    "Unavailable": "Optional: times when an attendee is away (no meeting or panel then).",
    "Requests": "Who wants to meet whom, one row per request. Required.",
    "Tables": "The meeting tables, one row each. Required.",
    "Panels": "Optional: small discussion panels.",
    "PanelChoices": "Optional: which attendee wants to join which panel.",
    "Pinned": "Optional: meetings you fix by hand; they are kept exactly as given.",
}

# (sheet, column) -> (meaning, example)
COLUMN_HELP = {
    ("Event", "name"): (
        "Event title, printed on agendas (default: the file name).",
        "BioMatch 2013",
    ),
    ("Event", "timezone"): ("Time zone for calendar files (default UTC).", "Europe/Berlin"),
    ("Event", "venue"): ("Printed on agendas and calendar entries.", "Congress Centre"),
    ("Event", "max_meetings"): ("Default most meetings per attendee (blank: no cap).", "12"),
    ("Event", "max_consecutive"): (
        "Most meetings in a row before a free slot (blank: no limit).",
        "4",
    ),
    ("Event", "mutual_only"): ("yes: only pairs who both want to meet are scheduled.", "no"),
    ("Sessions", "session"): ("A short unique id for the block.", "D1-AM"),
    ("Sessions", "date"): ("The day of the block.", "2013-02-27"),
    ("Sessions", "start"): ("When the first meeting starts.", "09:00"),
    ("Sessions", "end"): ("When the block ends; the last meeting ends by then.", "12:30"),
    ("Sessions", "slot_minutes"): ("Length of one meeting in minutes.", "20"),
    ("Sessions", "changeover_minutes"): ("Pause between two meetings (blank: 0).", "5"),
    ("Attendees", "id"): ("A unique id for the person. Required.", "A-017"),
    ("Attendees", "name"): ("Full name. Required.", "Maria Rossi"),
    ("Attendees", "organisation"): ("Company or institute. Required.", "Rossi Biotech"),
    ("Attendees", "email"): ("Optional.", "maria@rossi.example"),
    ("Attendees", "country"): ("Optional.", "Italy"),
    ("Attendees", "type"): ("Optional: company, research, investor, ...", "company"),
    ("Attendees", "sessions"): (
        "Sessions the person attends, comma-separated (blank: all).",
        "D1-AM, D1-PM",
    ),
    ("Attendees", "max_meetings"): ("Most meetings for this person (blank: Event default).", "8"),
    ("Attendees", "min_meetings"): (
        "Target number of meetings (e.g. a paid package); a miss is reported, not an error.",
        "5",
    ),
    ("Attendees", "host_table"): (
        "A table id: this person holds all meetings there, and nobody else uses it.",
        "T07",
    ),
    ("Attendees", "status"): (
        "registered (or blank), or cancelled: the row stays but the person takes part in nothing.",
        "registered",
    ),
    ("Unavailable", "attendee"): ("Attendee id.", "A-017"),
    ("Unavailable", "date"): ("The day.", "2013-02-27"),
    ("Unavailable", "from"): ("Away from this time ...", "10:00"),
    ("Unavailable", "to"): ("... until this time.", "11:00"),
    ("Requests", "from"): ("Id of the attendee asking for the meeting.", "A-017"),
    ("Requests", "to"): ("Id of the attendee they want to meet.", "A-042"),
    ("Requests", "priority"): ("1 (nice to have) to 5 (must meet); blank: 3.", "4"),
    ("Requests", "status"): (
        "The answer of the requested person: accepted, declined, or pending/blank.",
        "accepted",
    ),
    ("Requests", "sessions"): (
        "Optional: sessions the pair may meet in, comma-separated (blank: any).",
        "D1-PM",
    ),
    ("Tables", "table"): ("A unique id for the table.", "T07"),
    ("Tables", "room"): ("Where the table stands.", "Hall A"),
    ("Tables", "sessions"): ("Sessions the table can be used in (blank: all).", "D1-AM"),
    ("Panels", "panel"): ("A unique id for the panel.", "P1"),
    ("Panels", "title"): ("Title, printed on agendas. Required.", "Funding in 2013"),
    ("Panels", "room"): ("Panel room; two panels in one room never overlap.", "Room 2"),
    ("Panels", "capacity"): ("Most participants, moderator included.", "8"),
    ("Panels", "minutes"): ("How long the panel lasts.", "45"),
    ("Panels", "moderator"): ("Optional attendee id; the moderator always takes part.", "A-003"),
    ("Panels", "date"): ("Optional fixed day (give a start too).", "2013-02-27"),
    ("Panels", "start"): (
        "Optional fixed start; blank date and start: sigmeet picks a time.",
        "14:00",
    ),
    ("Panels", "sessions"): ("Sessions the panel may be placed in (blank: any).", "D1-PM"),
    ("PanelChoices", "attendee"): ("Attendee id.", "A-017"),
    ("PanelChoices", "panel"): ("Panel id.", "P1"),
    ("PanelChoices", "priority"): ("1 (nice to have) to 5 (must join); blank: 3.", "5"),
    ("Pinned", "a"): ("Id of one attendee.", "A-017"),
    ("Pinned", "b"): ("Id of the other attendee.", "A-042"),
    ("Pinned", "date"): ("The day.", "2013-02-27"),
    ("Pinned", "start"): ("Start of the meeting: must be the start of a meeting slot.", "09:25"),
    ("Pinned", "table"): ("Optional table id (blank: any free table).", "T07"),
}

DATE_COLUMNS = {"date"}
TIME_COLUMNS = {"start", "end", "from", "to"}
# Typed as text so that Excel keeps ids like 007 and lists like "1,2" exactly as written.
TEXT_COLUMNS = {
    "session",
    "id",
    "sessions",
    "host_table",
    "attendee",
    "table",
    "panel",
    "moderator",
    "a",
    "b",
}

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")

INTRO = (
    "How to use this workbook",
    "Fill in the sheets after this one, then run:  sigmeet validate THIS_FILE.xlsx",
    "Keep the sheet names and the header row (row 1) as they are; you may add columns "
    "and sheets of your own, they are ignored.",
    "The data sheets start empty on purpose: the example column below shows what a value "
    "looks like. Do not copy the examples into the data sheets unless you mean them.",
    "Dates may be typed as 2013-02-27 or 27.02.2013, times as 09:00 or 9:00 AM. Ids may be "
    "numbers or text. Lists of sessions are comma-separated.",
    "Required sheets: Sessions, Attendees, Requests, Tables. The others may stay empty.",
)


def _choices(values: tuple[str, ...]) -> DataValidation:
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    dv.error = "Please pick one of: " + ", ".join(values)
    dv.errorTitle = "Not a valid choice"
    dv.showErrorMessage = True
    return dv


def _write_instructions(wb: Workbook) -> None:
    ws = wb.active
    ws.title = "Instructions"
    ws["A1"] = INTRO[0]
    ws["A1"].font = Font(bold=True, size=14)
    for i, line in enumerate(INTRO[1:], start=2):
        ws.cell(i, 1, line)
    row = len(INTRO) + 2
    for col, header in enumerate(("sheet", "column", "required", "meaning", "example"), start=1):
        cell = ws.cell(row, col, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for spec in SHEETS:
        row += 1
        ws.cell(row, 1, spec.name).font = Font(bold=True)
        ws.cell(row, 3, "required sheet" if spec.required else "optional sheet")
        ws.cell(row, 4, SHEET_PURPOSE[spec.name])
        names = EVENT_KEYS if spec.name == "Event" else spec.columns
        for column in names:
            row += 1
            meaning, example = COLUMN_HELP[(spec.name, column)]
            required = spec.name != "Event" and column in spec.required_columns
            ws.cell(row, 2, column)
            ws.cell(row, 3, "yes" if required else "")
            ws.cell(row, 4, meaning).alignment = Alignment(wrap_text=True)
            ws.cell(row, 5, example)
    for letter, width in zip("ABCDE", (14, 20, 16, 80, 18), strict=True):
        ws.column_dimensions[letter].width = width


def _write_sheet(wb: Workbook, spec: SheetSpec) -> None:
    ws = wb.create_sheet(spec.name)
    ws.append(list(spec.columns))
    ws.freeze_panes = "A2"
    for i, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(1, i)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        dim = ws.column_dimensions[letter]
        dim.width = max(12, len(column) + 4)
        if column in DATE_COLUMNS:
            dim.number_format = "yyyy-mm-dd"
        elif column in TIME_COLUMNS:
            dim.number_format = "hh:mm"
        elif column in TEXT_COLUMNS:
            dim.number_format = "@"
        whole_column = f"{letter}2:{letter}{LAST_ROW}"
        validation = None
        if column == "priority":
            validation = _choices(("1", "2", "3", "4", "5"))
        elif column == "status" and spec.name == "Requests":
            validation = _choices(REQUEST_STATUSES)
        elif column == "status" and spec.name == "Attendees":
            validation = _choices(ATTENDEE_STATUSES)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(whole_column)
    if spec.name == "Event":
        for key in EVENT_KEYS:
            ws.append([key, None])
        row = 2 + EVENT_KEYS.index("mutual_only")
        yes_no = _choices(("yes", "no"))
        ws.add_data_validation(yes_no)
        yes_no.add(f"B{row}")
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["B"].width = 30


def write_template(path: str | Path) -> Path:
    path = Path(path)
    wb = Workbook()
    _write_instructions(wb)
    for spec in SHEETS:
        _write_sheet(wb, spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
