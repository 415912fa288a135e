"""Printed agendas from a web run carry a QR code that opens the attendee's own web agenda
(issue 12 item 1): the PDF page is rendered to an image and the code read back."""

from __future__ import annotations

import subprocess

import pytest
import zxingcpp
from PIL import Image

from scheduler.registration.write import write_registration
from scheduler.web import store as st
from tests.helpers.registration import valid_rows
from tests.web.conftest import PASSWORD, ids_from, make_server, sign_in, start_run, upload, wait_run

pytestmark = pytest.mark.slow
PUBLIC = "https://partnering.example.org/sigmeet"


def qr_codes(pdf, tmp_path) -> list[str]:
    """The text of every QR code on the PDF's first page, rendered at 150 dpi."""
    stem = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", pdf, stem],
        check=True,
    )
    return [code.text for code in zxingcpp.read_barcodes(Image.open(f"{stem}.png"))]


def test_each_printed_agenda_leads_to_its_attendees_web_agenda(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGMEET_ADMIN_PASSWORD", PASSWORD)
    server = make_server(tmp_path / "data", workers=1)
    try:
        server.store.set_setting(st.PUBLIC_URL_SETTING, PUBLIC)
        client = server.app.test_client()
        sign_in(client)
        path = write_registration(tmp_path / "event.xlsx", valid_rows())
        event_id, version_id = ids_from(upload(client, path).headers["Location"])
        run_id = start_run(client, event_id, version_id, limit=2)
        assert wait_run(client, run_id)["status"] == st.DONE
        links = server.store.links(event_id)
        agendas = server.store.out_dir(run_id) / "agendas"
        for attendee in ("A-1", "A-2"):
            (pdf,) = agendas.glob(f"{attendee}-*.pdf")
            assert qr_codes(pdf, tmp_path) == [f"{PUBLIC}/a/{links[attendee]}"]
        assert len(set(links.values())) == len(links)  # one token each, never the id
        assert not any(a in token for a, token in links.items())
    finally:
        server.shutdown()
