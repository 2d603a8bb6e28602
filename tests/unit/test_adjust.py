"""Adjust while playing (issue 15 part 5): the +/- keys make a therapy step
longer or shorter within its limits (coach.step_limits); the engine keeps the
countdown, total and progress right with a fake clock, and the active time real."""

from __future__ import annotations

import textwrap

import pytest

from coach.engine import Beat, Player, Status
from coach.library import builtin_entries
from coach.model import StepKind
from coach.routines import THERAPY_CAPS, parse_routine
from coach.skin import SESSION_CAP, SKIN_MODALITIES, exposure
from coach.step_limits import Limits, limits_between, time_limits
from coach.timeline import PhaseKind, build_timeline


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def routine_of(steps: str):  # type: ignore[no-untyped-def]
    text = "id: t\ntitle: T\nsummary: s\ncategory: therapy\nsteps:\n" + textwrap.indent(textwrap.dedent(steps), "  ")
    return parse_routine(text, "t.yaml", "t")


def player_for(steps: str, **kwargs: object) -> tuple[Player, FakeClock]:
    clock = FakeClock()
    return Player(build_timeline(routine_of(steps)), clock, **kwargs), clock  # type: ignore[arg-type]


PRESS = "- kind: therapy\n  title: Try to move\n  modality: pressure\n  duration: 1m\n  max_duration: 3m\n"
WALK = "- kind: timer\n  title: Walk\n  duration: 60\n"


# --- the limits ------------------------------------------------------------------------


def test_therapy_limits_are_half_its_time_to_its_max_duration() -> None:
    phases = build_timeline(routine_of(PRESS + WALK)).phases
    assert time_limits(phases[0]) == Limits(shortest=30, longest=180, press=30)
    assert time_limits(phases[1]) is None  # a timer is played as written


@pytest.mark.parametrize(("duration", "max_duration", "expected"), [
    ("30s", "1m", Limits(15, 60, 10)),  # finger pressure, "press and breathe"
    ("20m", "20m", Limits(600, 1200, 60)),  # the ice pack: shorter only
    ("30s", None, Limits(15, 30, 5)),  # contrast shower, cool water: max_duration defaults to duration
    ("3m", None, Limits(90, 180, 15)),
    ("1s", None, None),  # no room at all
])
def test_one_press_fits_a_few_times_between_the_limits(duration: str, max_duration: str | None,
                                                       expected: Limits | None) -> None:
    extra = f"  max_duration: {max_duration}\n" if max_duration else ""
    phase = build_timeline(routine_of(
        f"- kind: therapy\n  title: X\n  modality: cold\n  duration: {duration}\n{extra}")).phases[0]
    assert time_limits(phase) == expected


def test_a_ranged_hold_goes_up_to_the_top_of_its_range_and_down_to_the_hold_played() -> None:
    from coach.progression import at_level

    routine = routine_of("- kind: hold\n  title: Stretch\n  hold: {min: 20s, max: 30s}\n  reps: 2\n")
    timeline = build_timeline(routine)
    holds = [phase for phase in timeline.phases if phase.kind is PhaseKind.HOLD]
    assert len(holds) == 2 and all(time_limits(phase) == Limits(20, 30, 5) for phase in holds)
    assert [time_limits(p) for p in timeline.phases if p.kind is PhaseKind.REST] == [None]
    played = build_timeline(at_level(routine, 1)).phases[0]  # one level up: 25 s
    assert played.duration == 25 and time_limits(played) == Limits(25, 30, 5)
    top = build_timeline(at_level(routine, 2)).phases[0]
    assert top.duration == 30 and time_limits(top) is None  # at the top of its range: played as written


def test_a_ranged_hold_is_held_longer_in_the_player() -> None:
    player, clock = player_for("- kind: hold\n  title: Stretch\n  hold: {min: 20s, max: 30s}\n")
    player.start()
    clock.advance(5)
    assert player.adjust(5) == 5 and player.adjust(-100) == -5 and player.adjust(100) == 10
    state = player.state()
    assert state.beat is Beat.HOLD and state.remaining == pytest.approx(25) and player.total == 30


