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
#: The five articles the built-in routines come from, by title (README, "Where
#: the advice comes from"), and the public guidance that sets the limits.
ARTICLES = (
    "Muscle Spasm in Back - How to Stop It",
    "How to Treat Back Spasms",
    "Back Spasms",
    "How to Treat a Back Spasm",
    "Back Spasms: 4 Natural Remedies That Work!",
)
GUIDANCE = ("NHS", "NICE guideline NG59", "American College of Physicians guideline 2017", "HSE", "Dunstan")
ENTRIES = builtin_entries()
REQUIRED = {
    "knee-pillow-rest", "legs-on-chair-rest", "hip-and-back-stretch", "core-and-back-strength",
    "scapular-squeeze", "finger-pressure", "ice-pack", "heating-pad", "contrast-shower",
    "desk-break", "posture-reset", "breathing-relaxation", "gentle-walk", "ice-massage",
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
    cited = {m.group(1) for s in routine.sources for m in [re.match(r'Article "([^"]+)": \S', s)] if m}
    assert cited <= set(ARTICLES), "an article is cited by its exact title, with what the routine takes from it"
    assert cited or any(s.startswith(GUIDANCE) for s in routine.sources), "cites an article or public guidance"
    for line in routine.sources:
        assert not re.search(r"seed|[0-9a-f]{12}", line, re.I), f"an internal file name, not a title: {line}"
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
    assert ice.frequency.times_per_day.high == 4 and ice.frequency.off_time == 2 * 3600
    assert any("towel" in line.lower() for line in ice.cautions + tuple(l for s in ice.steps for l in s.instructions))


def test_heating_pad_has_a_daily_limit_and_never_asleep() -> None:
    heat = by_id("heating-pad")
    assert heat.frequency.times_per_day.high == 4 and heat.frequency.off_time >= 20 * 60
    assert any("asleep" in c.lower() or "sleep" in c.lower() for c in heat.cautions)


def _words(routine) -> str:
    """Everything a routine says, in one lower-case text."""
    lines = [routine.summary, *routine.cautions, *routine.do_not_use_if, *routine.stop_if]
    for step in all_steps(routine.steps):
        lines += [step.title, *step.instructions, *step.cautions]
    return " ".join(lines).lower()


# Contraindications a physiotherapist expects, by routine (issue 19).
CONTRAINDICATIONS = {
    "ice-pack": ("diabetes", "neuropathy", "numb", "raynaud", "urticaria", "cannot feel", "asleep"),
    "ice-massage": ("diabetes", "neuropathy", "numb", "raynaud", "urticaria", "cannot feel", "asleep"),
    "heating-pad": ("diabetes", "neuropathy", "circulation", "cream", "radiotherapy", "cannot feel", "sleep on"),
    "contrast-shower": ("heart disease", "blood pressure", "circulation", "unsteady", "cannot feel"),
    "core-and-back-strength": ("osteoporosis", "pregnant"),
    "hip-and-back-stretch": ("hip replacement", "pregnant"),
    "knee-pillow-rest": ("pregnant",),
    "legs-on-chair-rest": ("pregnant",),
}


@pytest.mark.parametrize("routine_id", sorted(CONTRAINDICATIONS))
def test_contraindications_are_where_they_belong(routine_id: str) -> None:
    text = _words(by_id(routine_id))
    for word in CONTRAINDICATIONS[routine_id]:
        assert word in text, f"{routine_id} says nothing about {word!r}"


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "twenty": 20}


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "an hour": 3600}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_words_and_numbers_agree(entry) -> None:
    """What a routine says it does is what it plays: 'start with N' against
    reps and sets, 'N minutes' against timed steps, 'wait at least' against
    its off-time or gap."""
    routine = entry.routine
    text = _words(routine)
    exercises = [s for s in all_steps(routine.steps) if s.kind is StepKind.EXERCISE and s.reps.low != s.reps.high]
    for match in re.finditer(r"start with (one set of )?(\d+)", text):
        assert exercises, f"says {match.group(0)!r} but has no exercise with a range"
        for step in exercises:
            assert step.reps.low == int(match.group(2)), f"{step.title}: starts at {step.reps.low}"
            assert step.sets == 1, f"{step.title}: 'start with {match.group(2)}' plays {step.sets} sets of it"
    timed = {p.duration for p in build_timeline(routine).phases}
    for match in re.finditer(r"(?:for|about|up to) (\d+) minutes", routine.summary.lower() + " " + text):
        minutes = int(match.group(1))
        assert any(abs(d - minutes * 60) <= 60 for d in timed) or minutes * 60 == build_timeline(routine).total, (
            f"says {match.group(0)!r}; the timed steps are {sorted(timed)}")
    waits = {m.group(1) for m in re.finditer(r"wait at least (\d+ minutes|\d+ hours?|an hour)", text)}
    gap = routine.frequency.off_time or routine.frequency.min_gap
    for wait in waits:
        amount = 1 if wait == "an hour" else int(wait.split()[0])
        unit = 3600 if "hour" in wait else 60
        assert gap == amount * unit, f"says 'wait at least {wait}' but the rule waits {gap} s"
    if routine.frequency.off_time is not None:
        assert waits, "an off-time the words do not mention"


def test_articles_are_listed_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Where the advice comes from", 1)[1].split("\n## ", 1)[0]
    for title in ARTICLES:
        assert f'"{title}"' in section
    for body in ("NHS", "NICE NG59", "ACP 2017"):
        assert body in section


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
