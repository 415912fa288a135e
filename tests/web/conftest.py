"""Web app fixtures: a server over a fresh data folder (embedded queue, real solver), a
signed-in test client, and helpers to upload, run and wait."""

from __future__ import annotations

import functools
import re
import time
from pathlib import Path

import pytest

from scheduler.web.serve import Server, build

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(client) -> str:
    """The session's CSRF token, as any page's form carries it."""
    page = client.get("/login" if not signed_in(client) else "/")
    return CSRF.search(page.get_data(as_text=True)).group(1)


def signed_in(client) -> bool:
    with client.session_transaction() as s:
        return bool(s.get("organiser"))


def sign_in(client, password: str = PASSWORD):
    token = csrf_of(client)
    return client.post("/login", data={"csrf": token, "password": password})


def upload(client, path: Path, event_id: int | None = None, name: str | None = None):
    url = "/events" if event_id is None else f"/events/{event_id}/versions"
    with open(path, "rb") as fh:
        return client.post(
            url,
            data={"csrf": csrf_of(client), "workbook": (fh, name or path.name)},
            content_type="multipart/form-data",
        )


def ids_from(location: str) -> tuple[int, int]:
    found = re.search(r"/events/(\d+)/versions/(\d+)", location)
    return int(found.group(1)), int(found.group(2))


def start_run(client, event_id: int, version_id: int, limit: float = 2, **extra) -> int:
    data = {"csrf": csrf_of(client), "version": version_id, "time_limit": limit, **extra}
    response = client.post(f"/events/{event_id}/runs", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def wait_done(client, url: str, timeout: float) -> dict:
    """Poll a job's progress URL (a run, a send) until it is no longer active."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        progress = client.get(url).get_json()
        if not progress["active"]:
            return progress
        time.sleep(0.1)
    raise AssertionError(f"{url} still active after {timeout} s")


def wait_run(client, run_id: int, timeout: float = 90) -> dict:
    return wait_done(client, f"/runs/{run_id}/progress", timeout)


def make_server(folder: Path, workers: int = 1) -> Server:
    return build(folder, workers=workers, testing=True)


@pytest.fixture(autouse=True)
def quick_password_hash(monkeypatch):
    """scrypt at its real cost takes a noticeable fraction of a second per hash; the tests
    hash cheaply (test_password_is_stored_hashed_never_plain checks the real setting)."""
    from werkzeug.security import generate_password_hash

    from scheduler.web import app

    cheap = functools.partial(generate_password_hash, method="pbkdf2:sha256:1000")
    monkeypatch.setattr(app, "generate_password_hash", cheap)


@pytest.fixture
def admin_password(monkeypatch):
    monkeypatch.setenv("SIGMEET_ADMIN_PASSWORD", PASSWORD)
    return PASSWORD


@pytest.fixture
def server(tmp_path, admin_password):
    srv = make_server(tmp_path / "data", workers=0)  # no solving: see test_queue.py
    yield srv
    srv.shutdown()


@pytest.fixture
def client(server):
    c = server.app.test_client()
    assert sign_in(c).status_code == 302
    return c


@pytest.fixture
def small_workbook(write_workbook, valid_sheets) -> Path:
    return write_workbook(valid_sheets, "small-event.xlsx")
