"""CP-SAT plumbing shared by every solve (phase 1, its LNS rounds, phase 2): how a solver is
set up for a time limit, how Ctrl-C stops it (the search returns its best so far), how a
model's constraints are read back as messages, a chunk at a time; and how Ctrl-C stops a long
GLOP solve too. Every CP-SAT solve of the optimiser goes through `solver`, so none sets
SIGINT behind our back."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model
from ortools.util.python import sorted_interval_list

# One-worker runs are reproducible because they stop on CP-SAT's deterministic clock, which
# ran at about a tenth of wall time on this kind of machine.
DETERMINISTIC_PER_SECOND = 0.1
# With one worker the wall limit is only a safety net behind the deterministic one (and
# behind `one_worker_deadline`).
WALL_SAFETY = 5
# How often a noted Ctrl-C is passed on again: a search that had not quite begun when it came
# ignores the first stop.
RESTOP_SECONDS = 0.05

T = TypeVar("T")


class Interrupted(Exception):
    """Ctrl-C or a stop came while a model was being built: the step is abandoned."""


# `one_worker_deadline`'s, in time.monotonic(); per thread, as the web app solves in several.
_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("deadline", default=float("inf"))
_pressed = threading.Event()  # Ctrl-C came during a solve since `reset_ctrl_c`
_ending = threading.Event()  # the process is stopping (`stop_searching`): no search runs on


class _Solver(cp_model.CpSolver):
    """A CpSolver that Ctrl-C stops (`ctrl_c_stops`) and that leaves SIGINT as it found it."""

    def solve(self, *args, **kwargs):
        with ctrl_c_stops(self):
            return super().solve(*args, **kwargs)


@contextlib.contextmanager
def ctrl_c_stops(search: cp_model.CpSolver):
    """While inside (in the main thread), SIGINT (Ctrl-C, or the SIGINT a SIGTERM becomes in
    scheduler/stopping.py) stops `search` at once and is noted for `interrupted`, instead of
    raising KeyboardInterrupt; outside, SIGINT means what it meant before.

    Not CP-SAT's own `catch_sigint_signal`: its handler resets SIGINT to the system default
    when a search ends. Restoring it after each search was not enough: after phase 2's LNS
    rounds it was found at its default all the same, so a Ctrl-C while writing killed the
    command outright, leaving writer processes and a half-written folder. Python's own
    handler cannot stop the search either: it runs only when the main thread is back in
    Python. So the signal wakes a thread here (`signal.set_wakeup_fd`), which tells the
    search to stop. A search begun after a noted Ctrl-C stops at once too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wake, woken = os.pipe()
    os.set_blocking(woken, False)
    done = threading.Event()
    watcher = threading.Thread(target=_watch, args=(wake, search, done), daemon=True)
    previous_fd = signal.set_wakeup_fd(woken, warn_on_full_buffer=False)
    previous = signal.signal(signal.SIGINT, lambda *_: _pressed.set())
    watcher.start()
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.set_wakeup_fd(previous_fd)
        done.set()
        os.close(woken)  # ends the watcher's read
        watcher.join()
        os.close(wake)


@contextlib.contextmanager
def ctrl_c_noted():
    """While inside (in the main thread), Ctrl-C in Python code between searches is noted for
    `interrupted` too, not raised: once a schedule exists, a Ctrl-C that lands while a model
    or an LNS round is being built must still keep it (raised, it lost every solution found,
    as "Stopped before the search began"). The SIGINT of a stopping process (SIGTERM) still
    raises KeyboardInterrupt, so that stop stays prompt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _note(*_) -> None:
    _pressed.set()
    if _ending.is_set():
        raise KeyboardInterrupt


def _watch(wake: int, search: cp_model.CpSolver, done: threading.Event) -> None:
    while not done.is_set():
        ready, _, _ = select.select([wake], [], [], RESTOP_SECONDS if interrupted() else None)
        if ready:
            woke_by = os.read(wake, 64)  # the numbers of the signals that came
            if not woke_by:
                return  # the search ended
            if signal.SIGINT in woke_by:
                _pressed.set()
        if interrupted():
            search.stop_search()


@contextlib.contextmanager
def one_worker_deadline(at: float):
    """While inside, one-worker solves stop by `at` (time.monotonic()) even before their
    deterministic limit: deterministic time per wall second varies tenfold between models
    (0.05-0.7 measured here), so on a slower or busier machine the deterministic budgets
    could run past the user's time limit. A run cut by it may not repeat itself."""
    token = _deadline.set(at)
    try:
        yield
    finally:
        _deadline.reset(token)


def wall_left() -> float:
    """Seconds to `one_worker_deadline`'s deadline (infinite outside it)."""
    return _deadline.get() - time.monotonic()


def solver(
    seconds: float,
    workers: int,
    seed: int,
    *,
    cheap_presolve: bool = False,
    per_second: float = DETERMINISTIC_PER_SECOND,
):
    """A CpSolver stopping after `seconds` (one worker: `per_second` times as much
    deterministic time, what a model of its kind spent per wall second), with Ctrl-C caught.
    `cheap_presolve`: no probing or symmetry detection and one presolve pass; on 300
    attendees they took 18 s of a 30 s run and found nothing the search used, and an LNS
    round's sub-model is nearly all fixed anyway."""
    found = _Solver()
    p = found.parameters
    if cheap_presolve:
        p.cp_model_probing_level = 0
        p.symmetry_level = 0
        p.max_presolve_iterations = 1
    p.max_time_in_seconds = seconds
    p.num_workers = max(1, workers)
    p.random_seed = seed
    p.catch_sigint_signal = False  # see ctrl_c_stops
    if workers <= 1:
        p.max_deterministic_time = seconds * per_second
        p.max_time_in_seconds = max(min(WALL_SAFETY * seconds, wall_left()), 0.01)
    return found


