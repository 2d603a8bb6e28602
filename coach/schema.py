"""The JSON Schema of the routine format, for editors' completion and checks.

Built from the same field tables as the validator (``coach.routines``), so
the two agree on which keys exist, which are required and which values are
allowed. The validator stays the authority on the finer rules (therapy caps,
the stated length, side switches) that JSON Schema cannot express well.
"""

from __future__ import annotations

from typing import Any

from coach import routine_format as R
from coach.model import FORMAT_VERSION, Advance, Category, Modality, Phase, Sides, StepKind
from coach.pose_schema import figure_schema, poses_schema
from coach.poses import MAX_MOVEMENT

SCHEMA_ID = "https://coach.invalid/schema/routine-v1.json"
DURATION_PATTERN = r"^\s*(?:\d{1,6}|(?=\d)(?:\d{1,3}h)?(?:\d{1,4}m)?(?:\d{1,5}s)?)\s*$"


def _duration(description: str) -> dict[str, Any]:
    return {
        "description": description + " Whole seconds (90) or units: 45s, 2m, 1m30s, 1h.",
        "anyOf": [
            {"type": "integer", "minimum": 0},
            {"type": "string", "pattern": DURATION_PATTERN},
        ],
    }


def _duration_range(description: str) -> dict[str, Any]:
    one = _duration("")
    del one["description"]
    return {
        "description": description + " Whole seconds (90) or units: 45s, 2m, 1m30s, 1h.",
        "anyOf": [
            *one["anyOf"],
            {
                "type": "object",
                "properties": {"min": one, "max": one},
                "required": ["min", "max"],
                "additionalProperties": False,
            },
        ],
    }


def _enum(values: type, description: str) -> dict[str, Any]:
    return {"description": description, "enum": [v.value for v in values]}  # type: ignore[attr-defined]


def _text(description: str, max_length: int = R.MAX_LINE) -> dict[str, Any]:
    return {"description": description, "type": "string", "minLength": 1, "maxLength": max_length}


def _lines(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [
            {"type": "string", "minLength": 1},
            {"type": "array", "maxItems": R.MAX_LIST, "items": {"type": "string", "minLength": 1}},
        ],
    }


def _count(description: str, low: int, high: int) -> dict[str, Any]:
    number = {"type": "integer", "minimum": low, "maximum": high}
    return {
        "description": description,
        "anyOf": [
            number,
            {
                "type": "object",
                "properties": {"min": number, "max": number},
                "required": ["min", "max"],
                "additionalProperties": False,
            },
        ],
    }


STEP_PROPERTIES: dict[str, dict[str, Any]] = {
    "kind": _enum(StepKind, "How the step is played."),
    "title": _text("One line naming the step.", R.MAX_TITLE),
    "instructions": _lines("Lines shown during the step."),
    "cues": _lines("Short lines shown in turn during the step."),
    "cautions": _lines("Lines of caution shown with the step."),
    "sides": _enum(Sides, "none, both (one side, a switch, the other), alternate (every rep), left, right."),
    "switch_time": _duration("The pause to change sides (default 5s)."),
    "advance": _enum(Advance, "auto: move on when the time is up; manual: wait for next."),
    "remind": {
        "description": "A nudge repeated during a long step.",
        "type": "object",
        "properties": {"every": _duration("How often."), "text": _text("What to say.")},
        "required": ["every", "text"],
        "additionalProperties": False,
    },
    "duration": _duration("How long the step lasts."),
    "hold": _duration_range("How long each rep is held; {min, max} to work up (Coach starts at min)."),
    "reps": _count("Repetitions (per side when alternating); {min, max} to work up.", 1, R.MAX_REPS),
    "sets": {"description": "Sets of reps (default 1).", "type": "integer", "minimum": 1, "maximum": R.MAX_SETS},
    "pace": _duration("Seconds to do one rep, besides any hold (default 3s)."),
    "rest_between_reps": _duration("Pause between reps."),
    "rest_between_sets": _duration("Pause between sets (default 30s when sets > 1)."),
    "modality": _enum(Modality, "What the therapy applies."),
    "max_duration": _duration("The most the step may be extended to."),
    "times": {"description": "How many rounds.", "type": "integer", "minimum": R.REPEAT_TIMES[0], "maximum": R.REPEAT_TIMES[1]},
    "steps": {"type": "array", "minItems": 1, "maxItems": R.MAX_STEPS, "items": {"$ref": "#/$defs/step"}},
    "figure": figure_schema(),
}


