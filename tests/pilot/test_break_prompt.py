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
        assert "Move gently" in str(prompt.query_one("#break-cautions", Static).render())  # its cautions are here
        await pilot.press("enter")
        await pilot.pause()
        # enter on the prompt is the yes: no second confirmation (the desk break has no "do not use if")
        assert isinstance(app.screen, PlayerScreen) and app.screen.routine.id == "desk-break"
        assert not any(isinstance(s, BeforeStartScreen) for s in app.screen_stack)
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


async def test_the_prompt_counts_the_sitting_time_on(coach_home: Path, build, clock) -> None:
    configure(coach_home, "  missed_after: 10m\n")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await poll(pilot, clock, 3)
        prompt = app.screen
        assert isinstance(prompt, BreakPromptScreen)
        assert "sitting for 3s." in str(prompt.query_one("#break-text", Static).render())
        await poll(pilot, clock, 61)
        assert "sitting for 1m4s." in str(prompt.query_one("#break-text", Static).render())
        assert app.sit_text == "sitting 1:04 - break due"


async def test_coach_status_says_in_a_routine_from_the_prompts_enter_to_the_end(coach_home: Path, build, clock) -> None:
    from datetime import datetime, timezone

    from coach.sitstate import read_snapshot, status_line

    def status() -> str:
        return status_line(read_snapshot(resolve_paths().state_file), True, datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc))

    configure(coach_home)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await poll(pilot, clock, 3)
        assert status().endswith("break due")
        await poll(pilot, clock, 1.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert status() == "in a routine"
        await pilot.press("escape")  # stop at once: too short to count
        await pilot.pause()
        await pilot.press("enter")  # why: just stopping
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, FinishScreen)
        await poll(pilot, clock, 0.1)
        assert status().endswith("break due")  # the prompt that waited for the routine is due again
        await pilot.press("enter")
        await pilot.pause()
        await poll(pilot, clock, 0.1)
        assert isinstance(app.screen, BreakPromptScreen)


async def test_voice_on_without_a_speech_program_is_said_once(coach_home: Path, build, monkeypatch, tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    configure(coach_home, "")
    (coach_home / "config.yaml").write_text("cues: {voice: true}\n")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = [n.message for n in app._notifications if "no speech program" in n.message]
        assert len(said) == 1 and "espeak-ng, spd-say or say" in said[0]


async def test_an_answer_from_a_shell_closes_the_apps_prompt_once(coach_home: Path, build, clock) -> None:
    from coach.sitanswers import SitAnswer, send_answer
    from pilot_helpers import fixed_wall

    configure(coach_home)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.services.sit.is_owner
        await poll(pilot, clock, 3)
        assert isinstance(app.screen, BreakPromptScreen)
        send_answer(resolve_paths().data_dir / "answers", SitAnswer("skip", fixed_wall()))  # coach break skip
        await poll(pilot, clock, 1)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        for _ in range(3):
            await poll(pilot, clock, 1)
    assert answers() == [("skipped", 4, 1)]


async def test_b_on_home_starts_the_configured_break_routine(coach_home: Path, build) -> None:
    configure(coach_home, "  break_routine: posture-reset\n")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BeforeStartScreen) and app.screen.routine.id == "posture-reset"