def reset_ctrl_c() -> None:
    """Forget a Ctrl-C noted before: a new solve begins."""
    _pressed.clear()


def stop_searching() -> None:
    """From any thread: the running search stops and every later one at once (SIGTERM, in
    scheduler/stopping.py; it also sends SIGINT, but a SIGINT landing in Python code before
    the search began was seen to be lost)."""
    _ending.set()


def allow_searching() -> None:
    """Undo `stop_searching`: a new command begins in this process."""
    _ending.clear()


def interrupted() -> bool:
    """Ctrl-C stopped a search since `reset_ctrl_c`, or the process is stopping: stop
    searching (and keep the best so far, unless the process is stopping)."""
    return _pressed.is_set() or _ending.is_set()


def until_interrupted(work: Callable[[], T], interrupt: Callable[[], object]) -> T:
    """`work()` (a C++ solve that lets go of the GIL, e.g. GLOP's), run in a thread so that
    Ctrl-C or a stop calls `interrupt` and it returns early with what it has: at 16,000
    attendees the LP bound runs for minutes, and a Ctrl-C waited for all of them."""
    done: dict[str, object] = {}

    def run() -> None:
        try:
            done["value"] = work()
        except BaseException as exc:  # passed on to the caller below
            done["error"] = exc

    thread = threading.Thread(target=run, name="sigmeet-interruptible", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(RESTOP_SECONDS)
            if interrupted():
                interrupt()  # again at each turn: a solve just beginning may reset its flag
    except BaseException:  # Ctrl-C outside ctrl_c_noted, or a stop: end the solve too
        interrupt()
        thread.join()
        raise
    if "error" in done:
        raise done["error"]
    return done["value"]


def check_interrupted() -> None:
    """Raise `Interrupted` when `interrupted()`: a long model build calls it as it goes."""
    if interrupted():
        raise Interrupted


def bool_maker(model: cp_model.CpModel):
    """`model.new_bool_var` without its lookups on every call: 7.0 -> 3.7 us a variable, and
    phase 2's model has a million at 3,000 attendees."""
    proto, domain = model.model_proto, sorted_interval_list.Domain(0, 1)

    def new_bool_var(name: str) -> cp_model.IntVar:
        return cp_model.IntVar(proto).with_name(name).with_domain(domain)

    return new_bool_var


def model_constraints(model: cp_model.CpModel) -> Iterator[cp_model_pb2.ConstraintProto]:
    """`model`'s constraints as protobuf messages, read back from its bytes a chunk at a time.

    Why messages: a constraint at a time, CP-SAT's own wrapper took 14 us (5.8 s for the
    410,000 constraints of phase 2 at 1,000 attendees), a message 2.7 us. Why chunks: the
    whole model as one message is 5.5 times its bytes (1.4 GB at 8,000 attendees), and all
    of it stayed alive while phase 2's restriction was read. The bytes are split into
    constraints by a skeleton message that holds each one as raw bytes; a slice of the
    bytes over whole constraints is itself a valid model message."""
    data = _model_bytes(model)
    skeleton = _skeleton().FromString(data)
    start = _field_sizes([len(skeleton.name.encode())]).sum() if skeleton.name else 0
    start += _field_sizes(list(map(len, skeleton.variables))).sum()
    ends = start + np.cumsum(_field_sizes(list(map(len, skeleton.constraints))))
    del skeleton
    if len(ends) and (data[start] != _CONSTRAINTS_TAG or ends[-1] > len(data)):
        raise ValueError("the model's bytes are not laid out in field order")
    view = memoryview(data)
    for first in range(0, len(ends), _CHUNK):
        last = min(first + _CHUNK, len(ends)) - 1
        begin = start if first == 0 else int(ends[first - 1])
        yield from cp_model_pb2.CpModelProto.FromString(view[begin : int(ends[last])]).constraints


_CHUNK = 100_000  # constraints per message: a few MB, parsed in a few hundred ms
_CONSTRAINTS_TAG = 3 << 3 | 2  # field 3 of CpModelProto, length-delimited


def _model_bytes(model: cp_model.CpModel) -> bytes:
    """The model serialized. It goes through an in-memory file: the wrapper has no other way
    out for its bytes."""
    fd = os.memfd_create("sigmeet-model")
    try:
        model.export_to_file(f"/proc/self/fd/{fd}")  # binary: the name does not end in .txt
        with os.fdopen(os.dup(fd), "rb") as f:
            return f.read()
    finally:
        os.close(fd)


def _field_sizes(lengths: list[int]) -> np.ndarray:
    """Bytes taken by length-delimited fields of a small field number (one-byte tag) whose
    contents are `lengths` long: tag, length as a varint, contents."""
    n = np.asarray(lengths, dtype=np.int64)
    return 2 + n + sum((n >= 1 << (7 * k)).astype(np.int64) for k in range(1, 5))


@functools.cache
def _skeleton():
    """A message type laid out like CpModelProto's first fields, each variable and constraint
    kept as raw bytes."""
    file = descriptor_pb2.FileDescriptorProto(
        name="sigmeet_model_skeleton.proto", package="sigmeet", syntax="proto3"
    )
    message = file.message_type.add(name="ModelSkeleton")
    field = descriptor_pb2.FieldDescriptorProto
    message.field.add(name="name", number=1, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL)
    for name, number in (("variables", 2), ("constraints", 3)):
        message.field.add(
            name=name, number=number, type=field.TYPE_BYTES, label=field.LABEL_REPEATED
        )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("sigmeet.ModelSkeleton"))
