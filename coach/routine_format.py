"""The routine format's vocabulary: the fields, their limits and the caps.

One set of tables read by the checker (:mod:`coach.routine_checker`), the
JSON Schema (:mod:`coach.schema`) and the settings (the id pattern, the
"did you mean"), so they agree on which keys exist and what they take.
"""

from __future__ import annotations

import difflib

from coach.model import Modality, Sides, StepKind

# --- the format's vocabulary (shared with coach.schema) ----------------------

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TAG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_ID = 64
MAX_TITLE = 80
MAX_LINE = 400
MAX_SUMMARY = 1000
MAX_LIST = 40
MAX_STEPS = 100
MAX_REPEAT_DEPTH = 3
MAX_STEP_SECONDS = 2 * 3600
MAX_HOLD = 5 * 60
MAX_REST = 10 * 60
MAX_SWITCH = 60
MAX_PACE = 60
MAX_REPS = 100
MAX_SETS = 10
REPEAT_TIMES = (2, 20)
# A routine's whole plan, counted from the tree before anything is expanded
# (repeats, sets, reps, sides and the pauses between them): a hostile file of
# nested repeats must be refused, not built into millions of phases.
MAX_PLAN_PHASES = 5000
MAX_PLAN_SECONDS = 4 * 3600
MAX_TIMES_PER_DAY = 24

# Public guidance: cold or heat at most about 20 minutes per application.
THERAPY_CAPS = {
    Modality.COLD: 20 * 60,
    Modality.HEAT: 20 * 60,
    Modality.WARM_WATER: 10 * 60,
    Modality.COOL_WATER: 10 * 60,
    Modality.PRESSURE: 10 * 60,
}

ROUTINE_KEYS = (
    "format", "id", "title", "summary", "category", "length", "tags", "equipment",
    "use_when", "frequency", "cautions", "do_not_use_if", "stop_if", "pain_check",
    "sources", "steps", "poses",
)
ROUTINE_REQUIRED = ("id", "title", "summary", "category", "steps")
USE_WHEN_KEYS = ("phases", "since_onset")
RANGE_KEYS = ("min", "max")
FREQUENCY_KEYS = ("times_per_day", "min_gap", "off_time")
PAIN_CHECK_KEYS = ("before", "after")
REMIND_KEYS = ("every", "text")

STEP_COMMON_KEYS = (
    "kind", "title", "instructions", "cues", "cautions", "sides", "switch_time", "advance", "remind", "figure",
)
STEP_KIND_KEYS: dict[StepKind, tuple[str, ...]] = {
    StepKind.INFO: (),
    StepKind.POSITION: ("duration",),
    StepKind.TIMER: ("duration",),
    StepKind.REST: ("duration",),
    StepKind.HOLD: ("hold", "reps", "rest_between_reps"),
    StepKind.EXERCISE: ("reps", "sets", "hold", "pace", "rest_between_reps", "rest_between_sets"),
    StepKind.THERAPY: ("modality", "duration", "max_duration"),
    StepKind.REPEAT: ("times", "steps"),
}
STEP_KIND_REQUIRED: dict[StepKind, tuple[str, ...]] = {
    StepKind.INFO: ("title",),
    StepKind.POSITION: ("title", "duration"),
    StepKind.TIMER: ("title", "duration"),
    StepKind.REST: ("title", "duration"),
    StepKind.HOLD: ("title", "hold"),
    StepKind.EXERCISE: ("title", "reps"),
    StepKind.THERAPY: ("title", "modality", "duration"),
    StepKind.REPEAT: ("times", "steps"),
}
# Common keys a kind does not take (they would silently do nothing).
STEP_KIND_EXCLUDED: dict[StepKind, tuple[str, ...]] = {
    StepKind.INFO: ("sides", "switch_time", "advance", "remind"),
    StepKind.REST: ("sides", "switch_time"),
    StepKind.REPEAT: ("cues", "sides", "switch_time", "advance", "remind", "figure"),
}
SIDES_BY_KIND: dict[StepKind, tuple[Sides, ...]] = {
    StepKind.POSITION: (Sides.NONE, Sides.BOTH, Sides.LEFT, Sides.RIGHT),
    StepKind.TIMER: (Sides.NONE, Sides.BOTH, Sides.LEFT, Sides.RIGHT),
    StepKind.THERAPY: (Sides.NONE, Sides.BOTH, Sides.LEFT, Sides.RIGHT),
    StepKind.HOLD: tuple(Sides),
    StepKind.EXERCISE: tuple(Sides),
}


def step_keys(kind: StepKind) -> tuple[str, ...]:
    """Every key a step of this kind may have."""
    excluded = STEP_KIND_EXCLUDED.get(kind, ())
    return tuple(k for k in STEP_COMMON_KEYS if k not in excluded) + STEP_KIND_KEYS[kind]


ALL_STEP_KEYS = tuple(dict.fromkeys(STEP_COMMON_KEYS + sum(STEP_KIND_KEYS.values(), ())))



def unknown_key_message(key: str, allowed: tuple[str, ...]) -> str:
    """"unknown field 'x'; did you mean 'y'?" (shared with coach.config)."""
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown field '{key}'; did you mean '{close[0]}'?"
    return f"unknown field '{key}'; expected one of: {', '.join(allowed)}"
