"""Issue 15, tried as a new user would: a week compressed, with a step up, a
skipped-through break, a crash and a resume, and a pain rise; then the export
read as a physiotherapist would read it."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from coach.engine import Status
from coach.export import write_json
from coach.paths import resolve_paths
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.store import open_store
from fakeclocks import MONDAY, WallClock
from screens.app import make_app
from screens.before_start import BeforeStartScreen
from screens.finish import FinishScreen
from screens.level_up import LevelUpScreen
from screens.pain_check import PainCheckScreen
from screens.player import PlayerScreen
from screens.resume import ResumeScreen

from pilot_helpers import SIZE, FakeClock, tick

pytestmark = pytest.mark.slow


async def wait_for(pilot, *kinds) -> None:  # type: ignore[no-untyped-def]
    for _ in range(300):
        if isinstance(pilot.app.screen, kinds):
            return
        await pilot.pause(0.01)
    raise AssertionError(f"waited for {kinds}, the screen is {pilot.app.screen}")


async def start_squeeze(pilot, pain: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash", *"squeeze", "enter")
    await wait_for(pilot, BeforeStartScreen)
    await pilot.press("enter")
    await wait_for(pilot, PainCheckScreen)
    await pilot.press(pain, "enter")
    await wait_for(pilot, LevelUpScreen, PlayerScreen)


async def play_through(pilot, clock: FakeClock, pain_after: str) -> None:  # type: ignore[no-untyped-def]
    """Every step in full: go on only where the player waits."""
    for _ in range(200):
        screen = pilot.app.screen
        if not isinstance(screen, PlayerScreen):
            break
        if screen.player.state().status is Status.WAITING:
            await pilot.press("n")
            await pilot.pause()
        else:
            await tick(pilot, clock, 2)
    await wait_for(pilot, PainCheckScreen)
    await pilot.press(pain_after, "enter")
    await wait_for(pilot, FinishScreen)
    await pilot.press("enter")
    await pilot.pause()


def app_for(clock: FakeClock, wall: WallClock):  # type: ignore[no-untyped-def]
    return make_app(resolve_paths(), monotonic=clock, wall=wall)


async def test_a_week_compressed_reads_true_in_the_export(coach_home, clock) -> None:  # type: ignore[no-untyped-def]
    wall = WallClock(MONDAY)
    paths = resolve_paths()
    with open_store(paths.history_file, clock=wall) as store:
        store.set_meta(RED_FLAGS_CONFIRMED_KEY, "2026-11-01T09:00:00+00:00")

    # Monday and Tuesday: the squeeze in full, no pain rise.
    for pain_after in ("3", "2"):
        app = app_for(clock, wall)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await start_squeeze(pilot, "3")
            assert isinstance(app.screen, PlayerScreen) and app.screen.level == 0
            await play_through(pilot, clock, pain_after)
        wall.advance(days=1)

    # Wednesday: one step up is offered and taken; played in full.
    app = app_for(clock, wall)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await start_squeeze(pilot, "3")
        assert isinstance(app.screen, LevelUpScreen)
        await pilot.press("enter")
        await wait_for(pilot, PlayerScreen)
        assert app.screen.level == 1
        await play_through(pilot, clock, "3")
    wall.advance(days=1)

    # Thursday: the desk break skipped through with n.
    app = app_for(clock, wall)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await wait_for(pilot, BeforeStartScreen, PlayerScreen)
        if isinstance(app.screen, BeforeStartScreen):
            await pilot.press("enter")
            await wait_for(pilot, PlayerScreen)
        for _ in range(6):
            await tick(pilot, clock, 1)
            await pilot.press("n")
            await pilot.pause()
        await wait_for(pilot, FinishScreen)
        await pilot.press("enter")
        await pilot.pause()
    wall.advance(days=1)

    # Friday: the squeeze, and Coach dies 20 seconds in; started again, it
    # offers to carry on, and the rest is played in full.
    app = app_for(clock, wall)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await start_squeeze(pilot, "3")
        await pilot.press("n")  # past "get ready"
        for _ in range(10):
            await tick(pilot, clock, 2)
    # Leaving run_test with the player up is Coach gone mid-routine: the row stays 'running'.
    wall.advance(minutes=10)
    app = app_for(clock, wall)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ResumeScreen)
        await pilot.press("enter")
        await wait_for(pilot, PlayerScreen)
        assert app.screen.level == 1  # carried on at the level it was started at
        await play_through(pilot, clock, "3")
    wall.advance(days=1)

    # Saturday: the pain rises after the squeeze: back down a level.
    app = app_for(clock, wall)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await start_squeeze(pilot, "3")
        assert isinstance(app.screen, PlayerScreen) and app.screen.level == 1
        await play_through(pilot, clock, "6")

    # The physiotherapist's read.
    out = io.StringIO()
    with open_store(paths.history_file, clock=wall) as store:
        write_json(store, out)
    data = json.loads(out.getvalue())
    sessions = data["sessions"]
    assert [(s["routine_id"], s["outcome"], s["level"], s["resumed"]) for s in sessions] == [
        ("scapular-squeeze", "completed", 1, False),
        ("scapular-squeeze", "completed", 1, False),
        ("scapular-squeeze", "completed", 2, False),
        ("desk-break", "partial", None, False),
        ("scapular-squeeze", "completed", 2, True),
        ("scapular-squeeze", "completed", 2, False),
    ]
    assert [s["local_date"] for s in sessions] == [
        (MONDAY + timedelta(days=n)).date().isoformat() for n in range(6)]
    skipped = sessions[3]
    assert skipped["done_percent"] < 10 and {step["fate"] for step in skipped["steps"]} == {"skipped"}
    resumed = sessions[4]
    assert resumed["done_percent"] == 100 and all(step["fate"] == "done" for step in resumed["steps"])
    assert [(c["level_from"], c["level_to"], c["level_reason"]) for c in data["levels"]] == [
        (1, 2, "up"), (2, 1, "pain-rose")]
    assert (sessions[-1]["pain_before"], sessions[-1]["pain_after"]) == (3, 6)
