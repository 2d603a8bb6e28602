"""Shared fixtures: every test runs with its own COACH_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest



@pytest.fixture(autouse=True)
def coach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty, private COACH_HOME so no test touches the real user folders."""
    home = tmp_path / "coach-home"
    monkeypatch.setenv("COACH_HOME", str(home))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home
