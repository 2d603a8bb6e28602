"""Flare-ups in the app: record one, the Now panel and the list follow the clock,
pain that rises brings the red flags back, and the opt-in therapy reminder."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pilot_helpers import SIZE, FakeClock, reads_landed, tick
from textual.widgets import Input, OptionList, Select, Static

from coach.paths import resolve_paths
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.store import open_store
from coach.reminders import THERAPY_REMINDER_KEY
from screens.app import make_app
from screens.break_prompt import TherapyPromptScreen
from screens.before_start import BeforeStartScreen
from screens.finish import FinishScreen
from screens.flareup import FlareUpScreen, FlareUpUpdateScreen
from screens.home import HomeScreen
from screens.red_flags import StopAdviceScreen

UTC = timezone.utc
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Friday


class Wall:
    """The wall clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall() -> Wall:
    return Wall(NOW)


@pytest.fixture
def start(coach_home, wall, clock: FakeClock):
    """Build the app on a history with the red flags confirmed; ``ice`` are
    completed ice-pack sessions (wall-clock times) before the app starts."""

    def _start(ice: tuple[datetime, ...] = (), flareup: tuple[datetime, int] | None = None):
        paths = resolve_paths()
        with open_store(paths.history_file, clock=wall) as store:
            store.set_meta(RED_FLAGS_CONFIRMED_KEY, "2026-11-01T09:00:00+00:00")
            for moment in ice:
                wall.now = moment
                sid = store.start_session("ice-pack", "Ice pack", 3)
                wall.now = moment + timedelta(minutes=21)
                store.finish_session(sid, outcome="completed", steps_done=3, active_seconds=1260, phase_index=5)
            wall.now = NOW
            if flareup is not None:
                store.start_flareup(*flareup)
        return make_app(paths, monotonic=clock, wall=wall, tz=UTC)

    return _start


def line(app, routine_id: str) -> str:
    options = app.screen.query_one("#routines", OptionList)
    return str(options.get_option(routine_id).prompt).replace("\n", " ")


def now_text(app) -> str:
    return str(app.screen.query_one("#now", Static).render())


async def test_a_flare_up_30_hours_ago_then_past_48_hours(start, wall) -> None:
    app = start(ice=(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), datetime(2026, 11, 20, 11, 30, tzinfo=UTC)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#now").has_class("hidden")
        assert "#cold" in line(app, "ice-pack")  # no flare-up: the usual tags

        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FlareUpScreen)
        app.screen.query_one("#flareup-day", Select).value = 1  # yesterday
        assert app.screen.query_one("#flareup-time", Input).has_focus
        await pilot.press(*"09:00", "tab", "6", "ctrl+s")
        await pilot.pause()
        await reads_landed(pilot)  # home reads the flare-up again, off the screen's thread
        assert isinstance(app.screen, HomeScreen)

        assert not app.screen.query_one("#now").has_class("hidden")
        panel = now_text(app)
        assert "Back spasm since Thu 19 Nov 09:00, 30 hours ago · pain 6/10" in panel
        assert "First two days: moving gently is the main thing" in panel
        assert "Now: Gentle walk" in panel
        assert "From tomorrow 09:00:" in panel
        assert "● now (2 done, up to 4 today)" in line(app, "ice-pack")
        assert "● now (up to 4 today)" in line(app, "heating-pad")  # an option from the start
        assert "○ from tomorrow 09:00" in line(app, "contrast-shower")
        assert "● now" in line(app, "desk-break") and "● now" in line(app, "gentle-walk")
        assert "– not for a flare-up" in line(app, "core-and-back-strength")
        app.screen.query_one("#routines", OptionList).highlighted = (
            app.screen.query_one("#routines", OptionList).get_option_index("contrast-shower"))
        await pilot.pause()
        assert "In this flare-up: ○ from tomorrow 09:00" in str(app.screen.query_one("#detail-text").render())

        wall.now = datetime(2026, 11, 21, 9, 5, tzinfo=UTC)  # 48 h 5 min
        app.screen.flareup_changed()  # what the home screen's interval does
        await reads_landed(pilot)
        assert "48 hours ago" in now_text(app) and "After two days: keep moving" in now_text(app)
        assert "● now" in line(app, "heating-pad") and "● now" in line(app, "ice-pack")  # ice until day 3

        wall.now = datetime(2026, 11, 22, 9, 5, tzinfo=UTC)  # 72 h 5 min
        app.screen.flareup_changed()
        await reads_landed(pilot)
        assert "– not any more in this flare-up" in line(app, "ice-pack")

        await pilot.press("f")  # during a flare-up: a pain score, or it has settled
        await pilot.pause()
        assert isinstance(app.screen, FlareUpUpdateScreen)
        await pilot.press("s")
        await pilot.pause()
        await reads_landed(pilot)
        assert app.screen.query_one("#now").has_class("hidden")
        assert "#cold" in line(app, "ice-pack")


