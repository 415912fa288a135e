"""The benchmark runner: a short real run writes a results file; the research table is parsed."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from benchmarks.generate_event import generate
from benchmarks.run import (
    DEFAULT_RESEARCH_DIR,
    REPO,
    Runs,
    SizeResult,
    main,
    parse_time_limits,
    published_optima,
    render,
)


def _row(text: str, label: str) -> list[str]:
    line = next(ln for ln in text.splitlines() if ln.startswith(f"| {label} |"))
    return [c.strip() for c in line.strip("|").split("|")]


@pytest.mark.slow
def test_short_run_on_s_writes_both_engines_side_by_side(tmp_path):
    out = tmp_path / "RESULTS.md"
    result = CliRunner().invoke(
        main, ["--sizes", "S", "--repeats", "1", "--time-limit", "3", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "### S (one run)" in text and "Research benchmark" not in text
    label, ours, theirs, ratio = _row(text, "meetings")
    assert int(ours) > 100 and int(theirs) > 100
    assert float(ratio) == pytest.approx(int(ours) / int(theirs), abs=0.01)
    assert _row(text, "hard-rule violations")[1:3] == ["0", "0"]
    labels = (
        "read time (s)",
        "model build time (s)",
        "solve time (s)",
        "writing time, all outputs (s)",
        "peak memory, all processes (MB)",
    )
    for label in labels:
        assert re.fullmatch(r"\d+(\.\d+)?", _row(text, label)[1]), label
    registered = [a for a in generate("S", seed=0)["Attendees"] if a["status"] != "cancelled"]
    size_row = _row(text, "S")
    assert size_row[1] == str(len(registered)) and int(size_row[3]) > 200  # candidate pairs
    assert "failed" not in text


@pytest.mark.slow
@pytest.mark.skipif(
    not (DEFAULT_RESEARCH_DIR / "README.md").exists(), reason="research workbooks not beside us"
)
def test_research_selection_runs_only_the_named_instances(tmp_path):
    out = tmp_path / "RESULTS.md"
    result = CliRunner().invoke(
        main,
        [
            "--sizes",
            "none",
            "--research-instances",
            "tic-12,forum-13",
            "--research-time-limit",
            "3",
            "--out",
            str(out),
        ],
    )

    assert result.exit_code == 0, result.output
    text = out.read_text()
    rows = [ln for ln in text.splitlines() if re.match(r"\| (tic|forum)", ln)]
    assert [r.split("|")[1].strip() for r in rows] == ["tic-12", "forum-13"]
    tic = _row(text, "tic-12")
    assert re.fullmatch(r"\d+/125", tic[1]) and tic[2] in ("yes", "no")
    assert tic[5] in ("yes", "no")  # breaks proven by sigmeet's own lower bound (tic[4])
    assert tic[6] == "0" and tic[8] == "0.1"  # published optimum and time, from the README
    assert re.fullmatch(r"\d+/125", tic[10])  # the baseline on the same instance
    assert "Every meeting and breaks at most the published optimum: " in text
    # The section says when it was measured: a later run of sizes alone keeps it as it is.
    assert re.search(r"at run time\. Measured on \d{4}-\d{2}-\d{2} at commit \w+\.", text)
    assert "### S" not in text


def test_published_optima_are_read_from_the_readme_table(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Instances\n\n| other | table |\n|---|---|\n| x | y |\n\n"
        "| instance | attendees | optimum breaks | best published time (s) |\n"
        "|---|---|---|---|\n| alpha-1 | 10 | 3 | 0.5 |\n| beta-2 | 12 | ? | 7 |\n\nText.\n"
    )
    assert published_optima(readme) == {"alpha-1": (3, 0.5), "beta-2": (None, 7.0)}


def test_time_limits_for_every_size_or_per_size():
    assert set(parse_time_limits("20").values()) == {20.0}
    limits = parse_time_limits("s=5,XL=600,bio=1200")
    assert limits["S"] == 5.0 and limits["XL"] == 600.0 and limits["M"] == 30.0  # default
    assert limits["BIO"] == 1200.0 and limits["XXL"] == 600.0


def test_unknown_size_is_refused_in_words(tmp_path):
    result = CliRunner().invoke(main, ["--sizes", "S,XXXL", "--out", str(tmp_path / "r.md")])
    assert result.exit_code == 2 and "unknown size XXXL" in result.output


EARLIER = """# Benchmark results

