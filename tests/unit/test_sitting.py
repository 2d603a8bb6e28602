"""The sit timer with fake clocks: due, snooze, skip, already, suspend, hours, pause."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from coach.sitting import Answer, Mode, SitSettings, SitTimer, WorkHours, pause_choices

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # a Monday


class Clocks:
    """A monotonic and a wall clock that move together, unless the machine sleeps."""

    def __init__(self) -> None:
        self.mono = 100.0
        self.now = START

    def monotonic(self) -> float:
        return self.mono

    def wall(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.now += timedelta(seconds=seconds)

    def sleep_machine(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)  # monotonic stands still in suspend


def timer(**settings) -> tuple[SitTimer, Clocks]:
    clocks = Clocks()
    return SitTimer(SitSettings(**settings), clocks.monotonic, clocks.wall), clocks


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


def test_routine_counts_when_completed_or_a_minute_long() -> None:
    sit, clocks = timer(limit=600, min_routine_break=60)
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
    assert sit.routine_ended(active_seconds=30, completed=False) is None  # too short
    assert sit.status().sitting == pytest.approx(130)


def test_prompt_waits_while_a_routine_plays() -> None:
    sit, clocks = timer(limit=600, min_routine_break=60)
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
