"""khal, a real calendar program, with a config, calendar and database of its own, for
the tests that import re-planned calendar files into it."""

from __future__ import annotations

import os
import shutil
import subprocess

KHAL = shutil.which("khal")

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
