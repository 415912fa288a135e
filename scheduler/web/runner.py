"""One schedule run in its own process: `python -m scheduler.web.runner DATA_DIR RUN_ID`.

The queue's task (scheduler/web/jobs.py) starts this process and waits for it; the web server
never solves. It runs the same pipeline steps as `sigmeet schedule` (read -> reconcile ->
plan -> write), records progress into the run's row as the solver reports it, and writes the
output folder `runs/<id>/out/` plus `result.pickle` (event, schedule, changes) for the pages.

Stop: the organiser's Stop sets `stop_requested`; a watcher thread here then sends this
process SIGINT every half second until the search has returned. A running search stops and
returns its best schedule (models/cpsat.py `ctrl_c_stops`); between searches our own
handler only notes it, so Python code is never torn by a KeyboardInterrupt and every later
search stops at once. The schedule found so far is then written like any other.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
import traceback

from scheduler.stopping import die_with_parent
from scheduler.web import store as st

RESULT_FILE = "result.pickle"
PROGRESS_EVERY = 0.3  # seconds between progress writes
SOLVER_THREADS_ENV = "SIGMEET_SOLVER_THREADS"


class _Stop:
    def __init__(self) -> None:
        self.requested = False
        self.searching = threading.Event()  # set while plan() runs: SIGINT reaches CP-SAT
        self.finished = threading.Event()
        self.started = time.monotonic()  # of the search: elapsed time against the limit


def _watch(store: st.Store, run_id: int, stop: _Stop) -> None:
    while not stop.finished.is_set():
        row = store.run(run_id)
        if row is not None and row["stop_requested"]:
            stop.requested = True
            if stop.searching.is_set():
                os.kill(os.getpid(), signal.SIGINT)
        if stop.searching.is_set():  # the bar moves on while the solver has nothing to say
            store.update_run(run_id, seconds=time.monotonic() - stop.started)
        stop.finished.wait(0.5)


def run(store: st.Store, run_id: int) -> int:
    from models.errors import Infeasible
    from scheduler import pipeline
    from scheduler.exports.schedule.reader import ScheduleUnreadable
    from scheduler.figures import quality_figures
    from scheduler.replan.previous import PreviousUnusable

    row = store.run(run_id)
    if row is None or not store.claim_run(run_id, os.getpid()):
        return 0  # cancelled or taken by another worker
    stop = _Stop()
    signal.signal(signal.SIGINT, lambda *_: None)  # noted by the watcher; see module doc
    watcher = threading.Thread(target=_watch, args=(store, run_id, stop), daemon=True)
    watcher.start()
    version = store.version(row["version_id"])
    upload = store.upload_path(version)
    previous = store.out_dir(row["previous_run"]) if row["previous_run"] else None
    last = [0.0]

    def progress(p) -> None:
        if time.monotonic() - last[0] < PROGRESS_EVERY:
            return
        last[0] = time.monotonic()
        store.update_run(
            run_id,
            phase=p.phase,
            objective=p.objective,
            bound=p.bound,
            gap=p.gap,
            seconds=time.monotonic() - stop.started,
            solutions=p.solutions,
        )

    def fail(message: str) -> int:
        store.update_run(run_id, status=st.FAILED, finished=st.now(), message=message)
        return 1

    try:
        store.update_run(run_id, phase="reading")
        event = pipeline.read_registration(upload).event
        replan = None
        if previous is not None:
            store.update_run(run_id, phase="reconciling")
            replan = pipeline.reconcile_previous(
                event, previous, flexible=row["keep"] == "flexible"
            )
        if stop.requested:
            store.update_run(
                run_id,
                status=st.CANCELLED,
                finished=st.now(),
                message="Stopped before the search began; nothing was written.",
            )
            return 0
        threads = int(os.environ.get(SOLVER_THREADS_ENV, "2"))
        options = pipeline.SolveOptions(row["time_limit"], workers=max(1, threads))
        store.update_run(run_id, phase="preparing")
        stop.started = time.monotonic()
        stop.searching.set()
        planned = pipeline.plan(event, options, replan=replan, progress=progress)
        stop.searching.clear()
        stats = planned.schedule.stats
        store.update_run(
            run_id,
            phase="writing",
            objective=stats.objective,
            bound=stats.bound,
            gap=stats.gap,
            seconds=time.monotonic() - stop.started,
        )
        out = store.out_dir(run_id)
        pipeline.write(
            out,
            planned,
            input_path=upload,
            force=True,
            agenda_urls=agenda_urls(store, version["event_id"], event),
        )
        result = (planned.event, planned.schedule, planned.changes)
        tmp = store.run_dir(run_id) / (RESULT_FILE + ".tmp")
        tmp.write_bytes(pickle.dumps(result))
        tmp.replace(store.run_dir(run_id) / RESULT_FILE)
        figures = quality_figures(event, planned.schedule)
        gap = "" if stats.gap is None else f", gap {100 * stats.gap:.2f} %"
        message = (
            f"{stats.status} after {stats.seconds:.1f} s{gap}: {figures['meetings']} meetings "
            f"of {figures['candidate_pairs']} candidate pairs, "
            f"{figures['panel_seats']} panel seats."
        )
        if stop.requested:
            message = (
                "Stopped by the organiser; the best schedule found so far was kept. " + message
            )
        store.update_run(
            run_id, status=st.DONE, stopped=int(stop.requested), finished=st.now(), message=message
        )
        return 0
    except pipeline.InputRejected as exc:
        return fail(f"The registration has {exc}; upload a corrected version.")
    except Infeasible as exc:
        return fail("No schedule can keep every hard rule. These clash: " + "; ".join(
            str(c) for c in exc.conflicts
        ))  # fmt: skip
    except ScheduleUnreadable as exc:
        return fail(f"Cannot use the previous schedule: {exc}")
    except PreviousUnusable as exc:
        return fail(
            "The previous schedule breaks these rules by itself: "
            + "; ".join(str(p) for p in exc.problems)
        )
    except Exception as exc:  # noqa: BLE001 - the organiser sees a message, the log the trace
        traceback.print_exc()
        return fail(f"sigmeet failed while scheduling ({exc!r}); please report this.")
    finally:
        stop.finished.set()


def agenda_urls(store: st.Store, event_id: int, event) -> dict[str, str] | None:
    """Each attendee's web agenda (their token link), for the QR codes on printed agendas;
    None when the server has not said where attendees reach it."""
    base = store.setting(st.PUBLIC_URL_SETTING)
    if not base:
        return None
    return {
        a.id: f"{base.rstrip('/')}/a/{store.token_for(event_id, a.id)}"
        for a in event.attendees
        if not a.cancelled
    }


def main(argv: list[str]) -> int:
    data, run_id = argv[1], int(argv[2])
    die_with_parent(signal.SIGTERM)  # the queue worker waiting on this run was killed
    return run(st.Store(data), run_id)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