def test_fixed_holds_and_other_steps_have_no_limits() -> None:
    timeline = build_timeline(routine_of("""\
        - kind: hold
          title: Stretch
          hold: 20s
          reps: 2
        - kind: exercise
          title: Bridge
          reps: 3
          hold: 3
        - kind: position
          title: Lie down
          duration: 2m
        - kind: rest
          title: Rest
          duration: 30s
        - kind: info
          title: Read
        """))
    assert [time_limits(phase) for phase in timeline.phases] == [None] * len(timeline.phases)
    assert limits_between(20, 30) == Limits(20, 30, 5)  # what a hold range would give
    assert limits_between(30, 30) is None


def test_no_step_of_a_built_in_routine_can_be_made_longer_than_its_max_duration_or_cap() -> None:
    seen = 0
    for entry in builtin_entries():
        routine = entry.routine
        assert routine is not None, entry.problems
        for phase in build_timeline(routine).phases:
            limits = time_limits(phase)
            if limits is None:
                continue
            step = phase.step
            assert step.kind is StepKind.THERAPY and step.modality is not None
            assert limits.shortest >= 1 and limits.longest == step.max_duration, (routine.id, step.title)
            assert limits.longest <= THERAPY_CAPS[step.modality]
            seen += 1
    assert seen >= 5  # finger pressure, ice, heat, contrast shower...


@pytest.mark.parametrize("steps", [
    "- kind: therapy\n  title: Ice\n  modality: cold\n  duration: 10m\n  max_duration: 20m\n",
    "- kind: therapy\n  title: Ice\n  modality: cold\n  duration: 5m\n  max_duration: 10m\n  sides: both\n",
    "- kind: repeat\n  times: 2\n  steps:\n    - kind: therapy\n      title: Heat\n      modality: heat\n"
    "      duration: 5m\n      max_duration: 10m\n",
])
def test_extending_every_step_to_its_limit_stays_within_the_session_cap(steps: str) -> None:
    """The validator counts each step at its max_duration; the player's longest is exactly that."""
    routine = routine_of(steps)
    phases = build_timeline(routine).phases
    for modality in SKIN_MODALITIES:
        longest = sum(limits.longest for phase in phases if phase.step.modality is modality
                      for limits in [time_limits(phase)] if limits is not None)
        assert longest == exposure(routine.steps, modality) <= SESSION_CAP


def test_a_max_duration_that_would_let_a_step_go_over_the_cap_is_refused() -> None:
    from coach.routines import RoutineError

    with pytest.raises(RoutineError, match="max_duration: cold is capped at 20m"):
        routine_of("- kind: therapy\n  title: Ice\n  modality: cold\n  duration: 10m\n  max_duration: 25m\n")
    with pytest.raises(RoutineError, match="adds up to 30m"):
        routine_of("- kind: therapy\n  title: Ice\n  modality: cold\n  duration: 10m\n  max_duration: 15m\n"
                   "  sides: both\n")


# --- the engine --------------------------------------------------------------------------


def test_longer_moves_the_countdown_the_total_and_the_progress() -> None:
    player, clock = player_for(PRESS + WALK)
    player.start()
    clock.advance(10)
    assert player.adjust_limits() == Limits(30, 180, 30)
    assert player.adjust(30) == 30
    state = player.state()
    assert state.remaining == pytest.approx(80)
    assert player.total == 150
    assert state.routine_remaining == pytest.approx(140)
    assert player.total - state.routine_remaining == pytest.approx(10)  # progress: the time already played
    clock.advance(80)
    state = player.state()
    assert state.index == 1 and state.remaining == pytest.approx(60) and state.routine_remaining == pytest.approx(60)


def test_never_beyond_the_limits() -> None:
    player, clock = player_for(PRESS + WALK)
    player.start()
    clock.advance(10)
    assert player.adjust(1000) == 120
    assert player.state().remaining == pytest.approx(170)
    assert player.adjust(30) == 0
    assert player.adjust(-1000) == -150  # down to half of 1m
    assert player.state().remaining == pytest.approx(20)
    assert player.adjust(-30) == 0
    assert player.total == 90


