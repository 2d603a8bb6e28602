"""Every validator rule, each with the field path, line and column it reports."""

from __future__ import annotations

import textwrap

import pytest

from coach.model import Advance, Category, Modality, Range, Sides, StepKind
from coach.routines import RoutineError, parse_routine

HEADER = """\
id: demo
title: Demo routine
summary: A routine used by the tests.
category: stretch
"""


def routine_text(steps: str, extra: str = "") -> str:
    return HEADER + extra + "steps:\n" + textwrap.indent(textwrap.dedent(steps), "  ")


def problems_of(text: str, expect_id: str | None = "demo") -> list[str]:
    with pytest.raises(RoutineError) as info:
        parse_routine(text, "demo.yaml", expect_id=expect_id)
    return [str(p) for p in info.value.problems]


def only_problem(text: str) -> str:
    found = problems_of(text)
    assert len(found) == 1, found
    return found[0]


def test_a_good_routine_builds_the_model() -> None:
    routine = parse_routine(
        routine_text(
            """\
            - kind: info
              title: Get ready
              instructions: Lie on your back.
            - kind: exercise
              title: Bridge
              reps: {min: 5, max: 10}
              sets: 2
              hold: 3s
            - kind: therapy
              title: Ice
              modality: cold
              duration: 15m
              max_duration: 20m
              remind: {every: 5m, text: Check your skin}
            """,
            "tags: [lower-back]\npain_check: {before: true, after: false}\n",
        ),
        "demo.yaml",
        expect_id="demo",
    )
    assert routine.category is Category.STRETCH
    info, bridge, ice = routine.steps
    assert info.kind is StepKind.INFO and info.advance is Advance.MANUAL
    assert info.instructions == ("Lie on your back.",)
    assert bridge.reps == Range(5, 10) and bridge.sets == 2 and bridge.rest_between_sets == 30
    assert bridge.line == 11  # two header lines added by `extra`
    assert ice.modality is Modality.COLD and ice.max_duration == 1200 and ice.remind.every == 300
    assert routine.pain_check.before and not routine.pain_check.after
    assert routine.tags == ("lower-back",)


TIMER = "- kind: timer\n  title: Walk\n  duration: 2m\n"

