"""The send log, `OUT/send-log.csv`: one row per message tried (when, attendee, address,
kind, status sent/failed, message id, content key, error), appended and flushed to disk
after every message, so that after a crash or a partial failure a re-run sends only what is
missing. A message counts as sent when a `sent` row has its attendee and content key.

The log is locked while a run sends, so the command line and the web app never send from
one folder at once."""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import os
from dataclasses import dataclass, fields
from pathlib import Path

SEND_LOG = "send-log.csv"
SENT, FAILED = "sent", "failed"


class SendInProgress(Exception):
    """Another run is sending from this folder right now."""


@dataclass(frozen=True)
class LogRow:
    when: str
    attendee: str
    email: str
    kind: str
    status: str
    message_id: str
    content: str
    error: str = ""


COLUMNS = tuple(f.name for f in fields(LogRow))


def read_log(path: Path) -> list[LogRow]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = []
        for row in csv.DictReader(fh):
            if set(COLUMNS) <= row.keys() and all(row[c] is not None for c in COLUMNS):
                rows.append(LogRow(**{c: row[c] for c in COLUMNS}))
        return rows


class SendLog:
    """The open log of one run (a context manager holding the lock)."""

    def __init__(self, path: Path, *, record: bool = True):
        self.path = path
        self.record = record
        self._fh = None

    def __enter__(self) -> SendLog:
        if self.record:
            new = not self.path.exists() or self.path.stat().st_size == 0
            self._fh = self.path.open("a", encoding="utf-8", newline="")
            try:
                fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                self._fh.close()
                raise SendInProgress(
                    f"Another run is sending from {self.path.parent} right now; try later."
                ) from exc
            if new:
                csv.writer(self._fh).writerow(COLUMNS)
                self._flush()
        self.sent = {(r.attendee, r.content) for r in read_log(self.path) if r.status == SENT}
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            self._fh.close()  # closing releases the lock

    def done(self, attendee: str, content: str) -> bool:
        return (attendee, content) in self.sent

    def append(self, row: LogRow) -> None:
        if row.status == SENT:
            self.sent.add((row.attendee, row.content))
        if self._fh is None:
            return
        csv.writer(self._fh).writerow([getattr(row, c) for c in COLUMNS])
        self._flush()

    def _flush(self) -> None:
        self._fh.flush()
        os.fsync(self._fh.fileno())


def now_text() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
