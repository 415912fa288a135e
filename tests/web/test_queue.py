"""The embedded queue running real solves (real solver, real files): results pages and
downloads, publishing and attendee links, a re-plan with its Changes and a calendar feed
that cancels and updates, a failing run, Stop keeping the best schedule, and the server
staying responsive meanwhile."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
import zipfile

import openpyxl
import pytest
from icalendar import Calendar

from scheduler.check import check_workbook
from scheduler.registration.read import read_workbook
from scheduler.registration.write import write_registration
from scheduler.web import store as st
from tests.helpers.paths import EXAMPLE
from tests.helpers.registration import valid_rows
from tests.web.conftest import (
    PASSWORD,
    csrf_of,
    ids_from,
    make_server,
    sign_in,
    start_run,
    upload,
    wait_run,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """One server, one event solved once (run 1), shared by the tests of this module."""
    folder = tmp_path_factory.mktemp("web-queue")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIGMEET_ADMIN_PASSWORD", PASSWORD)
        srv = make_server(folder / "data", workers=1)
    c = srv.app.test_client()
    sign_in(c)
    path = write_registration(folder / "small-event.xlsx", valid_rows())
    event_id, version_id = ids_from(upload(c, path).headers["Location"])
    run_id = start_run(c, event_id, version_id, limit=2)
    progress = wait_run(c, run_id)
    yield {
        "server": srv,
        "client": c,
        "event": event_id,
        "version": version_id,
        "run": run_id,
        "progress": progress,
        "folder": folder,
        "input": path,
    }
    srv.shutdown()


def test_embedded_queue_solves_in_a_worker_process_and_shows_results(solved):
    c, run_id = solved["client"], solved["run"]
    assert solved["progress"]["status"] == "done", solved["progress"]
    row = solved["server"].store.run(run_id)
    assert row["pid"] and row["pid"] != __import__("os").getpid()  # solved in its own process
    page = c.get(f"/runs/{run_id}").get_data(as_text=True)
    assert "Summary" in page and "<svg" in page and "weighted_share" in page
    assert "Publish to attendees" in page
    grid = c.get(f"/runs/{run_id}/wall-chart").get_data(as_text=True)
    assert "Ann (Acme)" in grid and "Hall A" in grid
    unscheduled = c.get(f"/runs/{run_id}/unscheduled").get_data(as_text=True)
    assert 'data-filter="#unscheduled tbody tr"' in unscheduled
    agenda = c.get(f"/runs/{run_id}/attendees/A-1").get_data(as_text=True)
    assert "Bob" in agenda or "Cy" in agenda


def test_downloads_are_the_run_output_files(solved):
    c, run_id = solved["client"], solved["run"]
    schedule = c.get(f"/runs/{run_id}/files/schedule.xlsx")
    assert schedule.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(schedule.data))
    assert {"Meetings", "Summary", "Grid", "Unscheduled"} <= set(wb.sheetnames)
    saved = solved["folder"] / "downloaded.xlsx"
    saved.write_bytes(schedule.data)
    event = read_workbook(solved["input"]).event
    assert check_workbook(event, saved).ok
    names = zipfile.ZipFile(io.BytesIO(c.get(f"/runs/{run_id}/files/agendas.zip").data)).namelist()
    assert any(n.endswith(".ics") for n in names)
    contacts = c.get(f"/runs/{run_id}/files/contacts.csv").get_data(as_text=True)
    assert "A-1" in contacts
    xlsx = c.get(f"/runs/{run_id}/attendees/A-1/agenda.xlsx")
    assert xlsx.status_code == 200 and openpyxl.load_workbook(io.BytesIO(xlsx.data))
    ics = c.get(f"/runs/{run_id}/attendees/A-1/agenda.ics")
    assert Calendar.from_ical(ics.data).walk("VEVENT")
    for bad in ["../sigmeet.db", "result.pickle", "solver.log", "%2e%2e%2fsigmeet.db"]:
        assert c.get(f"/runs/{run_id}/files/{bad}").status_code == 404
    assert c.get(f"/runs/{run_id}/attendees/..%2FA-1/agenda.ics").status_code == 404
    assert c.get(f"/runs/{run_id}/attendees/A-1/agenda.pickle").status_code == 404


def test_publish_makes_token_links_live_and_each_token_shows_only_its_attendee(solved):
    c, run_id, srv = solved["client"], solved["run"], solved["server"]
    anonymous = srv.app.test_client()
    response = c.post(f"/runs/{run_id}/publish", data={"csrf": csrf_of(c)})
    assert response.status_code == 302
    links = srv.store.links(solved["event"])
    assert set(links) == {"A-1", "A-2", "A-3", "A-4"}
    assert len(set(links.values())) == 4 and all(len(t) >= 30 for t in links.values())
    pages = {a: anonymous.get(f"/a/{t}").get_data(as_text=True) for a, t in links.items()}
    names = {"A-1": "Ann", "A-2": "Bob", "A-3": "Cy", "A-4": "Di"}
    for ident, html in pages.items():
        assert f"<h1>{names[ident]}</h1>" in html
        for other, token in links.items():
            if other != ident:
                assert token not in html  # nobody's page leads to anybody else's
        assert "/feed/" in html and "webcal://" in html
    feeds = {a: anonymous.get(f"/feed/{t}.ics").data for a, t in links.items()}
    assert len(set(feeds.values())) == 4
    for ident, data in feeds.items():
        assert f": {names[ident]}".encode() in Calendar.from_ical(data)["X-WR-CALNAME"].encode()
    # Ids, guesses and organiser pages do not open for attendees.
    for guess in ["A-1", "1", links["A-1"][:-1], links["A-1"] + "x"]:
        assert anonymous.get(f"/a/{guess}").status_code == 404
    assert anonymous.get(f"/runs/{run_id}").status_code == 302


def test_attendee_calendar_download_matches_the_feed_and_the_run_file(solved):
    c, srv = solved["client"], solved["server"]
    token = srv.store.token_for(solved["event"], "A-1")
    anonymous = srv.app.test_client()
    download = anonymous.get(f"/a/{token}/agenda.ics")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.data == anonymous.get(f"/feed/{token}.ics").data
    own_file = c.get(f"/runs/{solved['run']}/attendees/A-1/agenda.ics").data
    uids = lambda data: sorted(str(e["UID"]) for e in Calendar.from_ical(data).walk("VEVENT"))  # noqa: E731
    assert uids(download.data) == uids(own_file)


def test_replan_shows_changes_and_the_feed_cancels_and_keeps_uids(solved):
    c, srv, event_id = solved["client"], solved["server"], solved["event"]
    token = srv.store.token_for(event_id, "A-1")
    before = Calendar.from_ical(srv.app.test_client().get(f"/feed/{token}.ics").data)
    sheets = valid_rows()
    sheets["Attendees"][1]["status"] = "cancelled"  # Bob cancels
    v2 = write_registration(solved["folder"] / "small-event-v2.xlsx", sheets)
    _, version_id = ids_from(upload(c, v2, event_id).headers["Location"])
    run_id = start_run(c, event_id, version_id, limit=2, previous=solved["run"], keep="fixed")
    assert wait_run(c, run_id)["status"] == "done"
    page = c.get(f"/runs/{run_id}").get_data(as_text=True)
    assert "Changes since run 1" in page and "cancelled" in page
    c.post(f"/runs/{run_id}/publish", data={"csrf": csrf_of(c)})
    assert srv.store.token_for(event_id, "A-1") == token  # the same link follows re-plans
    after = Calendar.from_ical(srv.app.test_client().get(f"/feed/{token}.ics").data)
    old = {str(e["UID"]): e for e in before.walk("VEVENT")}
    new = {str(e["UID"]): e for e in after.walk("VEVENT")}
    assert set(old) <= set(new)  # every entry the attendee had is still there
    bob = [u for u, e in old.items() if "Bob" in str(e["SUMMARY"])]
    for uid in bob:
        assert str(new[uid]["STATUS"]) == "CANCELLED"
        assert int(new[uid]["SEQUENCE"]) > int(old[uid]["SEQUENCE"])
    bob_token = srv.store.links(event_id)["A-2"]
    bob_page = srv.app.test_client().get(f"/a/{bob_token}").get_data(as_text=True)
    assert "registration is cancelled" in bob_page


def test_a_failing_run_shows_its_error_and_earlier_results_stay(solved):
    c, srv, event_id = solved["client"], solved["server"], solved["event"]
    path = write_registration(solved["folder"] / "to-break.xlsx", valid_rows())
    _, version_id = ids_from(upload(c, path, event_id).headers["Location"])
    stored = srv.store.upload_path(srv.store.version(version_id))
    stored.write_bytes(b"PK\x03\x04 no longer a workbook")  # the disk lost it after the upload
    run_id = start_run(c, event_id, version_id, limit=2)
    progress = wait_run(c, run_id)
    assert progress["status"] == "failed"
    page = c.get(f"/runs/{run_id}").get_data(as_text=True)
    assert "The registration has 1 error(s)" in page and "Run again" in page
    earlier = c.get(f"/runs/{solved['run']}").get_data(as_text=True)
    assert "weighted_share" in earlier
    assert c.get(f"/runs/{solved['run']}/files/schedule.xlsx").status_code == 200


@pytest.mark.skipif(not EXAMPLE.is_file(), reason="the example event is not in this checkout")
def test_stop_keeps_the_best_schedule_and_pages_stay_responsive(tmp_path, admin_password):
    srv = make_server(tmp_path / "data", workers=1)
    try:
        c = srv.app.test_client()
        sign_in(c)
        shutil.copyfile(EXAMPLE, tmp_path / "example_event.xlsx")
        event_id, version_id = ids_from(
            upload(c, tmp_path / "example_event.xlsx").headers["Location"]
        )
        run_id = start_run(c, event_id, version_id, limit=120)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            p = c.get(f"/runs/{run_id}/progress").get_json()
            if p["objective"]:
                break
            time.sleep(0.2)
        assert p["status"] == "running" and p["objective"], p
        slowest = 0.0
        for _ in range(10):  # the server answers at once while the solver works
            t = time.monotonic()
            assert c.get(f"/runs/{run_id}").status_code == 200
            slowest = max(slowest, time.monotonic() - t)
        assert slowest < 0.5
        html = c.get(f"/runs/{run_id}").get_data(as_text=True)
        assert re.search(r"<progress[^>]*max=\"100\"", html) and "Stop and keep" in html
        stopped_at = time.monotonic()
        c.post(f"/runs/{run_id}/stop", data={"csrf": csrf_of(c)})
        done = wait_run(c, run_id, timeout=60)
        assert time.monotonic() - stopped_at < 30
        assert done["status"] == "done" and "Stopped by the organiser" in done["message"]
        assert srv.store.run(run_id)["stopped"] == 1
        schedule = c.get(f"/runs/{run_id}/files/schedule.xlsx")
        assert schedule.status_code == 200
        wb = openpyxl.load_workbook(io.BytesIO(schedule.data), read_only=True)
        assert wb["Meetings"].max_row > 100
        assert srv.store.run(run_id)["status"] == st.DONE
    finally:
        srv.shutdown()


def test_contacts_csv_is_real_csv(solved):
    data = solved["client"].get(f"/runs/{solved['run']}/files/contacts.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(data.lstrip("\ufeff"))))
    assert {r["attendee"] for r in rows} >= {"A-1", "A-2"}
