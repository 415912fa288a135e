"""The output folder appears complete or not at all, and an earlier run is never lost."""

from __future__ import annotations

import csv
import dataclasses
import zipfile

import pytest
from openpyxl import load_workbook

from models.domain import Meeting
from scheduler.exports.folder import OutputExists, write_outputs
from tests.helpers.outputs import demo_event, demo_schedule

EXPECTED = ["agendas", "agendas.pdf", "agendas.zip", "contacts.csv", "schedule.xlsx", "tables.pdf"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    event, input_path = demo_event(tmp_path_factory.mktemp("input"))
    return event, demo_schedule(event), input_path


def test_writes_a_new_folder_and_leaves_no_temporary_files(tmp_path, demo):
    event, schedule, input_path = demo
    out = write_outputs(tmp_path / "deep" / "out", event, schedule, input_path=input_path)
    assert out == tmp_path / "deep" / "out"
    assert sorted(p.name for p in out.iterdir()) == EXPECTED
    assert [p.name for p in out.parent.iterdir()] == ["out"]


def test_an_existing_empty_folder_is_used(tmp_path, demo):
    event, schedule, input_path = demo
    (tmp_path / "out").mkdir()
    out = write_outputs(tmp_path / "out", event, schedule, input_path=input_path)
    assert sorted(p.name for p in out.iterdir()) == EXPECTED


def test_an_earlier_run_is_refused_without_force_and_nothing_is_written(tmp_path, demo):
    event, schedule, input_path = demo
    out = tmp_path / "out"
    out.mkdir()
    (out / "schedule.xlsx").write_bytes(b"earlier run")
    with pytest.raises(OutputExists) as caught:
        write_outputs(out, event, schedule, input_path=input_path)
    assert str(out) in str(caught.value) and "force" in str(caught.value)
    assert [p.name for p in out.iterdir()] == ["schedule.xlsx"]
    assert (out / "schedule.xlsx").read_bytes() == b"earlier run"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_force_keeps_the_earlier_run_as_a_backup_and_says_where(tmp_path, demo):
    event, schedule, input_path = demo
    out = tmp_path / "out"
    out.mkdir()
    (out / "schedule.xlsx").write_bytes(b"earlier run")
    told: list[str] = []
    write_outputs(out, event, schedule, input_path=input_path, force=True, notify=told.append)
    backups = [p for p in tmp_path.iterdir() if p.name.startswith("out-previous-")]
    assert len(backups) == 1
    assert (backups[0] / "schedule.xlsx").read_bytes() == b"earlier run"
    assert sorted(p.name for p in out.iterdir()) == EXPECTED
    assert len(told) == 1 and str(backups[0]) in told[0]
    # A second forced run in the same second gets a backup folder of its own.
    write_outputs(out, event, schedule, input_path=input_path, force=True, notify=told.append)
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("out-previous-")]) == 2


def test_a_failure_midway_leaves_neither_a_partial_folder_nor_temporary_files(tmp_path, demo):
    event, schedule, input_path = demo
    # A meeting at a slot the event does not have makes writing fail after it has begun.
    broken = dataclasses.replace(
        schedule, meetings=schedule.meetings + (Meeting("A5", "A8", 999, "T3"),)
    )
    with pytest.raises(KeyError):
        write_outputs(tmp_path / "out", event, broken, input_path=input_path)
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_the_way_is_refused(tmp_path, demo):
    event, schedule, input_path = demo
    (tmp_path / "out").write_text("not a folder")
    with pytest.raises(OutputExists):
        write_outputs(tmp_path / "out", event, schedule, input_path=input_path, force=True)


def test_several_processes_write_the_same_files_as_one(tmp_path, demo):
    event, schedule, input_path = demo
    one = write_outputs(tmp_path / "one", event, schedule, input_path=input_path, workers=1)
    two = write_outputs(tmp_path / "two", event, schedule, input_path=input_path, workers=2)
    names = sorted(p.name for p in (one / "agendas").iterdir())
    assert names == sorted(p.name for p in (two / "agendas").iterdir())
    for name in names:
        if name.endswith(".xlsx"):
            assert cell_values(one / "agendas" / name) == cell_values(two / "agendas" / name)
        else:  # calendars and PDFs: byte for byte
            assert (one / "agendas" / name).read_bytes() == (two / "agendas" / name).read_bytes()
    assert cell_values(one / "schedule.xlsx") == cell_values(two / "schedule.xlsx")
    for name in ("agendas.pdf", "tables.pdf"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    assert (one / "contacts.csv").read_bytes() == (two / "contacts.csv").read_bytes()
    # The zip is filled chunk by chunk as writers finish: the same entries, in file order.
    with zipfile.ZipFile(one / "agendas.zip") as a, zipfile.ZipFile(two / "agendas.zip") as b:
        assert a.namelist() == b.namelist() == [f"agendas/{n}" for n in _planned(one)]
        assert all(a.read(n) == b.read(n) for n in a.namelist() if n.endswith(".ics"))


def _planned(folder) -> list[str]:
    """The agenda files in contacts.csv order (Attendees order): xlsx, ics, pdf each."""
    with (folder / "contacts.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    return [
        r[k].removeprefix("agendas/")
        for r in rows
        for k in ("agenda_xlsx", "agenda_ics", "agenda_pdf")
    ]


def cell_values(path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_each_writer_job_carries_only_what_it_writes(tmp_path, demo):
    import datetime as dt

    from scheduler.exports.agendas.bundle import plan_agenda_files
    from scheduler.exports.agendas.history import PreviousCalendars
    from scheduler.exports.agendas.items import activities_by_attendee
    from scheduler.exports.parallel import OutputContext, job_input, plan_jobs
    from scheduler.exports.pdf.documents import DOCUMENTS

    event, schedule, input_path = demo
    people = [a for a in event.attendees if not a.cancelled]
    files = plan_agenda_files(tmp_path, people)
    activities = activities_by_attendee(event, schedule)
    previous = PreviousCalendars(schedule=schedule).rebuilt(event, activities)
    ctx = OutputContext(
        tmp_path,
        event,
        schedule,
        activities,
        input_path,
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        previous,
        agenda_urls={a.id: f"https://x/{a.id}" for a in people},
    )
    jobs = plan_jobs(files, 2, DOCUMENTS)
    chunks = [job for job in jobs if job.files]
    assert len(chunks) > 1
    for job in chunks:
        data = job_input(ctx, job)
        ids = [f.attendee for f in job.files]
        assert [a.id for a in data.event.attendees] == ids
        assert set(data.activities) == set(ids) and set(data.urls) == set(ids)
        assert set(data.previous.versions) == set(ids)
        assert data.schedule is None and not data.event.requests and not data.event.pairs
        assert {u.attendee for u in data.event.unavailability} <= set(ids)
    signs = job_input(ctx, next(job for job in jobs if job.document == "tables.pdf"))
    assert signs.schedule.meetings == schedule.meetings and not signs.schedule.panels
    assert signs.event.tables == event.tables and not signs.activities
