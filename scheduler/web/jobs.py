"""The job queue: huey, with SQLite in the data folder by default or Redis for workers on
other machines.

A queued solve is the task `sigmeet.solve(data_dir, run_id)`. The task starts the solver in
a process of its own (`python -m scheduler.web.runner`), waits for it, and marks the run
failed if the process died without saying how it ended. The number of queue workers is the
cap on concurrent solves; further runs wait as "queued". Sending a run's agendas is the
task `sigmeet.send(data_dir, send_id)` on the same queue (it waits for a free worker too).

`sigmeet serve` embeds a consumer (threads that each wait on one solver process) unless
started with `--workers 0`; `python -m scheduler.web.worker` runs a stand-alone consumer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

from scheduler.web import store as st

QUEUE_FILE = "queue.db"
TASK_NAME = "sigmeet.solve"
SEND_TASK = "sigmeet.send"  # mail a run's agendas (scheduler/web/outbox.py)
LOG_FILE = "solver.log"

_children: set[subprocess.Popen] = set()  # solver processes started by this process
_children_lock = threading.Lock()


def stop_children() -> None:
    """End the solver processes this server started (it is shutting down)."""
    with _children_lock:
        children = list(_children)
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()


def make_huey(data: Path, queue_url: str | None = None):
    """The queue of the data folder `data` (SQLite) or at `queue_url` (redis://...)."""
    if queue_url:
        huey = RedisHuey("sigmeet", url=queue_url)
    else:
        huey = SqliteHuey("sigmeet", filename=str(Path(data) / QUEUE_FILE))

    @huey.task(name=TASK_NAME)
    def solve(data_dir: str, run_id: int) -> None:
        run_solver(Path(data_dir), run_id)

    @huey.task(name=SEND_TASK)
    def send(data_dir: str, send_id: int) -> None:
        from scheduler.web.outbox import run_send

        run_send(Path(data_dir), send_id)

    huey.solve_task = solve
    huey.send_task = send
    return huey


def run_solver(data: Path, run_id: int) -> None:
    store = st.Store(data)
    row = store.run(run_id)
    if row is None or row["status"] != st.QUEUED:
        return  # cancelled while queued, or cut off by a restart
    run_dir = store.run_dir(run_id)
    run_dir.mkdir(parents=True, exist_ok=True)
    with open(run_dir / LOG_FILE, "ab") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "scheduler.web.runner", str(store.folder), str(run_id)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        with _children_lock:
            _children.add(child)
        try:
            code = child.wait()
        finally:
            with _children_lock:
                _children.discard(child)
    row = store.run(run_id)
    if row is not None and row["status"] in st.ACTIVE:
        store.update_run(
            run_id,
            status=st.FAILED,
            finished=st.now(),
            message=f"The solver process ended unexpectedly (exit code {code}); "
            f"see {LOG_FILE} in the run's folder. Earlier results are unchanged.",
        )


class EmbeddedConsumer(Consumer):
    """A huey consumer living inside `sigmeet serve`: no signal handlers of its own (the
    server's main thread owns them)."""

    def _set_signal_handlers(self) -> None:
        pass


def start_consumer(huey, workers: int) -> EmbeddedConsumer:
    consumer = EmbeddedConsumer(
        huey, workers=workers, worker_type="thread", periodic=False, initial_delay=0.1,
        max_delay=1.0, check_worker_health=False,
    )  # fmt: skip
    consumer.start()
    return consumer
