"""Give every scheduled meeting a concrete table, after the solve.

The model only counts pool meetings per slot, so any assignment within a slot works; this one
is deterministic and keeps an attendee at the table they sat at in the previous slot when it
is free (fewer walks across the hall). Host meetings use the host's table; pins keep theirs; a
meeting a previous run announced at the same slot gets its announced table back when free.
"""

from __future__ import annotations

import numpy as np

from models.domain import Meeting, Schedule
from models.options.meeting_options import NO_PIN, POOL
from models.prepared import Prepared


def assign_tables(
    prep: Prepared, chosen: tuple[int, ...], previous: Schedule | None = None
) -> tuple[Meeting, ...]:
    """Meetings for the chosen option rows, sorted by (slot, table)."""
    event, av, mo = prep.event, prep.av, prep.mo
    announced = {((m.a, m.b), m.slot): m.table for m in previous.meetings} if previous else {}
    rows = mo.rows
    a, b, slot = rows["a"].to_numpy(), rows["b"].to_numpy(), rows["slot"].to_numpy()
    tclass, pin = rows["tclass"].to_numpy(), rows["pin"].to_numpy()
    ids = [t.id for t in event.tables]
    chosen_arr = np.array(sorted(chosen), dtype=int)
    last_table: dict[int, str] = {}
    meetings: list[Meeting] = []
    for s in sorted(set(slot[chosen_arr].tolist())):
        here = chosen_arr[slot[chosen_arr] == s]
        here = here[np.lexsort((b[here], a[here]))]
        table_of: dict[int, str] = {}
        for i in here:
            if tclass[i] != POOL:
                table_of[i] = ids[tclass[i]]
            elif pin[i] != NO_PIN and mo.pin_table[pin[i]] is not None:
                table_of[i] = mo.pin_table[pin[i]]
        free = [
            ids[t]
            for t in range(len(ids))
            if av.pool[t] and av.usable[t, s] and ids[t] not in table_of.values()
        ]
        waiting = [i for i in here if i not in table_of]
        for i in list(waiting):
            t = announced.get((mo.pairs[rows["pair"].iat[i]], int(s)))
            if t in free:
                table_of[i] = t
                free.remove(t)
                waiting.remove(i)
        for i in list(waiting):
            for who in (a[i], b[i]):
                t = last_table.get(int(who))
                if t in free:
                    table_of[i] = t
                    free.remove(t)
                    waiting.remove(i)
                    break
        for i in waiting:
            table_of[i] = free.pop(0)
        for i in here:
            key = mo.pairs[rows["pair"].iat[i]]
            origin = "pinned" if pin[i] != NO_PIN else "new"
            meetings.append(Meeting(key[0], key[1], int(s), table_of[i], origin))
            last_table[int(a[i])] = last_table[int(b[i])] = table_of[i]
    return tuple(sorted(meetings, key=lambda m: (m.slot, m.table)))
