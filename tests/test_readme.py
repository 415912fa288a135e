"""The README's set-up commands are what CI runs, so CI proves the README."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_starts_with_install_and_run_then_test_command():
    commands = readme_commands()
    assert len(commands) >= 2
    assert "sigmeet schedule inputs/example_event.xlsx" in commands[0]
    assert commands[1].endswith("pytest -q")


def test_ci_runs_exactly_the_readme_test_command():
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_commands()[1] in ci_lines


def test_contract_copy_is_current():
    shared = ROOT.parent / "shared" / "spec" / "workbook.md"
    if not shared.exists():
        pytest.skip("no shared/ beside this clone to compare with")
    assert (ROOT / "docs" / "workbook.md").read_text() == shared.read_text()
