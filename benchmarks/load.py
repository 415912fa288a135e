"""Load benchmark of the web app: many attendees opening their agenda page and calendar file
at once while a solve runs, on loopback only.

    python -m benchmarks.load [--clients 32] [--seconds 20] [--max-requests 5000]

Starts `sigmeet serve`'s app (waitress, embedded queue) on 127.0.0.1 over a fresh data
folder, loads and schedules the example event, publishes it, starts a second (long) solve,
and while that solve runs lets `--clients` threads each request random attendees' pages
(`/a/<token>`) and calendar downloads (`/a/<token>/agenda.ics`) over keep-alive connections,
until `--seconds` pass or `--max-requests` are done. Reports p50/p95/max latency and the error
count (any non-200 answer or failed connection) into its own section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "RESULTS.md"
START, END = "<!-- load benchmark: start -->", "<!-- load benchmark: end -->"
PASSWORD = "load benchmark password"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def _client(port: int, tokens: list[str], stop: threading.Event, budget, out: list, errors: list):
    rng = random.Random(threading.get_ident())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set() and budget():
        token = rng.choice(tokens)
        path = f"/a/{token}" if rng.random() < 0.5 else f"/a/{token}/agenda.ics"
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                errors.append(f"{response.status} {path}")
            out.append((path.endswith(".ics"), elapsed))
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()


def _wait(store, run_id: int, timeout: float) -> str:
    from scheduler.web import store as st

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = store.run(run_id)["status"]
        if status not in st.ACTIVE:
            return status
        time.sleep(0.5)
    raise RuntimeError(f"run {run_id} did not finish in {timeout} s")


def _section(stats: dict) -> str:
    rows = "\n".join(
        f"| {name} | {s['count']:,} | {s['p50']:.1f} | {s['p95']:.1f} | {s['max']:.1f} |"
        for name, s in stats["kinds"].items()
    )
    return f"""{START}
## Web app under load (attendee pages and calendars while a solve runs)

`{stats["command"]}` on {stats["machine"]}: the example event ({stats["attendees"]} attendees)
published; {stats["clients"]} concurrent keep-alive clients on 127.0.0.1 for
{stats["seconds"]:.1f} s while a second solve of the example was running
({stats["solving"]}); waitress with
{stats["threads"]} threads, one solve at a time in its own process.

| request | count | p50 ms | p95 ms | max ms |
|---|---:|---:|---:|---:|
{rows}

Errors: **{stats["errors"]}** (any answer other than 200, or a failed connection), throughput
{stats["throughput"]:.0f} requests/s.
{END}"""


def write_section(text: str, path: Path = RESULTS) -> None:
    """Replace this benchmark's own section of RESULTS.md (or append it), nothing else."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if START in old and END in old:
        before, rest = old.split(START, 1)
        after = rest.split(END, 1)[1]
        new = before + text + after
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new, encoding="utf-8")


@click.command()
@click.option("--clients", type=click.IntRange(1, 256), default=32, show_default=True)
@click.option("--seconds", type=click.FloatRange(1, 300), default=20.0, show_default=True)
@click.option("--max-requests", type=click.IntRange(1, 1_000_000), default=5000, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=RESULTS)
def main(clients: int, seconds: float, max_requests: int, out: Path) -> None:
    """Load-test attendee pages and calendar downloads on loopback; write RESULTS.md."""
    os.environ["SIGMEET_ADMIN_PASSWORD"] = PASSWORD
    from scheduler.web import serve as sv
    from scheduler.web import store as st

    folder = Path(tempfile.mkdtemp(prefix="sigmeet-load-"))
    server = sv.build(folder / "data", workers=1)
    httpd, base = sv.serve_in_thread(server, "127.0.0.1", 0)
    port = httpd.effective_port
    try:
        run_id = sv.load_example(server)
        click.echo(f"Serving {base}; scheduling the example event (run {run_id})...")
        if _wait(server.store, run_id, 300) != st.DONE:
            raise SystemExit(f"the example run ended {server.store.run(run_id)['status']}")
        organiser = server.app.test_client()
        page = organiser.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        organiser.post("/login", data={"csrf": csrf, "password": PASSWORD})
        organiser.post(f"/runs/{run_id}/publish", data={"csrf": csrf})
        event_id = server.store.run(run_id)["event_id"]
        tokens = list(server.store.links(event_id).values())
        # A second, long solve, so the load meets a busy machine.
        row = server.store.run(run_id)
        solving = server.store.add_run(event_id, row["version_id"], seconds + 30)
        server.enqueue(solving)
        while server.store.run(solving)["status"] == st.QUEUED:
            time.sleep(0.2)
        click.echo(
            f"{len(tokens)} attendee links; load with {clients} clients during run {solving}"
        )
        out_lat: list = []
        errors: list = []
        stop = threading.Event()
        lock = threading.Lock()
        issued = [0]

        def budget() -> bool:
            with lock:
                issued[0] += 1
                return issued[0] <= max_requests

        threads = [
            threading.Thread(target=_client, args=(port, tokens, stop, budget, out_lat, errors))
            for _ in range(clients)
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        stop.wait(seconds)
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        still = server.store.run(solving)["status"]
        kinds = {}
        for name, is_ics in (("attendee page", False), ("calendar .ics", True), ("all", None)):
            values = [1000 * s for i, s in out_lat if is_ics is None or i == is_ics]
            kinds[name] = {
                "count": len(values),
                "p50": statistics.median(values) if values else float("nan"),
                "p95": _percentile(values, 0.95),
                "max": max(values, default=float("nan")),
            }
        stats = {
            "command": f"python -m benchmarks.load --clients {clients} --seconds {seconds:g} "
            f"--max-requests {max_requests}",
            "machine": f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}",
            "attendees": len(tokens),
            "clients": clients,
            "seconds": elapsed,
            "solving": "still solving at the end" if still in st.ACTIVE else f"it ended {still}",
            "threads": sv.THREADS,
            "kinds": kinds,
            "errors": len(errors),
            "throughput": len(out_lat) / elapsed if elapsed else 0.0,
        }
        write_section(_section(stats), out)
        for name, s in kinds.items():
            click.echo(
                f"{name:14} {s['count']:6,d}  p50 {s['p50']:.1f} ms  p95 {s['p95']:.1f} ms  "
                f"max {s['max']:.1f} ms"
            )
        click.echo(f"errors {len(errors)}{': ' + ', '.join(errors[:5]) if errors else ''}")
        click.echo(f"Wrote the load section of {out}")
        server.store.update_run(solving, stop_requested=1, status=st.STOPPING)
    finally:
        sv.stop_serving(httpd)
        server.shutdown()


if __name__ == "__main__":
    main()
