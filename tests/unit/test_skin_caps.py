"""Cold and heat cannot be stacked within a routine: the validator adds up the
expanded plan (repeats, nesting, split steps, both sides, max_duration)."""

from __future__ import annotations

import pytest

from coach.routines import RoutineError, parse_routine
from coach.skin import exposure, skin_modalities

HEAD = """\
format: 1
id: stack
title: Stacked
summary: A test routine.
category: therapy
steps:
"""


def therapy(modality: str, duration: str, indent: int = 2, extra: str = "") -> str:
    pad = " " * indent
    lines = [f"{pad}- kind: therapy", f"{pad}  title: {modality} on", f"{pad}  modality: {modality}",
             f"{pad}  duration: {duration}"]
    lines += [f"{pad}  {line}" for line in extra.splitlines()]
    return "\n".join(lines) + "\n"


def repeat(times: int, body: str, indent: int = 2) -> str:
    pad = " " * indent
    return f"{pad}- kind: repeat\n{pad}  times: {times}\n{pad}  steps:\n{body}"


def problems(text: str) -> list[str]:
    try:
        parse_routine(HEAD + text, "stack.yaml")
    except RoutineError as err:
        return [str(p) for p in err.problems]
    return []


@pytest.mark.parametrize("modality", ["cold", "heat"])
def test_exactly_twenty_minutes_in_all_is_accepted(modality: str) -> None:
    assert problems(therapy(modality, "20m")) == []
    assert problems(therapy(modality, "10m") + therapy(modality, "10m")) == []
    assert problems(repeat(2, therapy(modality, "5m", 6)) + therapy(modality, "10m")) == []
    assert problems(therapy(modality, "10m", extra="sides: both")) == []


def test_repeats_around_twenty_minutes_plus_one_more_step_is_refused() -> None:
    # The shape from the issue: 3 x 20m of ice in a repeat, then 20m more (1h20m).
    found = problems(repeat(3, therapy("cold", "20m", 6)) + therapy("cold", "20m"))
    assert found == [
        "stack.yaml:13:19: steps[0].steps[0].duration: cold adds up to 1h in this routine by here (repeats, "
        "both sides and each step's max_duration counted); at most 20m of cold per session (public guidance), "
        "so take the rest in another session"]


@pytest.mark.parametrize(("body", "where", "total"), [
    (therapy("cold", "15m") + therapy("cold", "6m"), "steps[1].duration", "21m"),  # split steps
    (therapy("heat", "12m") + therapy("heat", "12m"), "steps[1].duration", "24m"),
    (repeat(2, therapy("cold", "11m", 6)), "steps[0].steps[0].duration", "22m"),  # a repeat
    (repeat(2, repeat(2, therapy("heat", "6m", 10), 6)), "steps[0].steps[0].steps[0].duration", "24m"),  # nesting
    (therapy("cold", "11m", extra="sides: both"), "steps[0].duration", "22m"),  # both sides
    (therapy("cold", "10m", extra="max_duration: 15m") + therapy("cold", "6m"), "steps[1].duration", "21m"),
])
def test_stacked_cold_or_heat_is_refused_where_it_goes_over(body: str, where: str, total: str) -> None:
    found = problems(body)
    assert len(found) == 1, found
    assert f": {where}: " in found[0] and f"adds up to {total} " in found[0] and "at most 20m" in found[0]


def test_cold_and_heat_are_counted_apart_and_water_is_not_skin() -> None:
    assert problems(therapy("cold", "20m") + therapy("heat", "20m")) == []
    assert problems(repeat(3, therapy("warm-water", "3m", 6) + therapy("cool-water", "30s", 6))) == []


def test_off_time_is_for_cold_and_heat_only_and_at_least_twenty_minutes() -> None:
    timer = "  - kind: timer\n    title: Walk\n    duration: 1m\n"
    found = problems_with("frequency: {off_time: 1h}\n", timer)
    assert found == ["stack.yaml:6:23: frequency.off_time: only applies to a routine with cold or heat steps "
                     "(the skin's rest between them)"]
    found = problems_with("frequency: {off_time: 10m}\n", therapy("cold", "10m"))
    assert found == ["stack.yaml:6:23: frequency.off_time: 10m is too short; at least 20m"]
    assert problems_with("frequency: {off_time: 2h}\n", therapy("cold", "10m")) == []


def problems_with(header: str, steps: str) -> list[str]:
    try:
        parse_routine(HEAD.replace("steps:\n", header + "steps:\n") + steps, "stack.yaml")
    except RoutineError as err:
        return [str(p) for p in err.problems]
    return []


def test_exposure_counts_the_expanded_plan() -> None:
    routine = parse_routine(HEAD + repeat(2, therapy("cold", "4m", 6, extra="sides: both")) + therapy("heat", "5m"),
                            "stack.yaml")
    from coach.model import Modality

    assert exposure(routine.steps, Modality.COLD) == 16 * 60
    assert exposure(routine.steps, Modality.HEAT) == 5 * 60
    assert skin_modalities(routine) == {Modality.COLD, Modality.HEAT}
