"""Every (pair, slot) a meeting could take, with the table it would need: one model boolean each.

Options exist only where both attendees are present, the pair's sessions allow the slot, and
a table can take it: a host's own table when one of them hosts, else the shared pool. Pinned
meetings are options too (one per pin, always chosen), and their pairs get no other option.

So these hard rules (models/hard_rules.py) are kept here, by the options that exist at all:
  H2 present         both attendees present at the slot (Availability.present)
  H3 registered      only attendees of the event, not cancelled (cap 0; Availability)
  H4 in slots        options are slots of a session
  H6 table sessions  a meeting needs a table usable at its slot (_table_class)
  H7 host tables     a host meets at their own table, two hosts never meet (_table_class)
  H9 requested       only candidate pairs, mutual ones with mutual_only, in their sessions
The remaining meeting rules are constraints: models/rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.domain import Event, Pin
from models.options.availability import NOT_A_HOST, Availability
from models.weights import meeting_value

POOL = -1  # table class of a meeting that takes any free non-host table
NO_TABLE = -2  # table class where no table can take the meeting: no option there
NO_PIN = -1  # `pin` of a free option (not pinned)


@dataclass(frozen=True)
class MeetingOptions:
    """Options as rows of `rows` (columns: pair, a, b, slot, tclass, value, pin).

    `pair` indexes `pairs` (canonical (a, b) ids); `a`, `b` are attendee positions; `tclass`
    is a table position (a host table) or POOL; `pin` the pin's position in `event.pins`,
    NO_PIN for a free option. `pin_table` gives a pinned pool meeting's fixed table (or None).
    """

    rows: pd.DataFrame
    pairs: tuple[tuple[str, str], ...]
    pin_table: tuple[str | None, ...]  # per pin: the table it is pinned to, if any


def pin_label(pin: Pin) -> str:
    """How a pin is named in messages to the organiser."""
    text = f"Pinned row {pin.row}: {pin.a} and {pin.b} at {pin.start:%Y-%m-%d %H:%M}"
    return text + (f" at table {pin.table}" if pin.table else "")


def meeting_options(event: Event, av: Availability) -> tuple[MeetingOptions, list[str]]:
    """Build all meeting options; also return pins that are impossible on their own."""
    pin_rows, pin_keys, pin_tables, problems = _pinned(event, av)
    pinned_keys = set(pin_keys)
    # H9: only candidate pairs (requested, none declined), mutual ones with mutual_only;
    # H12: a pinned pair has only its pin's option.
    pairs = [
        p
        for p in event.candidates
        if p.key not in pinned_keys and (p.mutual or not event.settings.mutual_only)
    ]
    free = _free_options(event, av, pairs)
    keys = [p.key for p in pairs]
    offset = len(keys)
    order = {k: i for i, k in enumerate(dict.fromkeys(pin_keys))}
    keys += list(order)
    for row, key in zip(pin_rows, pin_keys, strict=True):
        row["pair"] = offset + order[key]
    pins = pd.DataFrame(pin_rows, columns=free.columns)
    rows = pd.concat([free, pins], ignore_index=True) if len(pins) else free
    rows = rows.astype({c: "int64" for c in rows.columns}).reset_index(drop=True)
    return MeetingOptions(rows, tuple(keys), tuple(pin_tables)), problems


def _free_options(event: Event, av: Availability, pairs: list) -> pd.DataFrame:
    columns = ["pair", "a", "b", "slot", "tclass", "value", "pin"]
    if not pairs or not event.slots:
        return pd.DataFrame({c: np.zeros(0, dtype="int64") for c in columns})
    idx = av.attendee_index
    a = np.array([idx[p.a] for p in pairs])
    b = np.array([idx[p.b] for p in pairs])
    caps = np.array([x.max_meetings if x.max_meetings is not None else 1 for x in event.attendees])
    # H2 present, H3 registered (Availability has nobody cancelled present), H4 in slots
    # (options are slots), and a cap of 0 means no meeting at all.
    ok = av.present[a] & av.present[b] & (caps[a] > 0)[:, None] & (caps[b] > 0)[:, None]
    # H9: only in the sessions the pair's requests allow.
    masks: dict[tuple[str, ...], np.ndarray] = {}
    for i, p in enumerate(pairs):
        if p.sessions not in masks:
            masks[p.sessions] = av.slot_mask(p.sessions)
        ok[i] &= masks[p.sessions]

    tclass = _table_class(av, a, b)  # H6, H7
    ok &= tclass != NO_TABLE
    pi, si = np.nonzero(ok)
    values = np.array([meeting_value(p.priority, p.mutual) for p in pairs])
    return pd.DataFrame(
        {
            "pair": pi,
            "a": a[pi],
            "b": b[pi],
            "slot": si,
            "tclass": tclass[pi, si],
            "value": values[pi],
            "pin": np.full(len(pi), NO_PIN),
        }
    )


def _table_class(av: Availability, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per (pair, slot): the host table the meeting must use, POOL, or NO_TABLE when none can.

    H6 table sessions: a table only where it is usable (`av.usable`, the pool's count per
    slot); H7 host tables: a host meets at their own table only, two hosts never meet, and
    pool meetings never take a host table (the pool counts non-host tables only)."""
    n_slots = av.present.shape[1]
    usable = np.vstack([av.usable, np.zeros((1, n_slots), dtype=bool)])  # row -1: never
    ha, hb = av.host_table[a], av.host_table[b]
    a_ok = usable[np.where(ha >= 0, ha, -1)]
    b_ok = usable[np.where(hb >= 0, hb, -1)]
    pool_ok = np.broadcast_to(av.pool_tables_per_slot > 0, a_ok.shape)
    neither = ((ha == NOT_A_HOST) & (hb == NOT_A_HOST))[:, None]
    out = np.full(a_ok.shape, NO_TABLE, dtype=int)
    out = np.where(neither & pool_ok, POOL, out)
    out = np.where(b_ok, hb[:, None], out)
    out = np.where(a_ok, ha[:, None], out)
    # Two hosts cannot meet: each must meet at their own table (reader and checker agree).
    both = ((ha >= 0) & (hb >= 0))[:, None]
    return np.where(both, NO_TABLE, out)


