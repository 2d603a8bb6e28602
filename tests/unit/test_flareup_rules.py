"""What fits when in a flare-up: the first 72 hours and after, gaps, daily
limits and midnight, with a fake clock in Europe/London."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.flareup import (
    Done, Fit, advise, headline, make_plan, pain_rising, parse_start, phase_at, window,
)
from coach.library import builtin_entries
from coach.model import Phase
from coach.routines import parse_routine

TZ = ZoneInfo("Europe/London")
ONSET = datetime(2026, 11, 19, 9, 0, tzinfo=TZ)  # Thursday, GMT
BUILTIN = {e.id: e.routine for e in builtin_entries()}
ICE, HEAT, SHOWER = BUILTIN["ice-pack"], BUILTIN["heating-pad"], BUILTIN["contrast-shower"]


def at(hours: float) -> datetime:
    return ONSET + timedelta(hours=hours)


def ice(*hours: float, counts: bool = True) -> list[Done]:
    return [Done("ice-pack", at(h), counts) for h in hours]


def fit(routine, now, done=()) -> tuple[Fit, str]:
    advice = advise(routine, ONSET, done, now, TZ)
    return advice.fit, advice.reason


def test_phases_turn_at_48_hours() -> None:
    assert phase_at(timedelta(hours=47, minutes=59)) is Phase.ACUTE
    assert phase_at(timedelta(hours=48)) is Phase.SUBACUTE


def test_the_first_hour() -> None:
    now = at(1)
    assert fit(ICE, now) == (Fit.NOW, "available now (0 of 3-4 today)")
    assert fit(HEAT, now) == (Fit.LATER, "from Sat 21 Nov 09:00")
    assert fit(SHOWER, now) == (Fit.LATER, "from Sat 21 Nov 09:00")
    assert fit(BUILTIN["hip-and-back-stretch"], now) == (Fit.LATER, "from Sat 21 Nov 09:00")
    assert fit(BUILTIN["knee-pillow-rest"], now) == (Fit.NOW, "available now (0 of 1-4 today)")
    assert fit(BUILTIN["finger-pressure"], now) == (Fit.NOW, "available now")
    assert fit(BUILTIN["desk-break"], now) == (
        Fit.NOT_FOR_FLARE, "for prevention and long-term stiffness, not for a flare-up")


def test_the_gap_is_start_to_start() -> None:
    done = ice(1)  # 10:00
    assert fit(ICE, at(2), done) == (Fit.LATER, "next at 12:00 (1 of 3-4 today)")
    assert fit(ICE, at(2.99), done)[0] is Fit.LATER
    assert fit(ICE, at(3), done) == (Fit.NOW, "available now (1 of 3-4 today)")


def test_a_session_that_did_not_count_leaves_no_gap() -> None:
    assert fit(ICE, at(1.5), ice(1, counts=False)) == (Fit.NOW, "available now (0 of 3-4 today)")
    assert Done.of("ice-pack", at(1), "stopped", 59).counts is False
    assert Done.of("ice-pack", at(1), "stopped", 60).counts is True
    assert Done.of("ice-pack", at(1), "completed", 5).counts is True


def test_other_routines_and_later_sessions_do_not_count() -> None:
    done = [Done("heating-pad", at(1), True), *ice(5)]
    assert fit(ICE, at(2), done) == (Fit.NOW, "available now (0 of 3-4 today)")  # 14:00 is still to come


def test_the_daily_limit_then_midnight() -> None:
    done = ice(1, 3, 5, 7)  # 10:00, 12:00, 14:00, 16:00 on Thursday
    advice = advise(ICE, ONSET, done, at(9.5), TZ)
    assert (advice.fit, advice.reason) == (Fit.LATER, "4 of 3-4 today; again tomorrow")
    assert advice.at == datetime(2026, 11, 20, 0, 0, tzinfo=TZ)
    assert fit(ICE, at(14.99), done)[0] is Fit.LATER  # 23:59
    assert fit(ICE, at(15), done) == (Fit.NOW, "available now (0 of 3-4 today)")  # midnight


def test_a_gap_across_midnight_counts_yesterday_s_session() -> None:
    done = ice(1, 5, 14.5)  # the last at 23:30
    assert fit(ICE, at(14.75), done) == (Fit.LATER, "next tomorrow 01:30 (3 of 3-4 today)")  # 23:45
    assert fit(ICE, at(15.5), done) == (Fit.LATER, "next at 01:30 (0 of 3-4 today)")  # 00:30
    assert fit(ICE, at(16.5), done) == (Fit.NOW, "available now (0 of 3-4 today)")


def test_the_limit_and_a_gap_that_ends_after_midnight() -> None:
    done = ice(1, 3, 5, 14)  # the fourth at 23:00
    assert fit(ICE, at(14.5), done) == (Fit.LATER, "4 of 3-4 today; next tomorrow 01:00")


def test_thirty_hours_in() -> None:
    now = at(30)  # Friday 15:00
    done = ice(1, 3, 5, 24, 26.5)  # Thursday x3, Friday 09:00 and 11:30
    assert fit(ICE, now, done) == (Fit.NOW, "available now (2 of 3-4 today)")
    assert fit(HEAT, now) == (Fit.LATER, "from tomorrow 09:00")
    plan = make_plan(BUILTIN.values(), ONSET, done, now, TZ)
    assert plan.phase is Phase.ACUTE
    assert headline(plan, TZ) == "Back spasm since Thu 19 Nov 09:00, 30 hours ago"
    order = [a.fit for a in plan.advice]
    assert order == sorted(order, key=[Fit.NOW, Fit.LATER, Fit.OVER, Fit.NOT_FOR_FLARE].index)
    assert plan.of("ice-pack").fit is Fit.NOW and plan.of("heating-pad").fit is Fit.LATER


def test_a_gap_that_would_end_after_the_window_closes() -> None:
    done = ice(46)  # Saturday 07:00; the next would be 09:00, when the first 48 hours end
    assert fit(ICE, at(47), done) == (Fit.OVER, "1 of 3-4 today; only in the first 48 hours")


def test_after_48_hours_heat_not_ice() -> None:
    assert fit(ICE, at(48)) == (Fit.OVER, "only in the first 48 hours")
    assert fit(HEAT, at(48)) == (Fit.NOW, "available now")
    heat = [Done("heating-pad", at(48.1), True)]  # 09:06
    assert fit(HEAT, at(48.2), heat) == (Fit.LATER, "next at 09:36 (1 today)")
    assert fit(SHOWER, at(48)) == (Fit.NOW, "available now")
    assert fit(BUILTIN["hip-and-back-stretch"], at(48)) == (Fit.NOW, "available now (0 of 1-3 today)")


def test_72_hours_and_after() -> None:
    massage = BUILTIN["ice-massage"]
    assert fit(massage, at(47)) == (Fit.NOW, "available now (0 of 1-4 today)")
    assert fit(massage, at(48)) == (Fit.OVER, "only in the first 48 hours")  # acute only
    for hours in (72, 24 * 10):
        assert fit(HEAT, at(hours))[0] is Fit.NOW
        assert fit(ICE, at(hours))[0] is Fit.OVER
        assert fit(BUILTIN["desk-break"], at(hours))[0] is Fit.NOT_FOR_FLARE
    plan = make_plan(BUILTIN.values(), ONSET, [], at(24 * 10), TZ)
    assert headline(plan, TZ) == "Back spasm since Thu 19 Nov 09:00, 10 days ago"


ROUTINE = """\
id: custom
title: Custom
summary: A test routine.
category: therapy
{extra}
steps:
  - kind: timer
    title: Wait
    duration: 1m
