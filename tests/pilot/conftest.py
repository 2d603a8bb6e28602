"""Fixtures for driving the real app with a fake clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_helpers import FakeClock, fixed_wall

from coach.paths import resolve_paths
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.store import open_store
from screens.app import CoachApp, make_app


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def build(coach_home: Path, clock: FakeClock):
    """Build an app on the test's COACH_HOME; ``confirmed`` skips the red-flag screen."""

    def _build(*, confirmed: bool = True, start_routine: str | None = None) -> CoachApp:
        paths = resolve_paths()
        if confirmed:
            with open_store(paths.history_file, clock=fixed_wall) as store:
                store.set_meta(RED_FLAGS_CONFIRMED_KEY, "2026-11-01T09:00:00+00:00")
        return make_app(paths, start_routine=start_routine, monotonic=clock, wall=fixed_wall)

    return _build


@pytest.fixture
def with_history(coach_home: Path) -> None:
    """The hand-checked fixture history (tests/history_fixture.py) in COACH_HOME."""
    import history_fixture

    path = resolve_paths().history_file
    path.parent.mkdir(parents=True, exist_ok=True)
    history_fixture.fill(path)
