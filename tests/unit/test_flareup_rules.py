"""What fits when in a flare-up: the first 72 hours and after, gaps, daily
limits and midnight, with a fake clock in Europe/London."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.flareup import (
    Done, Fit, advise, headline, make_plan, pain_rising, parse_start, phase_at, window,
)
from coach import skin
from coach.library import builtin_entries
from coach.model import Phase
from coach.routines import parse_routine

TZ = ZoneInfo("Europe/London")
ONSET = datetime(2026, 11, 19, 9, 0, tzinfo=TZ)  # Thursday, GMT
BUILTIN = {e.id: e.routine for e in builtin_entries()}
ICE, HEAT, SHOWER = BUILTIN["ice-pack"], BUILTIN["heating-pad"], BUILTIN["contrast-shower"]


def at(hours: float) -> datetime:
    return ONSET + timedelta(hours=hours)


def ice(*hours: float, counts: bool = True, routine=None) -> list[Done]:
    """Sessions of the ice pack (or ``routine``) that started at these hours
    after onset and ended when their cold did."""
    routine = routine or ICE
    minutes = skin.exposure(routine.steps, next(iter(skin.skin_modalities(routine)))) // 60
    return [Done.of(routine.id, at(h), "completed" if counts else "stopped", minutes * 60 if counts else 30,
                    ended=at(h) + timedelta(minutes=minutes), routine=routine) for h in hours]


def fit(routine, now, done=()) -> tuple[Fit, str]:
    advice = advise(routine, ONSET, done, now, TZ)
    return advice.fit, advice.reason


def test_phases_turn_at_48_hours() -> None:
    assert phase_at(timedelta(hours=47, minutes=59)) is Phase.ACUTE
    assert phase_at(timedelta(hours=48)) is Phase.SUBACUTE


def test_the_first_hour_movement_fits_and_ice_then_heat() -> None:
    now = at(1)
    assert fit(ICE, now) == (Fit.NOW, "available now (up to 4 today)")
    assert fit(HEAT, now) == (Fit.NOW, "available now (up to 4 today)")  # an option (NHS, ACP 2017)
    assert fit(SHOWER, now) == (Fit.LATER, "from Sat 21 Nov 09:00")
    assert fit(BUILTIN["hip-and-back-stretch"], now) == (Fit.LATER, "from Sat 21 Nov 09:00")
    assert fit(BUILTIN["knee-pillow-rest"], now) == (Fit.NOW, "available now (up to 4 today)")
    assert fit(BUILTIN["finger-pressure"], now) == (Fit.NOW, "available now")
    assert fit(BUILTIN["desk-break"], now) == (Fit.NOW, "available now")
    plan = make_plan(BUILTIN.values(), ONSET, [], now, TZ)
    now_ids = [a.routine.id for a in plan.fitting(Fit.NOW)]
    assert now_ids.index("ice-pack") < now_ids.index("heating-pad"), "ice first in the first two days"


def test_skin_rest_runs_from_the_end_of_the_last_ice() -> None:
    done = ice(1)  # 10:00 to 10:20; the ice pack asks for 2 hours off
    assert fit(ICE, at(2), done) == (Fit.LATER, "after your ice pack for a new spasm: from 12:20")
    assert fit(ICE, at(3.3), done)[0] is Fit.LATER  # 12:18
    assert fit(ICE, at(1 + 2 + 20 / 60), done) == (Fit.NOW, "available now (1 done, up to 4 today)")


def test_ice_massage_waits_for_the_ice_pack_and_the_other_way_round() -> None:
    massage = BUILTIN["ice-massage"]
    assert fit(massage, at(1.5), ice(1)) == (Fit.LATER, "after your ice pack for a new spasm: from 12:20")
    rubbed = ice(1, routine=massage)  # 10:00 to 10:12, and it asks for 20 minutes off
    assert fit(ICE, at(1.25), rubbed) == (Fit.LATER, "after your ice massage with a helper: from 10:32")
    assert fit(ICE, at(1.55), rubbed)[0] is Fit.NOW  # 10:33
    assert fit(massage, at(1.55), rubbed) == (Fit.NOW, "available now (1 done, up to 4 today)")


def test_a_day_s_fifth_cold_application_waits_for_tomorrow() -> None:
    massage = BUILTIN["ice-massage"]
    done = ice(1, 3.5, 6, routine=ICE) + ice(8.5, routine=massage)  # three packs and a massage
    advice = advise(ICE, ONSET, done, at(11), TZ)  # 20:00; the pack has had only 3 of its own 4
    assert (advice.fit, advice.reason) == (Fit.LATER, "4 cold sessions today, up to 4 in all; again tomorrow")
    assert advice.at == datetime(2026, 11, 20, 0, 0, tzinfo=TZ) and advice.daily_limit
    assert fit(massage, at(11), done)[1] == "4 cold sessions today, up to 4 in all; again tomorrow"
    assert fit(ICE, at(15), done)[0] is Fit.NOW  # midnight
    assert fit(HEAT, at(11), done)[0] is Fit.NOW  # heat is counted on its own


def test_heat_then_heat_and_the_heat_daily_limit() -> None:
    pad = ice(49, routine=HEAT)  # Saturday 10:00 to 10:20; the pad asks for an hour off
    assert fit(HEAT, at(49.5), pad) == (Fit.LATER, "after your heating pad for stiffness and spasm: from 11:20")
    own_heat = custom("frequency: {off_time: 30m}", kind="therapy\n    modality: heat")
    assert fit(own_heat, at(49.5), pad)[1] == "after your heating pad for stiffness and spasm: from 11:20"
    four = ice(49, 51, 53, 55, routine=HEAT)
    assert fit(HEAT, at(57), four) == (Fit.LATER, "4 done, up to 4 today; again tomorrow")
    assert fit(own_heat, at(57), four) == (Fit.LATER, "4 heat sessions today, up to 4 in all; again tomorrow")


def test_a_user_routine_without_use_when_has_its_own_mark() -> None:
    plain = custom("")
    advice = advise(plain, ONSET, [], at(1), TZ)
    assert (advice.fit, advice.reason) == (Fit.NO_RULES, "no flare-up rules in this routine; use your own judgement")
    assert advice.short == "no flare-up rules"
    plan = make_plan([plain, *BUILTIN.values()], ONSET, [], at(1), TZ)
    assert plan.of("custom").fit is Fit.NO_RULES and "custom" not in [a.routine.id for a in plan.fitting(Fit.NOW)]
    # Its cold still rests the skin: no flare-up rules does not mean no skin rules.
    own_ice = custom("", kind="therapy\n    modality: cold")
    assert fit(own_ice, at(1.5), ice(1)) == (Fit.LATER, "after your ice pack for a new spasm: from 12:20")


def test_a_session_that_did_not_count_leaves_no_gap() -> None:
    assert fit(ICE, at(1.5), ice(1, counts=False)) == (Fit.NOW, "available now (up to 4 today)")
    assert Done.of("ice-pack", at(1), "stopped", 59).counts is False
    # Only a completed session counts toward the routine's daily count and gap (issue 15):
    assert Done.of("ice-pack", at(1), "stopped", 600).counts is False
    assert Done.of("ice-pack", at(1), "partial", 600).counts is False
    assert Done.of("ice-pack", at(1), "completed", 5).counts is True


def test_a_skipped_through_ice_pack_neither_counts_nor_rests_the_skin() -> None:
    """7 seconds of a 20-minute ice pack: partial, no gap, not 1 of 4 today, no skin rest."""
    skipped = Done.of("ice-pack", at(1), "partial", 7, ended=at(1), routine=ICE, skin_seconds={})
    assert skipped.counts is False and skipped.skin == frozenset()
    assert fit(ICE, at(1.01), [skipped]) == (Fit.NOW, "available now (up to 4 today)")


def test_cold_really_applied_rests_the_skin_whatever_the_outcome() -> None:
    """10 minutes of ice then stopped: no credit (no gap of its own, not counted
    today), but the skin still rests and it is one of the 4 cold a day."""
    stopped = Done.of("ice-pack", at(1), "stopped", 600, ended=at(1) + timedelta(minutes=10), routine=ICE,
                      skin_seconds={"cold": 600})
    assert stopped.counts is False and stopped.skin == {skin.Modality.COLD}
    fit_now, reason = fit(ICE, at(1.3), [stopped])
    assert fit_now is Fit.LATER and reason.startswith("after your ice pack")
    four = [Done.of("ice-pack", at(h), "partial", 90, ended=at(h) + timedelta(minutes=2), routine=ICE,
                    skin_seconds={"cold": 90}) for h in (0.5, 1.5, 2.5, 3.5)]
    assert fit(ICE, at(5), four)[1].startswith("4 cold sessions today")
    # Under a minute of cold is no application.
    brief = Done.of("ice-pack", at(1), "partial", 59, ended=at(1), routine=ICE, skin_seconds={"cold": 59})
    assert brief.skin == frozenset()


def test_later_sessions_and_other_modalities_do_not_count() -> None:
    done = [*ice(1, routine=HEAT), *ice(5)]
    assert fit(ICE, at(2), done) == (Fit.NOW, "available now (up to 4 today)")  # 14:00 is still to come


def test_the_routine_s_own_daily_limit_then_midnight() -> None:
    done = ice(1, 3.5, 6, 8.5)  # Thursday
    advice = advise(ICE, ONSET, done, at(11), TZ)
    assert (advice.fit, advice.reason) == (Fit.LATER, "4 done, up to 4 today; again tomorrow")
    assert advice.at == datetime(2026, 11, 20, 0, 0, tzinfo=TZ)
    assert fit(ICE, at(14.99), done)[0] is Fit.LATER  # 23:59
    assert fit(ICE, at(15), done) == (Fit.NOW, "available now (up to 4 today)")  # midnight


def test_a_rest_across_midnight_counts_yesterday_s_session() -> None:
    done = ice(1, 5, 14.5)  # the last from 23:30 to 23:50
    assert fit(ICE, at(14.9), done) == (Fit.LATER, "after your ice pack for a new spasm: from tomorrow 01:50")
    assert fit(ICE, at(15.5), done) == (Fit.LATER, "after your ice pack for a new spasm: from 01:50")  # 00:30
    assert fit(ICE, at(17), done) == (Fit.NOW, "available now (up to 4 today)")


def test_start_to_start_min_gap_is_kept_for_other_routines() -> None:
    gapped = custom("frequency: {times_per_day: 3, min_gap: 2h}")
    done = [Done("custom", at(1), True)]
    assert fit(gapped, at(2), done) == (Fit.LATER, "next at 12:00 (1 done, up to 3 today)")
    assert fit(gapped, at(3), done) == (
        Fit.NO_RULES, "no flare-up rules in this routine; use your own judgement (1 done, up to 3 today)")
    with_rules = custom("use_when: {phases: [acute]}\nfrequency: {times_per_day: 3, min_gap: 2h}")
    assert fit(with_rules, at(2), done) == (Fit.LATER, "next at 12:00 (1 done, up to 3 today)")
    assert fit(with_rules, at(3), done) == (Fit.NOW, "available now (1 done, up to 3 today)")


def test_thirty_hours_in() -> None:
    now = at(30)  # Friday 15:00
    done = ice(1, 3.5, 6, 24, 26.5)  # Thursday x3, Friday 09:00 and 11:30
    assert fit(ICE, now, done) == (Fit.NOW, "available now (2 done, up to 4 today)")
    plan = make_plan(BUILTIN.values(), ONSET, done, now, TZ)
    assert plan.phase is Phase.ACUTE
    assert headline(plan, TZ) == "Back spasm since Thu 19 Nov 09:00, 30 hours ago"
    order = [a.fit for a in plan.advice]
    assert order == sorted(order, key=[Fit.NOW, Fit.LATER, Fit.NO_RULES, Fit.OVER, Fit.NOT_FOR_FLARE].index)
    assert plan.of("ice-pack").fit is Fit.NOW and plan.of("heating-pad").fit is Fit.NOW


def test_a_rest_that_would_end_after_the_window_closes() -> None:
    done = ice(70)  # Sunday 07:00 to 07:20; the next would be 09:20, after the first 72 hours
    assert fit(ICE, at(71), done) == (Fit.OVER, "1 done, up to 4 today; only in the first 3 days")


def test_the_ice_window_is_the_three_days_its_words_say() -> None:
    massage = BUILTIN["ice-massage"]
    for routine in (ICE, massage):
        assert window(routine) == (0, 72 * 3600)
        assert fit(routine, at(71.9))[0] is Fit.NOW
        assert fit(routine, at(72)) == (Fit.OVER, "only in the first 3 days")
    assert fit(HEAT, at(72))[0] is Fit.NOW
    assert fit(SHOWER, at(48)) == (Fit.NOW, "available now")
    assert fit(BUILTIN["hip-and-back-stretch"], at(48)) == (Fit.NOW, "available now (up to 3 today)")
    for hours in (72, 24 * 10):
        assert fit(BUILTIN["desk-break"], at(hours))[0] is Fit.NOW
    plan = make_plan(BUILTIN.values(), ONSET, [], at(24 * 10), TZ)
    assert headline(plan, TZ) == "Back spasm since Thu 19 Nov 09:00, 10 days ago"


ROUTINE = """\
id: custom
title: Custom
summary: A test routine.
category: therapy
{extra}
steps:
  - kind: {kind}
    title: Wait
    duration: 1m
