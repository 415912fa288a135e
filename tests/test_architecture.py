"""Dependencies run one way: the application (`scheduler`) uses the core (`models`), never the
reverse, and the core does no file I/O (domain in, solution out)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

# Modules whose import means reading or writing files, talking to the user or the network.
IO_MODULES = {
    "scheduler", "benchmarks", "tests", "openpyxl", "icalendar", "click", "csv", "zipfile",
    "shutil", "tempfile", "pathlib", "os", "io", "glob", "pickle", "json", "sqlite3",
    "socket", "smtplib", "urllib", "http", "subprocess",
}  # fmt: skip
IO_CALLS = {"open"}


def core_modules() -> list[Path]:
    return sorted((ROOT / "models").rglob("*.py"))


def imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def offences(tree: ast.AST) -> list[str]:
    found = [f"imports {name}" for name in sorted(imported(tree) & IO_MODULES)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in IO_CALLS:
                found.append(f"calls {node.func.id}() at line {node.lineno}")
        if isinstance(node, ast.Attribute) and node.attr.startswith(("read_", "to_")):
            if node.attr in {"read_csv", "read_excel", "to_csv", "to_excel", "read_parquet"}:
                found.append(f"uses pandas .{node.attr} at line {node.lineno}")
    return found


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_no_application_and_does_no_io(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = offences(tree)
    if path.name == "cpsat.py" and path.parent.name == "models":
        # Ctrl-C wakes a thread through a pipe of its own (signal.set_wakeup_fd): no file is
        # read or written, and nothing else of `os` may be used there.
        used = {n.attr for n in ast.walk(tree) if _is_os_attribute(n)}
        assert used <= SIGNAL_PIPE | MODEL_BYTES, used - SIGNAL_PIPE - MODEL_BYTES
        found.remove("imports os")
    assert found == []


SIGNAL_PIPE = {"pipe", "read", "close", "set_blocking"}
# ... and a model's bytes pass through an anonymous file in memory (`_model_bytes`): CP-SAT's
# wrapper writes them nowhere else. No file on disk is opened.
MODEL_BYTES = {"memfd_create", "dup", "fdopen", "close"}


def _is_os_attribute(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "os"


@pytest.mark.parametrize(
    "source",
    [
        "from scheduler.registration.read import read_workbook",
        "import openpyxl",
        "with open('x') as f: pass",
        "import pandas as pd\npd.read_excel('x.xlsx')",
    ],
)
def test_the_check_catches_what_it_forbids(source: str):
    assert offences(ast.parse(source)) != []
