"""Where the tests find the repository's files and the research events beside it."""

from pathlib import Path

from benchmarks.run import DEFAULT_RESEARCH_DIR

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "inputs" / "example_event.xlsx"
# The research events sit in shared/ beside the repository (never copied into it).
RESEARCH = DEFAULT_RESEARCH_DIR
