"""`sigmeet send` against a real SMTP server on loopback (aiosmtpd): messages parsed back
with `email`, their calendars with `icalendar`; the send log makes a second run send
nothing, a dropped connection and a server that goes away are survived, a 550 for one
recipient is reported while the others are sent, invalid addresses stop the run first."""

from __future__ import annotations

import csv
import shutil
import time

import pytest
from icalendar import Calendar

from scheduler.exports.folder import write_outputs
from tests.helpers.outputs import base_sheets, demo_event, demo_schedule
from tests.helpers.replan import first_run, run_cli
from tests.mail.smtp_server import Server

SENDER = "BioMatch Team <team@biomatch.example>"
HOSTILE = "<script>alert('x')</script> Ann"


def contacts(out) -> dict[str, dict[str, str]]:
    with (out / "contacts.csv").open(encoding="utf-8-sig") as fh:
        return {r["attendee"]: r for r in csv.DictReader(fh)}


def send_log(out) -> list[dict[str, str]]:
    path = out / "send-log.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def send(out, server, *args):
    return run_cli(
        "send", out, "--smtp", server.address, "--from", SENDER, "--retry-wait", 0.05, *args
    )


@pytest.fixture
def demo_out(tmp_path):
    """The demo event's outputs, with a hostile name and two attendees without an email."""
    sheets = base_sheets()
    sheets["Attendees"][0]["name"] = HOSTILE
    event, input_path = demo_event(tmp_path, sheets)
    return write_outputs(tmp_path / "out", event, demo_schedule(event), input_path=input_path)


@pytest.fixture
def example_out(tmp_path, tmp_path_factory):
    """A fresh copy of the example event's first run (solved once per session)."""
    out = tmp_path / "example"
    shutil.copytree(first_run(tmp_path_factory.getbasetemp()), out)
    return out


def attachments(message) -> dict[str, object]:
    return {part.get_content_type(): part for part in message.iter_attachments()}


def test_each_attendee_gets_one_message_with_agenda_pdf_and_calendar(demo_out):
    with Server() as server:
        result = send(demo_out, server)
    assert result.exit_code == 0, result.output
    people = contacts(demo_out)
    with_email = {r["email"] for r in people.values() if r["email"]}
    assert sorted(server.handler.recipients()) == sorted(with_email)
    # Dora Host has no address: reported with her row, not fatal.
    assert "Dora Host) has no email address" in result.output
    assert f"Attendees row {people['A8']['attendees_row']}" in result.output
    (_, msg), *_ = [m for m in server.handler.received if m[0] == ("ann@acme.test",)]
    assert msg["Subject"] == "Your agenda: Demo Partnering Day"
    assert msg["To"].addresses[0].addr_spec == "ann@acme.test"
    assert msg["Message-ID"] and msg["From"].addresses[0].addr_spec == "team@biomatch.example"
    plain, html = msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()
    assert msg.get_body(("plain",)).get_content_type() == "text/plain"
    for text in (plain, html):
        assert "09:00–09:20" in text and "Bob Ma (Beta GmbH)" in text and "Table T1" in text
        assert "Panel: AI in Health" in text
    # Workbook text is escaped in the HTML: the name shows as text, never runs.
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert HOSTILE in plain
    parts = attachments(msg)
    pdf, ics = parts["application/pdf"], parts["text/calendar"]
    assert pdf.get_content().startswith(b"%PDF") and pdf.get_filename().endswith(".pdf")
    data = ics.get_content()
    data = data.encode() if isinstance(data, str) else data
    assert data == (demo_out / people["A1"]["agenda_ics"]).read_bytes()  # the file as written
    cal = Calendar.from_ical(data)
    assert ics.get_param("method") == str(cal["METHOD"]) == "PUBLISH"
    assert len(cal.walk("VEVENT")) == 3  # two meetings and the panel
    log = send_log(demo_out)
    assert {r["status"] for r in log} == {"sent"} and len(log) == len(with_email)
    assert {r["message_id"] for r in log} == {m["Message-ID"] for _, m in server.handler.received}


def test_a_second_run_sends_nothing(demo_out):
    with Server() as server:
        assert send(demo_out, server).exit_code == 0
        first = len(server.handler.received)
        again = send(demo_out, server)
    assert again.exit_code == 0, again.output
    assert len(server.handler.received) == first
    assert "0 message(s) sent" in again.output and f"{first} already sent before" in again.output


