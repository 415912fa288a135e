"""After a re-plan, `sigmeet send` mails exactly the attendees whose agenda changed (those
on the Changes sheet), each a notice saying what changed with the updated calendar; the
unchanged get nothing (tests/helpers/replan.py's scenario: cancellations, late sign-ups,
one attendee now in the morning only)."""

from __future__ import annotations

import csv

import pytest
from icalendar import Calendar

from tests.helpers.replan import changes_csv, first_run, run_cli, updated
from tests.mail.smtp_server import Server
from tests.mail.test_send import SENDER, contacts, send, send_log

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def replanned(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    out = tmp_path_factory.mktemp("notices") / "v2"
    result = run_cli(
        "schedule", updated(base), "-o", out, "--previous", first_run(base),
        "--time-limit", 2, "--workers", 1,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_only_changed_attendees_get_a_notice_saying_what_changed(replanned):
    changed: dict[str, list[dict]] = {}
    for row in changes_csv(replanned):
        changed.setdefault(row["attendee"], []).append(row)
    people = contacts(replanned)
    assert 0 < len(changed) < len(people)  # some changed, most did not
    with Server() as server:
        result = send(replanned, server)
        assert result.exit_code == 0, result.output
        expected = sorted(people[a]["email"] for a in changed if people[a]["email"])
        assert sorted(server.handler.recipients()) == expected
        unchanged = len(people) - len(changed)
        assert f"{unchanged} attendee(s) unchanged since the previous plan" in result.output
        by_address = {rcpts[0]: msg for rcpts, msg in server.handler.received}
        cancelled_seen = 0
        for attendee, rows in changed.items():
            msg = by_address[people[attendee]["email"]]
            assert msg["Subject"].startswith("Your agenda has changed")
            plain = msg.get_body(("plain",)).get_content()
            for row in rows:
                assert f"{row['change']}: {row['details']}" in plain
            (ics,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
            data = ics.get_content()
            cal = Calendar.from_ical(data.encode() if isinstance(data, str) else data)
            assert ics.get_param("method") == str(cal["METHOD"])
            statuses = [str(e["STATUS"]) for e in cal.walk("VEVENT")]
            if any(r["change"] == "cancelled" for r in rows):
                assert "CANCELLED" in statuses  # the calendar program marks it cancelled
                cancelled_seen += 1
        assert cancelled_seen > 0
        # Nothing twice.
        count = len(server.handler.received)
        again = send(replanned, server)
        assert again.exit_code == 0 and len(server.handler.received) == count


def test_all_sends_every_attendee_their_agenda_after_a_replan(replanned, tmp_path):
    result = run_cli("send", replanned, "--from", SENDER, "--dry-run", tmp_path, "--all")
    assert result.exit_code == 0, result.output
    with_email = [r for r in contacts(replanned).values() if r["email"]]
    assert len(list(tmp_path.glob("*.eml"))) == len(with_email)
    assert send_log(replanned) == [] or all(r["kind"] == "notice" for r in send_log(replanned))
    with (replanned / "contacts.csv").open(encoding="utf-8-sig") as fh:
        assert list(csv.DictReader(fh))  # the folder itself is untouched by a dry run
