"""Shared fixtures: every test runs with its own COACH_HOME."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.hookimpl(optionalhook=True)  # pytest without pytest-xdist runs as before
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (the README's command): two workers more than the cores, at
    most twice as many, and one on one core (the real-terminal tests measure
    time and would share it). Much of the suite waits on real time (a terminal,
    a subprocess, a lock another process holds), so on two cores four workers
    ran it in about 100 s against about 150 s with two.
    PYTEST_XDIST_AUTO_NUM_WORKERS still decides when it is set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores == 1 else min(cores * 2, cores + 2)



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
