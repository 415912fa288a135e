"""What `sigmeet schedule` prints while it searches and when it is done.

In a terminal (the stream is a TTY) progress is one line rewritten in place with `\\r`: a bar
over the time limit, the phase, the objective, the gap and, in phase 2, the breaks so far.
Piped to a file it is one line per improvement, so logs keep the whole story.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 20


class ProgressPrinter:
    """Callable given each `models.solve.Progress`; `done()` ends an in-place line."""

    def __init__(self, limit: float, stream: TextIO | None = None):
        self.limit = max(float(limit), 1e-9)
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.in_place = bool(isatty and isatty())
        self.started = time.monotonic()
        self._width = 0  # of the line last written in place

    def __call__(self, p) -> None:
        if self.in_place:
            text = self.bar_line(p, time.monotonic() - self.started)
            pad = " " * max(self._width - len(text), 0)
            self.stream.write("\r" + text + pad)
            self._width = len(text)
        else:
            self.stream.write(self.log_line(p) + "\n")
        self.stream.flush()

    def done(self) -> None:
        """End the in-place line so that what follows starts on a line of its own."""
        if self.in_place and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0

    def bar_line(self, p, elapsed: float) -> str:
        share = min(max(elapsed / self.limit, 0.0), 1.0)
        filled = round(share * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        text = f"[{bar}] {elapsed:5.1f}/{self.limit:g} s  {p.phase:<12}"
        text += f"  objective {p.objective:,.0f}  gap {_gap(p.gap)}"
        if getattr(p, "breaks", None) is not None:
            text += f"  breaks {p.breaks}"
        return text

    @staticmethod
    def log_line(p) -> str:
        bound = "-" if p.bound is None else f"{p.bound:,.0f}"
        text = (
            f"  {p.seconds:7.1f} s  {p.phase:<12}  solution {p.solutions:3d}"
            f"  objective {p.objective:,.0f}  bound {bound}  gap {_gap(p.gap)}"
        )
        if getattr(p, "breaks", None) is not None:
            text += f"  breaks {p.breaks}  idle slots {p.idle}"
        return text


def _gap(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.2f} %"


def final_line(schedule, figures: dict, out_dir) -> str:
    """The last line: the overall status, each phase plainly, then the contract's figures."""
    stats = schedule.stats
    missed = (
        f"; min_meetings missed by {', '.join(stats.min_meetings_missed)}"
        if stats.min_meetings_missed
        else ""
    )
    return (
        f"{stats.status} after {stats.seconds:.1f} s; {stats.meetings_text()}; "
        f"{stats.compact_text()}: {figures['meetings']} meetings "
        f"of {figures['candidate_pairs']} candidate pairs, weighted_share "
        f"{figures['weighted_share']:.3f}, mutual_met {figures['mutual_met']}, "
        f"attendees_without_meetings {figures['attendees_without_meetings']}, "
        f"breaks {figures['breaks']}, panel_seats {figures['panel_seats']}{missed}. "
        f"Wrote {out_dir}/"
    )


# Writing the whole folder, since agenda files reuse what every agenda shares (font subsets,
# the workbook package, calendar lines), on this 2-core machine: 0.8-1.0 s at 58 attendees
# (fonts and templates loaded once), 3.1 s at 298 (one process); CPU 10-12 ms per attendee
# there (was 23-25), ~14 at 16,000 (writers 184 s, measured, and schedule.xlsx ~36 s; was
# 300-380 s): ~125 s estimated quiet, 321 s measured niced beside other load. The reserve
# is that with a 1.5x margin for a loaded machine; the search gets the rest. Measured quiet
# since (schedule lists as XML, the zip filled meanwhile): 101.8 s at 15,830 attendees (6.4
# ms each) and 44.4 s at 7,920, half the reserve there; smaller events write in one
# process at ~10 ms an attendee, so the per-attendee part stays until S-XL are re-run.
# The fixed part was 1 s, but 58 attendees wrote in 0.61-0.69 s (quiet) and size S at its
# half limit (5 s) ended at 3.8 s: 1.2 s that phase 2 could have had.
# Plus the interpreter's exit after the last file is written: 0.2-0.3 s measured with the
# solver, pandas and the writers loaded (forum-13crafb: the final line at 5.05 s, the exit
# at 5.37 s).
WRITE_SECONDS = 0.8
WRITE_SECONDS_PER_ATTENDEE = 0.013
MIN_SEARCH_SHARE = 0.5  # the search never gets less than half the limit
# With one worker the search's budget must not depend on how long reading took, or runs with
# the same seed would not repeat (the budgets scale with it): reading counts as this much.
# Start-up and reading took 2.7 s on 2026-12-03's slower machine (S); the one-worker budgets
# use 60 % of the rest (models/solve.py ONE_WORKER_SHARE), which leaves room for that: S at
# 10 s ended at 7.8-8.1 s there.
ONE_WORKER_READ_SECONDS = 1.5
ONE_WORKER_READ_SECONDS_PER_ATTENDEE = 0.002


def search_budget(limit: float, spent: float, attendees: int, workers: int = 2) -> float:
    """Seconds left for the search so that the whole command (reading, searching, writing)
    ends within `limit`: the limit less what reading took (`spent`; with one worker a fixed
    estimate) and what writing is expected to."""
    if workers <= 1:
        spent = ONE_WORKER_READ_SECONDS + ONE_WORKER_READ_SECONDS_PER_ATTENDEE * attendees
    reserve = WRITE_SECONDS + WRITE_SECONDS_PER_ATTENDEE * attendees
    return max(limit - spent - reserve, MIN_SEARCH_SHARE * limit)