RULES = [
    # (routine text, expected "line:col: field: message" fragment)
    (HEADER.replace("category: stretch\n", "") + "steps:\n" + TIMER.replace("- ", "  - ", 1).replace("\n  ", "\n    "),
     "demo.yaml:1:1: routine: missing required field 'category'"),
    (HEADER + "titel: x\nsteps:\n  - kind: info\n    title: a\n", "5:1: titel: unknown field 'titel'; did you mean 'title'?"),
    (HEADER.replace("id: demo", "id: Demo_1") + "steps:\n  - kind: info\n    title: a\n", "1:5: id: 'Demo_1' must be lowercase"),
    (HEADER.replace("id: demo", "id: other") + "steps:\n  - kind: info\n    title: a\n", "1:5: id: 'other' does not match the file name 'demo.yaml'"),
    (HEADER.replace("category: stretch", "category: strech") + "steps:\n  - kind: info\n    title: a\n",
     "4:11: category: 'strech' is not one of: rest, stretch, strength, posture, technique, therapy, desk-break, movement; did you mean 'stretch'?"),
    (HEADER.replace("title: Demo routine", "title: 42") + "steps:\n  - kind: info\n    title: a\n", "2:8: title: expected text, not 42 (a number); put it in quotes"),
    (HEADER.replace("title: Demo routine", "title: " + "x" * 81) + "steps:\n  - kind: info\n    title: a\n", "2:8: title: too long (81 characters); at most 80"),
    (HEADER.replace("title: Demo routine", 'title: "two\\nlines"') + "steps:\n  - kind: info\n    title: a\n", "2:8: title: must be a single line"),
    (HEADER + "steps: []\n", "5:8: steps: the list is empty"),
    (HEADER + "steps: {kind: info}\n", "5:8: steps: expected a list"),
    (routine_text("- kind: timer\n  title: Walk\n  duration: 1:30\n"), "8:15: steps[0].duration: '1:30' is not a duration; write whole seconds (90) or units such as 45s, 2m, 1m30s, 1h"),
    (routine_text("- kind: timer\n  title: Walk\n  duration: 1.5m\n"), "8:15: steps[0].duration: '1.5m' is not a duration"),
    (routine_text("- kind: timer\n  title: Walk\n  duration: 2 min\n"), "8:15: steps[0].duration: '2 min' is not a duration"),
    (routine_text("- kind: timer\n  title: Walk\n  duration: 1.5\n"), "8:15: steps[0].duration: 1.5 is not a whole number of seconds"),
    (routine_text("- kind: timer\n  title: Walk\n  duration: 0\n"), "8:15: steps[0].duration: 0s is too short; at least 1s"),
    (routine_text("- kind: timer\n  title: Walk\n  duration: 3h\n"), "8:15: steps[0].duration: 3h is too long; at most 2h"),
    (routine_text("- kind: timer\n  title: Walk\n"), "6:5: steps[0]: a timer step needs 'duration'"),
    (routine_text("- title: Walk\n  duration: 2m\n"), "6:5: steps[0]: missing required field 'kind'"),
    (routine_text("- kind: walk\n  title: Walk\n"), "6:11: steps[0].kind: 'walk' is not one of: info, position"),
    (routine_text("- kind: timer\n  title: Walk\n  duraton: 2m\n  duration: 2m\n"), "8:5: steps[0].duraton: unknown field 'duraton'; did you mean 'duration'?"),
    (routine_text("- kind: info\n  title: Read\n  duration: 2m\n"), "8:5: steps[0].duration: 'duration' does not apply to a info step"),
    (routine_text("- kind: timer\n  title: Walk\n  duration: 2m\n  sides: alternate\n"), "9:12: steps[0].sides: 'alternate' is not one of: none, both, left, right"),
    (routine_text("- kind: timer\n  title: Walk\n  duration: 2m\n  switch_time: 5s\n"), "9:18: steps[0].switch_time: switch_time only applies with sides: both or alternate"),
    (routine_text("- kind: timer\n  title: Walk\n  duration: 2m\n  advance: later\n"), "9:14: steps[0].advance: 'later' is not one of: auto, manual"),
    (routine_text("- kind: hold\n  title: Hug\n  hold: 20s\n  reps: 0\n"), "9:11: steps[0].reps: 0 is out of range; expected 1 to 100"),
    (routine_text("- kind: exercise\n  title: Bridge\n  reps: {min: 10, max: 5}\n"), "8:11: steps[0].reps: min (10) is more than max (5)"),
    (routine_text("- kind: exercise\n  title: Bridge\n  reps: {min: 5}\n"), "8:11: steps[0].reps: missing required field 'max'"),
    (routine_text("- kind: exercise\n  title: Bridge\n  reps: yes\n"), "8:11: steps[0].reps: expected a whole number from 1 to 100, not text 'yes'"),
    (routine_text("- kind: exercise\n  title: Bridge\n  reps: 5\n  sets: 11\n"), "9:11: steps[0].sets: 11 is out of range; expected 1 to 10"),
    (routine_text("- kind: therapy\n  title: Ice\n  modality: ice\n  duration: 10m\n"), "8:15: steps[0].modality: 'ice' is not one of: cold, heat"),
    (routine_text("- kind: therapy\n  title: Ice\n  modality: cold\n  duration: 25m\n"), "9:15: steps[0].duration: cold is capped at 20m per application"),
    (routine_text("- kind: therapy\n  title: Heat\n  modality: heat\n  duration: 15m\n  max_duration: 30m\n"), "10:19: steps[0].max_duration: heat is capped at 20m"),
    (routine_text("- kind: therapy\n  title: Heat\n  modality: heat\n  duration: 15m\n  max_duration: 10m\n"), "10:19: steps[0].max_duration: is less than duration (15m)"),
    (routine_text("- kind: therapy\n  title: Heat\n  modality: heat\n  duration: 15m\n  remind: {every: 20m, text: Check}\n"), "10:13: steps[0].remind.every: is not shorter than the step (15m)"),
    (routine_text("- kind: therapy\n  title: Heat\n  modality: heat\n  duration: 15m\n  remind: {every: 5m}\n"), "10:13: steps[0].remind: missing required field 'text'"),
    (routine_text("- kind: repeat\n  times: 1\n  steps:\n    - kind: info\n      title: a\n"), "7:12: steps[0].times: 1 is out of range; expected 2 to 20"),
    (routine_text("- kind: repeat\n  times: 2\n  sides: both\n  steps:\n    - kind: info\n      title: a\n"), "8:5: steps[0].sides: 'sides' does not apply to a repeat step"),
    (routine_text("- kind: repeat\n  times: 2\n  steps:\n    - kind: timer\n      title: a\n      duration: x\n"), "11:19: steps[0].steps[0].duration: 'x' is not a duration"),
    (routine_text(TIMER, "use_when: {phases: [acute, acute]}\n"), "5:28: use_when.phases[1]: 'acute' is listed twice"),
    (routine_text(TIMER, "use_when: {phases: [acut]}\n"), "5:21: use_when.phases[0]: 'acut' is not one of: acute, subacute, chronic, prevention; did you mean 'acute'?"),
    (routine_text(TIMER, "use_when: {since_onset: {min: 72h, max: 48h}}\n"), "5:25: use_when.since_onset: min (72h) must be less than max (48h)"),
    (routine_text(TIMER, "frequency: {times_per_day: 30}\n"), "5:28: frequency.times_per_day: 30 is out of range; expected 1 to 24"),
    (routine_text(TIMER, "frequency: {min_gap: soon}\n"), "5:22: frequency.min_gap: 'soon' is not a duration"),
    (routine_text(TIMER, "pain_check: {before: yes}\n"), "5:22: pain_check.before: expected true or false, not text 'yes'"),
    (routine_text(TIMER, "tags: [Lower Back]\n"), "5:8: tags[0]: 'Lower Back' must be lowercase"),
    (routine_text(TIMER, "cautions: [ok, 5]\n"), "5:16: cautions[1]: expected text, not 5 (a number); put it in quotes"),
    (routine_text(TIMER, "length: 3m\n"), "5:9: length: says 3m but the steps add up to 2m"),
    (routine_text(TIMER, "format: 2\n"), "5:9: format: 2 is out of range; expected 1 to 1"),
    ("- just a list\n", "1:1: expected a mapping of keys"),
    (routine_text(TIMER, "sources:\n  - seed 001: How to\n"), "6:5: sources[0]: expected text, not a mapping; a line with ': ' in it reads as a key and value, so put the whole line in quotes"),
    ("id: demo\nid: again\n", "2:1: duplicate key 'id'"),
]


