"""The printable PDFs read back as text (pypdf): one A4 page per attendee with the event,
their meetings (time, partner, organisation, table, room) and panels; agendas.pdf in name
order; tables.pdf one sign per table; accented names kept; a QR code only with a URL."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from scheduler.exports.folder import write_outputs
from scheduler.exports.pdf import AGENDAS_PDF, TABLES_PDF, name_order
from tests.helpers.outputs import base_sheets, demo_event, demo_schedule

ACCENTED = {"A1": "Jürgen Ärger", "A2": "Inès Lefèvre", "A5": "Łukasz Żółw", "A6": "Őrs Kő"}
ORGS = {"A2": "Çağla Biyoteknoloji A.Ş."}
A4 = (595.28, 841.89)


def pages_text(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    sheets = base_sheets()
    for row in sheets["Attendees"]:
        row["name"] = ACCENTED.get(row["id"], row["name"])
        row["organisation"] = ORGS.get(row["id"], row["organisation"])
    event, input_path = demo_event(tmp_path_factory.mktemp("input"), sheets)
    urls = {"A1": "https://sigmeet.example/a/k3Zr9QpXw"}
    folder = tmp_path_factory.mktemp("pdf") / "out"
    write_outputs(folder, event, demo_schedule(event), input_path=input_path, agenda_urls=urls)
    return event, folder


def test_one_a4_page_per_attendee_with_event_meetings_and_panels(out):
    event, folder = out
    (page,) = PdfReader(folder / "agendas" / "A1-jurgen-arger.pdf").pages
    assert tuple(round(float(x), 2) for x in page.mediabox[2:]) == A4
    text = page.extract_text()
    for expected in (
        "Demo Partnering Day",
        "Expo Hall, Berlin",
        "Tuesday 05 March 2024",
        "Jürgen Ärger",
        "Acme",
        # the meeting with Inès at 09:00 at table T1 in Hall A
        "09:00–09:20",
        "Inès Lefèvre",
        "Çağla Biyoteknoloji A.Ş.",
        "Table T1 · Hall A",
        # the panel
        "Panel: AI in Health",
        "Room 1",
        "participant",
        "2 meetings, 1 panel",
    ):
        assert expected in text, expected
    assert "your agenda online" in text  # the QR code's caption: A1 has a URL


def test_accented_names_survive_in_every_pdf(out):
    event, folder = out
    everything = "\n".join(pages_text(folder / AGENDAS_PDF) + pages_text(folder / TABLES_PDF))
    for name in (*ACCENTED.values(), *ORGS.values()):
        assert name in everything, name


def test_agendas_pdf_holds_every_attendee_in_name_order(out):
    event, folder = out
    texts = pages_text(folder / AGENDAS_PDF)
    people = name_order([a for a in event.attendees if not a.cancelled])
    assert len(texts) == len(people)
    for text, person in zip(texts, people, strict=True):
        assert f"id {person.id}" in text
    # Accents are ignored when sorting: Łukasz under L, Őrs under O.
    names = [p.name for p in people]
    assert names.index("Łukasz Żółw") < names.index("Őrs Kő")
    assert names.index("Jürgen Ärger") < names.index("Łukasz Żółw")
    assert "Carl Gone" not in "\n".join(texts)  # cancelled: no agenda
    # Only A1 has a web agenda, so only their page has a QR code.
    assert [("your agenda online" in t) for t in texts] == [p.id == "A1" for p in people]


def test_tables_pdf_one_sign_per_table_with_its_meetings_by_slot(out):
    event, folder = out
    texts = pages_text(folder / TABLES_PDF)
    assert len(texts) == len(event.tables)
    signs = dict(zip((t.id for t in event.tables), texts, strict=True))
    assert "Table T1" in signs["T1"] and "Hall A" in signs["T1"]
    assert "09:00–09:20 Jürgen Ärger (Acme) Inès Lefèvre" in " ".join(signs["T1"].split())
    assert "free" in signs["T1"]
    assert "Host: Dora Host (Host AG)" in signs["T3"]
    assert "Inès Lefèvre" in signs["T3"] and "Dora Host" in signs["T3"]


def test_pdfs_are_in_the_zip_and_contacts(out):
    import csv
    import zipfile

    event, folder = out
    with zipfile.ZipFile(folder / "agendas.zip") as zf:
        assert "agendas/A1-jurgen-arger.pdf" in zf.namelist()
    with (folder / "contacts.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["attendee"]: r for r in csv.DictReader(fh)}
    assert rows["A1"]["agenda_pdf"] == "agendas/A1-jurgen-arger.pdf"
    assert rows["A1"]["attendees_row"] == str(event.attendee["A1"].row)


def test_a_long_day_still_fits_one_page(tmp_path):
    """Forty slots, meetings in every other one: one page, every meeting on it."""
    import datetime as dt

    from scheduler.exports.agendas.items import activities_by_attendee, personal_timeline
    from scheduler.exports.pdf import write_agenda_pdf

    sheets = base_sheets()
    sheets["Sessions"] = [
        {"session": "LONG", "date": dt.date(2024, 3, 5), "start": dt.time(7), "end": dt.time(21),
         "slot_minutes": 20}
    ]  # fmt: skip
    event, _ = demo_event(tmp_path, sheets)
    from models.domain import Meeting, Schedule

    others = [a.id for a in event.attendees if a.id not in ("A1", "A7", "A8")]
    meetings = tuple(
        Meeting("A1", others[i % len(others)], slot.index, "T1")
        for i, slot in enumerate(event.slots[::2])
    )
    schedule = Schedule(meetings=meetings)
    person = event.attendee["A1"]
    timeline = personal_timeline(event, person, activities_by_attendee(event, schedule)["A1"])
    path = write_agenda_pdf(tmp_path / "long.pdf", event, person, timeline)
    (page,) = PdfReader(path).pages
    text = page.extract_text()
    assert all(f"{event.slots[m.slot].start:%H:%M}–" in text for m in meetings)


def test_reused_font_subsets_write_what_reportlab_writes(out, tmp_path, monkeypatch):
    """fonts.ReusedSubsetFont reuses each subset's objects; the files must stay reportlab's
    own, byte for byte (also when a reportlab upgrade changes how fonts are embedded)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from scheduler.exports.agendas.items import activities_by_attendee
    from scheduler.exports.pdf import register_fonts, write_agendas_pdf
    from scheduler.exports.pdf.fonts import find_font_files

    event, _ = out
    activities = activities_by_attendee(event, demo_schedule(event))

    def written(name: str) -> bytes:
        path = tmp_path / name
        write_agendas_pdf(path, event, activities)
        return path.read_bytes()

    regular, bold = register_fonts()
    reused = [written(f"reused{i}.pdf") for i in range(2)]  # the second from the cache
    files = find_font_files()
    for name, path in ((regular, files.regular), (bold, files.bold)):
        monkeypatch.setitem(pdfmetrics._fonts, name, TTFont(name, str(path)))
    assert reused == [written("reportlab.pdf")] * 2
