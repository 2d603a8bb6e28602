"""The break prompt over the app, driven by a short sit limit and fake clocks."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import SIZE, play_desk_break_to_the_end, tick
from textual.widgets import Static

from coach.paths import resolve_paths
from coach.store import open_store
from screens.before_start import BeforeStartScreen
from screens.break_prompt import BreakPromptScreen
from screens.finish import FinishScreen
from screens.home import HomeScreen
from screens.player import PlayerScreen


def answers() -> list[tuple[str, int, int]]:
    with open_store(resolve_paths().history_file) as store:
        rows = store._conn.execute("SELECT answer, bout_seconds, prompted FROM breaks ORDER BY id").fetchall()
    return [tuple(r) for r in rows]


async def poll(pilot, clock, seconds: float) -> None:
    clock.advance(seconds)
    pilot.app.sit_poll()
    await pilot.pause()


def configure(coach_home: Path, extra: str = "") -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.yaml").write_text(
        "cues: {bell: true}\nsitting:\n  limit: 3s\n  snooze: 4s\n  max_snoozes: 1\n"
        "  desktop_notifications: false\n" + extra)


async def test_prompt_snooze_comes_back_and_enter_runs_the_break(coach_home: Path, build, clock) -> None:
    configure(coach_home)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "break in 0:03" in app.sit_text
        await poll(pilot, clock, 3)
        assert isinstance(app.screen, BreakPromptScreen)
        await poll(pilot, clock, 1.5)  # past the arming time
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await poll(pilot, clock, 3)
        assert not isinstance(app.screen, BreakPromptScreen)
        await poll(pilot, clock, 1)
        prompt = app.screen
        assert isinstance(prompt, BreakPromptScreen)
        assert "no more snoozes" in str(prompt.query_one("#break-text", Static).render())
        await poll(pilot, clock, 1.5)
        await pilot.press("s")  # refused: the snooze is used up
        await pilot.pause()
        assert app.screen is prompt
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BeforeStartScreen) and app.screen.routine.id == "desk-break"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert "in a routine" in app.sit_text
        for _ in range(12):
            await tick(pilot, clock, 10)
        assert isinstance(app.screen, FinishScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert "sitting 0:00" in app.sit_text  # the break started a new bout
    assert answers() == [("snoozed", 4, 1), ("taken", 10, 1)]  # snoozed at 4.5 s, break began at 10 s


async def test_keys_typed_as_the_prompt_appears_go_to_the_screen_below(coach_home: Path, build, clock) -> None:
    configure(coach_home)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "d", "e")
        await poll(pilot, clock, 3)
        assert isinstance(app.screen, BreakPromptScreen)
        await pilot.press("s", "k")  # still typing the filter
        await pilot.pause()
        assert isinstance(app.screen, BreakPromptScreen), "an 's' meant for the filter must not snooze"
        home = app.screen_stack[-2]
        assert home.query_one("#filter").value == "desk"
        await poll(pilot, clock, 1.5)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert answers() == [("already", 4, 1)]  # 3 s to the prompt, 1.5 s to answer


async def test_the_prompt_never_shows_twice_and_missed_closes_it(coach_home: Path, build, clock) -> None:
    configure(coach_home)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await poll(pilot, clock, 3)
        for _ in range(5):
            await poll(pilot, clock, 1)
        assert sum(isinstance(s, BreakPromptScreen) for s in app.screen_stack) == 1
        await poll(pilot, clock, 300)  # unanswered: missed
        assert not any(isinstance(s, BreakPromptScreen) for s in app.screen_stack)
    assert [a[0] for a in answers()] == ["missed"]


async def test_b_on_home_starts_the_desk_break_and_counts_it(coach_home: Path, build, clock) -> None:
    configure(coach_home)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await play_desk_break_to_the_end(pilot, clock)
        assert isinstance(app.screen, FinishScreen)
    assert answers() == [("taken", 0, 0)]
