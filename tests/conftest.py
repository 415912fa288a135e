"""Shared fixtures: a small valid registration (as plain rows) and a way to write one to disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scheduler.registration.write import write_registration
from tests.helpers.registration import valid_rows


@pytest.fixture
def valid_sheets() -> dict[str, list[dict[str, object]]]:
    """A fresh copy each time: tests change it freely."""
    return valid_rows()


@pytest.fixture
def write_workbook(tmp_path: Path) -> Callable[..., Path]:
    """Write sheets of rows to an .xlsx file in the test's temporary folder."""

    def write(sheets, name: str = "event.xlsx") -> Path:
        return write_registration(tmp_path / name, sheets)

    return write