"""


def custom(extra: str, kind: str = "timer"):
    """A routine of one step (a 1-minute timer, or another kind's first lines)."""
    return parse_routine(ROUTINE.format(extra=extra, kind=kind), "custom.yaml", expect_id="custom")


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
        Fit.LATER, "2 done, up to 2 today; again tomorrow")


def test_48_hours_across_the_clock_change() -> None:
    onset = datetime(2026, 10, 24, 9, 0, tzinfo=TZ)  # BST; the clocks go back on the 25th
    advice = advise(SHOWER, onset, [], onset + timedelta(hours=1), TZ)
    assert advice.reason == "from Mon 26 Oct 08:00"  # 48 real hours: one hour earlier on the wall


def test_pain_rising() -> None:
    assert not pain_rising([6])
    assert not pain_rising([6, 5, 6])
    assert pain_rising([6, 5, 7])
    assert not pain_rising([6, 7, 7])  # said once, when it first went higher
    from coach.flareup import pain_rising_title

    assert pain_rising_title([6, 5, 7]) == "Your pain is 7/10, higher than before in this flare-up (it started at 6)"
    assert pain_rising_title([6, 5, 6]) is None


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
    from coach.reminders import Due, reminder_due, reminder_time

    gap = advise(ICE, ONSET, ice(1), at(1.5), TZ)  # ended 10:20: from 12:20
    assert reminder_time(gap) == at(1) + timedelta(hours=2, minutes=20)
    limited = advise(ICE, ONSET, ice(1, 3.5, 6, 8.5), at(9), TZ)  # 4 of up to 4: again tomorrow
    assert limited.fit is Fit.LATER and reminder_time(limited) is None
    all_cold = ice(1, 3.5, 6, routine=ICE) + ice(8.5, routine=BUILTIN["ice-massage"])
    assert reminder_time(advise(ICE, ONSET, all_cold, at(9), TZ)) is None  # cold's own limit for the day
    assert reminder_time(advise(BUILTIN["hip-and-back-stretch"], ONSET, [], at(1), TZ)) is None  # not therapy
    assert reminder_time(advise(ICE, ONSET, [], at(1), TZ)) is None  # fits now: nothing to wait for
    # Come due: asked again, since the routine may have been done meanwhile.
    assert reminder_due(advise(ICE, ONSET, ice(1), at(3.5), TZ)) == (Due.PROMPT, None)
    assert reminder_due(advise(ICE, ONSET, ice(1, 2.5), at(3.5), TZ)) == (Due.MOVE, at(2.5) + timedelta(hours=2, minutes=20))
    assert reminder_due(advise(ICE, ONSET, ice(1), at(72), TZ)) == (Due.DROP, None)  # its time has passed
    assert reminder_due(None) == (Due.DROP, None)  # the flare-up settled, or the routine went