def test_shorter_than_the_time_already_spent_ends_the_phase_now() -> None:
    player, clock = player_for(PRESS + WALK)
    player.start()
    clock.advance(45)
    assert player.adjust(-30) == -15  # 1m -> 45s: the 15 s not yet spent, no time travel
    state = player.state()
    assert state.index == 1 and state.elapsed == pytest.approx(0) and state.remaining == pytest.approx(60)
    assert state.active_seconds == pytest.approx(45)
    assert player.adjust(30) == 0  # the walk is not adjustable


def test_adjusting_while_paused() -> None:
    player, clock = player_for(PRESS + WALK)
    player.start()
    clock.advance(20)
    player.pause()
    assert player.adjust(60) == 60
    clock.advance(600)
    state = player.state()
    assert state.status is Status.PAUSED and state.remaining == pytest.approx(100)
    assert state.active_seconds == pytest.approx(20)
    player.resume()
    clock.advance(99)
    assert player.state().index == 0
    clock.advance(1)
    assert player.state().index == 1


def test_the_active_time_is_the_time_really_spent() -> None:
    player, clock = player_for(PRESS + WALK)
    player.start()
    clock.advance(10)
    player.adjust(120)  # 3m in all
    clock.advance(170)
    state = player.state()
    assert state.index == 1 and state.active_seconds == pytest.approx(180)
    clock.advance(60)
    state = player.state()
    assert state.status is Status.FINISHED and state.active_seconds == pytest.approx(240)
    assert state.routine_remaining == 0


def test_a_step_that_waits_when_done_can_be_given_more_time() -> None:
    player, clock = player_for(PRESS.replace("max_duration: 3m\n", "max_duration: 3m\n  advance: manual\n") + WALK)
    player.start()
    clock.advance(300)
    assert player.state().status is Status.WAITING
    assert player.adjust(30) == 30  # the waiting time is not eaten by it
    state = player.state()
    assert state.status is Status.RUNNING and state.index == 0 and state.remaining == pytest.approx(30)
    clock.advance(30)
    assert player.state().status is Status.WAITING


def test_each_side_is_adjusted_on_its_own() -> None:
    player, clock = player_for(PRESS.replace("max_duration: 3m\n", "max_duration: 3m\n  sides: both\n"))
    player.start()
    player.adjust(60)
    assert player.total == 60 + 5 + 60 + 60
    clock.advance(120 + 5)
    state = player.state()
    assert state.phase.kind is PhaseKind.WORK and state.phase.side == "right"
    assert state.remaining == pytest.approx(60) and state.routine_remaining == pytest.approx(60)


def test_back_restarts_an_adjusted_step_with_its_new_time() -> None:
    player, clock = player_for(WALK + PRESS)
    player.start()
    clock.advance(70)
    player.adjust(60)
    clock.advance(50)
    player.back()  # 50 s into the step: restart it
    state = player.state()
    assert state.index == 1 and state.remaining == pytest.approx(120)
    clock.advance(1)
    player.back()  # 1 s in: the previous step
    state = player.state()
    assert state.index == 0 and state.routine_remaining == pytest.approx(60 + 120)  # the adjustment ahead counts
    assert player.total == 180


def test_nothing_to_adjust_before_the_start_or_after_the_end() -> None:
    player, clock = player_for(PRESS)
    assert player.adjust_limits() is None and player.adjust(30) == 0
    player.start()
    player.stop()
    assert player.adjust_limits() is None and player.adjust(30) == 0


def test_a_hold_with_limits_counts_its_beat_from_the_new_length() -> None:
    """The engine adjusts any phase its limits allow: a hold range (not in the format yet) plugs in here."""
    def hold_range(phase):  # type: ignore[no-untyped-def]
        return limits_between(20, 30) if phase.kind is PhaseKind.HOLD else None

    player, clock = player_for("- kind: hold\n  title: Stretch\n  hold: 20s\n", limits=hold_range)
    player.start()
    clock.advance(5)
    assert player.adjust(5) == 5
    state = player.state()
    assert state.beat is Beat.HOLD and state.beat_remaining == pytest.approx(20)
    assert player.adjust(-100) == -5
    assert player.adjust(100) == 10
    assert player.state().remaining == pytest.approx(25)
