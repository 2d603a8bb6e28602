"""The sit timer with fake clocks: due, snooze, skip, already, suspend, hours, pause."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from fakeclocks import Clocks as FakeClocks

from coach.sitting import Answer, Mode, SitSettings, SitTimer, WorkHours, pause_choices

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # a Monday


def Clocks() -> FakeClocks:  # noqa: N802 - read as the clocks it makes
    return FakeClocks(100.0, 150.0, START)


def timer(**settings) -> tuple[SitTimer, Clocks]:
    clocks = Clocks()
    return SitTimer(SitSettings(**settings), clocks.monotonic, clocks.wall, clocks.boottime), clocks


def run(sit: SitTimer, clocks: Clocks, seconds: float, step: float = 1.0) -> list:
    events = []
    while seconds > 1e-9:
        clocks.advance(min(step, seconds))
        seconds -= step
        events += sit.poll()
    return events


def test_due_at_the_limit() -> None:
    sit, clocks = timer(limit=1800)
    run(sit, clocks, 1799)
    status = sit.status()
    assert status.mode is Mode.SITTING and status.due_in == pytest.approx(1) and status.sitting == pytest.approx(1799)
    run(sit, clocks, 1)
    assert sit.prompt_open and sit.status().mode is Mode.DUE


def test_an_hour_of_odd_ticks_lands_the_due_moment_exactly() -> None:
    sit, clocks = timer(limit=3600, missed_after=10_000)
    run(sit, clocks, 3599.5, step=1.0003)
    assert not sit.prompt_open
    run(sit, clocks, 0.9, step=0.9)
    assert sit.prompt_open
    assert sit._prompt_since == pytest.approx(100.0 + 3600)  # due exactly at the limit


def test_snooze_and_its_limit() -> None:
    sit, clocks = timer(limit=600, snooze=120, max_snoozes=2)
    run(sit, clocks, 600)
    first = sit.snooze()
    assert first.answer is Answer.SNOOZED and first.bout_seconds == 600 and first.prompted
    assert not sit.prompt_open and sit.status().due_in == pytest.approx(120)
    run(sit, clocks, 120)
    assert sit.snooze() is not None
    run(sit, clocks, 120)
    assert sit.prompt_open and not sit.can_snooze
    assert sit.snooze() is None and sit.prompt_open  # refused: take it, skip it or say already


def test_skip_keeps_the_bout_and_waits_a_full_limit() -> None:
    sit, clocks = timer(limit=600, snooze=60)
    run(sit, clocks, 600)
    sit.snooze()
    run(sit, clocks, 60)
    event = sit.skip()
    assert event.answer is Answer.SKIPPED and event.bout_seconds == 660
    assert sit.status().due_in == pytest.approx(600) and sit.status().snoozes == 0
    assert sit.status().sitting == pytest.approx(660)  # still sitting


def test_already_counts_as_a_break() -> None:
    sit, clocks = timer(limit=600)
    run(sit, clocks, 300)
    event = sit.already()
    assert event.answer is Answer.ALREADY and event.bout_seconds == 300 and not event.prompted
    assert sit.status().sitting == 0 and sit.status().due_in == 600


def test_unanswered_prompt_nudges_then_is_missed() -> None:
    sit, clocks = timer(limit=600, nudge_every=60, missed_after=300, snooze=120)
    run(sit, clocks, 600)
    run(sit, clocks, 130)
    assert sit.status().nudges == 2
    events = run(sit, clocks, 170)
    assert [e.answer for e in events] == [Answer.MISSED]
    assert events[0].bout_seconds == 900 and not sit.prompt_open
    assert sit.status().due_in == pytest.approx(120)


def test_suspend_gap_is_a_natural_break() -> None:
    sit, clocks = timer(limit=1800, suspend_gap=120)
    run(sit, clocks, 1000)
    clocks.sleep_machine(600)
    events = run(sit, clocks, 1)
    assert [e.answer for e in events] == [Answer.NATURAL]
    assert events[0].bout_seconds == 1000
    assert sit.status().sitting == pytest.approx(0)


def test_a_short_gap_is_not_a_break() -> None:
    sit, clocks = timer(limit=1800, suspend_gap=120)
    run(sit, clocks, 100)
    clocks.sleep_machine(60)
    assert run(sit, clocks, 1) == []


def test_routine_counts_only_when_completed() -> None:
    sit, clocks = timer(limit=600)
    run(sit, clocks, 600)
    sit.routine_started()
    assert not sit.prompt_open and sit.status().mode is Mode.IN_ROUTINE
    run(sit, clocks, 120)
    event = sit.routine_ended(active_seconds=120, completed=True)
    assert event.answer is Answer.TAKEN and event.prompted and event.bout_seconds == 600
    assert sit.status().sitting == 0

    run(sit, clocks, 100)
    sit.routine_started()
    run(sit, clocks, 30)
    assert sit.routine_ended(active_seconds=30, completed=False) is None  # stopped
    assert sit.status().sitting == pytest.approx(130)

    sit.routine_started()
    run(sit, clocks, 300)
    # Partial or stopped, however long: not a break (issue 15); the sitting goes on.
    assert sit.routine_ended(active_seconds=300, completed=False) is None
    assert sit.status().sitting == pytest.approx(430)


def test_prompt_waits_while_a_routine_plays() -> None:
    sit, clocks = timer(limit=600)
    run(sit, clocks, 590)
    sit.routine_started()
    run(sit, clocks, 40)
    assert not sit.prompt_open and sit.status().prompt_pending
    sit.routine_ended(active_seconds=40, completed=False)  # stopped early: not a break
    assert sit.prompt_open


def test_work_hours_rest_outside_and_start_fresh() -> None:
    hours = WorkHours(days=frozenset(range(5)), start=time(9, 0), end=time(9, 30))
    sit, clocks = timer(limit=1200, work_hours=hours)
    run(sit, clocks, 1200)
    assert sit.prompt_open
    sit.snooze()
    run(sit, clocks, 600)  # 09:30: the day is over
    assert sit.status().mode is Mode.OFF_HOURS and not sit.prompt_open
    run(sit, clocks, 3600)
    assert sit.status().mode is Mode.OFF_HOURS
    clocks.advance(timedelta(days=1, hours=-1, minutes=-30).total_seconds())  # next day 09:00
    sit.poll()
    status = sit.status()
    assert status.mode is Mode.SITTING and status.sitting == 0 and status.due_in == 1200


def test_weekend_is_off() -> None:
    hours = WorkHours(days=frozenset(range(5)), start=time(0, 0), end=time(23, 59))
    sit, clocks = timer(work_hours=hours)
    clocks.advance(5 * 86400)  # Saturday
    sit.poll()
    assert sit.status().mode is Mode.OFF_HOURS


def test_pause_with_automatic_resume() -> None:
    sit, clocks = timer(limit=600)
    run(sit, clocks, 500)
    sit.pause(clocks.now + timedelta(minutes=30))
    status = sit.status()
    assert status.mode is Mode.PAUSED and status.paused_until == START + timedelta(seconds=500, minutes=30)
    run(sit, clocks, 1799)
    assert sit.status().mode is Mode.PAUSED
    run(sit, clocks, 1)
    assert sit.status().mode is Mode.SITTING and sit.status().sitting == 0


def test_resume_early() -> None:
    sit, clocks = timer(limit=600)
    sit.pause(clocks.now + timedelta(hours=2))
    run(sit, clocks, 60)
    sit.resume()
    sit.poll()
    assert sit.status().mode is Mode.SITTING and sit.status().due_in == 600


def test_pause_choices_end_at_local_midnight() -> None:
    now = datetime(2026, 11, 23, 15, 10, tzinfo=timezone(timedelta(hours=1)))
    labels = dict(pause_choices(now))
    assert labels["30 minutes"] == now + timedelta(minutes=30)
    assert labels["the rest of the day"] == datetime(2026, 11, 24, 0, 0, tzinfo=timezone(timedelta(hours=1)))


# --- suspend from the boot clock; the wall clock never counts (issue 13) ---------------


def test_a_wall_clock_step_alone_is_never_a_break() -> None:
    sit, clocks = timer(limit=1800, suspend_gap=120)
    run(sit, clocks, 600)
    clocks.step_wall(3600)  # NTP or a manual change: +1 h
    assert run(sit, clocks, 1) == []
    clocks.step_wall(-7200)
    assert run(sit, clocks, 1) == []
    assert sit.status().sitting == pytest.approx(602)


def test_without_a_boot_clock_suspend_is_not_guessed_from_the_wall() -> None:
    clocks = Clocks()
    sit = SitTimer(SitSettings(limit=1800), clocks.monotonic, clocks.wall)
    run(sit, clocks, 100)
    clocks.sleep_machine(600)
    assert run(sit, clocks, 1) == []


def test_a_suspend_gives_exactly_one_natural_break() -> None:
    sit, clocks = timer(limit=1800, suspend_gap=120)
    run(sit, clocks, 700)
    clocks.sleep_machine(3600)
    events = run(sit, clocks, 5)
    assert [e.answer for e in events] == [Answer.NATURAL] and events[0].bout_seconds == 700


# --- away: locked or idle ----------------------------------------------------------------------

from coach.sitting import Presence  # noqa: E402


def run_with(sit: SitTimer, clocks: Clocks, seconds: float, presence) -> list:
    """Poll each second; ``presence(elapsed)`` says what the sources say then."""
    events, elapsed = [], 0.0
    while elapsed < seconds - 1e-9:
        clocks.advance(1)
        elapsed += 1
        events += sit.poll(presence(elapsed))
    return events


def test_locked_six_minutes_is_one_natural_break_and_no_missed_prompt() -> None:
    sit, clocks = timer(limit=1800, away_after=300, missed_after=300, snooze=300)
    run(sit, clocks, 1790)
    events = run_with(sit, clocks, 360, lambda t: Presence(locked=True, idle=t))
    assert [e.answer for e in events] == [Answer.NATURAL]
    assert events[0].bout_seconds == 1790 and not events[0].prompted
    assert sit.status().mode is Mode.AWAY and not sit.prompt_open
    back = run_with(sit, clocks, 5, lambda t: Presence(locked=False, idle=0.5))
    assert back == []
    status = sit.status()
    assert status.mode is Mode.SITTING and status.sitting < 6 and status.due_in > 1790


def test_a_prompt_up_when_they_leave_is_withdrawn_not_missed() -> None:
    sit, clocks = timer(limit=600, away_after=300, missed_after=300)
    run(sit, clocks, 600)
    assert sit.prompt_open
    events = run_with(sit, clocks, 30, lambda t: Presence(locked=True))
    assert events == [] and not sit.prompt_open and sit.status().mode is Mode.AWAY
    events = run_with(sit, clocks, 600, lambda t: Presence(locked=True))
    assert [e.answer for e in events] == [Answer.NATURAL]  # never MISSED


def test_a_short_lock_is_not_a_break_and_the_prompt_comes_back_afresh() -> None:
    sit, clocks = timer(limit=600, away_after=300, missed_after=300)
    run(sit, clocks, 600)
    assert run_with(sit, clocks, 60, lambda t: Presence(locked=True)) == []
    assert run_with(sit, clocks, 1, lambda t: Presence(locked=False, idle=1)) == []
    assert sit.prompt_open and sit.status().sitting == pytest.approx(661)
    assert sit.status().prompt_for == pytest.approx(0)  # missed counts from now, not from the due moment


def test_idle_by_every_source_for_away_after_is_a_break_from_when_they_left() -> None:
    sit, clocks = timer(limit=1800, away_after=300)
    run(sit, clocks, 1000)
    events = run_with(sit, clocks, 299, lambda t: Presence(idle=t))
    assert events == [] and sit.status().mode is Mode.SITTING  # 299 s idle: still here
    events = run_with(sit, clocks, 1, lambda t: Presence(idle=300))
    assert [e.answer for e in events] == [Answer.NATURAL] and events[0].bout_seconds == 1000
    run_with(sit, clocks, 100, lambda t: Presence(idle=300 + t))
    run_with(sit, clocks, 1, lambda t: Presence(idle=3))
    assert sit.status().mode is Mode.SITTING and sit.status().sitting == pytest.approx(3)


def test_idle_detection_off_still_counts_a_lock() -> None:
    sit, clocks = timer(limit=8 * 3600, away_after=0)
    run(sit, clocks, 100)
    assert run_with(sit, clocks, 3600, lambda t: Presence(idle=t)) == []  # idle alone: off
    events = run_with(sit, clocks, 301, lambda t: Presence(locked=True))
    assert [e.answer for e in events] == [Answer.NATURAL]


def test_no_news_keeps_what_was_known() -> None:
    sit, clocks = timer(limit=1800, away_after=300)
    run_with(sit, clocks, 10, lambda t: Presence(locked=True))
    assert sit.away
    run(sit, clocks, 5)  # poll() without presence: still away
    assert sit.away


# --- restart and handoff: export and restore ----------------------------------------------------


def test_a_restart_within_a_minute_continues_the_bout_and_the_due_prompt() -> None:
    sit, clocks = timer(limit=600, missed_after=300)
    run(sit, clocks, 610)
    assert sit.prompt_open
    saved = sit.export()
    clocks.advance(40)  # the owner ended; 40 s later another starts
    again = SitTimer(sit.settings, clocks.monotonic, clocks.wall, clocks.boottime)
    assert again.restore(saved, gap=40) is None
    again.poll()
    status = again.status()
    assert status.mode is Mode.DUE and status.sitting == pytest.approx(650) and status.prompt_for == pytest.approx(50)


def test_a_handoff_keeps_snoozes_and_the_due_moment() -> None:
    sit, clocks = timer(limit=600, snooze=120, max_snoozes=2)
    run(sit, clocks, 600)
    sit.snooze()
    run(sit, clocks, 30)
    saved = sit.export()
    again = SitTimer(sit.settings, clocks.monotonic, clocks.wall, clocks.boottime)
    again.restore(saved, gap=0.5)
    again.poll()
    assert again.status().snoozes == 1 and again.status().due_in == pytest.approx(89.5)
    assert again.status().sitting == pytest.approx(630.5)


def test_a_gap_longer_than_away_after_is_a_fresh_bout_recorded_as_unknown() -> None:
    sit, clocks = timer(limit=1800, away_after=300)
    run(sit, clocks, 900)
    saved = sit.export()
    clocks.advance(301)
    again = SitTimer(sit.settings, clocks.monotonic, clocks.wall, clocks.boottime)
    event = again.restore(saved, gap=301)
    assert event.answer is Answer.GAP and event.bout_seconds == 900 and not event.prompted
    assert event.at == clocks.now - timedelta(seconds=301)
    assert again.status().sitting == 0


@pytest.mark.parametrize("saved", [{}, {"bout": "x", "due_in": 1}, {"bout": -5, "due_in": 3}, {"bout": 1e300, "due_in": 0},
                                   {"bout": 10, "due_in": 5, "paused_until": "tomorrow"}, {"bout": None, "due_in": None}])
def test_garbage_state_starts_a_fresh_bout(saved) -> None:
    sit, clocks = timer(limit=600)
    assert sit.restore(saved, gap=1) is None
    assert sit.status().sitting == 0 and sit.status().due_in == 600


def test_a_pause_survives_a_restart() -> None:
    sit, clocks = timer(limit=600)
    sit.pause(clocks.now + timedelta(hours=1))
    saved = sit.export()
    again = SitTimer(sit.settings, clocks.monotonic, clocks.wall, clocks.boottime)
    again.restore(saved, gap=3000)
    assert again.status().mode is Mode.PAUSED
