"""Levels within a routine's ranges (coach.progression), with a fake clock."""

from __future__ import annotations

import textwrap
from datetime import datetime

import pytest

from coach.progression import (
    PAIN_ROSE, PAIN_STOP, Played, after_session, at_level, describe_level, offer_up, top_level,
)
from coach.routines import RoutineError, parse_routine
from coach.timeline import build_timeline, describe_step
from fakeclocks import WallClock


class FakeClock(WallClock):
    """Sessions a day apart."""

    def next_day(self) -> datetime:
        self.advance(days=1)
        return self.now


def routine(steps: str):  # type: ignore[no-untyped-def]
    text = "id: r\ntitle: R\nsummary: s\ncategory: strength\nsteps:\n" + textwrap.indent(textwrap.dedent(steps), "  ")
    return parse_routine(text, "r.yaml", "r")


RANGED = routine("""\
- kind: exercise
  title: Bridge
  reps: {min: 5, max: 8}
- kind: hold
  title: Plank
  hold: {min: 20s, max: 30s}
- kind: exercise
  title: Bird dog
  reps: 6
""")


def test_one_level_is_one_rep_and_five_seconds_up_to_each_top() -> None:
    assert top_level(RANGED) == 3  # the reps need 3 levels, the hold 2
    levels = [at_level(RANGED, n) for n in range(5)]
    assert [r.steps[0].reps.low for r in levels] == [5, 6, 7, 8, 8]  # never above the range
    assert [r.steps[1].hold for r in levels] == [20, 25, 30, 30, 30]
    assert [r.steps[2].reps.low for r in levels] == [6] * 5  # no range: never changes
    assert at_level(RANGED, -3) is RANGED
    assert build_timeline(at_level(RANGED, 2)).total > build_timeline(RANGED).total
    assert describe_level(RANGED, 0) == "level 1 of 4" and describe_level(RANGED, 9) == "level 4 of 4"
    assert describe_step(RANGED.steps[1]) == "hold 20s-30s"
    flat = routine("- kind: exercise\n  title: Squat\n  reps: 5\n")
    assert top_level(flat) == 0 and describe_level(flat, 0) == "" and at_level(flat, 3) is flat


def test_a_hold_range_is_checked_where_it_is_written() -> None:
    with pytest.raises(RoutineError) as info:
        routine("- kind: hold\n  title: Plank\n  hold: {min: 30s, max: 20s}\n")
    assert "r.yaml:8:" in str(info.value) and "min (30s) is more than max (20s)" in str(info.value)
    with pytest.raises(RoutineError) as info:
        routine("- kind: hold\n  title: Plank\n  hold: {min: 20s, max: 1:30}\n")
    assert "steps[0].hold.max" in str(info.value)


def played(clock: FakeClock, outcome: str = "completed", before: int | None = 3, after: int | None = 3,
           stop: str | None = None) -> Played:
    return Played(clock.next_day(), outcome, before, after, stop)


def test_two_good_sessions_in_a_row_offer_one_step_up() -> None:
    clock = FakeClock()
    first = played(clock)
    assert not offer_up(RANGED, 0, None, [first])  # one is not two
    second = played(clock, before=None, after=None)  # no pain check: no rise
    assert offer_up(RANGED, 0, None, [first, second])
    lower = played(clock, before=5, after=2)
    assert offer_up(RANGED, 0, None, [first, second, lower])


def test_holding_a_partial_a_stop_or_a_rise_breaks_the_run() -> None:
    clock = FakeClock()
    for make in (lambda: played(clock, "partial"), lambda: played(clock, "stopped", stop="just-stopping"),
                 lambda: played(clock, "interrupted"), lambda: played(clock, before=2, after=3)):
        good, breaker = played(clock), make()
        assert not offer_up(RANGED, 0, None, [good, breaker])  # good, then the run breaks
        after = played(clock)
        assert not offer_up(RANGED, 0, None, [good, breaker, after])  # one good since the break
        assert offer_up(RANGED, 0, None, [good, breaker, after, played(clock)])


def test_declining_waits_for_two_more_good_sessions() -> None:
    clock = FakeClock()
    sessions = [played(clock), played(clock)]
    assert offer_up(RANGED, 0, None, sessions)
    declined_at = clock.next_day()  # offered and declined at the next start
    sessions.append(played(clock))
    assert not offer_up(RANGED, 0, declined_at, sessions)
    sessions.append(played(clock))
    assert offer_up(RANGED, 0, declined_at, sessions)


def test_never_offered_above_the_top() -> None:
    clock = FakeClock()
    sessions = [played(clock), played(clock)]
    assert offer_up(RANGED, 2, None, sessions)
    assert not offer_up(RANGED, 3, None, sessions)


def test_a_pain_rise_or_a_stop_for_pain_steps_back_one_level_never_below_zero() -> None:
    assert after_session(2, 3, 5, None) == (1, PAIN_ROSE)
    assert after_session(2, 3, 3, "pain-worse") == (1, PAIN_STOP)
    assert after_session(2, None, None, "new-symptom") == (1, PAIN_STOP)
    assert after_session(0, 3, 5, None) is None  # at the bottom already
    assert after_session(2, 3, 3, "just-stopping") is None
    assert after_session(2, 4, 4, None) is None
    assert after_session(2, 5, None, None) is None  # one score is no rise


def test_the_level_read_from_the_history_goes_up_holds_and_steps_back(tmp_path) -> None:
    """The whole cycle against a real history, a day per session on a fake wall clock."""
    from coach.progression import DECLINED, UP, read_level
    from coach.store import open_store

    clock = FakeClock()
    with open_store(tmp_path / "h.sqlite3", clock=lambda: clock.now) as store:
        def session(outcome: str = "completed", before: int = 3, after: int = 3, stop: str | None = None) -> None:
            clock.next_day()
            now = read_level(store, RANGED)
            sid = store.start_session("r", "R", 3, pain_before=before, level=now.level)
            store.finish_session(sid, outcome=outcome, steps_done=3, active_seconds=60, phase_index=3,
                                 pain_after=after, stop_reason=stop, done_percent=100)

        assert read_level(store, RANGED).level == 0
        session()
        assert not read_level(store, RANGED).offer  # one is not two
        session()
        assert read_level(store, RANGED).offer  # two good in a row
        clock.next_day()
        store.record_level_change("r", 0, 0, DECLINED)
        assert not read_level(store, RANGED).offer
        session()
        session()
        assert read_level(store, RANGED).offer
        clock.next_day()
        store.record_level_change("r", 0, 1, UP)
        assert read_level(store, RANGED).level == 1 and not read_level(store, RANGED).offer
        from coach.stats import build_report, routine_rows

        assert routine_rows(build_report(store, clock.now.date(), 30))[0][-1] == "2"  # shown in progress, 1-based
        session(before=3, after=6)  # pain rose
        step = after_session(1, 3, 6, None)
        assert step == (0, PAIN_ROSE)
        store.record_level_change("r", 1, *step)
        assert read_level(store, RANGED).level == 0
        assert [s.level for s in store.recent_sessions()][:1] == [1]
        assert routine_rows(build_report(store, clock.now.date(), 30))[0][-1] == "1"


def test_an_offer_taken_is_one_level_up_and_declined_stays_remembered() -> None:
    from coach.progression import DECLINED, UP, after_offer

    assert after_offer(2, True) == (3, UP)
    assert after_offer(2, False) == (2, DECLINED)