def test_invalid_addresses_are_reported_with_their_row_before_anything_is_sent(tmp_path):
    sheets = base_sheets()
    sheets["Attendees"][1]["email"] = "bob@@beta.test"
    sheets["Attendees"][4]["email"] = "jane at doe labs"
    event, input_path = demo_event(tmp_path, sheets)
    out = write_outputs(tmp_path / "out", event, demo_schedule(event), input_path=input_path)
    with Server() as server:
        result = send(out, server)
    assert result.exit_code == 2
    rows = {a.id: a.row for a in event.attendees}
    assert f"Attendees row {rows['A2']}, column \"email\": 'bob@@beta.test'" in result.output
    assert f'Attendees row {rows["A5"]}, column "email"' in result.output
    assert "nothing was sent" in result.output
    assert server.handler.received == [] and send_log(out) == []


def test_a_permanent_refusal_is_reported_and_the_others_are_sent(demo_out):
    with Server() as server:
        server.handler.refuse = {"bob@beta.test"}
        result = send(demo_out, server)
        assert result.exit_code == 1
        assert "Not delivered to A2 (Bob Ma) <bob@beta.test>: refused: 550" in result.output
        delivered = server.handler.recipients()
        assert "bob@beta.test" not in delivered and "ann@acme.test" in delivered
        log = {r["attendee"]: r for r in send_log(demo_out)}
        assert log["A2"]["status"] == "failed" and "550" in log["A2"]["error"]
        # Fixed at the server: a re-run sends only the missing message.
        server.handler.refuse = set()
        count = len(server.handler.received)
        again = send(demo_out, server)
    assert again.exit_code == 0, again.output
    assert [r for rcpts, _ in server.handler.received[count:] for r in rcpts] == ["bob@beta.test"]


@pytest.mark.slow
def test_a_dropped_connection_is_survived(example_out):
    with Server() as server:
        server.handler.drop_once_after = 7
        result = send(example_out, server)
    assert result.exit_code == 0, result.output
    assert "connection lost" in result.output
    expected = sorted(r["email"] for r in contacts(example_out).values() if r["email"])
    assert sorted(server.handler.recipients()) == expected  # each exactly once


@pytest.mark.slow
def test_a_server_that_goes_away_halfway_then_a_rerun_sends_only_the_rest(example_out):
    expected = sorted(r["email"] for r in contacts(example_out).values() if r["email"])
    with Server() as server:
        server.handler.dead_after = 30
        result = send(example_out, server, "--retries", 2)
        assert result.exit_code == 1
        assert "Sending stopped" in result.output and "Run the same command again" in result.output
        assert len(server.handler.received) == 30
        assert [r["status"] for r in send_log(example_out)] == ["sent"] * 30
        server.handler.dead_after = None  # back up
        again = send(example_out, server)
    assert again.exit_code == 0, again.output
    assert sorted(server.handler.recipients()) == expected  # nothing twice, nothing lost
    assert "30 already sent before" in again.output


def test_dry_run_writes_messages_and_no_log(demo_out, tmp_path):
    result = run_cli("send", demo_out, "--from", SENDER, "--dry-run", tmp_path / "dry")
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "dry").glob("*.eml"))
    assert len(files) == sum(1 for r in contacts(demo_out).values() if r["email"])
    assert not (demo_out / "send-log.csv").exists()


def test_only_and_rate_limit(demo_out):
    with Server() as server:
        started = time.monotonic()
        result = send(demo_out, server, "--only", "A1", "--only", "A2", "--rate", "120/min")
        took = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert sorted(server.handler.recipients()) == ["ann@acme.test", "bob@beta.test"]
    assert took >= 0.5  # two messages at most 120 a minute: half a second apart
    unknown = run_cli("send", demo_out, "--from", SENDER, "--dry-run", "x", "--only", "NOPE")
    assert unknown.exit_code == 2 and "no attendee NOPE" in unknown.output


def test_password_from_the_environment_is_used_and_never_shown(demo_out, monkeypatch):
    monkeypatch.setenv("SIGMEET_SMTP_PASSWORD", "s3cret-pa55")
    with Server() as server:
        result = send(demo_out, server, "--user", "organiser", "--only", "A1")
    assert result.exit_code == 0, result.output
    assert server.handler.logins == [(b"organiser", b"s3cret-pa55")]
    assert "s3cret" not in result.output
    assert "s3cret" not in (demo_out / "send-log.csv").read_text()
