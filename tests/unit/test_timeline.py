"""The timeline: reps, holds, sets, sides, repeats and the total."""

from __future__ import annotations

import textwrap

import pytest

from coach.model import Advance
from coach.routines import parse_routine
from coach.timeline import PhaseKind, build_timeline


def timeline_of(steps: str, first_side: str = "left"):
    text = "id: t\ntitle: T\nsummary: s\ncategory: stretch\nsteps:\n" + textwrap.indent(textwrap.dedent(steps), "  ")
    return build_timeline(parse_routine(text, "t.yaml", "t"), first_side=first_side)


def shape(timeline) -> list[tuple[str, int | None, str | None]]:
    return [(p.kind.value, p.duration, p.side) for p in timeline.phases]


def test_info_waits_and_counts_zero() -> None:
    tl = timeline_of("- kind: info\n  title: Read\n- kind: timer\n  title: Walk\n  duration: 2m\n")
    assert shape(tl) == [("read", None, None), ("work", 120, None)]
    assert tl.phases[0].waits and tl.phases[0].advance is Advance.MANUAL
    assert tl.total == 120 and tl.phases[1].start == 0


def test_hold_reps_rest_between_not_after_last() -> None:
    tl = timeline_of("- kind: hold\n  title: Hug\n  hold: 20s\n  reps: 3\n")
    assert shape(tl) == [("hold", 20, None), ("rest", 5, None), ("hold", 20, None), ("rest", 5, None), ("hold", 20, None)]
    assert [p.rep for p in tl.phases if p.kind is PhaseKind.HOLD] == [1, 2, 3]
    assert tl.total == 70


def test_exercise_sets_with_rest_between_sets() -> None:
    tl = timeline_of("- kind: exercise\n  title: Bridge\n  reps: {min: 2, max: 8}\n  sets: 2\n  hold: 2s\n  rest_between_sets: 20s\n")
    assert shape(tl) == [("rep", 5, None), ("rep", 5, None), ("rest", 20, None), ("rep", 5, None), ("rep", 5, None)]
    first = tl.phases[0]
    assert (first.rep, first.reps, first.reps_max, first.set, first.sets, first.hold) == (1, 2, 8, 1, 2, 2)
    assert tl.phases[3].set == 2
    assert tl.total == 40


def test_both_sides_whole_step_then_switch() -> None:
    tl = timeline_of("- kind: hold\n  title: Figure four\n  hold: 30s\n  reps: 2\n  rest_between_reps: 10s\n  sides: both\n  switch_time: 8s\n")
    assert shape(tl) == [
        ("hold", 30, "left"), ("rest", 10, "left"), ("hold", 30, "left"),
        ("switch", 8, "right"),
        ("hold", 30, "right"), ("rest", 10, "right"), ("hold", 30, "right"),
    ]
    assert tl.total == 148


def test_side_order_from_config() -> None:
    tl = timeline_of("- kind: position\n  title: Lie\n  duration: 1m\n  sides: both\n", first_side="right")
    assert [p.side for p in tl.phases] == ["right", "left", "left"]


def test_alternate_switches_every_rep_and_counts_per_side() -> None:
    tl = timeline_of("- kind: exercise\n  title: Leg lift\n  reps: 2\n  sides: alternate\n  switch_time: 4s\n")
    assert shape(tl) == [
        ("rep", 3, "left"), ("switch", 4, "right"), ("rep", 3, "right"), ("switch", 4, "left"),
        ("rep", 3, "left"), ("switch", 4, "right"), ("rep", 3, "right"),
    ]
    assert [p.rep for p in tl.phases if p.kind is PhaseKind.REP] == [1, 1, 2, 2]


def test_alternate_uses_rest_between_reps_when_given() -> None:
    tl = timeline_of("- kind: hold\n  title: Knee hug\n  hold: 10s\n  reps: 1\n  rest_between_reps: 6s\n  sides: alternate\n")
    assert shape(tl) == [("hold", 10, "left"), ("switch", 6, "right"), ("hold", 10, "right")]


def test_repeat_blocks_unroll_with_rounds() -> None:
    tl = timeline_of(
        """\
        - kind: repeat
          title: Contrast
          times: 3
          steps:
            - kind: therapy
              title: Warm
              modality: warm-water
              duration: 3m
            - kind: therapy
              title: Cool
              modality: cool-water
              duration: 30s
        """
    )
    assert [p.duration for p in tl.phases] == [180, 30] * 3
    assert [p.rounds for p in tl.phases][::2] == [((1, 3),), ((2, 3),), ((3, 3),)]
    assert [p.step_label for p in tl.phases[:2]] == ["1.1", "1.2"]
    assert tl.total == 630
    assert tl.remaining_after(0) == 450


def test_nested_repeats() -> None:
    tl = timeline_of(
        """\
        - kind: repeat
          times: 2
          steps:
            - kind: repeat
              times: 3
              steps:
                - kind: timer
                  title: Breathe
                  duration: 4s
        """
    )
    assert len(tl.phases) == 6 and tl.total == 24
    assert tl.phases[-1].rounds == ((2, 2), (3, 3))


def test_bad_side_order() -> None:
    with pytest.raises(ValueError):
        timeline_of("- kind: info\n  title: a\n", first_side="up")


def test_manual_step_waits_only_after_its_last_phase() -> None:
    tl = timeline_of("- kind: hold\n  title: Hug\n  hold: 10s\n  reps: 2\n  advance: manual\n- kind: timer\n  title: Walk\n  duration: 1m\n")
    assert [p.waits for p in tl.phases] == [False, False, True, False]


def test_remaining_after_equals_the_sum_of_later_phases_for_every_builtin() -> None:
    from coach.library import builtin_entries

    for entry in builtin_entries():
        tl = build_timeline(entry.routine, first_side="right")
        for index in range(len(tl.phases)):
            assert tl.remaining_after(index) == sum(p.duration or 0 for p in tl.phases[index + 1:]), entry.id