Written by `python -m benchmarks.run --sizes S,XL` on 2026-12-01 at commit abc1234.

## Generated events

| size | attendees | requests | pairs | slots | tables | panels | gen. (s) | limit (s) |
|---|---|---|---|---|---|---|---|---|
| S | 58 | 361 | 302 | 20 | 12 | 2 | 0.0 | 10 |
| XL | 2976 | 25005 | 22038 | 40 | 300 | 10 | 2.3 | 300 |

## sigmeet against the greedy baseline (medians of 3 runs for S; XL one run)

Intro.

### S

| figure | sigmeet | baseline | sigmeet / baseline |
|---|---|---|---|
| meetings | 228 | 223 | 1.02 |

Solver status per run: FEASIBLE.

### XL (one run)

| figure | sigmeet | baseline | sigmeet / baseline |
|---|---|---|---|
| meetings | 11725 | 11728 | 1.00 |

## Research benchmark (real B2B events, Bofill et al., JAIR 2022)

| instance | meetings |
|---|---|
| tic-12 | 125/125 |

## This run, before -> after (issue 13)

Hand-written notes.
"""


def _fake_size(size: str, meetings: int) -> SizeResult:
    run = {"attendees": 8000, "requests": 50000, "meetings": meetings, "write_seconds": 61.5}
    greedy = {**run, "meetings": meetings - 10, "peak_mb": 900.0}
    return SizeResult(
        size,
        20.0,
        600.0,
        Runs("sigmeet", ({**run, "status": "FEASIBLE"},)),
        Runs("greedy", (greedy,)),
    )


def test_running_some_sizes_keeps_the_other_sizes_research_and_notes():
    text = render(
        [_fake_size("XXL", 40000), _fake_size("S", 230)],
        [],
        repeats=1,
        workers=2,
        seed=0,
        research_time_limit=60,
        command="python -m benchmarks.run --sizes XXL,S",
        previous=EARLIER,
    )
    # Every size once, in size order, the run ones replaced, XL kept word for word.
    assert [ln.split()[1] for ln in text.splitlines() if ln.startswith("### ")] == [
        "S",
        "XL",
        "XXL",
    ]
    rows = [
        ln.split("|")[1].strip() for ln in text.splitlines() if re.match(r"\| (S|XL|XXL) \|", ln)
    ]
    assert rows == ["S", "XL", "XXL"]
    assert "| meetings | 11725 | 11728 | 1.00 |" in text and "| meetings | 228 |" not in text
    assert "### XXL (one run)" in text and "| meetings | 40000 | 39990 | 1.00 |" in text
    assert "| writing time, all outputs (s) | 61.50 | 61.50 | 1.00 |" in text
    assert "| 2976 | 25005 |" in text  # XL's Generated events row
    assert "tic-12 | 125/125" in text and "Hand-written notes." in text
    assert (
        "Kept from earlier runs (not measured by this command): XL, the research benchmark" in text
    )
    # Rendering the result again with nothing run keeps it all.
    again = render(
        [], [], repeats=1, workers=2, seed=0, research_time_limit=60, command="c", previous=text
    )
    assert again.split("## Generated events", 1)[1] == text.split("## Generated events", 1)[1]


def test_rewriting_results_keeps_the_load_benchmarks_section(tmp_path):
    out = tmp_path / "RESULTS.md"
    load = (
        "<!-- load benchmark: start -->\n## Web app under load\n\np50 54 ms\n"
        "<!-- load benchmark: end -->"
    )
    out.write_text("# Benchmark results\n\nold figures\n\n" + load + "\n")
    result = CliRunner().invoke(main, ["--sizes", "none", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert load in text and "old figures" not in text


def test_the_whole_command_is_timed_from_the_start_of_its_process():
    """The command's start-up and imports (~1 s) count against its limit: the benchmark
    times a run as the command would, from the process's start, not from its own imports."""
    code = (
        "import time; time.sleep(1.0); "
        "from benchmarks.measure import process_seconds; print(process_seconds())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert 1.0 <= float(done.stdout) < 30
