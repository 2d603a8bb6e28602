"""Adjust while playing (issue 15 part 5): + and - change a therapy step's time
within its limits, shown in the footer only when the step has limits."""

from __future__ import annotations

from textual.widgets import Digits, Static
from textual.widgets._footer import FooterKey, FooterLabel

from coach.engine import Status
from coach.paths import resolve_paths
from coach.store import open_store
from screens.player import PlayerScreen
from screens.widgets.progress import RoutineProgress

from pilot_helpers import SIZE, fixed_wall, into_the_player, tick


TIME_KEYS = ["+", "-", "Time"]


def footer_keys(screen) -> list[str]:
    """The footer's keys and labels, in order: ["space", "Pause/resume", ..., "+", "-", "Time", ...]."""
    shown = []
    for item in screen.query("FooterKey, FooterLabel"):
        if isinstance(item, FooterKey):
            shown += [item.key_display] + ([item.description] if item.description else [])
        elif isinstance(item, FooterLabel):
            shown.append(str(item.render()))
    return shown


def shows_time_keys(screen) -> bool:
    keys = footer_keys(screen)
    return any(keys[i:i + 3] == TIME_KEYS for i in range(len(keys)))


def countdown(screen) -> str:
    return screen.query_one("#countdown", Digits).value


def position(screen) -> str:
    return str(screen.query_one("#routine-position", Static).render())


async def into_finger_pressure(pilot) -> PlayerScreen:
    return await into_the_player(pilot, "finger-pressure")


async def test_plus_and_minus_change_a_therapy_step_within_its_limits(build, clock) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await into_finger_pressure(pilot)
        assert screen.player.state().phase.step.title == "Find the spot"  # an info step: nothing to adjust
        assert "space" in footer_keys(screen) and not shows_time_keys(screen)
        await pilot.press("plus")
        await tick(pilot)
        assert screen.player.total == screen.timeline.total

        await pilot.press("n")  # "Press and breathe": 30s, up to 1m, 10 s a press
        await tick(pilot, clock, 4)
        assert screen.player.state().phase.step.title == "Press and breathe"
        assert shows_time_keys(screen)
        assert countdown(screen) == "0:26"
        left_before = position(screen)
        await pilot.press("plus")
        await tick(pilot)
        assert countdown(screen) == "0:36"
        assert position(screen) != left_before  # the routine's time left follows
        await pilot.press("equals_sign", "plus", "plus", "plus")  # '=' is + without shift
        await tick(pilot)
        assert countdown(screen) == "0:56"  # 1m at most
        assert any("already at its longest (1m)" in n.message for n in app._notifications)
        progress = screen.query_one(RoutineProgress)
        assert progress.total == screen.timeline.total + 30
        await pilot.press(*["minus"] * 6)
        await tick(pilot)
        assert countdown(screen) == "0:11"  # 15 s at least, 4 of them spent
        assert any("already at its shortest (15s)" in n.message for n in app._notifications)

        await pilot.press("space")  # paused, it still changes
        await tick(pilot, clock, 100)
        await pilot.press("plus")
        await tick(pilot, clock, 100)
        state = screen.player.state()
        assert state.status is Status.PAUSED and countdown(screen) == "0:21"
        assert "Paused" in str(screen.query_one("#beat", Static).render())
        await pilot.press("space")
        await tick(pilot, clock, 21)
        state = screen.player.state()
        assert state.phase.step.title == "Try to move" and state.active_seconds == 25  # 4 s + 21 s, pauses not counted
        assert shows_time_keys(screen)

        await pilot.press("n")
        await tick(pilot)
        assert screen.player.state().phase.step.title == "Stand still for a moment"
        assert not shows_time_keys(screen)  # a position step is played as written

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # just stopping
        await pilot.pause()
        await pilot.press("s")  # no pain score after
        await pilot.pause()
        await pilot.pause()
    with open_store(resolve_paths().history_file, clock=fixed_wall) as store:
        (row,) = store.recent_sessions()
    assert row.outcome == "stopped" and row.active_seconds == 25
