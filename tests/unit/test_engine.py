"""The player engine with a fake clock: every step kind, sides, sets, repeats, pauses."""

from __future__ import annotations

import textwrap

import pytest

from fakeclocks import MonotonicClock

from coach.engine import Beat, Player, Status, steps_done
from coach.routines import parse_routine
from coach.timeline import PhaseKind, build_timeline


FakeClock = MonotonicClock


def player_for(steps: str, first_side: str = "left") -> tuple[Player, FakeClock]:
    text = "id: t\ntitle: T\nsummary: s\ncategory: stretch\nsteps:\n" + textwrap.indent(textwrap.dedent(steps), "  ")
    clock = FakeClock()
    return Player(build_timeline(parse_routine(text, "t.yaml", "t"), first_side), clock), clock


WALK = "- kind: timer\n  title: Walk\n  duration: 60\n"


def test_ready_before_start() -> None:
    player, _ = player_for(WALK)
    assert player.state().status is Status.READY


def test_timer_counts_down_from_the_clock_not_ticks() -> None:
    player, clock = player_for(WALK)
    player.start()
    clock.advance(12.4)
    state = player.state()
    assert state.status is Status.RUNNING and state.remaining == pytest.approx(47.6)
    assert state.countdown == 48
    clock.advance(47.6)
    assert player.state().status is Status.FINISHED


def test_pause_of_an_hour_loses_and_adds_nothing() -> None:
    player, clock = player_for(WALK + WALK.replace("Walk", "Walk more"))
    player.start()
    clock.advance(20)
    player.pause()
    clock.advance(3600)
    state = player.state()
    assert state.status is Status.PAUSED and state.remaining == pytest.approx(40)
    assert state.active_seconds == pytest.approx(20)
    player.resume()
    clock.advance(40)
    state = player.state()
    assert state.index == 1 and state.remaining == pytest.approx(60)
    assert state.active_seconds == pytest.approx(60)
    player.toggle_pause()
    clock.advance(10)
    player.toggle_pause()
    clock.advance(60)
    assert player.state().status is Status.FINISHED


def test_info_waits_for_next() -> None:
    player, clock = player_for("- kind: info\n  title: Read this\n" + WALK)
    player.start()
    clock.advance(500)
    state = player.state()
    assert state.status is Status.WAITING and state.remaining is None and state.phase.kind is PhaseKind.READ
    player.next()
    clock.advance(1)
    state = player.state()
    assert state.index == 1 and state.remaining == pytest.approx(59)


def test_manual_timed_step_waits_when_done() -> None:
    player, clock = player_for("- kind: position\n  title: Lie\n  duration: 30\n  advance: manual\n" + WALK)
    player.start()
    clock.advance(45)
    state = player.state()
    assert state.status is Status.WAITING and state.index == 0 and state.remaining == 0
    player.next()
    assert player.state().index == 1


def test_hold_reps_and_relax() -> None:
    player, clock = player_for("- kind: hold\n  title: Hug\n  hold: 10s\n  reps: 3\n")
    player.start()
    clock.advance(3)
    state = player.state()
    assert (state.phase.rep, state.phase.reps, state.beat, state.countdown) == (1, 3, Beat.HOLD, 7)
    clock.advance(8)
    state = player.state()
    assert state.phase.kind is PhaseKind.REST and state.phase.label == "Relax"
    clock.advance(4)
    assert player.state().phase.rep == 2


def test_exercise_rep_beats_move_hold_release() -> None:
    player, clock = player_for("- kind: exercise\n  title: Bridge\n  reps: 2\n  hold: 5s\n  pace: 2s\n")
    player.start()  # each rep: 1s move, 5s hold, 1s release
    assert player.state().beat is Beat.MOVE
    clock.advance(1.5)
    state = player.state()
    assert state.beat is Beat.HOLD and state.beat_remaining == pytest.approx(4.5)
    clock.advance(5)
    assert player.state().beat is Beat.RELEASE
    clock.advance(0.6)
    assert player.state().phase.rep == 2


def test_sets_with_rest_between() -> None:
    player, clock = player_for("- kind: exercise\n  title: Squeeze\n  reps: 2\n  sets: 2\n  rest_between_sets: 20s\n")
    player.start()
    clock.advance(6)
    state = player.state()
    assert state.phase.kind is PhaseKind.REST and state.phase.set == 1 and state.countdown == 20
    clock.advance(20)
    state = player.state()
    assert (state.phase.set, state.phase.rep) == (2, 1)


def test_both_sides_switch_countdown() -> None:
    player, clock = player_for("- kind: hold\n  title: Figure four\n  hold: 30s\n  sides: both\n  switch_time: 5s\n",
                               first_side="right")
    player.start()
    assert player.state().phase.side == "right"
    clock.advance(31)
    state = player.state()
    assert state.phase.kind is PhaseKind.SWITCH and state.countdown == 4 and state.phase.side == "left"
    clock.advance(4)
    assert player.state().phase.side == "left" and player.state().phase.kind is PhaseKind.HOLD


