"""Seeded generator of realistic partnering events, written as registration workbooks.

    python -m benchmarks.generate_event SIZE OUT.xlsx [--seed N]

SIZE is S, M, L, XL, XXL or BIO (see SIZES: from 60 attendees on one day to 16,000 on three
days with 100,000 requests, the size of the largest partnering events). The same size and
seed always give the same workbook; BIO is generated in well under a minute.

What makes the events realistic (and hard in the right places):
- popularity is skewed: request targets mix a uniform draw with a Zipf draw, so a few
  attendees are wanted by hundreds while most are wanted by a handful;
- some attendees are present only part of the time (a subset of sessions, or an
  Unavailable window), a few registered and then cancelled;
- the most wanted attendees host at their own table all day;
- a handful of small panels, each with a moderator, some at a fixed time, chosen by a
  fraction of the attendees;
- caps vary: an Event-wide max_meetings, tighter caps for some, paid min_meetings for others;
- answers vary: some requests accepted, a few declined, some pairs ask each other (mutual);
- a few meetings are pinned by hand, placed where they cannot clash with anything.

Every event is valid input: nothing here may produce a reader error.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np

from scheduler.registration.write import write_registration

Rows = list[dict[str, object]]

FIRST_DAY = dt.date(2026, 3, 10)
SLOT_MINUTES = 20
# Per day: a morning and an afternoon block; lunch between them is the break.
BLOCKS = (("AM", dt.time(9, 0), dt.time(12, 30)), ("PM", dt.time(14, 0), dt.time(17, 30)))
MAX_CONSECUTIVE = 6
MEETINGS_PER_DAY_CAP = 12


@dataclass(frozen=True)
class Size:
    name: str
    attendees: int
    requests: int
    days: int
    tables: int
    panels: int
    pins: int


SIZES: dict[str, Size] = {
    "S": Size("S", attendees=60, requests=360, days=1, tables=12, panels=2, pins=1),
    "M": Size("M", attendees=300, requests=2_000, days=1, tables=40, panels=4, pins=2),
    "L": Size("L", attendees=1_000, requests=8_000, days=2, tables=120, panels=6, pins=3),
    "XL": Size("XL", attendees=3_000, requests=25_000, days=2, tables=300, panels=10, pins=5),
    # The largest events one machine should plan (issue 15): three days, two halls.
    "XXL": Size("XXL", attendees=8_000, requests=50_000, days=3, tables=800, panels=16, pins=8),
    # Pins sit one slot apart on day 1's afternoon, which has 10 slots: 10 at most.
    "BIO": Size(
        "BIO", attendees=16_000, requests=100_000, days=3, tables=1_500, panels=24, pins=10
    ),
}

COUNTRIES = ("DE", "FR", "NL", "BE", "DK", "SE", "ES", "IT", "CH", "AT", "PL", "UK", "US")
TYPES = ("company", "company", "company", "research", "research", "investor", "cluster")
WORDS = (
    "Bio",
    "Gen",
    "Thera",
    "Medi",
    "Cell",
    "Pharma",
    "Vita",
    "Nova",
    "Onco",
    "Immuno",
    "Neuro",
    "Cardio",
    "Derma",
    "Omni",
    "Lumen",
    "Helix",
)
SUFFIXES = ("tec", "logic", "cure", "sense", "works", "labs", "x", "gen", "nostics", "bridge")
FORMS = ("GmbH", "SA", "BV", "AB", "Ltd", "Inc.", "University", "Institute", "AG", "ApS")
FIRST_NAMES = (
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Karin",
    "Lars",
    "Maria",
    "Nils",
    "Olga",
    "Paul",
    "Rosa",
    "Sven",
    "Tara",
    "Yusuf",
)
LAST_NAMES = (
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hansen",
    "Jansen",
    "Klein",
    "Laurent",
    "Moreau",
    "Novak",
    "Rossi",
    "Schmidt",
    "Vogel",
    "Weber",
)

# Share of request targets drawn from the Zipf law (the rest uniformly), and its exponent.
ZIPF_SHARE = 0.6
ZIPF_EXPONENT = 1.0
PRIORITY_WEIGHTS = (0.10, 0.20, 0.35, 0.20, 0.15)  # priorities 1..5


def generate(size: str, seed: int = 0) -> dict[str, Rows]:
    """Rows of every sheet of a registration workbook for an event of `size` (a SIZES key)."""
    spec = SIZES[size.upper()]
    rng = np.random.default_rng([seed, list(SIZES).index(spec.name)])
    sessions = _sessions(spec)
    session_ids = [s["session"] for s in sessions]
    n = spec.attendees
    ids = [f"A{i + 1:04d}" for i in range(n)]

    # Popularity rank: position in a random permutation; rank 0 is the most wanted.
    rank = rng.permutation(n)
    by_popularity = np.argsort(rank)
    hosts = [int(i) for i in by_popularity[: spec.tables // 10]]
    host_set = set(hosts)
    moderators = [int(i) for i in by_popularity[len(hosts) : len(hosts) + spec.panels]]
    # Attendees who must be present all the time: hosts, moderators, pinned attendees.
    pinned = [
        int(i) for i in rng.permutation(by_popularity[len(hosts) + spec.panels :])[: 2 * spec.pins]
    ]
    steady = host_set | set(moderators) | set(pinned)

    attendees, unavailable = _attendees(spec, rng, ids, hosts, steady, session_ids)
    cancelled = {i for i, row in enumerate(attendees) if row.get("status") == "cancelled"}
    requests = _requests(spec, rng, ids, rank, host_set, session_ids)
    pins = _pins(spec, ids, pinned)
    # Pinned pairs are asked for too: organisers pin meetings somebody requested.
    asked = {(r["from"], r["to"]) for r in requests}
    for k in range(0, len(pinned), 2):
        a, b = ids[pinned[k]], ids[pinned[k + 1]]
        if (a, b) in asked or (b, a) in asked:
            continue
        requests.append(
            {
                "from": a,
                "to": b,
                "priority": 5,
                "status": "accepted",
                "sessions": None,
            }
        )
    panels, choices = _panels(spec, rng, ids, moderators, cancelled | set(pinned), sessions)
    return {
        "Event": [
            {"key": "name", "value": f"Generated partnering event {spec.name} (seed {seed})"},
            {"key": "timezone", "value": "Europe/Berlin"},
            {"key": "venue", "value": "Congress Centre"},
            {"key": "max_meetings", "value": MEETINGS_PER_DAY_CAP * spec.days},
            {"key": "max_consecutive", "value": MAX_CONSECUTIVE},
            {"key": "mutual_only", "value": "no"},
        ],
        "Sessions": sessions,
        "Attendees": attendees,
        "Unavailable": unavailable,
        "Requests": requests,
        "Tables": _tables(spec, hosts, session_ids),
        "Panels": panels,
        "PanelChoices": choices,
        "Pinned": pins,
    }


def _sessions(spec: Size) -> Rows:
    rows: Rows = []
    for day in range(spec.days):
        date = FIRST_DAY + dt.timedelta(days=day)
        for label, start, end in BLOCKS:
            rows.append(
                {
                    "session": f"D{day + 1}-{label}",
                    "date": date,
                    "start": start,
                    "end": end,
                    "slot_minutes": SLOT_MINUTES,
                    "changeover_minutes": 0,
                }
            )
    return rows


def _attendees(
    spec: Size,
    rng: np.random.Generator,
    ids: list[str],
    hosts: list[int],
    steady: set[int],
    session_ids: list[str],
) -> tuple[Rows, Rows]:
    n = spec.attendees
    host_table = {a: f"T{k + 1:03d}" for k, a in enumerate(hosts)}
    everyone_cap = MEETINGS_PER_DAY_CAP * spec.days
    slots_per_day = sum(_slots_in(start, end) for _, start, end in BLOCKS)
    draws = rng.random((n, 6))
    rows: Rows = []
    unavailable: Rows = []
    for i, attendee_id in enumerate(ids):
        first = FIRST_NAMES[int(draws[i, 0] * len(FIRST_NAMES))]
        last = LAST_NAMES[int(draws[i, 1] * len(LAST_NAMES))]
        org = (
            WORDS[int(rng.integers(len(WORDS)))]
            + SUFFIXES[int(rng.integers(len(SUFFIXES)))]
            + " "
            + FORMS[int(rng.integers(len(FORMS)))]
        )
        row: dict[str, object] = {
            "id": attendee_id,
            "name": f"{first} {last}",
            "organisation": org,
            "email": f"{first.lower()}.{last.lower()}.{i + 1}@example.org",
            "country": COUNTRIES[int(rng.integers(len(COUNTRIES)))],
            "type": "investor" if i in host_table else TYPES[int(rng.integers(len(TYPES)))],
            "sessions": None,
            "max_meetings": None,
            "min_meetings": None,
            "host_table": host_table.get(i),
            "status": None,
        }
        if i in host_table:
            # A host's table is theirs all day: let them fill it.
            row["max_meetings"] = slots_per_day * spec.days
        elif i not in steady:
            presence, cap, paid, away, cancel = draws[i, 2:6].tolist() + [rng.random()]
            if presence < 0.12:
                # Part-time: one session, or (two-day events) one whole day.
                if spec.days > 1 and presence < 0.06:
                    day = 1 + int(rng.integers(spec.days))
                    row["sessions"] = ", ".join(s for s in session_ids if s.startswith(f"D{day}-"))
                else:
                    row["sessions"] = session_ids[int(rng.integers(len(session_ids)))]
            elif away < 0.06:
                day = int(rng.integers(spec.days))
                start_hour = int(rng.choice([10, 11, 15, 16]))
                unavailable.append(
                    {
                        "attendee": attendee_id,
                        "date": FIRST_DAY + dt.timedelta(days=day),
                        "from": dt.time(start_hour, 0),
                        "to": dt.time(start_hour + 1, 0),
                    }
                )
            if cap < 0.06:
                row["max_meetings"] = int(rng.integers(4, 9))
            elif paid < 0.06:
                row["min_meetings"] = int(rng.integers(3, 6))
            elif everyone_cap and cap > 0.97:
                row["max_meetings"] = everyone_cap + 4
            if cancel < 0.01:
                row["status"] = "cancelled"
        rows.append(row)
    return rows, unavailable


def _slots_in(start: dt.time, end: dt.time) -> int:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes // SLOT_MINUTES


def _requests(
    spec: Size,
    rng: np.random.Generator,
    ids: list[str],
    rank: np.ndarray,
    hosts: set[int],
    session_ids: list[str],
) -> Rows:
    n = spec.attendees
    zipf = 1.0 / (rank + 1.0) ** ZIPF_EXPONENT
    target_weights = ZIPF_SHARE * zipf / zipf.sum() + (1 - ZIPF_SHARE) / n
    # Some attendees send many requests, most a few: a log-normal activity level.
    activity = rng.lognormal(0.0, 0.6, n)
    activity[sorted(hosts)] *= 0.2  # hosts mostly receive
    source_weights = activity / activity.sum()

    # Draw in bulk, then keep draws in order until the target count: deterministic and fast.
    draws = int(spec.requests * 1.6) + 100
    sources = rng.choice(n, size=draws, p=source_weights)
    targets = rng.choice(n, size=draws, p=target_weights)
    priorities = rng.choice(5, size=draws, p=PRIORITY_WEIGHTS) + 1
    answers = rng.random(draws)
    mutual = rng.random(draws)
    restricted = rng.random(draws)
    restricted_to = rng.integers(len(session_ids), size=draws)

    seen: set[tuple[int, int]] = set()
    rows: Rows = []
    for k in range(draws):
        if len(rows) >= spec.requests:
            break
        s, t = int(sources[k]), int(targets[k])
        if s == t or (s in hosts and t in hosts) or (s, t) in seen:
            continue
        status = "accepted" if answers[k] < 0.10 else "declined" if answers[k] > 0.97 else None
        sessions = session_ids[int(restricted_to[k])] if restricted[k] < 0.02 else None
        seen.add((s, t))
        rows.append(
            {
                "from": ids[s],
                "to": ids[t],
                "priority": int(priorities[k]),
                "status": status,
                "sessions": sessions,
            }
        )
        # A share of pairs ask each other: the reverse request, often with another priority.
        if mutual[k] < 0.08 and (t, s) not in seen and len(rows) < spec.requests:
            seen.add((t, s))
            rows.append(
                {
                    "from": ids[t],
                    "to": ids[s],
                    "priority": int(priorities[(k + 1) % draws]),
                    "status": None,
                    "sessions": None,
                }
            )
    return rows


def _tables(spec: Size, hosts: list[int], session_ids: list[str]) -> Rows:
    rows: Rows = []
    for k in range(spec.tables):
        room = "Hall A" if k < spec.tables // 2 else "Hall B"
        # A few tables of Hall B are set up only from the afternoon of day 1.
        late = k >= spec.tables - max(1, spec.tables // 20)
        rows.append(
            {
                "table": f"T{k + 1:03d}",
                "room": room,
                "sessions": ", ".join(session_ids[1:]) if late else None,
            }
        )
    assert len(hosts) < spec.tables - max(1, spec.tables // 20)
    return rows


def _pins(spec: Size, ids: list[str], pinned: list[int]) -> Rows:
    # Day-1 afternoon, one slot apart per pin: no fixed panel runs then (they are mornings).
    start = dt.datetime.combine(FIRST_DAY, BLOCKS[1][1])
    return [
        {
            "a": ids[pinned[2 * k]],
            "b": ids[pinned[2 * k + 1]],
            "date": FIRST_DAY,
            "start": (start + dt.timedelta(minutes=SLOT_MINUTES * k)).time(),
            "table": None,
        }
        for k in range(spec.pins)
    ]


def _panels(
    spec: Size,
    rng: np.random.Generator,
    ids: list[str],
    moderators: list[int],
    excluded: set[int],
    sessions: Rows,
) -> tuple[Rows, Rows]:
    panels: Rows = []
    choices: Rows = []
    topics = (
        "Funding early-stage biotech",
        "Clinical trial partnerships",
        "AI in drug discovery",
        "Regulatory pathways for devices",
        "Tech transfer from universities",
        "Manufacturing scale-up",
        "Digital health reimbursement",
        "Diagnostics market access",
        "Women in life-science leadership",
        "Cross-border cluster projects",
    )
    choosers = [i for i in range(spec.attendees) if i not in excluded and i not in moderators]
    for k, moderator in enumerate(moderators):
        room = k // 2
        capacity = int(rng.integers(6, 13))
        minutes = 60 if k % 2 == 0 else 40
        row: dict[str, object] = {
            "panel": f"P{k + 1:02d}",
            "title": topics[k % len(topics)],
            "room": f"Panel Room {room + 1}",
            "capacity": capacity,
            "minutes": minutes,
            "moderator": ids[moderator],
            "date": None,
            "start": None,
            "sessions": None,
        }
        if k % 2 == 0:
            # The first panel of each room is fixed on a morning; the second floats.
            day = room % spec.days
            row["date"] = FIRST_DAY + dt.timedelta(days=day)
            row["start"] = dt.time(10 + (room // spec.days) % 2, 0)
        panels.append(row)
        demand = min(len(choosers), capacity * 3 // 2)
        wanted = rng.choice(len(choosers), size=demand, replace=False)
        for c in sorted(int(w) for w in wanted):
            choices.append(
                {
                    "attendee": ids[choosers[c]],
                    "panel": row["panel"],
                    "priority": int(rng.choice(5, p=PRIORITY_WEIGHTS)) + 1,
                }
            )
    return panels, choices


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("size", type=click.Choice(list(SIZES), case_sensitive=False))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--seed", default=0, show_default=True, help="Same seed, same event.")
def main(size: str, out: Path, seed: int) -> None:
    """Write a generated registration workbook of SIZE (S, M, L, XL, XXL, BIO) to OUT."""
    started = time.perf_counter()
    sheets = generate(size, seed)
    write_registration(out, sheets)
    click.echo(
        f"Wrote {out}: {len(sheets['Attendees'])} attendees, {len(sheets['Requests'])} requests, "
        f"{len(sheets['Tables'])} tables, {len(sheets['Sessions'])} sessions "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
