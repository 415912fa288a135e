"""`sigmeet serve` as a user starts it: no prompt, a one-time set-up link on first start, the
app answering on 127.0.0.1, Ctrl-C stopping it; and the load benchmark's RESULTS.md section."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from benchmarks.load import END, START, write_section


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_starts_without_a_prompt_prints_a_setup_link_and_stops_on_ctrl_c(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "SIGMEET_ADMIN_PASSWORD"}
    child = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "serve", "--data", str(tmp_path / "d"),
         "--port", str(port)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=env,
    )  # fmt: skip
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            lines.append(line)
            if "is running at" in line:
                break
        text = "".join(lines)
        link = re.search(rf"http://127\.0\.0\.1:{port}/setup/[\w-]+", text)
        assert link, text
        while time.monotonic() < deadline:  # the message comes just before the socket opens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        with urllib.request.urlopen(link.group(0), timeout=10) as page:
            assert "Set the organiser password" in page.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as page:
            assert page.status == 200
    finally:
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=30)
    assert child.returncode == 0 and "Stopped." in out


def test_load_section_replaces_only_its_own_part(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Generated events\n\nkept\n")
    write_section(f"{START}\nfirst\n{END}", results)
    write_section(f"{START}\nsecond\n{END}", results)
    text = results.read_text()
    assert "kept" in text and "second" in text and "first" not in text
    assert text.count(START) == 1