def test_the_rules_in_words_say_what_the_rules_do() -> None:
    from coach.timing_text import timing_lines

    assert timing_lines(ICE) == (
        "In a flare-up: in the first 3 days.",
        "Up to 4 times a day.",
        "After it, no cold from any routine for 2 hours from when it ends; at most 4 cold sessions a day in all.",
    )
    assert timing_lines(HEAT)[0] == "In a flare-up: from the start, and after."
    assert "no heat from any routine for 1 hour" in timing_lines(HEAT)[2]
    assert timing_lines(SHOWER) == ("In a flare-up: from 48 hours after it starts.",)
    assert timing_lines(BUILTIN["core-and-back-strength"])[0].startswith("In a flare-up: not for one")
    assert timing_lines(custom("frequency: {min_gap: 90m}")) == (
        "In a flare-up: no rules in this routine; use your own judgement.",
        "At least 1 hour 30 minutes from the start of one session to the next.",
    )


def test_phase_words_offer_both_and_send_someone_after_two_weeks() -> None:
    from coach.flareup import phase_advice

    first = phase_advice(Phase.ACUTE)
    assert "moving gently is the main thing" in first and "never fall asleep" in first
    assert "ice" in first.lower() and "heat" in first.lower()
    assert "72 hours" in phase_advice(Phase.SUBACUTE, timedelta(days=3))
    assert "GP or a physiotherapist" not in phase_advice(Phase.SUBACUTE, timedelta(days=13, hours=23))
    assert "GP or a physiotherapist" in phase_advice(Phase.SUBACUTE, timedelta(days=14))


