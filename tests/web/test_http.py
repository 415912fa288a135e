"""Every organiser page and every error the issue names, over HTTP (Flask's test client),
without solving: login, set-up link, CSRF, escaping, upload checks, the validation report,
restarts keeping data and marking interrupted runs."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from scheduler.web import store as st
from scheduler.web.app import setup_token
from scheduler.web.uploads import MAX_UPLOAD_BYTES
from tests.web.conftest import (
    PASSWORD,
    csrf_of,
    ids_from,
    make_server,
    sign_in,
    upload,
)

ORGANISER_PAGES = ["/", "/template.xlsx", "/events/1", "/runs/1", "/runs/1/progress"]


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_organiser_pages_require_login(server, url):
    anonymous = server.app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_wrong_password_is_refused_and_right_one_signs_in(server):
    c = server.app.test_client()
    response = sign_in(c, "not the password")
    assert response.status_code == 401
    assert "That password is not right" in response.get_data(as_text=True)
    assert c.get("/").status_code == 302
    assert sign_in(c).status_code == 302
    assert c.get("/").status_code == 200


def test_login_sends_back_to_the_page_asked_for_but_never_off_site(server):
    c = server.app.test_client()
    token = csrf_of(c)
    ok = c.post("/login", data={"csrf": token, "password": PASSWORD, "next": "/events/1"})
    assert ok.headers["Location"] == "/events/1"
    c2 = server.app.test_client()
    token = csrf_of(c2)
    off = c2.post("/login", data={"csrf": token, "password": PASSWORD, "next": "//evil.example/"})
    assert off.headers["Location"] == "/"


def test_password_is_stored_hashed_never_plain(server, monkeypatch):
    from werkzeug.security import check_password_hash, generate_password_hash

    from scheduler.web import app

    monkeypatch.setattr(app, "generate_password_hash", generate_password_hash)
    app.set_password(server.store, PASSWORD)
    stored = server.store.setting("password_hash")
    assert stored and PASSWORD not in stored and stored.startswith("scrypt:")
    assert check_password_hash(stored, PASSWORD)


def test_first_start_without_password_gives_a_one_time_setup_link(tmp_path, monkeypatch):
    monkeypatch.delenv("SIGMEET_ADMIN_PASSWORD", raising=False)
    srv = make_server(tmp_path / "data", workers=0)
    try:
        c = srv.app.test_client()
        login = c.get("/login").get_data(as_text=True)
        assert "No organiser password is set yet" in login
        assert sign_in(c, "").status_code == 401  # no default password
        token = setup_token(srv.store)
        assert token and setup_token(srv.store) == token  # the same link until used
        page = c.get(f"/setup/{token}")
        assert page.status_code == 200
        csrf = csrf_of(c)
        short = c.post(
            f"/setup/{token}", data={"csrf": csrf, "password": "short", "confirm": "short"}
        )
        assert short.status_code == 400 and "at least 10" in short.get_data(as_text=True)
        good = c.post(
            f"/setup/{token}", data={"csrf": csrf, "password": PASSWORD, "confirm": PASSWORD}
        )
        assert good.status_code == 302
        assert c.get("/").status_code == 200
        assert c.get(f"/setup/{token}").status_code == 404  # used up
        assert setup_token(srv.store) is None
        assert sign_in(srv.app.test_client()).status_code == 302
    finally:
        srv.shutdown()


def test_wrong_setup_token_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("SIGMEET_ADMIN_PASSWORD", raising=False)
    srv = make_server(tmp_path / "data", workers=0)
    try:
        setup_token(srv.store)
        assert srv.app.test_client().get("/setup/guess").status_code == 404
    finally:
        srv.shutdown()


@pytest.mark.parametrize("token", [None, "", "forged"])
def test_forms_without_the_csrf_token_are_refused(client, small_workbook, token):
    data = {"workbook": (small_workbook.open("rb"), "event.xlsx")}
    if token is not None:
        data["csrf"] = token
    response = client.post("/events", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "did not come from this app" in response.get_data(as_text=True)
    assert client.get("/").get_data(as_text=True).count("/events/") == 0  # nothing created


def test_login_form_needs_csrf_too(server):
    c = server.app.test_client()
    assert c.post("/login", data={"password": PASSWORD}).status_code == 400


def test_every_form_carries_a_csrf_token(client, small_workbook):
    event_id, version_id = ids_from(upload(client, small_workbook).headers["Location"])
    for url in ["/", f"/events/{event_id}", f"/events/{event_id}/versions/{version_id}"]:
        html = client.get(url).get_data(as_text=True)
        forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", html, re.S)
        assert forms
        assert all('name="csrf"' in f for f in forms), url


def test_upload_shows_the_overview_and_offers_a_run(client, small_workbook):
    response = upload(client, small_workbook)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ready to schedule" in page
    assert "Attendees: 4 registered, 0 cancelled" in page
    assert "Schedule this version" in page


def test_validation_errors_are_listed_with_sheet_row_and_column_and_link_to_the_row(
    client, write_workbook, valid_sheets
):
    valid_sheets["Attendees"][1]["id"] = "A-1"  # duplicate id, Excel row 3
    bad = write_workbook(valid_sheets, "bad.xlsx")
    location = upload(client, bad).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "cannot be scheduled until they are fixed" in page
    assert "Schedule this version" not in page
    link = re.search(r'href="(/events/\d+/versions/\d+/sheets/(\d+))#row-3"', page)
    assert link, page
    sheet = client.get(link.group(1)).get_data(as_text=True)
    assert 'id="row-3" class="error"' in sheet
    event_id, _ = ids_from(location)
    event_page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "has errors" in event_page and "No version without errors yet" in event_page


def test_a_corrected_version_is_kept_beside_the_first(client, write_workbook, valid_sheets):
    valid_sheets["Attendees"][1]["id"] = "A-1"
    bad = write_workbook(valid_sheets, "bad.xlsx")
    event_id, first = ids_from(upload(client, bad).headers["Location"])
    valid_sheets["Attendees"][1]["id"] = "A-2"
    good = write_workbook(valid_sheets, "good.xlsx")
    _, second = ids_from(upload(client, good, event_id).headers["Location"])
    assert second != first
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Version 1" in page and "Version 2" in page and "Start scheduling" in page
    old = client.get(f"/events/{event_id}/versions/{first}/workbook.xlsx")
    assert old.status_code == 200 and old.data[:2] == b"PK"


def test_workbook_text_is_escaped_everywhere(client, write_workbook, valid_sheets):
    valid_sheets["Event"][0]["value"] = "<script>alert('event')</script>"
    valid_sheets["Attendees"][0]["name"] = "<script>alert(1)</script>"
    valid_sheets["Attendees"][1]["id"] = "A-1"  # an error, so the sheet view shows the row
    path = write_workbook(valid_sheets, "xss.xlsx")
    location = upload(client, path, name="<img src=x onerror=alert(2)>.xlsx").headers["Location"]
    pages = [client.get(location).get_data(as_text=True), client.get("/").get_data(as_text=True)]
    pages.append(
        client.get(re.sub(r"versions/(\d+)", r"versions/\1/sheets/2", location)).get_data(
            as_text=True
        )
    )
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;.xlsx" in pages[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[2]


def test_a_file_that_is_not_a_workbook_is_refused_plainly(client, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("name,organisation\n")
    response = upload(client, text)
    assert response.status_code == 400
    assert "notes.txt is not an Excel workbook (.xlsx)" in response.get_data(as_text=True)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("id;name\nA-1;Ann\n")
    response = upload(client, fake)
    assert response.status_code == 400
    assert "is not an Excel workbook inside" in response.get_data(as_text=True)


def test_a_broken_zip_is_refused_plainly(client, small_workbook, tmp_path):
    data = small_workbook.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    response = upload(client, cut)
    assert response.status_code == 400
    assert "cut.xlsx is damaged" in response.get_data(as_text=True)
    other = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("readme.txt", "hello")
    response = upload(client, other)
    assert response.status_code == 400
    assert "a zip archive but not an Excel workbook" in response.get_data(as_text=True)
    assert not any((client.application.extensions["sigmeet_store"].folder / "uploads").iterdir())


def test_an_oversized_upload_is_refused_plainly(client):
    big = io.BytesIO(b"PK\x03\x04" + b"0" * (MAX_UPLOAD_BYTES + 100 * 1024))
    response = client.post(
        "/events",
        data={"csrf": csrf_of(client), "workbook": (big, "huge.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "larger than 20 MB" in response.get_data(as_text=True)


def test_uploads_are_stored_under_generated_names_only(client, small_workbook, server):
    upload(client, small_workbook, name="../../etc/passwd.xlsx")
    stored = list((server.store.folder / "uploads").iterdir())
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{32}\.xlsx", stored[0].name)
    assert not (server.store.folder.parent / "etc").exists()


def test_blank_template_downloads_and_opens(client):
    response = client.get("/template.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    assert "Attendees" in wb.sheetnames


def test_unknown_things_are_404_pages(client):
    for url in ["/events/99", "/runs/99", "/runs/99/wall-chart", "/a/nope", "/feed/nope.ics"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "nothing here" in response.get_data(as_text=True) or url.startswith(("/a/", "/feed"))


def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy


def test_assets_are_served_by_the_app(client):
    html = client.get("/").get_data(as_text=True)
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200


def test_restart_keeps_events_versions_and_runs_and_marks_solving_runs_interrupted(
    tmp_path, admin_password, small_workbook
):
    folder = tmp_path / "data"
    first = make_server(folder, workers=0)  # no worker: the run stays as we set it
    c = first.app.test_client()
    sign_in(c)
    event_id, version_id = ids_from(upload(c, small_workbook).headers["Location"])
    run_id = first.store.add_run(event_id, version_id, 5)
    first.store.update_run(run_id, status=st.RUNNING, pid=999999, phase="meetings")
    first.consumer = None
    # The server goes down without a word (no shutdown), then starts again.
    second = make_server(folder, workers=0)
    try:
        c2 = second.app.test_client()
        sign_in(c2)  # the same password, the same secret key: sessions survive too
        assert "small-event" in c2.get("/").get_data(as_text=True) or "BioMatch" in c2.get(
            "/"
        ).get_data(as_text=True)
        page = c2.get(f"/runs/{run_id}").get_data(as_text=True)
        assert "interrupted" in page and "Run again" in page
        again = c2.post(f"/runs/{run_id}/again", data={"csrf": csrf_of(c2)})
        assert again.status_code == 302
        new_id = int(again.headers["Location"].rsplit("/", 1)[1])
        assert second.store.run(new_id)["status"] == st.QUEUED
        assert second.store.run(run_id)["status"] == st.INTERRUPTED
        assert c.get("/").status_code == 200  # the old session still signed in
    finally:
        second.shutdown()


def test_a_queued_run_can_be_cancelled(tmp_path, admin_password, small_workbook):
    srv = make_server(tmp_path / "data", workers=0)
    try:
        c = srv.app.test_client()
        sign_in(c)
        event_id, version_id = ids_from(upload(c, small_workbook).headers["Location"])
        page = c.post(
            f"/events/{event_id}/runs",
            data={"csrf": csrf_of(c), "version": version_id, "time_limit": 5},
        )
        run_id = int(page.headers["Location"].rsplit("/", 1)[1])
        html = c.get(f"/runs/{run_id}").get_data(as_text=True)
        assert "waiting for a free solver" in html.lower() or "Waiting for a free solver" in html
        c.post(f"/runs/{run_id}/stop", data={"csrf": csrf_of(c)})
        assert srv.store.run(run_id)["status"] == st.CANCELLED
    finally:
        srv.shutdown()


@pytest.mark.parametrize("limit", ["0", "abc", "99999", "nan"])
def test_run_form_rejects_bad_time_limits(client, small_workbook, limit):
    event_id, version_id = ids_from(upload(client, small_workbook).headers["Location"])
    response = client.post(
        f"/events/{event_id}/runs",
        data={"csrf": csrf_of(client), "version": version_id, "time_limit": limit},
    )
    assert response.status_code == 400
