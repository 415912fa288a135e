"""The web app's outbox against a real SMTP server on loopback (aiosmtpd) and real solved
runs: sending through the queue with progress and the send log on the page, a refused
recipient listed while the others go out, a second press sending nothing, an invalid address
blocking the send with its row, a dry run, the password only from the environment, and
login and CSRF on every form."""

from __future__ import annotations

import time

import pytest

from scheduler.mail.log import SEND_LOG, read_log
from scheduler.registration.write import write_registration
from tests.helpers.registration import valid_rows
from tests.mail.smtp_server import Server as SmtpServer
from tests.web.conftest import (
    PASSWORD,
    csrf_of,
    ids_from,
    make_server,
    sign_in,
    start_run,
    wait_done,
)
from tests.web.conftest import upload as upload_workbook

pytestmark = pytest.mark.slow
SMTP_PASSWORD = "s3cret-pa55"  # what tests/mail/smtp_server.py accepts
EMAILS = {
    "A-1": "ann@acme.test",
    "A-2": "bob@bio.test",
    "A-3": "cy@cell.test",
    "A-4": "di@dna.test",
}


def rows_with(emails: dict[str, str], **names: str):
    rows = valid_rows()
    for a in rows["Attendees"]:
        a["email"] = emails[a["id"]]
        a["name"] = names.get(a["id"].replace("-", ""), a["name"])
    return rows


@pytest.fixture(scope="module")
def outbox(tmp_path_factory):
    """One server (2 workers), two events solved at once: one with good addresses and one
    whose A-2 has an address that cannot be valid (and a name that must be escaped)."""
    folder = tmp_path_factory.mktemp("web-outbox")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIGMEET_ADMIN_PASSWORD", PASSWORD)
        mp.setenv("SIGMEET_SMTP_PASSWORD", SMTP_PASSWORD)
        srv = make_server(folder / "data", workers=2)
        c = srv.app.test_client()
        sign_in(c)
        good = write_registration(folder / "good.xlsx", rows_with(EMAILS))
        bad_emails = {**EMAILS, "A-2": "bob@@bio.test"}
        bad = write_registration(
            folder / "bad.xlsx", rows_with(bad_emails, A2="Bob <script>alert(1)</script>")
        )
        runs = []
        for path in (good, bad):
            event_id, version_id = ids_from(upload_workbook(c, path).headers["Location"])
            runs.append(start_run(c, event_id, version_id, limit=1))
        for run_id in runs:
            end = time.monotonic() + 90
            while c.get(f"/runs/{run_id}/progress").get_json()["active"]:
                assert time.monotonic() < end
                time.sleep(0.2)
            assert srv.store.run(run_id)["status"] == "done"
        with SmtpServer() as smtp:
            yield {"server": srv, "client": c, "good": runs[0], "bad": runs[1], "smtp": smtp}
        srv.shutdown()


def press(c, run_id: int, **data):
    return c.post(f"/runs/{run_id}/outbox/send", data={"csrf": csrf_of(c), **data})


def wait_send(c, run_id: int, timeout: float = 30) -> dict:
    return wait_done(c, f"/runs/{run_id}/outbox/progress", timeout)


def save_settings(c, run_id: int, smtp, **extra):
    data = {
        "csrf": csrf_of(c),
        "host": "127.0.0.1",
        "port": str(smtp.port),
        "sender": "BioMatch <events@biomatch.test>",
        **extra,
    }
    return c.post(f"/runs/{run_id}/outbox/settings", data=data)


def test_a_dry_run_writes_eml_files_into_the_run_folder_and_leaves_the_log(outbox):
    """(Runs first: like `sigmeet send --dry-run`, a dry run skips what the log has sent.)"""
    c, run_id, srv = outbox["client"], outbox["good"], outbox["server"]
    log_before = read_log(srv.store.out_dir(run_id) / SEND_LOG)
    received = len(outbox["smtp"].handler.received)
    press(c, run_id, dry_run="1")
    progress = wait_send(c, run_id)
    assert progress["status"] == "done" and progress["sent"] == 4, progress
    send_id = srv.store.sends(run_id)[0]["id"]
    written = sorted((srv.store.run_dir(run_id) / "dry-run" / str(send_id)).glob("*.eml"))
    assert len(written) == 4
    assert read_log(srv.store.out_dir(run_id) / SEND_LOG) == log_before
    assert len(outbox["smtp"].handler.received) == received


