"""Run the benchmark suite and write `benchmarks/RESULTS.md`.

    python -m benchmarks.run [--sizes S,M,L,XL] [--repeats 3] [--time-limit 60]
                             [--workers 2] [--seed 0] [--out benchmarks/RESULTS.md]
                             [--research] [--research-instances tic-12,forum-13]
                             [--research-time-limit 60] [--research-dir DIR]

Generated events (`--sizes`, comma-separated, any of S, M, L, XL, XXL, BIO; `--sizes none`
skips them): each size is generated once with `--seed`, then sigmeet and the greedy baseline
each schedule it `--repeats` times, every run in a fresh process (`benchmarks.measure`) so
that its peak memory is its own. The report gives medians of the runs, sigmeet and the
baseline side by side with their ratio: read, model build, solve and writing times, peak
memory (of all the run's processes, the output writers included), the contract's quality
figures, and the solver's objective, best bound and gap. Every schedule is written as the
whole output folder (`pipeline.write`) and its workbook checked by `scheduler.check`; a run
with a violation is flagged.

`--time-limit` is the solver's limit in seconds: one number for every size, or per size as
`S=10,M=30,L=120,XL=300,XXL=600,BIO=900` (sizes not named keep the default for their size).

Running some sizes rewrites only theirs: `benchmarks/RESULTS.md` keeps the other sizes'
rows and sections (each says when and at which commit it was measured), the research
section when `--research` is not given, any hand-written `##` section, and the web app's
load-test section (`benchmarks/load.py`, between its markers).

`--research` adds the published research benchmark: sigmeet (and, for reference, the
baseline) schedules each of the twenty real B2B events in `--research-dir` (default
`../shared/benchmarks/b2b/` beside the repository; they are read there, never copied) and
the report says, per instance, whether every meeting was scheduled, how many breaks
sigmeet's schedule has, the published optimum (parsed from that folder's README at run
time) and the time taken.
`--research-instances` limits it to the named instances (CI runs two).

Every run gets the same `--seed` and `--workers` (default 2: the machine's cores).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from benchmarks.generate_event import SIZES, generate
from scheduler.registration.write import write_registration

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "benchmarks" / "RESULTS.md"
DEFAULT_RESEARCH_DIR = REPO.parent / "shared" / "benchmarks" / "b2b"
DEFAULT_TIME_LIMITS = {"S": 10.0, "M": 30.0, "L": 120.0, "XL": 300.0, "XXL": 600.0, "BIO": 900.0}
# A solve that overruns its limit by this much (reading, writing, checking) is killed.
CHILD_SLACK_SECONDS = 600.0

# (key in a measurement, label, format) in report order; None format: an integer count.
ROWS = (
    ("read_seconds", "read time (s)", "{:.2f}"),
    ("build_seconds", "model build time (s)", "{:.2f}"),
    ("solve_seconds", "solve time (s)", "{:.2f}"),
    ("write_seconds", "writing time, all outputs (s)", "{:.2f}"),
    ("command_seconds", "whole run: start-up, read, solve, write (s)", "{:.1f}"),
    ("peak_mb", "peak memory, all processes (MB)", "{:.0f}"),
    ("meetings", "meetings", "{:.0f}"),
    ("weighted_share", "weighted share", "{:.3f}"),
    ("mutual_met", "mutual met", "{:.0f}"),
    ("attendees_without_meetings", "attendees with none", "{:.0f}"),
    ("min_meetings", "min meetings", "{:.0f}"),
    ("mean_meetings", "mean meetings", "{:.2f}"),
    ("breaks", "breaks", "{:.0f}"),
    ("idle_slots", "idle slots", "{:.0f}"),
    ("panel_seats", "panel seats", "{:.0f}"),
    ("objective", "objective", "{:.0f}"),
    ("bound", "best bound", "{:.0f}"),
    ("gap", "gap", "{:.2%}"),
    ("start_objective", "greedy start objective", "{:.0f}"),
    ("start_gain", "objective gained over the start", "{:.3%}"),
    ("start_breaks", "greedy start breaks", "{:.0f}"),
    ("violations", "hard-rule violations", "{:.0f}"),
)


@dataclass(frozen=True)
class Runs:
    """The measurements of one engine on one workbook, one dict per repeat."""

    engine: str
    results: tuple[dict[str, object], ...]

    @property
    def failures(self) -> list[str]:
        return [str(r["error"]) for r in self.results if "error" in r]

    def median(self, key: str) -> float | None:
        values = [
            float(r[key])
            for r in self.results
            if "error" not in r and isinstance(r.get(key), int | float)
        ]
        return statistics.median(values) if values else None

    def first(self, key: str) -> object:
        return next((r[key] for r in self.results if key in r), None)


@dataclass(frozen=True)
class SizeResult:
    size: str
    generation_seconds: float
    time_limit: float
    sigmeet: Runs
    greedy: Runs


@dataclass(frozen=True)
class ResearchResult:
    instance: str
    optimum: int | None
    published_seconds: float | None
    run: dict[str, object] = field(default_factory=dict)
    baseline: dict[str, object] = field(default_factory=dict)


def run_child(
    engine: str, workbook: Path, *, time_limit: float, workers: int, seed: int
) -> dict[str, object]:
    """One measured run in its own process; failures come back as {"error": text}."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.measure",
        engine,
        str(workbook),
        f"--time-limit={time_limit}",
        f"--workers={workers}",
        f"--seed={seed}",
    ]
    try:
        done = subprocess.run(
            command,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=time_limit + CHILD_SLACK_SECONDS,
            env={**os.environ, "PYTHONPATH": _pythonpath()},
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {time_limit + CHILD_SLACK_SECONDS:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    return json.loads(lines[-1])


def _pythonpath() -> str:
    existing = os.environ.get("PYTHONPATH", "")
    return str(REPO) + (os.pathsep + existing if existing else "")


def bench_size(
    size: str, folder: Path, *, repeats: int, time_limit: float, workers: int, seed: int
) -> SizeResult:
    started = time.perf_counter()
    workbook = write_registration(folder / f"{size}.xlsx", generate(size, seed))
    generation_seconds = time.perf_counter() - started
    runs: dict[str, list[dict[str, object]]] = {"sigmeet": [], "greedy": []}
    for repeat in range(repeats):
        for engine in runs:
            outcome = run_child(engine, workbook, time_limit=time_limit, workers=workers, seed=seed)
            runs[engine].append(outcome)
            _progress(f"{size} {engine} run {repeat + 1}/{repeats}: {_one_line(outcome)}")
    return SizeResult(
        size,
        generation_seconds,
        time_limit,
        Runs("sigmeet", tuple(runs["sigmeet"])),
        Runs("greedy", tuple(runs["greedy"])),
    )


def published_optima(readme: Path) -> dict[str, tuple[int | None, float | None]]:
    """Instance -> (optimum breaks, best published seconds), from the README's table."""
    header: list[str] | None = None
    optima: dict[str, tuple[int | None, float | None]] = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None  # a table ended
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            if "instance" in cells:
                header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # the separator row
        row = dict(zip(header, cells, strict=False))
        optimum = next((v for k, v in row.items() if "optimum" in k), "")
        seconds = next((v for k, v in row.items() if "time" in k), "")
        optima[row["instance"]] = (_number(optimum, int), _number(seconds, float))
    return optima


def _number(text: str, kind):
    try:
        return kind(text)
    except ValueError:
        return None


def bench_research(
    folder: Path, instances: list[str] | None, *, time_limit: float, workers: int, seed: int
) -> list[ResearchResult]:
    optima = published_optima(folder / "README.md")
    names = instances or sorted(optima) or sorted(p.stem for p in folder.glob("*.xlsx"))
    results = []
    for name in names:
        workbook = folder / f"{name}.xlsx"
        optimum, seconds = optima.get(name, (None, None))
        outcomes: dict[str, dict[str, object]] = {}
        for engine in ("sigmeet", "greedy"):
            if not workbook.exists():
                outcomes[engine] = {"error": f"{workbook} not found"}
            else:
                outcomes[engine] = run_child(
                    engine, workbook, time_limit=time_limit, workers=workers, seed=seed
                )
            _progress(f"research {name} {engine}: {_one_line(outcomes[engine])}")
        results.append(
            ResearchResult(name, optimum, seconds, outcomes["sigmeet"], outcomes["greedy"])
        )
    return results


def _one_line(outcome: dict[str, object]) -> str:
    if "error" in outcome:
        return f"FAILED {outcome['error']}"
    return (
        f"{outcome.get('meetings')} meetings, {outcome.get('breaks')} breaks, "
        f"{outcome.get('status')}, {float(outcome.get('total_seconds') or 0):.1f} s"
    )


def _progress(text: str) -> None:
    click.echo(text, err=True)


# ---------------------------------------------------------------- the report


GENERATED = "## Generated events"
COMPARISON = "## sigmeet against the greedy baseline"
RESEARCH = "## Research benchmark"


def render(
    sizes: list[SizeResult],
    research: list[ResearchResult],
    *,
    repeats: int,
    workers: int,
    seed: int,
    research_time_limit: float,
    command: str,
    previous: str = "",
) -> str:
    """The report of this run; `previous` (the RESULTS.md it replaces) gives the sections
    this run did not measure: other sizes, the research table, hand-written sections."""
    old = _parse_report(previous)
    measured = f"on {dt.date.today().isoformat()} at commit {_revision()}"
    run_sizes = {r.size for r in sizes}
    size_rows = dict(old.size_rows)
    size_sections = dict(old.size_sections)
    for r in sizes:
        size_rows[r.size] = _size_row(r)
        size_sections[r.size] = _size_table(r, repeats=repeats, measured=measured)
    kept_sizes = [s for s in size_sections if s not in run_sizes]
    research_text = (
        "\n".join(_research_table(research, research_time_limit, measured)) if research else ""
    )
    kept = kept_sizes + (["the research benchmark"] if old.research and not research else [])
    header = (
        f"Written by `{command}` {measured}: {_machine()}, OR-Tools {_ortools_version()}, "
        f"{workers} workers, seed {seed}."
    )
    if kept:
        header += (
            f" Kept from earlier runs (not measured by this command): {', '.join(kept)}; "
            "each section says when it was measured when known."
        )
    lines = ["# Benchmark results", "", header, ""]
    if size_sections:
        lines += [
            GENERATED,
            "",
            "Made by `python -m benchmarks.generate_event SIZE OUT.xlsx --seed "
            f"{seed}` (popularity skewed, part-time attendees, hosts, panels, varied caps).",
            "",
            "| size | attendees | requests | candidate pairs | slots | tables | panels "
            "| generation (s) | time limit, whole command (s) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        lines += [size_rows[s] for s in _size_order(size_rows)]
        lines += [
            "",
            COMPARISON,
            "",
            "The baseline (`benchmarks/greedy_baseline.py`) books pairs by priority, then "
            "request order, each in the earliest slot that works: what a spreadsheet or a "
            "simple platform does. Every schedule is written as the whole output folder "
            "(its writing time on its own line) and checked by `scheduler.check`; peak "
            "memory sums every process of the run, the output writers included.",
            "",
        ]
        for size in _size_order(size_sections):
            lines += size_sections[size]
    if research_text or old.research:
        lines.append(research_text or old.research)
    for section in old.others:
        lines.append(section)
    return "\n".join(lines).rstrip("\n") + "\n"


@dataclass
class _Report:
    """The parts of an earlier RESULTS.md a new run may keep."""

    size_rows: dict[str, str] = field(default_factory=dict)  # size -> its Generated row
    size_sections: dict[str, list[str]] = field(default_factory=dict)  # size -> "### ..."
    research: str = ""
    others: list[str] = field(default_factory=list)  # hand-written "##" sections, verbatim


def _parse_report(text: str) -> _Report:
    if LOAD_START in text and LOAD_END in text:
        head, rest = text.split(LOAD_START, 1)
        text = head + rest.split(LOAD_END, 1)[1]  # the load section is kept on its own
    report = _Report()
    sections: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
    for lines in sections:
        heading = lines[0]
        if heading.startswith(GENERATED):
            for line in lines:
                size = line.strip("|").split("|")[0].strip() if line.startswith("|") else ""
                if size in SIZES:
                    report.size_rows[size] = line
        elif heading.startswith(COMPARISON):
            current = None
            for line in lines[1:]:
                if line.startswith("### "):
                    current = line[4:].split()[0] if line[4:].split() else ""
                    report.size_sections[current] = []
                if current in SIZES:
                    report.size_sections[current].append(line)
        elif heading.startswith(RESEARCH):
            report.research = "\n".join(lines).rstrip("\n") + "\n"
        else:
            report.others.append("\n".join(lines).rstrip("\n") + "\n")
    for size, lines in list(report.size_sections.items()):
        if size not in SIZES:
            del report.size_sections[size]
        else:
            while lines and not lines[-1].strip():
                lines.pop()
            lines.append("")
    return report


def _size_order(sizes: dict[str, object]) -> list[str]:
    return [s for s in SIZES if s in sizes]


def _size_row(r: SizeResult) -> str:
    info = r.greedy if r.greedy.first("attendees") is not None else r.sigmeet
    return (
        f"| {r.size} | {info.first('attendees')} | {info.first('requests')} "
        f"| {info.first('candidate_pairs_in')} | {info.first('slots')} "
        f"| {info.first('tables')} | {info.first('panels_in')} "
        f"| {r.generation_seconds:.1f} | {r.time_limit:g} |"
    )


def _size_table(r: SizeResult, *, repeats: int, measured: str) -> list[str]:
    how_many = "one run" if repeats == 1 else f"medians of {repeats} runs"
    lines = [
        f"### {r.size} ({how_many})",
        "",
        f"Measured {measured}, time limit {r.time_limit:g} s for the whole command.",
        "",
        "| figure | sigmeet | baseline | sigmeet / baseline |",
        "|---|---|---|---|",
    ]
    for key, label, fmt in ROWS:
        ours, theirs = r.sigmeet.median(key), r.greedy.median(key)
        if ours is None and theirs is None:
            continue
        ratio = f"{ours / theirs:.2f}" if ours is not None and theirs else "–"
        lines.append(f"| {label} | {_fmt(ours, fmt)} | {_fmt(theirs, fmt)} | {ratio} |")
    status = ", ".join(str(x.get("status", "")) for x in r.sigmeet.results if "error" not in x)
    lines.append("")
    if status:
        lines.append(f"Solver status per run: {status}.")
    for runs in (r.sigmeet, r.greedy):
        for failure in runs.failures:
            lines.append(f"**{runs.engine} failed:** {failure}")
        for x in runs.results:
            if x.get("violations"):
                lines.append(f"**{runs.engine} broke a hard rule:** {x.get('first_violation')}")
    lines.append("")
    return lines


def _research_table(research: list[ResearchResult], time_limit: float, measured: str) -> list[str]:
    lines = [
        "## Research benchmark (real B2B events, Bofill et al., JAIR 2022)",
        "",
        "Every meeting must happen; the published optimum minimises breaks. sigmeet runs "
        f"with its own objective and a {time_limit:g} s limit; the workbooks and the optima "
        f"are read from `../shared/benchmarks/b2b/` at run time. Measured {measured}.",
        "",
        "| instance | meetings | all scheduled | breaks (sigmeet) | breaks lower bound "
        "| breaks proven | published optimum | sigmeet time, whole command (s) "
        "| published time (s) | status "
        "| baseline meetings | baseline breaks |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    at_optimum = proven = 0
    for r in research:
        run, base = r.run, r.baseline
        optimum, published = _fmt(r.optimum, "{:.0f}"), _fmt(r.published_seconds, "{:g}")
        if "error" in base:
            base_cells = "| failed | – |"
        else:
            base_cells = f"| {base.get('meetings')}/{base.get('candidate_pairs')} "
            base_cells += f"| {base.get('breaks')} |"
        if "error" in run:
            lines.append(
                f"| {r.instance} | – | – | – | – | – | {optimum} | – | {published} "
                f"| failed: {run['error']} {base_cells}"
            )
            continue
        everything = run.get("meetings") == run.get("candidate_pairs")
        breaks = run.get("breaks")
        good = everything and r.optimum is not None and breaks is not None
        at_optimum += bool(good and breaks <= r.optimum)
        proven += bool(good and breaks <= r.optimum and run.get("breaks_proven"))
        lines.append(
            f"| {r.instance} | {run.get('meetings')}/{run.get('candidate_pairs')} "
            f"| {'yes' if everything else 'no'} | {breaks} "
            f"| {_fmt(run.get('breaks_bound'), '{}')} "
            f"| {'yes' if run.get('breaks_proven') else 'no'} "
            f"| {optimum} | {float(run.get('command_seconds') or 0):.1f} "
            f"| {published} | {run.get('status')}"
            f"{' (violations!)' if run.get('violations') else ''} {base_cells}"
        )
    lines += [
        "",
        f"Every meeting and breaks at most the published optimum: {at_optimum} of "
        f"{len(research)}; of those, proven optimal by sigmeet itself (breaks = its own lower "
        f"bound): {proven}.",
        "",
    ]
    return lines


def _fmt(value: float | None, fmt: str) -> str:
    return "–" if value is None else fmt.format(value)


def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpu = f" {model}" if model else ""
    return f"{os.cpu_count()} cores{cpu}, Python {platform.python_version()}"


def _revision() -> str:
    """The commit measured, marked when the scheduler or model had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "scheduler", "models"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return (head or "unknown") + (" (with uncommitted changes)" if dirty else "")


def _ortools_version() -> str:
    try:
        import ortools

        return ortools.__version__
    except (ImportError, AttributeError):
        return "?"


def parse_time_limits(text: str) -> dict[str, float]:
    """`60` (every size) or `S=10,M=60` (per size, others keep their defaults)."""
    limits = dict(DEFAULT_TIME_LIMITS)
    text = text.strip()
    if not text:
        return limits
    if "=" not in text:
        return {size: float(text) for size in limits}
    for part in text.split(","):
        size, _, value = part.partition("=")
        limits[size.strip().upper()] = float(value)
    return limits


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--sizes", default="S,M,L,XL", show_default=True, help="Comma-separated, or none.")
@click.option("--repeats", default=3, show_default=True, type=click.IntRange(min=1))
@click.option("--time-limit", "time_limit", default="", help="Seconds: 60, or S=10,M=60,...")
@click.option("--workers", default=2, show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_OUT)
@click.option("--research", is_flag=True, help="Also run the published B2B instances.")
@click.option("--research-instances", default="", help="Only these, e.g. tic-12,forum-13.")
@click.option("--research-time-limit", default=60.0, show_default=True)
@click.option(
    "--research-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_RESEARCH_DIR,
    show_default=True,
)
def main(
    sizes: str,
    repeats: int,
    time_limit: str,
    workers: int,
    seed: int,
    out: Path,
    research: bool,
    research_instances: str,
    research_time_limit: float,
    research_dir: Path,
) -> None:
    """Benchmark sigmeet against the greedy baseline and write the results (see module doc)."""
    chosen = [] if sizes.strip().lower() in ("", "none") else _split(sizes.upper())
    unknown = [s for s in chosen if s not in SIZES]
    if unknown:
        raise click.BadParameter(f"unknown size {', '.join(unknown)}; use {', '.join(SIZES)}")
    try:
        limits = parse_time_limits(time_limit)
    except ValueError as exc:
        raise click.BadParameter(f"--time-limit: {exc}") from None
    instances = _split(research_instances)
    run_research = research or bool(instances)
    if run_research and not (research_dir / "README.md").exists():
        raise click.BadParameter(f"{research_dir} has no README.md with the published optima")

    size_results = []
    with tempfile.TemporaryDirectory(prefix="sigmeet-bench-") as tmp:
        for size in chosen:
            size_results.append(
                bench_size(
                    size,
                    Path(tmp),
                    repeats=repeats,
                    time_limit=limits[size],
                    workers=workers,
                    seed=seed,
                )
            )
    research_results = (
        bench_research(
            research_dir,
            instances or None,
            time_limit=research_time_limit,
            workers=workers,
            seed=seed,
        )
        if run_research
        else []
    )
    command = f"python -m benchmarks.run --sizes {','.join(chosen) or 'none'} --repeats {repeats}"
    if time_limit:
        command += f" --time-limit {time_limit}"
    command += f" --workers {workers} --seed {seed}"
    if run_research:
        command += " --research"
        command += f" --research-instances {','.join(instances)}" if instances else ""
        command += f" --research-time-limit {research_time_limit:g}"
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = out.read_text(encoding="utf-8") if out.exists() else ""
    text = render(
        size_results,
        research_results,
        repeats=repeats,
        workers=workers,
        seed=seed,
        research_time_limit=research_time_limit,
        command=command.strip(),
        previous=previous,
    )
    out.write_text(text + _load_section(previous), encoding="utf-8")
    click.echo(f"Wrote {out}")


LOAD_START, LOAD_END = "<!-- load benchmark: start -->", "<!-- load benchmark: end -->"


def _load_section(old: str) -> str:
    """The web app's load-test section of an existing RESULTS.md (benchmarks/load.py
    writes it between its markers), kept when this runner rewrites the file."""
    if LOAD_START not in old or LOAD_END not in old:
        return ""
    section = old.split(LOAD_START, 1)[1].split(LOAD_END, 1)[0]
    return f"\n{LOAD_START}{section}{LOAD_END}\n"


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


if __name__ == "__main__":
    main()