def test_alternate_sides() -> None:
    player, clock = player_for("- kind: exercise\n  title: Leg lift\n  reps: 2\n  sides: alternate\n  switch_time: 2s\n")
    player.start()
    sides = []
    for _ in range(20):
        state = player.state()
        if state.done:
            break
        if state.phase.kind is PhaseKind.REP and (not sides or sides[-1] != (state.phase.side, state.phase.rep)):
            sides.append((state.phase.side, state.phase.rep))
        clock.advance(1)
    assert sides == [("left", 1), ("right", 1), ("left", 2), ("right", 2)]


def test_repeat_blocks_and_routine_remaining() -> None:
    player, clock = player_for(
        "- kind: repeat\n  times: 3\n  steps:\n    - {kind: therapy, title: Warm, modality: warm-water, duration: 3m}\n"
        "    - {kind: therapy, title: Cool, modality: cool-water, duration: 30s}\n"
    )
    player.start()
    assert player.state().routine_remaining == 630
    clock.advance(200)
    state = player.state()
    assert state.phase.step.title == "Cool" and state.phase.rounds == ((2 - 1, 3),)
    assert state.routine_remaining == pytest.approx(430)
    clock.advance(430)
    assert player.state().status is Status.FINISHED


def test_next_skips_the_whole_step_and_back_returns() -> None:
    player, clock = player_for("- kind: hold\n  title: Hug\n  hold: 10s\n  reps: 3\n" + WALK)
    player.start()
    clock.advance(12)
    player.next()
    state = player.state()
    assert state.phase.step.title == "Walk" and state.elapsed == 0
    clock.advance(1)
    player.back()  # within 3 s of the step's start: the previous step
    assert player.state().phase.step.title == "Hug" and player.state().phase.rep == 1
    clock.advance(5)
    player.back()  # 5 s into the step: restart it
    assert player.state().elapsed == 0 and player.state().phase.rep == 1


def test_back_at_first_step_restarts_it() -> None:
    player, clock = player_for(WALK)
    player.start()
    clock.advance(1)
    player.back()
    assert player.state().remaining == 60


def test_next_on_the_last_step_finishes() -> None:
    player, clock = player_for(WALK)
    player.start()
    player.next()
    assert player.state().status is Status.FINISHED


def test_stop_freezes_everything() -> None:
    player, clock = player_for(WALK)
    player.start()
    clock.advance(10)
    player.stop()
    clock.advance(100)
    state = player.state()
    assert state.status is Status.STOPPED and state.active_seconds == pytest.approx(10)
    player.resume()
    player.next()
    assert player.state().status is Status.STOPPED


def test_resume_a_saved_session_at_a_phase() -> None:
    player, clock = player_for(WALK + WALK.replace("Walk", "Stretch"))
    player.start(at_phase=1)
    assert player.state().phase.step.title == "Stretch"
    assert steps_done(player.timeline, 1) == 1


def test_a_resumed_session_s_time_is_before_and_after_the_interruption() -> None:
    """Issue 15 part 2: about 90 s ran, then 30 s more after resuming is 120 s."""
    player, clock = player_for(WALK + WALK.replace("Walk", "Stretch"))
    player.start(at_phase=1, active_before=90)
    assert player.state().active_seconds == 90
    clock.advance(30)
    assert player.state().active_seconds == 120
    player.pause()
    clock.advance(100)  # paused time is not active
    assert player.state().active_seconds == 120


def test_cues_in_turn_and_reminders() -> None:
    player, clock = player_for(
        "- kind: therapy\n  title: Ice\n  modality: cold\n  duration: 20m\n  cues: [Breathe, Relax]\n"
        "  remind: {every: 5m, text: Check your skin}\n"
    )
    player.start()
    assert player.state().cue == "Breathe"
    clock.advance(8)
    assert player.state().cue == "Relax"
    clock.advance(8)
    assert player.state().cue == "Breathe"
    clock.advance(300)
    assert player.state().reminders == 1


def test_a_long_stall_lands_exactly() -> None:
    """An hour of simulated time at odd tick sizes ends exactly where it should."""
    player, clock = player_for("- kind: repeat\n  times: 20\n  steps:\n    - {kind: timer, title: A, duration: 77}\n"
                               "    - {kind: rest, title: B, duration: 103}\n")
    player.start()
    for _ in range(3599):
        clock.advance(1.0002)
        player.state()
    state = player.state()
    assert state.status is Status.RUNNING
    assert state.routine_remaining == pytest.approx(3600 - 3599 * 1.0002, abs=1e-6)
