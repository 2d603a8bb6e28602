"""The JSON Schema (`coach schema`) and the validator agree on valid / invalid:
over every built-in routine, and over a set of broken files.

Some rules cannot be written in JSON Schema and are left to the validator:
the stated ``length`` must equal the steps' total, the ``id`` must equal the
file name, cold or heat lasts at most 20 minutes (durations are text in
several forms, which a schema cannot compare), a figure names a pose that
exists (built-in or the file's own), an own pose does not reuse a built-in
name, and a prop's box fits in the frame. ``VALIDATOR_ONLY`` pins exactly
those; every other broken file must be refused by both.
"""

from __future__ import annotations

from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from coach.routines import RoutineError, parse_routine
from coach.schema import routine_schema
from coach.yamlsafe import load_yaml

SCHEMA = Draft202012Validator(routine_schema())

BASE = """\
format: 1
id: physio-plan
title: Physio plan
summary: Three exercises from my physiotherapist.
category: stretch
tags: [lower-back]
cautions: [Move gently.]
steps:
  - kind: info
    title: Get ready
    instructions: [Lie on your back.]
  - kind: hold
    title: Knee to chest
    figure: [lie-knees-bent, my-knee-hug]
    sides: both
    reps: 3
    hold: 20s
  - kind: exercise
    title: Pelvic tilt
    reps: 10
    sets: 2
    rest_between_sets: 30s
  - kind: timer
    title: Rest
    duration: 1m
  - kind: therapy
    title: Ice pack
    modality: cold
    duration: 10m
poses:
  my-knee-hug:
    description: Both knees hugged to your chest.
    joints:
      head: [6, 3.5]
      neck: [10, 2.5]
      hip: [23, 2.5]
      left_elbow: [15, 7]
      left_hand: [19, 12]
      right_elbow: [15, 7]
      right_hand: [19, 12]
      left_knee: [19, 12.5]
      left_foot: [28, 10]
      right_knee: [19, 12.5]
      right_foot: [28, 10]
      spine: [16, 3]
    props:
      - floor
      - {prop: chair, at: [40, 0], size: [12, 12], back: right}
"""

BROKEN = {
    "unknown top-level key": BASE.replace("category: stretch", "category: stretch\ncolour: blue"),
    "title missing": BASE.replace("title: Physio plan\n", ""),
    "steps missing": BASE.split("steps:")[0],
    "no steps": BASE.split("steps:")[0] + "steps: []\n",
    "category not known": BASE.replace("category: stretch", "category: yoga"),
    "id not a slug": BASE.replace("id: physio-plan", "id: Physio Plan"),
    "format 2": BASE.replace("format: 1", "format: 2"),
    "title too long": BASE.replace("title: Physio plan", "title: " + "x" * 81),
    "title not text": BASE.replace("title: Physio plan", "title: [a, b]"),
    "tag with capitals": BASE.replace("tags: [lower-back]", "tags: [Lower-Back]"),
    "step kind not known": BASE.replace("kind: timer", "kind: stopwatch"),
    "timer without duration": BASE.replace("    duration: 1m\n", ""),
    "hold without hold": BASE.replace("    hold: 20s\n", ""),
    "duration in words": BASE.replace("hold: 20s", "hold: 20 seconds"),
    "reps zero": BASE.replace("reps: 10", "reps: 0"),
    "sides not known": BASE.replace("sides: both", "sides: three"),
    "unknown step key": BASE.replace("    reps: 10\n", "    reps: 10\n    weight: 5kg\n"),
    "key of another kind": BASE.replace("    duration: 1m\n", "    duration: 1m\n    reps: 3\n"),
    "modality on a timer": BASE.replace("    duration: 1m\n", "    duration: 1m\n    modality: heat\n"),
    "therapy without modality": BASE.replace("    modality: cold\n", ""),
    "modality not known": BASE.replace("modality: cold", "modality: lava"),
    "a number for text": BASE.replace("summary: Three exercises from my physiotherapist.", "summary: 42"),
    "boolean-looking advance": BASE.replace("    reps: 10\n", "    reps: 10\n    advance: yes\n"),
    "three poses in a figure, on a hold step": BASE.replace("figure: [lie-knees-bent, my-knee-hug]",
                                                             "figure: [lie-knees-bent, my-knee-hug, lie-knees-bent]"),
    "five poses in a figure": BASE.replace("figure: [lie-knees-bent, my-knee-hug]", "figure: [a, b, c, d, e]"),
    "a figure that is a number": BASE.replace("figure: [lie-knees-bent, my-knee-hug]", "figure: 3"),
    "a figure name with capitals": BASE.replace("figure: [lie-knees-bent, my-knee-hug]", "figure: Bridge"),
    "a pose without a joint": BASE.replace("      right_foot: [28, 10]\n", ""),
    "a joint outside the frame": BASE.replace("left_knee: [19, 12.5]", "left_knee: [19, 52.5]"),
    "a joint with one number": BASE.replace("left_knee: [19, 12.5]", "left_knee: [19]"),
    "a joint not known": BASE.replace("      spine: [16, 3]\n", "      tail: [16, 3]\n"),
    "a pose without a description": BASE.replace("    description: Both knees hugged to your chest.\n", ""),
    "a pose with an unknown field": BASE.replace("    description: Both knees hugged to your chest.\n",
                                                 "    description: Both knees hugged to your chest.\n    colour: red\n"),
    "a prop not known": BASE.replace("{prop: chair,", "{prop: sofa,"),
    "a prop without a size": BASE.replace(", size: [12, 12], back: right}", ", back: right}"),
    "a back on a pillow": BASE.replace("{prop: chair,", "{prop: pillow,"),
    "a bare prop other than floor": BASE.replace("      - floor\n", "      - wall\n"),
    "a pose name with capitals": BASE.replace("  my-knee-hug:", "  My-Knee-Hug:").replace("my-knee-hug]", "My-Knee-Hug]"),
}