"""


def custom(extra: str):
    return parse_routine(ROUTINE.format(extra=extra), "custom.yaml", expect_id="custom")


def test_windows_from_phases_and_since_onset() -> None:
    assert window(custom("")) == (0, None)
    assert window(custom("use_when: {phases: [chronic, prevention]}")) is None
    assert window(custom("use_when: {phases: [acute], since_onset: {max: 72h}}")) == (0, 48 * 3600)
    assert window(custom("use_when: {phases: [acute, subacute], since_onset: {max: 72h}}")) == (0, 72 * 3600)
    assert window(custom("use_when: {since_onset: {min: 2h, max: 10h}}")) == (7200, 36000)
    assert window(custom("use_when: {phases: [subacute], since_onset: {max: 24h}}")) is None  # never fits
    between = custom("use_when: {since_onset: {min: 2h, max: 10h}}")
    assert fit(between, at(1)) == (Fit.LATER, "from 11:00")
    assert fit(between, at(10)) == (Fit.OVER, "only from 2 hours to 10 hours after the start")
    assert fit(custom("frequency: {times_per_day: 2}"), at(1), [Done("custom", at(0.5), True)] * 2) == (
        Fit.LATER, "2 of 2 today; again tomorrow")


def test_48_hours_across_the_clock_change() -> None:
    onset = datetime(2026, 10, 24, 9, 0, tzinfo=TZ)  # BST; the clocks go back on the 25th
    advice = advise(HEAT, onset, [], onset + timedelta(hours=1), TZ)
    assert advice.reason == "from Mon 26 Oct 08:00"  # 48 real hours: one hour earlier on the wall


def test_pain_rising() -> None:
    assert not pain_rising([6])
    assert not pain_rising([6, 5, 6])
    assert pain_rising([6, 5, 7])
    assert not pain_rising([6, 7, 7])  # said once, when it first went higher


def test_parse_start() -> None:
    now = datetime(2026, 11, 21, 10, 15, tzinfo=TZ)
    assert parse_start(0, "", now, TZ) == now
    assert parse_start(0, "8:05", now, TZ) == datetime(2026, 11, 21, 8, 5, tzinfo=TZ)
    assert parse_start(1, "22.30", now, TZ) == datetime(2026, 11, 20, 22, 30, tzinfo=TZ)
    assert parse_start(2, "0930", now, TZ) == datetime(2026, 11, 19, 9, 30, tzinfo=TZ)
    for days, clock, message in [
        (0, "11:00", "11:00 today is still to come"),
        (0, "25:00", "'25:00' is not a time of day"),
        (1, "", "give the time it started"),
        (7, "09:00", "up to 6 days back"),
        (0, "nine", "'nine' is not a time of day"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_start(days, clock, now, TZ)


def test_reminders_follow_the_gap_not_the_daily_limit() -> None:
    from coach.flareup import reminder_due, reminder_time

    gap = advise(ICE, ONSET, ice(1), at(1.5), TZ)  # next at 12:00
    assert reminder_time(gap) == at(3)
    limited = advise(ICE, ONSET, ice(1, 3, 5, 7), at(9), TZ)  # 4 of 3-4: again tomorrow
    assert limited.fit is Fit.LATER and reminder_time(limited) is None
    assert reminder_time(advise(BUILTIN["hip-and-back-stretch"], ONSET, [], at(1), TZ)) is None  # not therapy
    assert reminder_time(advise(ICE, ONSET, [], at(1), TZ)) is None  # fits now: nothing to wait for
    # Come due: asked again, since the routine may have been done meanwhile.
    assert reminder_due(advise(ICE, ONSET, ice(1), at(3), TZ)) == ("prompt", None)
    assert reminder_due(advise(ICE, ONSET, ice(1, 2.5), at(3), TZ)) == ("move", at(4.5))
    assert reminder_due(advise(ICE, ONSET, ice(1), at(48), TZ)) == ("drop", None)  # its time has passed
    assert reminder_due(None) == ("drop", None)  # the flare-up settled, or the routine went
