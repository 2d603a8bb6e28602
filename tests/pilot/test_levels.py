"""Issue 15 part 6: the offer of one step up, taken and declined, and the step back for pain."""

from __future__ import annotations

from textual.widgets import Static

from coach.paths import resolve_paths
from coach.store import open_store
from coach.timeline import PhaseKind
from screens.before_start import BeforeStartScreen
from screens.finish import FinishScreen
from screens.home import HomeScreen
from screens.level_up import LevelUpScreen
from screens.pain_check import PainCheckScreen
from screens.player import PlayerScreen
from screens.red_flags import StopAdviceScreen

from pilot_helpers import SIZE, fixed_wall, reads_landed

SQUEEZE = "scapular-squeeze"


def two_good_sessions() -> None:
    with open_store(resolve_paths().history_file, clock=fixed_wall) as store:
        for _ in range(2):
            sid = store.start_session(SQUEEZE, "Scapular squeeze", 3, pain_before=3, level=0)
            store.finish_session(sid, outcome="completed", steps_done=3, active_seconds=300, phase_index=20,
                                 pain_after=3, done_percent=100)


def first_rep_counts(player: PlayerScreen) -> tuple[int | None, int | None]:
    phase = next(p for p in player.timeline.phases if p.kind is PhaseKind.REP and p.reps_max and p.reps_max > 5)
    return phase.reps, phase.reps_max


async def start_squeeze(pilot) -> None:
    await pilot.press("slash", *"squeeze", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, BeforeStartScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PainCheckScreen)
    await pilot.press("3", "enter")
    for _ in range(100):  # the level is read off the screen's thread
        if isinstance(pilot.app.screen, (LevelUpScreen, PlayerScreen)):
            break
        await pilot.pause(0.02)


async def stop_for_pain(pilot) -> None:
    await pilot.press("escape")
    await pilot.pause()
    await pilot.press("home", "enter")  # "My pain got worse"
    await pilot.pause()
    assert isinstance(pilot.app.screen, StopAdviceScreen)
    await pilot.press("escape")
    await pilot.pause()
    await pilot.press("5", "enter")  # pain after
    await pilot.pause()


async def test_step_up_taken_then_back_down_after_a_stop_for_pain(build) -> None:
    two_good_sessions()
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await start_squeeze(pilot)
        assert isinstance(app.screen, LevelUpScreen)
        offer = str(app.screen.query_one("#dialog").query(Static).first().render())
        assert "Ready for one step up?" in offer
        await pilot.press("enter")  # take it
        await pilot.pause()
        player = app.screen
        assert isinstance(player, PlayerScreen) and player.level == 1
        assert first_rep_counts(player) == (6, 10)  # one more rep, never past the top
        await stop_for_pain(pilot)
        assert isinstance(app.screen, FinishScreen)
        text = str(app.screen.query_one("#finish-text", Static).render())
        assert "Played at level 2 of 6" in text
        assert "Next time: back to level 1 of 6, since you stopped because of pain." in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await reads_landed(pilot)
        for _ in range(100):
            if app.levels.get(SQUEEZE) == 0:
                break
            await pilot.pause(0.02)
        app.screen.show_detail(SQUEEZE)
        detail = str(app.screen.query_one("#detail-text", Static).render())
        assert "Your level: Level 1 of 6 (Shoulder blade squeeze 5 reps (5-10))" in detail
    with open_store(resolve_paths().history_file, clock=fixed_wall) as store:
        latest = store.recent_sessions()[0]
        changes = [(c["level_from"], c["level_to"], c["reason"]) for c in store.iter_level_changes()]
    assert latest.level == 1 and latest.outcome == "stopped"
    assert changes == [(0, 1, "up"), (1, 0, "pain-stop")]


async def test_step_up_declined_plays_the_same_level_and_is_remembered(build) -> None:
    two_good_sessions()
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await start_squeeze(pilot)
        assert isinstance(app.screen, LevelUpScreen)
        await pilot.press("n")  # stay
        await pilot.pause()
        player = app.screen
        assert isinstance(player, PlayerScreen) and player.level == 0
        assert first_rep_counts(player) == (5, 10)
    with open_store(resolve_paths().history_file, clock=fixed_wall) as store:
        changes = [(c["level_from"], c["level_to"], c["reason"]) for c in store.iter_level_changes()]
    assert changes == [(0, 0, "declined")]


async def test_no_offer_without_two_good_sessions(build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await start_squeeze(pilot)
        assert isinstance(app.screen, PlayerScreen) and app.screen.level == 0
