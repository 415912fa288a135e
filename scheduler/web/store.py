"""The web app's records in one SQLite file in the data folder: events, uploaded versions,
runs (with their live progress), published agendas and calendars, and the organiser login.

Files live beside it under names the app generates (`uploads/<random>.xlsx`,
`runs/<run id>/`); nothing a user typed ever becomes part of a path. Every call opens its own
short connection (WAL mode), so the web server's threads, the queue's workers and the solver
processes can all use the same file.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DB_NAME = "sigmeet.db"
UPLOADS_DIR = "uploads"
PUBLIC_URL_SETTING = "public_url"  # where attendees reach the app (QR codes)
RUNS_DIR = "runs"

# Run states. QUEUED -> RUNNING (-> STOPPING) -> DONE | FAILED; a restart turns RUNNING and
# STOPPING into INTERRUPTED; a queued run the organiser cancels becomes CANCELLED.
QUEUED, RUNNING, STOPPING, DONE, FAILED, INTERRUPTED, CANCELLED = (
    "queued",
    "running",
    "stopping",
    "done",
    "failed",
    "interrupted",
    "cancelled",
)
ACTIVE = (QUEUED, RUNNING, STOPPING)

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created TEXT NOT NULL,
    published_run INTEGER,
    published_at TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id),
    number INTEGER NOT NULL,
    original_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    uploaded TEXT NOT NULL,
    ok INTEGER NOT NULL,
    report TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id),
    version_id INTEGER NOT NULL REFERENCES versions(id),
    number INTEGER NOT NULL,
    previous_run INTEGER REFERENCES runs(id),
    keep TEXT,
    time_limit REAL NOT NULL,
    status TEXT NOT NULL,
    stop_requested INTEGER NOT NULL DEFAULT 0,
    stopped INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    pid INTEGER,
    phase TEXT,
    objective REAL,
    bound REAL,
    gap REAL,
    seconds REAL,
    solutions INTEGER,
    message TEXT
);
CREATE TABLE IF NOT EXISTS sends (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    dry_run INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    planned INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    already INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    problems TEXT
);
CREATE TABLE IF NOT EXISTS attendee_links (
    event_id INTEGER NOT NULL REFERENCES events(id),
    attendee TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    PRIMARY KEY (event_id, attendee)
);
CREATE TABLE IF NOT EXISTS published (
    event_id INTEGER NOT NULL REFERENCES events(id),
    attendee TEXT NOT NULL,
    agenda TEXT NOT NULL,
    calendar BLOB NOT NULL,
    PRIMARY KEY (event_id, attendee)
);
"""


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Store:
    """The data folder: `sigmeet.db` and the files the app generated beside it."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder).resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / UPLOADS_DIR).mkdir(exist_ok=True)
        (self.folder / RUNS_DIR).mkdir(exist_ok=True)
        self.path = self.folder / DB_NAME
        with self.db() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA busy_timeout=30000")
            yield con
        finally:
            con.close()

    # ------------------------------------------------------------------ settings, login
    def setting(self, key: str) -> str | None:
        with self.db() as db:
            row = db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return None if row is None else row["value"]

    def set_setting(self, key: str, value: str | None) -> None:
        with self.db() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE key=?", (key,))
            else:
                db.execute(
                    "INSERT INTO settings(key, value) VALUES(?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (key, value),
                )

    def secret_key(self) -> str:
        key = self.setting("secret_key")
        if key is None:
            key = secrets.token_hex(32)
            self.set_setting("secret_key", key)
        return key

    # ------------------------------------------------------------------ events, versions
    def create_event(self, name: str) -> int:
        with self.db() as db:
            cur = db.execute("INSERT INTO events(name, created) VALUES(?, ?)", (name, now()))
            return int(cur.lastrowid)

    def events(self) -> list[sqlite3.Row]:
        with self.db() as db:
            return db.execute("SELECT * FROM events ORDER BY id DESC").fetchall()

    def event(self, event_id: int) -> sqlite3.Row | None:
        with self.db() as db:
            return db.execute("SELECT * FROM events WHERE id=?", (event_id,)).fetchone()

    def rename_event(self, event_id: int, name: str) -> None:
        with self.db() as db:
            db.execute("UPDATE events SET name=? WHERE id=?", (name, event_id))

    def new_upload_path(self) -> Path:
        return self.folder / UPLOADS_DIR / f"{secrets.token_hex(16)}.xlsx"

    def add_version(
        self, event_id: int, original_name: str, stored: Path, ok: bool, report: dict
    ) -> int:
        with self.db() as db:
            db.execute("BEGIN IMMEDIATE")
            number = db.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE event_id=?", (event_id,)
            ).fetchone()[0]
            cur = db.execute(
                "INSERT INTO versions(event_id, number, original_name, stored_name, uploaded,"
                " ok, report) VALUES(?, ?, ?, ?, ?, ?, ?)",
                (event_id, number, original_name, stored.name, now(), int(ok), json.dumps(report)),
            )
            db.execute("COMMIT")
            return int(cur.lastrowid)

    def versions(self, event_id: int) -> list[sqlite3.Row]:
        with self.db() as db:
            return db.execute(
                "SELECT * FROM versions WHERE event_id=? ORDER BY number DESC", (event_id,)
            ).fetchall()

    def version(self, version_id: int) -> sqlite3.Row | None:
        with self.db() as db:
            return db.execute("SELECT * FROM versions WHERE id=?", (version_id,)).fetchone()

    def upload_path(self, version: sqlite3.Row) -> Path:
        return self.folder / UPLOADS_DIR / Path(version["stored_name"]).name

    # ------------------------------------------------------------------ runs
    def add_run(
        self,
        event_id: int,
        version_id: int,
        time_limit: float,
        previous_run: int | None = None,
        keep: str | None = None,
    ) -> int:
        with self.db() as db:
            db.execute("BEGIN IMMEDIATE")
            number = db.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM runs WHERE event_id=?", (event_id,)
            ).fetchone()[0]
            cur = db.execute(
                "INSERT INTO runs(event_id, version_id, number, previous_run, keep, time_limit,"
                " status, created) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                (event_id, version_id, number, previous_run, keep, time_limit, QUEUED, now()),
            )
            db.execute("COMMIT")
            return int(cur.lastrowid)

    def runs(self, event_id: int) -> list[sqlite3.Row]:
        with self.db() as db:
            return db.execute(
                "SELECT * FROM runs WHERE event_id=? ORDER BY number DESC", (event_id,)
            ).fetchall()

    def run(self, run_id: int) -> sqlite3.Row | None:
        with self.db() as db:
            return db.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()

    def update_run(self, run_id: int, **fields: object) -> None:
        if not fields:
            return
        names = ", ".join(f"{name}=?" for name in fields)  # names are ours, never user input
        with self.db() as db:
            db.execute(f"UPDATE runs SET {names} WHERE id=?", (*fields.values(), run_id))

    def claim_run(self, run_id: int, pid: int) -> bool:
        """QUEUED -> RUNNING for the process `pid`; False when the run is no longer queued."""
        with self.db() as db:
            cur = db.execute(
                "UPDATE runs SET status=?, pid=?, started=? WHERE id=? AND status=?",
                (RUNNING, pid, now(), run_id, QUEUED),
            )
            return cur.rowcount == 1

    def run_dir(self, run_id: int) -> Path:
        return self.folder / RUNS_DIR / str(int(run_id))

    def out_dir(self, run_id: int) -> Path:
        return self.run_dir(run_id) / "out"

    def mark_interrupted(self) -> list[int]:
        """At start-up: runs that were solving when the server went down are interrupted."""
        with self.db() as db:
            ids = [
                r["id"]
                for r in db.execute(
                    "SELECT id FROM runs WHERE status IN (?, ?)", (RUNNING, STOPPING)
                ).fetchall()
            ]
            db.execute(
                "UPDATE runs SET status=?, finished=?, message=? WHERE status IN (?, ?)",
                (
                    INTERRUPTED,
                    now(),
                    "The server stopped while this run was solving; nothing of it was kept.",
                    RUNNING,
                    STOPPING,
                ),
            )
            db.execute(
                "UPDATE sends SET status=?, finished=?, message=? WHERE status=?",
                (
                    INTERRUPTED,
                    now(),
                    "The server stopped while sending; the send log keeps what went out, so "
                    "sending again sends only the rest.",
                    RUNNING,
                ),
            )
        return ids

    # ------------------------------------------------------------------ sending agendas
    def add_send(self, run_id: int, dry_run: bool) -> int:
        with self.db() as db:
            cur = db.execute(
                "INSERT INTO sends(run_id, dry_run, status, created) VALUES(?, ?, ?, ?)",
                (run_id, int(dry_run), QUEUED, now()),
            )
            return int(cur.lastrowid)

    def send(self, send_id: int) -> sqlite3.Row | None:
        with self.db() as db:
            return db.execute("SELECT * FROM sends WHERE id=?", (send_id,)).fetchone()

    def sends(self, run_id: int) -> list[sqlite3.Row]:
        with self.db() as db:
            return db.execute(
                "SELECT * FROM sends WHERE run_id=? ORDER BY id DESC", (run_id,)
            ).fetchall()

    def update_send(self, send_id: int, **fields: object) -> None:
        if not fields:
            return
        names = ", ".join(f"{name}=?" for name in fields)  # names are ours, never user input
        with self.db() as db:
            db.execute(f"UPDATE sends SET {names} WHERE id=?", (*fields.values(), send_id))

    def claim_send(self, send_id: int) -> bool:
        with self.db() as db:
            cur = db.execute(
                "UPDATE sends SET status=?, started=? WHERE id=? AND status=?",
                (RUNNING, now(), send_id, QUEUED),
            )
            return cur.rowcount == 1

    def active_runs(self) -> int:
        with self.db() as db:
            return db.execute(
                "SELECT COUNT(*) FROM runs WHERE status IN (?, ?, ?)", ACTIVE
            ).fetchone()[0]

    # ------------------------------------------------------------------ publishing
    def token_for(self, event_id: int, attendee: str) -> str:
        with self.db() as db:
            row = db.execute(
                "SELECT token FROM attendee_links WHERE event_id=? AND attendee=?",
                (event_id, attendee),
            ).fetchone()
            if row is not None:
                return row["token"]
            token = secrets.token_urlsafe(24)
            db.execute(
                "INSERT INTO attendee_links(event_id, attendee, token) VALUES(?, ?, ?)",
                (event_id, attendee, token),
            )
            return token

    def links(self, event_id: int) -> dict[str, str]:
        with self.db() as db:
            rows = db.execute(
                "SELECT attendee, token FROM attendee_links WHERE event_id=?", (event_id,)
            ).fetchall()
        return {r["attendee"]: r["token"] for r in rows}

    def published_calendar(self, event_id: int, attendee: str) -> bytes | None:
        with self.db() as db:
            row = db.execute(
                "SELECT calendar FROM published WHERE event_id=? AND attendee=?",
                (event_id, attendee),
            ).fetchone()
        return None if row is None else bytes(row["calendar"])

    def publish(self, event_id: int, run_id: int, entries: dict[str, tuple[dict, bytes]]) -> None:
        """Make `run_id` the event's published run with each attendee's agenda and calendar."""
        with self.db() as db:
            db.execute("BEGIN IMMEDIATE")
            for attendee, (agenda, calendar) in entries.items():
                db.execute(
                    "INSERT INTO published(event_id, attendee, agenda, calendar) VALUES(?,?,?,?)"
                    " ON CONFLICT(event_id, attendee) DO UPDATE SET agenda=excluded.agenda,"
                    " calendar=excluded.calendar",
                    (event_id, attendee, json.dumps(agenda), calendar),
                )
            db.execute(
                "UPDATE events SET published_run=?, published_at=? WHERE id=?",
                (run_id, now(), event_id),
            )
            db.execute("COMMIT")

    def by_token(self, token: str) -> sqlite3.Row | None:
        """The published agenda behind an attendee link (None: unknown or not published)."""
        with self.db() as db:
            return db.execute(
                "SELECT l.event_id, l.attendee, p.agenda, p.calendar, e.name, e.published_at"
                " FROM attendee_links l JOIN published p"
                " ON p.event_id=l.event_id AND p.attendee=l.attendee"
                " JOIN events e ON e.id=l.event_id"
                " WHERE l.token=? AND e.published_run IS NOT NULL",
                (token,),
            ).fetchone()
