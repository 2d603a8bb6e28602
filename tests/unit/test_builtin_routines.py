"""The built-in routines: valid, sourced, safe, and as long as they say."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from coach.library import builtin_entries
from coach.model import Category, Modality, StepKind
from coach.routines import THERAPY_CAPS, read_routine_file
from coach.timeline import build_timeline

ROUTINE_DIR = Path(str(resources.files("routines")))
SEEDS = {p.stem for p in (Path(__file__).resolve().parents[3] / "shared" / "seeds").glob("*.txt")}
ENTRIES = builtin_entries()
REQUIRED = {
    "knee-pillow-rest", "legs-on-chair-rest", "hip-and-back-stretch", "core-and-back-strength",
    "scapular-squeeze", "finger-pressure", "ice-pack", "heating-pad", "contrast-shower",
    "desk-break", "posture-reset", "breathing-relaxation",
}


def all_steps(steps):
    for step in steps:
        yield step
        yield from all_steps(step.steps)


def test_at_least_twelve_and_all_required_are_there() -> None:
    assert len(ENTRIES) >= 12
    assert REQUIRED <= {e.id for e in ENTRIES}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_builtin_is_valid_and_complete(entry) -> None:
    assert entry.ok, [str(p) for p in entry.problems]
    routine = entry.routine
    assert routine.cautions, "every routine has cautions"
    assert routine.stop_if, "every routine has stop advice"
    seeds = {m.group(1) for s in routine.sources for m in [re.match(r"seed (\d{3}_[0-9a-f]{16})", s)] if m}
    assert seeds and seeds <= SEEDS, "cites a seed article by its file name"
    assert routine.length == build_timeline(routine).total, "stated length equals the timeline total"
    for step in all_steps(routine.steps):
        if step.kind is StepKind.THERAPY:
            assert step.max_duration <= THERAPY_CAPS[step.modality]
        if step.kind is StepKind.EXERCISE:
            assert step.reps.low <= 10, "home programmes start around 5 reps"


def test_builtin_files_validate_from_disk() -> None:
    for path in sorted(ROUTINE_DIR.glob("*.yaml")):
        read_routine_file(path)


def by_id(routine_id: str):
    return next(e.routine for e in ENTRIES if e.id == routine_id)


@pytest.mark.parametrize("routine_id", [e.id for e in ENTRIES if e.ok and e.routine.category is Category.REST])
def test_rest_positions_are_short_and_end_moving(routine_id: str) -> None:
    routine = by_id(routine_id)
    timed = [s for s in routine.steps if s.kind is not StepKind.INFO]
    assert build_timeline(routine).total <= 20 * 60
    assert timed[-1].kind is StepKind.TIMER and re.search(r"walk|move", timed[-1].title, re.I)


def test_ice_pack_follows_the_limits() -> None:
    ice = by_id("ice-pack")
    cold = [s for s in all_steps(ice.steps) if s.modality is Modality.COLD]
    assert cold and all(s.duration <= 20 * 60 for s in cold)
    assert ice.use_when.since_onset_max == 72 * 3600
    assert ice.frequency.times_per_day.high == 4 and ice.frequency.min_gap >= 3600
    assert any("towel" in line.lower() for line in ice.cautions + tuple(l for s in ice.steps for l in s.instructions))


def test_heating_pad_after_two_days_and_never_asleep() -> None:
    heat = by_id("heating-pad")
    assert heat.use_when.since_onset_min == 48 * 3600
    assert any("asleep" in c.lower() or "sleep" in c.lower() for c in heat.cautions)


def test_contrast_shower_is_three_rounds_of_warm_then_cool() -> None:
    timeline = build_timeline(by_id("contrast-shower"))
    water = [p for p in timeline.phases if p.step.modality in (Modality.WARM_WATER, Modality.COOL_WATER)]
    assert [(p.step.modality, p.duration) for p in water] == [(Modality.WARM_WATER, 180), (Modality.COOL_WATER, 30)] * 3
    assert by_id("contrast-shower").do_not_use_if


def test_desk_break_is_two_minutes_and_hands_free() -> None:
    desk = by_id("desk-break")
    timeline = build_timeline(desk)
    assert desk.category is Category.DESK_BREAK
    assert timeline.total == 120
    assert not any(p.waits for p in timeline.phases)