VALIDATOR_ONLY = {
    "stated length differs": BASE.replace("category: stretch", "category: stretch\nlength: 3m"),
    "cold over 20 minutes": BASE.replace("duration: 10m", "duration: 25m"),
    # Which poses exist depends on the library and on the file's own poses.
    "a figure that names no pose": BASE.replace("figure: [lie-knees-bent, my-knee-hug]", "figure: lie-knees-bnet"),
    "an own pose reusing a built-in name": BASE.replace("  my-knee-hug:", "  bridge-up:").replace("my-knee-hug]", "bridge-up]"),
    # A prop's box: at + size, a sum a schema cannot take.
    "a prop reaching outside the frame": BASE.replace("at: [40, 0], size: [12, 12]", "at: [50, 0], size: [12, 12]"),
}


def validator_accepts(text: str, expect_id: str | None = None) -> bool:
    try:
        parse_routine(text, "routine.yaml", expect_id=expect_id)
    except RoutineError:
        return False
    return True


def schema_accepts(text: str) -> bool:
    return SCHEMA.is_valid(load_yaml(text).plain())


def test_the_base_routine_is_valid_for_both() -> None:
    assert validator_accepts(BASE) and schema_accepts(BASE)


@pytest.mark.parametrize("name", sorted(p.name for p in resources.files("routines").iterdir()
                                          if p.name.endswith(".yaml")))
def test_every_builtin_is_valid_for_both(name: str) -> None:
    text = resources.files("routines").joinpath(name).read_text(encoding="utf-8")
    assert validator_accepts(text)
    assert schema_accepts(text), list(SCHEMA.iter_errors(load_yaml(text).plain()))[:1]


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_are_refused_by_both(name: str) -> None:
    text = BROKEN[name]
    assert not validator_accepts(text), "the validator accepted it"
    assert not schema_accepts(text), "the schema accepted it"


@pytest.mark.parametrize("name", sorted(VALIDATOR_ONLY))
def test_rules_beyond_a_schema_are_the_validators(name: str) -> None:
    text = VALIDATOR_ONLY[name]
    assert schema_accepts(text) and not validator_accepts(text)


def test_the_id_must_match_the_file_name_validator_only() -> None:
    assert schema_accepts(BASE) and not validator_accepts(BASE, expect_id="another-name")
