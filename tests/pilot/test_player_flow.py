"""Pilot tests: the whole path a person takes, checked against the history."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Digits, Static

from coach.engine import Status
from coach.paths import resolve_paths
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.store import open_store
from screens.before_start import BeforeStartScreen
from screens.finish import FinishScreen
from screens.home import HomeScreen
from screens.pain_check import PainCheckScreen
from screens.player import QUIT_AFTER_THE_REASON, QUIT_AFTER_THIS, PlayerScreen
from screens.red_flags import RedFlagScreen, StopAdviceScreen
from screens.resume import ResumeScreen
from screens.stop_reason import StopReasonScreen

from pilot_helpers import SIZE, fixed_wall, play_desk_break_to_the_end, tick


def sessions():
    with open_store(resolve_paths().history_file, clock=fixed_wall) as store:
        return store.recent_sessions()


async def test_red_flags_first_use_then_remembered(build) -> None:
    app = build(confirmed=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)
        assert "Numbness or tingling around your genitals" in str(app.screen.query_one("#red-flag-list", Static).render())
        await pilot.press(*["pagedown"] * 6, "enter")  # read to the end, then confirm
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    with open_store(resolve_paths().history_file) as store:
        assert store.get_meta(RED_FLAGS_CONFIRMED_KEY)
    app = build(confirmed=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_declining_red_flags_quits(build) -> None:
    app = build(confirmed=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value == 1 and app.exit_code == 0  # quit from the red flags: status 1


async def start_by_filter(pilot, text: str) -> None:
    await pilot.press("slash")
    await pilot.press(*text)
    await pilot.press("enter")
    await pilot.pause()


async def test_start_pause_resume_next_back_stop_for_pain(build, clock) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await start_by_filter(pilot, "squeeze")
        assert isinstance(app.screen, BeforeStartScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PainCheckScreen)
        await pilot.press("4", "enter")
        await pilot.pause()
        player = app.screen
        assert isinstance(player, PlayerScreen)
        assert player.player.state().status is Status.WAITING  # "get ready" waits for the user
        await tick(pilot, clock, 30)
        assert player.player.state().status is Status.WAITING
        await pilot.press("n")
        await tick(pilot)
        first_title = player.player.state().phase.step.title
        await tick(pilot, clock, 3)
        shown = player.query_one("#countdown", Digits).value
        state = player.player.state()
        assert state.status is Status.RUNNING and shown == f"0:{state.countdown:02d}"

        await pilot.press("space")
        await tick(pilot, clock, 600)
        paused = player.player.state()
        assert paused.status is Status.PAUSED
        assert "Paused" in str(player.query_one("#beat", Static).render())
        await pilot.press("space")
        await tick(pilot)
        assert player.player.state().remaining == paused.remaining
        assert player.player.state().active_seconds == paused.active_seconds

        await pilot.press("n")
        await tick(pilot)
        second = player.player.state()
        assert second.phase.step.title != first_title
        await pilot.press("b")
        await tick(pilot)
        assert player.player.state().phase.step.title == first_title

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StopReasonScreen)
        await pilot.press("escape")  # changed my mind: carry on
        await pilot.pause()
        assert app.screen is player and player.player.state().status is not Status.STOPPED

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("home", "enter")  # "My pain got worse"
        await pilot.pause()
        assert isinstance(app.screen, StopAdviceScreen)
        flags = str(app.screen.query_one("#red-flag-list", Static).render())
        assert "This routine says stop if" in flags and "emergency" in flags.lower()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PainCheckScreen)
        await pilot.press("6", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FinishScreen)
        assert "Stopped" in str(app.screen.query_one("#finish-text", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.exit_code == 0  # stopping a routine started from home is not an error for the app
    (row,) = sessions()
    assert row.routine_id == "scapular-squeeze" and row.outcome == "stopped" and row.stop_reason == "pain-worse"
    assert (row.pain_before, row.pain_after) == (4, 6)
    assert row.steps_done == 1 and row.active_seconds == 33 and row.ended_utc is not None


async def test_complete_desk_break_is_recorded(build, clock) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await play_desk_break_to_the_end(pilot, clock)
        assert isinstance(app.screen, FinishScreen)
        assert "routine complete" in str(app.screen.query_one("#finish-text", Static).render())
    (row,) = sessions()
    assert row.outcome == "completed" and row.steps_done == row.steps_total == 6
    assert row.active_seconds == 120 and row.local_date.isoformat() == "2026-11-20"


async def test_killed_session_is_offered_for_resume(build, clock) -> None:
    paths = resolve_paths()
    with open_store(paths.history_file, clock=fixed_wall) as store:
        session = store.start_session("desk-break", "Two-minute desk break", 6)
        store.update_session(session, steps_done=2, active_seconds=70, phase_index=2)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("enter")
        await pilot.pause()
        player = app.screen
        assert isinstance(player, PlayerScreen)
        assert player.player.state().index == 2
        assert player.player.state().active_seconds == 70, "the time before the interruption counts"
        await tick(pilot, clock, 20)
        assert player.player.state().active_seconds == 90
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # just stopping
        await pilot.pause()
        await pilot.pause()
    (record,) = sessions()
    assert record.id == session and record.active_seconds == 90  # one session: 70 s before, 20 s after


async def test_command_palette_lists_routines(build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"contrast")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BeforeStartScreen)
        assert app.screen.routine.id == "contrast-shower"


async def test_corrupt_history_is_moved_aside_and_the_app_starts(coach_home: Path, clock) -> None:
    from screens.app import make_app

    coach_home.mkdir(parents=True)
    (coach_home / "history.sqlite3").write_bytes(b"this is not a database" * 100)
    app = make_app(resolve_paths(), monotonic=clock, wall=fixed_wall)
    async with app.run_test(size=SIZE) as pilot:
        assert app.services.store.flush(5)  # the history is opened by its writer thread
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("moved to" in m and "Nothing was deleted" in m for m in messages)
    moved = [p for p in coach_home.iterdir() if ".broken-" in p.name]
    assert moved and moved[0].read_bytes() == b"this is not a database" * 100


async def test_bad_config_is_reported_and_defaults_used(coach_home: Path, build) -> None:
    coach_home.mkdir(parents=True)
    (coach_home / "config.yaml").write_text("cues:\n  bell: loud\n")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("cues.bell: expected true or false" in n.message for n in app._notifications)


async def test_theme_change_is_saved(coach_home: Path, build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
    assert "theme: nord" in (coach_home / "config.yaml").read_text()
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"


async def test_fast_typing_after_slash_reaches_the_filter(build) -> None:
    from textual import events

    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, char in (("slash", "/"), ("h", "h"), ("i", "i"), ("p", "p")):
            app.post_message(events.Key(key, char))  # queued at once, like a fast typist's burst
        await pilot.pause()
        assert app.screen.query_one("#filter").value == "hip"
        await pilot.press("escape")
        app.screen.post_message(events.Paste("/hip"))  # a pasted filter
        await pilot.pause()
        assert app.screen.query_one("#filter").value == "hip"
        options = app.screen.query_one("#routines")
        assert options.get_option_at_index(options.highlighted).id == "hip-and-back-stretch"


async def test_enter_right_after_fast_typing_starts_what_the_filter_says(build) -> None:
    """Found in a real terminal: '/ice pack' then enter, fast, started the desk
    break (the first routine before the filter applied)."""
    from textual import events

    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys = [("slash", "/")] + [(c if c != " " else "space", c) for c in "heating pad"] + [("enter", "\r")]
        for key, char in keys:
            app.post_message(events.Key(key, char))  # one burst, enter included
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, BeforeStartScreen)
        assert app.screen.routine.id == "heating-pad"


async def test_ctrl_q_in_coach_run_asks_records_a_stop_and_exits_1(build) -> None:
    """Issue 15 part 3: every way out of the player is a stop."""
    app = build(start_routine="desk-break")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # its cautions: start
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, StopReasonScreen), "asked why, as escape does"
        await pilot.press("enter")  # "Just stopping" is highlighted
        await pilot.pause()
        await pilot.pause()
    assert app.return_value == 1
    (record,) = sessions()
    assert record.outcome == "stopped" and record.stop_reason == "just-stopping"


async def test_ctrl_c_in_the_player_asks_and_carrying_on_keeps_playing(build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_routine("desk-break")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        player = app.screen
        assert isinstance(player, PlayerScreen)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, StopReasonScreen)
        await pilot.press("escape")  # carry on
        await pilot.pause()
        assert app.screen is player and not player.quit_after
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
    assert app.return_value == 0  # the app opened on home: a stop is not an error
    assert [s.outcome for s in sessions()] == ["stopped"]


async def test_ctrl_q_while_the_stop_is_asked_says_it_quits_after(build) -> None:
    """Found in tmux: ctrl+q on the stop's question (or its pain advice)
    seemed to do nothing; it quits once that is answered, and says so."""
    app = build(start_routine="desk-break")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # its cautions: start
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StopReasonScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, StopReasonScreen)  # still asked
        assert [n.message for n in app._notifications] == [QUIT_AFTER_THE_REASON]
        await pilot.press("up", "enter")  # "I have a new symptom": the advice
        await pilot.pause()
        assert isinstance(app.screen, StopAdviceScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, StopAdviceScreen)  # still shown
        assert [n.message for n in app._notifications][-1] == QUIT_AFTER_THIS
        await pilot.press("enter")  # closed: then Coach quits
        await pilot.pause()
        await pilot.pause()
    assert app.return_value == 1
    assert [s.stop_reason for s in sessions()] == ["new-symptom"]