def _pinned(event: Event, av: Availability):
    rows, keys, tables, problems = [], [], [], []
    idx = av.attendee_index
    for n, pin in enumerate(event.pins):
        label = pin_label(pin)
        if pin.a not in idx or pin.b not in idx or pin.a == pin.b:
            problems.append(f"{label}: needs two different registered attendees")
            continue
        a, b = sorted((idx[pin.a], idx[pin.b]))
        slot = event.slot_at.get(pin.start)
        if slot is None:
            problems.append(f"{label}: that is not the start of a meeting slot")
            continue
        away = [event.attendees[x].id for x in (a, b) if not av.present[x, slot.index]]
        if away:
            problems.append(f"{label}: {' and '.join(away)} not present then")
            continue
        tclass, problem = _pin_table(event, av, pin, a, b, slot.index)
        if problem:
            problems.append(f"{label}: {problem}")
            continue
        keys.append((event.attendees[a].id, event.attendees[b].id))
        tables.append(pin.table if tclass == POOL else None)
        rows.append(
            {"pair": 0, "a": a, "b": b, "slot": slot.index, "tclass": tclass, "value": 0, "pin": n}
        )
    return rows, keys, tables, problems


def _pin_table(event: Event, av: Availability, pin: Pin, a: int, b: int, slot: int):
    hosts = [int(av.host_table[x]) for x in (a, b) if av.host_table[x] != NOT_A_HOST]
    if pin.table is None:
        if not hosts:
            return (POOL, None) if av.pool_tables_per_slot[slot] > 0 else (0, "no table free")
        for t in hosts:
            if t >= 0 and av.usable[t, slot]:
                return t, None
        return 0, "the host's table is not usable then"
    t = av.table_index.get(pin.table)
    if t is None:
        return 0, f"there is no table {pin.table}"
    if not av.usable[t, slot]:
        return 0, f"table {pin.table} is not usable then"
    if hosts:
        if t in hosts:
            return t, None
        return 0, "a host must meet at their own table"
    if not av.pool[t]:
        return 0, f"table {pin.table} is another attendee's host table"
    return POOL, None