def test_the_skin_rule_reads_what_the_step_records_say_was_applied(tmp_path) -> None:
    """Through the history: a stopped ice pack with 10 minutes of cold rests
    the skin and is not 1 of its daily count; one whose 10 minutes went on
    everything but the cold (the ice skipped after 7 s) does neither, though
    the old guess (a minute or more of the routine) would have said it did."""
    from coach.flareup import read_flare
    from coach.step_fates import StepRecord
    from coach.store import open_store

    for cold, expected in ((600, Fit.LATER), (7, Fit.NOW)):
        clock = [at(1)]
        with open_store(tmp_path / f"h{cold}.sqlite3", clock=lambda: clock[0]) as store:
            store.start_flareup(ONSET, 6)
            sid = store.start_session("ice-pack", "Ice pack", 3)
            store.record_steps(sid, [StepRecord(1, "Ice pack", "therapy", "cold", 1200, cold, cold, "skipped", cold)])
            clock[0] = at(1) + timedelta(minutes=10)
            store.finish_session(sid, outcome="partial", steps_done=3, active_seconds=600, phase_index=3,
                                 done_percent=cold * 100 // 1500)
            clock[0] = at(1.5)
            state = read_flare(store, clock[0])
        advice = state.plan([ICE], clock[0], TZ).of("ice-pack")
        assert advice.fit is expected and advice.done_today == 0, (cold, advice.reason)
        if expected is Fit.LATER:
            assert advice.reason.startswith("after your ice pack")
