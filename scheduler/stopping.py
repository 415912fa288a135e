"""Stopping a command at any stage: SIGTERM (a service manager, `kill`, the web app's worker
shutting down) ends it within seconds, with every process it started and no half-written
output; Ctrl-C (SIGINT) keeps its meaning of "stop searching and keep the best so far".

Python runs signal handlers only in the main thread between bytecodes, and the main thread
spends its time inside CP-SAT (C++) or waiting on writer processes, so a plain handler would
run too late. Instead SIGTERM is blocked in every thread and taken by a watcher thread with
`sigwait`, which (1) notes it, (2) kills the writer processes this command started, and (3)
sends SIGINT to the main thread: CP-SAT stops its search (it catches SIGINT itself), and in
Python code it becomes a KeyboardInterrupt, which unwinds through the output writer's
clean-up (the temporary folder is removed; an earlier output folder was never touched).
The command runs inside `sigterm_stops()` and asks `terminated()` to tell a stop from
Ctrl-C, and then writes nothing.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from multiprocessing import resource_tracker

_terminated = threading.Event()
_watcher: threading.Thread | None = None


@contextlib.contextmanager
def sigterm_stops():
    """While inside, SIGTERM stops this process as the module says; outside it has its
    default meaning again (so programs started later, tests among them, are not affected)."""
    global _watcher
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _terminated.clear()
    # multiprocessing's resource tracker (started with the first writer pool) blocks and then
    # UNblocks SIGTERM around its own start, which would undo the block below: start it first.
    resource_tracker.ensure_running()
    # Threads started inside (CP-SAT's, the writer pool's) inherit the blocked mask, so the
    # signal waits for the watcher whichever thread the kernel would have picked.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    # Here, not at the top: writer processes import this module and need no solver.
    from models.cpsat import allow_searching

    allow_searching()
    if _watcher is None or not _watcher.is_alive():
        _watcher = threading.Thread(target=_watch, name="sigterm-watcher", daemon=True)
        _watcher.start()
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def terminated() -> bool:
    """A SIGTERM arrived: the command must stop and write nothing more."""
    return _terminated.is_set()


def stop_children() -> None:
    """Kill the processes this one started (the output writers): their work is thrown away."""
    # SIGINT waits meanwhile. The watcher sends one to the main thread while the main thread
    # may be here too, reaping a writer: landing between the reaping and the recording of its
    # exit code, it left the writer pool's manager thread asking after that child forever,
    # so the command never exited (2 of about 160 stops while writing in tests/cli/
    # test_signals.py; py-spy showed that loop, in shutdown_workers, with no child left).
    masked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        children = multiprocessing.active_children()
        for child in children:
            try:
                os.kill(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for child in children:  # gone before the caller removes the folder they were writing in
            child.join(timeout=5)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, masked)


def child_started() -> None:
    """In a child process: take SIGTERM normally again, and die with the parent whatever
    kills it, so no writer outlives the command."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    die_with_parent(signal.SIGKILL)


def die_with_parent(sig: int) -> None:
    """Have the kernel send this process `sig` when its parent ends, however it ends
    (Linux's PR_SET_PDEATHSIG); elsewhere a no-op, and the parent's own clean-up remains."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, sig)
    except (OSError, AttributeError):
        pass


def _watch() -> None:
    while True:  # one watcher serves every command of this process
        signal.sigwait({signal.SIGTERM})
        _terminated.set()
        from models.cpsat import stop_searching

        stop_searching()
        stop_children()
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