async def test_a_start_time_still_to_come_is_refused_in_the_dialog(start) -> None:
    app = start()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"23:00", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FlareUpScreen)
        assert "23:00 today is still to come" in str(app.screen.query_one("#flareup-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        with open_store(resolve_paths().history_file) as store:
            assert store.active_flareup() is None


async def test_pain_that_rises_brings_the_red_flags_back(start) -> None:
    app = start(flareup=(NOW - timedelta(hours=5), 5))
    async with app.run_test(size=SIZE) as pilot:
        await reads_landed(pilot)  # the flare-up, read off the screen's thread
        assert "pain 5/10" in now_text(app)
        await pilot.press("f", "4", "enter")  # lower: no red flags
        await pilot.pause()
        await reads_landed(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "pain 4/10" in now_text(app)
        await pilot.press("f", "7", "enter")  # higher than ever in this flare-up
        await pilot.pause()
        await reads_landed(pilot)
        assert isinstance(app.screen, StopAdviceScreen)
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Your pain is 7/10, higher than before in this flare-up (it started at 5)" in text
        assert "loss of bladder or bowel control" in text
        await pilot.press("enter")
        await reads_landed(pilot)
        assert isinstance(app.screen, HomeScreen) and "pain 7/10" in now_text(app)


THERAPY = """\
id: cold-test
title: Cold test
summary: A short cold pack for the test.
category: therapy
use_when: {phases: [acute]}
frequency: {times_per_day: 4, min_gap: 2h}
steps:
  - kind: timer
    title: Cold
    duration: 30s
"""


def write_cold_test() -> None:
    folder = resolve_paths().routines_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cold-test.yaml").write_text(THERAPY)


async def test_the_next_cold_pack_reminder_is_opt_in(start, wall, clock) -> None:
    write_cold_test()
    app = start(flareup=(NOW - timedelta(hours=3), 6))
    async with app.run_test(size=SIZE) as pilot:
        await reads_landed(pilot)
        app.start_routine("cold-test")
        await pilot.pause()
        await pilot.press("enter")  # its cautions
        await pilot.pause()
        await tick(pilot, clock, 31)
        await tick(pilot, clock, 1)
        for _ in range(200):  # the finish waits for the flare-up read again (a thread)
            if isinstance(app.screen, FinishScreen):
                break
            await pilot.pause(0.01)
        assert isinstance(app.screen, FinishScreen)
        assert str(app.screen.query_one("#remind").label) == "Remind me at 17:00 (r)"
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.services.store.flush(5)  # writes are queued (coach.history)
        assert app.services.store.get_meta(THERAPY_REMINDER_KEY) == (
            '{"routine": "cold-test", "at": "2026-11-20T17:00:00+00:00"}')

        wall.now = NOW + timedelta(hours=1, minutes=59)
        app.sit_poll()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        wall.now = NOW + timedelta(hours=2)
        app.sit_poll()
        await reads_landed(pilot)
        assert isinstance(app.screen, TherapyPromptScreen)
        clock.advance(2)  # past the first second, when keys still go below
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, BeforeStartScreen)
        assert app.services.store.flush(5)  # writes are queued (coach.history)
        assert app.services.store.get_meta(THERAPY_REMINDER_KEY) is None


async def test_no_reminder_is_offered_outside_a_flare_up(start, clock) -> None:
    write_cold_test()
    app = start()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_routine("cold-test")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await tick(pilot, clock, 31)
        await tick(pilot, clock, 1)
        assert isinstance(app.screen, FinishScreen)
        assert not app.screen.query("#remind")


async def test_a_reminder_for_a_routine_done_meanwhile_moves_on_and_never_joins_the_break_prompt(
        start, wall, clock) -> None:
    from screens.break_prompt import BreakPromptScreen

    write_cold_test()
    app = start(flareup=(NOW - timedelta(hours=3), 6))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.set_therapy_reminder("cold-test", NOW + timedelta(hours=2))
        with open_store(resolve_paths().history_file, clock=wall) as store:  # done anyway, at 16:00
            wall.now = NOW + timedelta(hours=1)
            sid = store.start_session("cold-test", "Cold test", 1)
            store.finish_session(sid, outcome="completed", steps_done=1, active_seconds=30, phase_index=1)
        wall.now = NOW + timedelta(hours=2)
        app.sit_poll()
        await reads_landed(pilot)  # the history is read again, off the screen's thread
        assert isinstance(app.screen, HomeScreen)  # not allowed yet: the reminder moved to 18:00
        assert app.services.store.flush(5)  # writes are queued (coach.history)
        assert app.services.store.get_meta(THERAPY_REMINDER_KEY) == (
            '{"routine": "cold-test", "at": "2026-11-20T18:00:00+00:00"}')

        wall.now = NOW + timedelta(hours=3)
        app.sit_poll()
        await reads_landed(pilot)
        assert isinstance(app.screen, TherapyPromptScreen)
        for _ in range(40):  # the sit timer comes due while the therapy prompt is open
            clock.advance(60)
            wall.now += timedelta(minutes=1)
            app.sit_poll()
            if app.services.sit.prompt_open:
                break
        await pilot.pause()
        assert app.services.sit.prompt_open
        assert not any(isinstance(s, BreakPromptScreen) for s in app.screen_stack)