@pytest.mark.parametrize(("text", "expected"), RULES, ids=[r[1].split(": ", 2)[-1][:40] for r in RULES])
def test_rule(text: str, expected: str) -> None:
    found = problems_of(text)
    assert any(expected in p for p in found), found


def test_every_problem_is_reported_in_file_order() -> None:
    text = routine_text(
        """\
        - kind: timer
          title: Walk
          duration: 1:30
        - kind: hold
          title: Hug
          hold: 20s
          sides: alternat
        - kind: therapy
          title: Ice
          modality: cold
          duration: 30m
        """,
        "colour: blue\n",
    )
    found = problems_of(text)
    assert [p.split(": ")[1] for p in found] == ["colour", "steps[0].duration", "steps[1].sides", "steps[2].duration"]
    lines = [int(p.split(":")[1]) for p in found]
    assert lines == sorted(lines)


def test_lines_accept_a_block_of_text() -> None:
    routine = parse_routine(routine_text(TIMER, "cautions: |\n  First line.\n  Second line.\n"), "demo.yaml", "demo")
    assert routine.cautions == ("First line.", "Second line.")


def test_defaults() -> None:
    routine = parse_routine(
        routine_text("- kind: hold\n  title: Hug\n  hold: 20s\n  reps: 3\n  sides: both\n"), "demo.yaml", "demo"
    )
    hug = routine.steps[0]
    assert hug.rest_between_reps == 5 and hug.switch_time == 5 and hug.sides is Sides.BOTH
    assert hug.advance is Advance.AUTO


def test_repeats_nest_at_most_three_deep() -> None:
    inner = "- kind: timer\n  title: t\n  duration: 1s\n"
    for _ in range(4):
        inner = "- kind: repeat\n  times: 2\n  steps:\n" + textwrap.indent(inner, "    ")
    assert any("repeats nest at most 3 deep" in p for p in problems_of(routine_text(inner)))


def test_unparseable_yaml_is_one_located_problem() -> None:
    assert only_problem(HEADER + "steps: [\n").startswith("demo.yaml:6:1: not valid YAML")
