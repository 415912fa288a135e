"""A real calendar program takes the re-planned calendars (issue 14): khal imports an
attendee's v1, then v2, then v3 .ics and lists the day. No double booking, cancelled
meetings shown cancelled, the moved meeting at its new time only, nothing else changed."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.helpers.calendar_replan import calendar_runs, ics_of, vevents

pytestmark = pytest.mark.slow

KHAL = shutil.which("khal")
if KHAL is None and not os.environ.get("CI"):
    pytest.skip("khal is not installed (CI installs it)", allow_module_level=True)

FORMAT = "{start-time}-{end-time} {cancelled}{title}"


class Khal:
    """khal with its own config, vdir calendar and database under `home`."""

    def __init__(self, home):
        (home / "cal").mkdir(parents=True)
        self.config = home / "config"
        self.config.write_text(
            f"[calendars]\n[[agenda]]\npath = {home / 'cal'}\ntype = calendar\n"
            f"[sqlite]\npath = {home / 'khal.db'}\n"
            "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\n"
            "longdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
            "longdatetimeformat = %Y-%m-%d %H:%M\n"
            "local_timezone = Europe/Berlin\ndefault_timezone = Europe/Berlin\n",
            encoding="utf-8",
        )
        self.env = os.environ | {
            "XDG_CONFIG_HOME": str(home),
            "XDG_DATA_HOME": str(home),
            "LC_ALL": "C.UTF-8",
        }

    def run(self, *args) -> str:
        assert KHAL is not None, "khal must be installed under CI"
        done = subprocess.run(
            [KHAL, "-c", str(self.config), *map(str, args)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def import_(self, ics) -> None:
        self.run("import", "--batch", "-a", "agenda", ics)

    def day(self, date) -> list[str]:
        out = self.run("list", "--format", FORMAT, "--day-format", "", f"{date:%Y-%m-%d}", "1d")
        return [line for line in out.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return calendar_runs(tmp_path_factory.getbasetemp())


def expected(out) -> list[str]:
    """What khal should list for the file in `out`: one line per entry, in time order."""
    lines = []
    for v in sorted(vevents(out).values(), key=lambda v: (v.start, v.status != "CANCELLED")):
        cancelled = "CANCELLED " if v.status == "CANCELLED" else ""
        lines.append(f"{v.start:%H:%M}-{v.end:%H:%M} {cancelled}{v.summary}")
    return sorted(lines)


def active_times(lines: list[str]) -> list[str]:
    return [line.split()[0] for line in lines if " CANCELLED " not in line]


def test_khal_updates_instead_of_duplicating(runs, tmp_path):
    khal = Khal(tmp_path / "khal")
    day = next(iter(vevents(runs.first).values())).start.date()
    seen = []
    for out in (runs.first, runs.second, runs.third):
        khal.import_(ics_of(out))
        lines = khal.day(day)
        print(f"khal list after importing {out.name}:", *lines, sep="\n  ")
        seen.append(lines)
        # Exactly what the latest file says: earlier entries updated in place, none stale.
        assert sorted(lines) == expected(out)
        times = active_times(lines)
        assert len(times) == len(set(times)), "double booking"
    first, second, third = seen
    gone = [line for line in second if " CANCELLED " in line]
    assert len(gone) == 2 and all(line.replace("CANCELLED ", "") in first for line in gone)
    assert len(second) == len(first) + 1  # the late sign-up's meeting
    assert any("Lotte Laat" in line for line in second)
    # Nothing else changed: every other line of v1 is still there.
    assert {x for x in first} - {x.replace("CANCELLED ", "") for x in gone} <= set(second)
    # v3: the meeting cancelled in v2 is back at another time, and only there.
    moved = [x for x in gone if x.split(" ", 2)[2] in {y.split(" ", 1)[1] for y in third}]
    assert len(moved) == 1
    title = moved[0].split(" ", 2)[2]
    now = [x for x in third if x.endswith(title)]
    assert len(now) == 1 and " CANCELLED " not in now[0]
    assert now[0].split()[0] != moved[0].split()[0]
