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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With pytest-xdist (-n, --dist loadgroup): the real-terminal tests run one
    after another on one worker, the rest spread over the others."""
    for item in items:
        if item.path.parent.name == "e2e":
            item.add_marker(pytest.mark.xdist_group("real-terminal"))