def test_send_delivers_once_per_attendee_lists_a_refusal_and_a_second_press_sends_nothing(
    outbox,
):
    c, run_id, smtp, srv = outbox["client"], outbox["good"], outbox["smtp"], outbox["server"]
    page = c.get(f"/runs/{run_id}/outbox").get_data(as_text=True)
    assert "Save the mail server settings below first." in page and "send-now" in page
    assert "SIGMEET_SMTP_PASSWORD is set" in page

    assert save_settings(c, run_id, smtp, user="events").status_code == 302
    smtp.handler.refuse = {EMAILS["A-3"]}
    assert press(c, run_id).status_code == 302
    progress = wait_send(c, run_id)
    assert progress["status"] == "done", progress
    assert (progress["sent"], progress["failed"], progress["to_go"]) == (3, 1, 0)
    assert smtp.handler.logins == [(b"events", SMTP_PASSWORD.encode())] * len(smtp.handler.logins)
    assert sorted(smtp.handler.recipients()) == sorted(EMAILS[a] for a in ("A-1", "A-2", "A-4"))
    for _rcpts, message in smtp.handler.received:
        types = sorted(p.get_content_type() for p in message.iter_attachments())
        assert types == ["application/pdf", "text/calendar"], types
        pdf = next(p for p in message.iter_attachments() if p.get_content_type().endswith("pdf"))
        assert pdf.get_content().startswith(b"%PDF")

    page = c.get(f"/runs/{run_id}/outbox").get_data(as_text=True)
    assert "3 message(s) sent, 1 not delivered." in page
    assert 'id="not-delivered"' in page and "cy@cell.test" in page and "550" in page
    log = read_log(srv.store.out_dir(run_id) / SEND_LOG)
    assert [(r.attendee, r.status) for r in log] == [
        ("A-1", "sent"),
        ("A-2", "sent"),
        ("A-3", "failed"),
        ("A-4", "sent"),
    ]
    table = page.split('id="send-log"', 1)[1]
    assert table.count(">sent</span>") == 3 and table.count(">failed</span>") == 1
    assert all(r.message_id in page.replace("&lt;", "<").replace("&gt;", ">") for r in log)

    smtp.handler.refuse = set()  # the refused recipient's mailbox exists now
    press(c, run_id)
    assert wait_send(c, run_id)["sent"] == 1
    assert smtp.handler.recipients()[-1] == EMAILS["A-3"] and len(smtp.handler.received) == 4

    press(c, run_id)  # everything went out: nothing new
    progress = wait_send(c, run_id)
    assert (progress["sent"], progress["already"]) == (0, 4)
    assert len(smtp.handler.received) == 4
    page = c.get(f"/runs/{run_id}/outbox").get_data(as_text=True)
    assert "0 message(s) sent, 4 already sent before." in page

    # the password came from the environment only: in no page, no database file
    pages = [page, c.get(f"/runs/{run_id}").get_data(as_text=True)]
    pages.append(c.get(f"/runs/{run_id}/outbox/progress").get_data(as_text=True))
    assert not any(SMTP_PASSWORD in p for p in pages)
    for path in srv.store.folder.rglob("*"):
        if path.is_file():
            assert SMTP_PASSWORD.encode() not in path.read_bytes(), path


def test_an_invalid_address_blocks_sending_and_is_shown_with_its_row(outbox):
    c, run_id, smtp = outbox["client"], outbox["bad"], outbox["smtp"]
    save_settings(c, run_id, smtp)
    before = len(smtp.handler.received)
    page = c.get(f"/runs/{run_id}/outbox").get_data(as_text=True)
    problems = page.split('id="address-problems"', 1)[1].split("</section>", 1)[0]
    assert "#row-3" in problems and "row 3" in problems and "bob@@bio.test" in problems
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in problems and "<script>alert" not in page
    assert 'id="send-now" disabled' in page
    response = press(c, run_id)
    assert response.status_code == 400
    assert "Some addresses cannot be valid" in response.get_data(as_text=True)
    assert outbox["server"].store.sends(run_id) == []
    assert len(smtp.handler.received) == before


def test_only_the_signed_in_organiser_with_a_csrf_token_can_see_or_send(outbox):
    srv, run_id = outbox["server"], outbox["good"]
    stranger = srv.app.test_client()
    for url in (f"/runs/{run_id}/outbox", f"/runs/{run_id}/outbox/progress"):
        response = stranger.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    token = csrf_of(stranger)
    for url in (f"/runs/{run_id}/outbox/send", f"/runs/{run_id}/outbox/settings"):
        response = stranger.post(url, data={"csrf": token, "host": "evil.test"})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    c = outbox["client"]
    sends = len(srv.store.sends(run_id))
    assert c.post(f"/runs/{run_id}/outbox/send", data={}).status_code == 400
    response = c.post(f"/runs/{run_id}/outbox/settings", data={"host": "evil.test"})
    assert response.status_code == 400
    assert len(srv.store.sends(run_id)) == sends and srv.store.setting("smtp_host") != "evil.test"