def _step_schema() -> dict[str, Any]:
    branches = []
    for kind in StepKind:
        keys = R.step_keys(kind)
        properties = {key: STEP_PROPERTIES[key] for key in keys}
        properties["kind"] = {"const": kind.value}
        if kind in R.SIDES_BY_KIND:
            properties["sides"] = _enum(Sides, STEP_PROPERTIES["sides"]["description"])
            properties["sides"]["enum"] = [s.value for s in R.SIDES_BY_KIND[kind]]
        if "figure" in properties and kind is not StepKind.INFO:
            properties["figure"] = figure_schema(MAX_MOVEMENT)  # a sequence is for a step to read
        branches.append(
            {
                "if": {"properties": {"kind": {"const": kind.value}}, "required": ["kind"]},
                "then": {
                    "properties": properties,
                    "required": ["kind", *R.STEP_KIND_REQUIRED[kind]],
                    "additionalProperties": False,
                },
            }
        )
    return {
        "type": "object",
        "description": "One step of a routine.",
        "properties": {key: STEP_PROPERTIES[key] for key in R.ALL_STEP_KEYS},
        "required": ["kind"],
        "additionalProperties": False,
        "allOf": branches,
    }


def routine_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of routine format version 1."""
    onset = {
        "type": "object",
        "properties": {"min": _duration("At least this long since onset."), "max": _duration("At most this long since onset.")},
        "additionalProperties": False,
        "minProperties": 1,
    }
    properties: dict[str, Any] = {
        "format": {"description": "Routine format version.", "const": FORMAT_VERSION},
        "id": {"description": "Lowercase slug; equals the file name.", "type": "string", "pattern": R.ID_PATTERN, "maxLength": R.MAX_ID},
        "title": _text("One line, at most 80 characters.", R.MAX_TITLE),
        "summary": _text("What the routine does and when it helps.", R.MAX_SUMMARY),
        "category": _enum(Category, "Groups the routine on the home screen."),
        "length": _duration("The stated length of the timed part; must equal the steps' total."),
        "tags": {"type": "array", "maxItems": R.MAX_LIST, "items": {"type": "string", "pattern": R.TAG_PATTERN, "maxLength": 32}},
        "equipment": {"type": "array", "maxItems": R.MAX_LIST, "items": _text("A thing needed.", R.MAX_TITLE)},
        "use_when": {
            "type": "object",
            "properties": {
                "phases": {"type": "array", "uniqueItems": True, "items": _enum(Phase, "A flare-up phase.")},
                "since_onset": onset,
            },
            "additionalProperties": False,
        },
        "frequency": {
            "type": "object",
            "properties": {
                "times_per_day": _count("Times per day.", 1, R.MAX_TIMES_PER_DAY),
                "min_gap": _duration("Shortest time from the start of one session to the start of the next."),
                "off_time": _duration(
                    "Cold or heat routines only: how long the skin rests after this routine ends before the "
                    "next cold or heat from any routine (end to start; at least 20m)."),
            },
            "additionalProperties": False,
        },
        "cautions": _lines("Shown before the routine starts."),
        "do_not_use_if": _lines("Conditions the user confirms do not apply."),
        "stop_if": _lines("When to stop; shown again on a stop for pain."),
        "pain_check": {
            "type": "object",
            "properties": {"before": {"type": "boolean"}, "after": {"type": "boolean"}},
            "additionalProperties": False,
        },
        "sources": _lines("Where the routine comes from."),
        "steps": {"type": "array", "minItems": 1, "maxItems": R.MAX_STEPS, "items": {"$ref": "#/$defs/step"}},
        "poses": poses_schema(),
    }
    assert set(properties) == set(R.ROUTINE_KEYS), "schema and validator disagree on routine keys"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Coach routine, format 1",
        "type": "object",
        "properties": properties,
        "required": list(R.ROUTINE_REQUIRED),
        "additionalProperties": False,
        "$defs": {"step": _step_schema()},
    }
