"""Reading and checking routine files (format version 1).

:func:`parse_routine` turns the bytes of one file into a :class:`Routine` or
raises :class:`RoutineError` carrying *every* problem found, each with its
line and column. The field tables at the top are shared with
:mod:`coach.schema`, so the JSON Schema and the validator agree on which keys
exist.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

from coach.durations import ACCEPTED_FORMS, DurationError, format_duration, parse_duration
from coach.model import (
    FORMAT_VERSION,
    Advance,
    Category,
    Frequency,
    Modality,
    PainCheck,
    Phase,
    Range,
    Reminder,
    Routine,
    Sides,
    Step,
    StepKind,
    UseWhen,
)
from coach.saferead import read_bounded
from coach.progression import at_top
from coach.timeline import pass_size
from coach.poses import Pose, PoseChecker, builtin_pose_names, check_figure_names
from coach.skin import MIN_OFF_TIME, NAMES as SKIN_NAMES, SESSION_CAP, SKIN_MODALITIES
from coach.yamlsafe import MAX_BYTES, Mark, Node, YamlProblem, load_yaml

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


# --- problems -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a routine file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class RoutineError(Exception):
    """A routine file has problems; ``problems`` lists them all, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(sorted(problems, key=lambda p: (p.line, p.column)))


class _Invalid(Exception):
    """Internal: this value was reported; the caller skips it."""


T = TypeVar("T")

# --- the checker --------------------------------------------------------------


class _Checker:
    """Walks a :class:`Node` tree, collecting problems and building the model."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.poses: tuple[Pose, ...] = ()  # the routine's own, for its steps' figures
        self.declared_poses: tuple[str, ...] = ()  # their names, broken ones too
        # Cold and heat add up across the whole expanded plan (coach.skin).
        self._repeat_factor = 1
        self._skin_total: dict[Modality, int] = {}
        self._plan_phases = 0
        self._plan_seconds = 0

    # reporting

    def report(self, mark: Mark, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, mark.line, mark.column, field, message))

    def fail(self, node: Node, field: str, message: str) -> _Invalid:
        self.report(node.mark, field, message)
        return _Invalid()

    def guarded(self, func: Callable[[], T], default: T) -> T:
        try:
            return func()
        except _Invalid:
            return default

    # structure

    def mapping(
        self, node: Node, field: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Node]:
        if not isinstance(node.value, dict):
            raise self.fail(node, field, f"expected a mapping of keys ({', '.join(allowed)}), not {_describe(node)}")
        for key, mark in node.key_marks.items():
            if key not in allowed:
                self.report(mark, _join(field, key), unknown_key_message(key, allowed))
        for key in required:
            if key not in node.value:
                self.report(node.mark, field or "routine", f"missing required field '{key}'")
        return node.value

    def sequence(self, node: Node, field: str, *, max_items: int = MAX_LIST, allow_empty: bool = True) -> list[Node]:
        if not isinstance(node.value, list):
            raise self.fail(node, field, f"expected a list (lines starting with '- '), not {_describe(node)}")
        if not node.value and not allow_empty:
            raise self.fail(node, field, "the list is empty")
        if len(node.value) > max_items:
            raise self.fail(node, field, f"too many items ({len(node.value)}); at most {max_items}")
        return node.value

    # scalars

    def text(self, node: Node, field: str, *, max_len: int = MAX_LINE, one_line: bool = True) -> str:
        value = node.value
        if not isinstance(value, str):
            hint = "; put it in quotes" if isinstance(value, (int, float, bool)) else ""
            if isinstance(value, dict) and len(value) == 1:
                hint = "; a line with ': ' in it reads as a key and value, so put the whole line in quotes"
            raise self.fail(node, field, f"expected text, not {_describe(node)}{hint}")
        value = value.strip()
        if not value:
            raise self.fail(node, field, "the text is empty")
        if one_line and "\n" in value:
            raise self.fail(node, field, "must be a single line")
        if len(value) > max_len:
            raise self.fail(node, field, f"too long ({len(value)} characters); at most {max_len}")
        return value

    def lines(self, node: Node, field: str) -> tuple[str, ...]:
        """A list of lines, or one string (a block scalar is split into lines)."""
        if isinstance(node.value, str):
            return tuple(line.strip() for line in self.text(node, field, max_len=MAX_LINE * 10, one_line=False).splitlines() if line.strip())
        items = self.sequence(node, field)
        result = []
        for i, item in enumerate(items):
            result.append(self.guarded(lambda: self.text(item, f"{field}[{i}]", one_line=False), ""))
        return tuple(r for r in result if r)

    def slug(self, node: Node, field: str, pattern: str, max_len: int) -> str:
        value = self.text(node, field, max_len=max_len)
        if not re.match(pattern, value):
            raise self.fail(node, field, f"{value!r} must be lowercase letters, digits and single dashes (like 'hip-stretch')")
        return value

    def integer(self, node: Node, field: str, low: int, high: int) -> int:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(node, field, f"expected a whole number from {low} to {high}, not {_describe(node)}")
        if not low <= value <= high:
            raise self.fail(node, field, f"{value} is out of range; expected {low} to {high}")
        return value

    def boolean(self, node: Node, field: str) -> bool:
        if not isinstance(node.value, bool):
            raise self.fail(node, field, f"expected true or false, not {_describe(node)}")
        return node.value

    def duration(self, node: Node, field: str, low: int, high: int) -> int:
        try:
            seconds = parse_duration(node.value)
        except DurationError as err:
            raise self.fail(node, field, str(err)) from None
        if seconds < low:
            raise self.fail(node, field, f"{format_duration(seconds)} is too short; at least {format_duration(low)}")
        if seconds > high:
            raise self.fail(node, field, f"{format_duration(seconds)} is too long; at most {format_duration(high)}")
        return seconds

    def choice(self, node: Node, field: str, enum: type[T], allowed: tuple[Any, ...] | None = None) -> T:
        options = allowed if allowed is not None else tuple(enum)  # type: ignore[arg-type]
        names = [o.value for o in options]
        if isinstance(node.value, str) and node.value in names:
            return enum(node.value)  # type: ignore[call-arg]
        if isinstance(node.value, str):
            close = difflib.get_close_matches(node.value, names, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise self.fail(node, field, f"{node.value!r} is not one of: {', '.join(names)}{hint}")
        raise self.fail(node, field, f"expected one of: {', '.join(names)}; not {_describe(node)}")

    def count_range(self, node: Node, field: str, low: int, high: int) -> Range:
        """A number, or ``{min, max}``."""
        if isinstance(node.value, dict):
            keys = self.mapping(node, field, RANGE_KEYS, RANGE_KEYS)
            if "min" not in keys or "max" not in keys:
                raise _Invalid()
            first = self.integer(keys["min"], _join(field, "min"), low, high)
            last = self.integer(keys["max"], _join(field, "max"), low, high)
            if first > last:
                raise self.fail(node, field, f"min ({first}) is more than max ({last})")
            return Range(first, last)
        value = self.integer(node, field, low, high)
        return Range(value, value)

    def duration_range(self, node: Node, field: str, low: int, high: int) -> tuple[int, int | None]:
        """A duration, or ``{min, max}`` of durations (a range to work up):
        (low end, top or None)."""
        if isinstance(node.value, dict):
            keys = self.mapping(node, field, RANGE_KEYS, RANGE_KEYS)
            if "min" not in keys or "max" not in keys:
                raise _Invalid()
            first = self.duration(keys["min"], _join(field, "min"), low, high)
            last = self.duration(keys["max"], _join(field, "max"), low, high)
            if first > last:
                raise self.fail(node, field, f"min ({format_duration(first)}) is more than max ({format_duration(last)})")
            return first, (last if last > first else None)
        return self.duration(node, field, low, high), None

    # the routine

    def routine(self, root: Node, expect_id: str | None) -> Routine | None:
        try:
            keys = self.mapping(root, "", ROUTINE_KEYS, ROUTINE_REQUIRED)
        except _Invalid:
            return None

        def field(name: str, parse: Callable[[Node, str], T], default: T) -> T:
            if name not in keys:
                return default
            return self.guarded(lambda: parse(keys[name], name), default)

        version = field("format", lambda n, f: self.integer(n, f, FORMAT_VERSION, FORMAT_VERSION), FORMAT_VERSION)
        del version
        routine_id = field("id", lambda n, f: self.slug(n, f, ID_PATTERN, MAX_ID), "")
        if routine_id and expect_id and routine_id != expect_id:
            self.report(keys["id"].mark, "id", f"'{routine_id}' does not match the file name '{expect_id}.yaml'; rename one of them")
        title = field("title", lambda n, f: self.text(n, f, max_len=MAX_TITLE), "")
        summary = field("summary", lambda n, f: self.text(n, f, max_len=MAX_SUMMARY, one_line=False), "")
        category = field("category", lambda n, f: self.choice(n, f, Category), Category.REST)
        length = field("length", lambda n, f: self.duration(n, f, 1, 24 * 3600), None)
        tags = field("tags", lambda n, f: self.slug_list(n, f), ())
        equipment = field("equipment", lambda n, f: self.text_list(n, f), ())
        use_when = field("use_when", self.use_when, UseWhen())
        frequency = field("frequency", self.frequency, Frequency())
        cautions = field("cautions", self.lines, ())
        do_not_use_if = field("do_not_use_if", self.lines, ())
        stop_if = field("stop_if", self.lines, ())
        pain_check = field("pain_check", self.pain_check, PainCheck())
        sources = field("sources", self.lines, ())
        self.poses = field("poses", self.own_poses, ())  # before the steps, which name them
        steps = field("steps", lambda n, f: self.steps(n, f, depth=0), ())
        if frequency.off_time is not None and not self._skin_total and not self.problems:
            self.report(keys["frequency"].value["off_time"].mark, "frequency.off_time",
                        "only applies to a routine with cold or heat steps (the skin's rest between them)")
        if self.problems:
            return None
        routine = Routine(
            id=routine_id, title=title, summary=summary, category=category, steps=steps,
            tags=tags, equipment=equipment, use_when=use_when, frequency=frequency,
            cautions=cautions, do_not_use_if=do_not_use_if, stop_if=stop_if,
            pain_check=pain_check, sources=sources, length=length, poses=self.poses,
        )
        if length is not None:
            from coach.timeline import build_timeline

            total = build_timeline(routine).total
            if total != length:
                self.report(keys["length"].mark, "length", f"says {format_duration(length)} but the steps add up to {format_duration(total)}")
                return None
        return routine

    def slug_list(self, node: Node, field: str) -> tuple[str, ...]:
        items = self.sequence(node, field)
        return tuple(
            self.guarded(lambda: self.slug(item, f"{field}[{i}]", TAG_PATTERN, 32), "") for i, item in enumerate(items)
        )

    def text_list(self, node: Node, field: str) -> tuple[str, ...]:
        items = self.sequence(node, field)
        return tuple(self.guarded(lambda: self.text(item, f"{field}[{i}]", max_len=MAX_TITLE), "") for i, item in enumerate(items))

    def use_when(self, node: Node, field: str) -> UseWhen:
        keys = self.mapping(node, field, USE_WHEN_KEYS)
        phases: tuple[Phase, ...] = ()
        low = high = None
        if "phases" in keys:
            items = self.guarded(lambda: self.sequence(keys["phases"], _join(field, "phases")), [])
            found = []
            for i, item in enumerate(items):
                phase = self.guarded(lambda: self.choice(item, f"{field}.phases[{i}]", Phase), None)
                if phase in found:
                    self.report(item.mark, f"{field}.phases[{i}]", f"'{phase.value}' is listed twice")
                elif phase is not None:
                    found.append(phase)
            phases = tuple(found)
        if "since_onset" in keys:
            onset = keys["since_onset"]
            onset_field = _join(field, "since_onset")
            onset_keys = self.guarded(lambda: self.mapping(onset, onset_field, RANGE_KEYS), {})
            if "min" in onset_keys:
                low = self.guarded(lambda: self.duration(onset_keys["min"], f"{onset_field}.min", 0, 365 * 86400), None)
            if "max" in onset_keys:
                high = self.guarded(lambda: self.duration(onset_keys["max"], f"{onset_field}.max", 1, 365 * 86400), None)
            if isinstance(onset.value, dict) and not onset_keys:
                self.report(onset.mark, onset_field, "give min, max or both")
            if low is not None and high is not None and low >= high:
                self.report(onset.mark, onset_field, f"min ({format_duration(low)}) must be less than max ({format_duration(high)})")
        return UseWhen(phases, low, high)

    def frequency(self, node: Node, field: str) -> Frequency:
        keys = self.mapping(node, field, FREQUENCY_KEYS)
        per_day = None
        gap = None
        if "times_per_day" in keys:
            per_day = self.guarded(lambda: self.count_range(keys["times_per_day"], _join(field, "times_per_day"), 1, MAX_TIMES_PER_DAY), None)
        if "min_gap" in keys:
            gap = self.guarded(lambda: self.duration(keys["min_gap"], _join(field, "min_gap"), 1, 7 * 86400), None)
        off = None
        if "off_time" in keys:
            off = self.guarded(lambda: self.duration(keys["off_time"], _join(field, "off_time"), MIN_OFF_TIME, 7 * 86400), None)
        return Frequency(per_day, gap, off)

    def pain_check(self, node: Node, field: str) -> PainCheck:
        keys = self.mapping(node, field, PAIN_CHECK_KEYS)
        before = self.guarded(lambda: self.boolean(keys["before"], _join(field, "before")), False) if "before" in keys else False
        after = self.guarded(lambda: self.boolean(keys["after"], _join(field, "after")), False) if "after" in keys else False
        return PainCheck(before, after)

    # steps

    def steps(self, node: Node, field: str, depth: int) -> tuple[Step, ...]:
        items = self.sequence(node, field, max_items=MAX_STEPS, allow_empty=False)
        result = []
        for i, item in enumerate(items):
            step = self.guarded(lambda: self.step(item, f"{field}[{i}]", depth), None)
            if step is not None:
                result.append(step)
        return tuple(result)

    def step(self, node: Node, field: str, depth: int) -> Step:
        if not isinstance(node.value, dict):
            raise self.fail(node, field, f"expected a step (a mapping with 'kind' and 'title'), not {_describe(node)}")
        raw = node.value
        if "kind" not in raw:
            self.mapping(node, field, ALL_STEP_KEYS)
            raise self.fail(node, field, f"missing required field 'kind' (one of: {', '.join(k.value for k in StepKind)})")
        kind = self.choice(raw["kind"], _join(field, "kind"), StepKind)
        allowed = step_keys(kind)
        for key, mark in node.key_marks.items():
            if key not in allowed:
                if key in ALL_STEP_KEYS:
                    self.report(mark, _join(field, key), f"'{key}' does not apply to a {kind.value} step")
                else:
                    self.report(mark, _join(field, key), unknown_key_message(key, allowed))
        for key in STEP_KIND_REQUIRED[kind]:
            if key not in raw:
                self.report(node.mark, field, f"a {kind.value} step needs '{key}'")

        before = len(self.problems)

        def opt(name: str, parse: Callable[[Node, str], T], default: T) -> T:
            if name not in raw or name not in allowed:
                return default
            return self.guarded(lambda: parse(raw[name], _join(field, name)), default)

        def seconds(low: int, high: int) -> Callable[[Node, str], int]:
            return lambda n, f: self.duration(n, f, low, high)

        title = opt("title", lambda n, f: self.text(n, f, max_len=MAX_TITLE), "")
        instructions = opt("instructions", self.lines, ())
        cues = opt("cues", self.lines, ())
        cautions = opt("cautions", self.lines, ())
        sides = opt("sides", lambda n, f: self.choice(n, f, Sides, SIDES_BY_KIND.get(kind, (Sides.NONE,))), Sides.NONE)
        switch_time = opt("switch_time", seconds(0, MAX_SWITCH), 5)
        if "switch_time" in raw and sides not in (Sides.BOTH, Sides.ALTERNATE) and "switch_time" in allowed:
            self.report(raw["switch_time"].mark, _join(field, "switch_time"), "switch_time only applies with sides: both or alternate")
        timed = kind not in (StepKind.INFO, StepKind.REPEAT)
        advance = opt("advance", lambda n, f: self.choice(n, f, Advance), Advance.AUTO if timed else Advance.MANUAL)
        remind = opt("remind", self.reminder, None)
        duration = opt("duration", seconds(1, MAX_STEP_SECONDS), None)
        hold_range = opt("hold", lambda n, f: self.duration_range(n, f, 1, MAX_HOLD), None)
        hold, hold_max = (None, None) if hold_range is None else hold_range
        reps = opt("reps", lambda n, f: self.count_range(n, f, 1, MAX_REPS), Range(1, 1))
        sets = opt("sets", lambda n, f: self.integer(n, f, 1, MAX_SETS), 1)
        pace = opt("pace", seconds(1, MAX_PACE), 3)
        default_rep_rest = 5 if kind is StepKind.HOLD and reps.low > 1 else 0
        rest_between_reps = opt("rest_between_reps", seconds(0, MAX_REST), default_rep_rest)
        rest_between_sets = opt("rest_between_sets", seconds(0, MAX_REST), 30 if sets > 1 else 0)
        modality = opt("modality", lambda n, f: self.choice(n, f, Modality), None)
        max_duration = opt("max_duration", seconds(1, MAX_STEP_SECONDS), None)
        times = opt("times", lambda n, f: self.integer(n, f, *REPEAT_TIMES), 2)
        figure = opt("figure", self.figure, ())
        steps: tuple[Step, ...] = ()
        if kind is StepKind.REPEAT and "steps" in raw:
            if depth + 1 > MAX_REPEAT_DEPTH:
                self.report(raw["steps"].mark, _join(field, "steps"), f"repeats nest at most {MAX_REPEAT_DEPTH} deep")
            else:
                outer, self._repeat_factor = self._repeat_factor, self._repeat_factor * times
                try:
                    steps = self.guarded(lambda: self.steps(raw["steps"], _join(field, "steps"), depth + 1), ())
                finally:
                    self._repeat_factor = outer

        if kind is StepKind.THERAPY and modality is not None and duration is not None:
            cap = THERAPY_CAPS[modality]
            if duration > cap:
                self.report(raw["duration"].mark, _join(field, "duration"), f"{modality.value} is capped at {format_duration(cap)} per application (public guidance); split it into sessions")
            if max_duration is not None and max_duration < duration:
                self.report(raw["max_duration"].mark, _join(field, "max_duration"), f"is less than duration ({format_duration(duration)})")
            elif max_duration is not None and max_duration > cap:
                self.report(raw["max_duration"].mark, _join(field, "max_duration"), f"{modality.value} is capped at {format_duration(cap)} per application (public guidance)")
            if modality in SKIN_MODALITIES and len(self.problems) == before:
                self.add_skin_time(raw["duration"].mark, _join(field, "duration"), modality,
                                   (max_duration or duration) * (2 if sides is Sides.BOTH else 1))
        if remind is not None and timed and duration is not None and remind.every >= duration:
            self.report(raw["remind"].mark, _join(field, "remind.every"), f"is not shorter than the step ({format_duration(duration)}), so it would never show")

        if len(self.problems) > before:
            raise _Invalid()
        if kind is StepKind.THERAPY and max_duration is None:
            max_duration = duration
        step = Step(
            kind=kind, title=title, instructions=instructions, cues=cues, cautions=cautions,
            sides=sides, switch_time=switch_time, advance=advance, remind=remind,
            duration=duration, hold=hold, hold_max=hold_max, reps=reps, sets=sets, pace=pace,
            rest_between_reps=rest_between_reps, rest_between_sets=rest_between_sets,
            modality=modality, max_duration=max_duration, times=times, steps=steps,
            line=node.mark.line, figure=figure,
        )
        if kind is not StepKind.REPEAT:
            self.add_plan_size(node.mark, field, step)
        return step

    def add_plan_size(self, mark: Mark, field: str, step: Step) -> None:
        """Count one step's phases and time, times its enclosing repeats, into
        the plan's total, and say where the total first goes over a cap."""
        phases, seconds = pass_size(at_top(step))  # the most any level can make of it
        before_phases, before_seconds = self._plan_phases, self._plan_seconds
        self._plan_phases += phases * self._repeat_factor
        self._plan_seconds += seconds * self._repeat_factor
        if self._plan_phases > MAX_PLAN_PHASES >= before_phases:
            self.report(mark, field, (
                f"the plan has {self._plan_phases:,} phases by here (repeats, sets, reps and sides "
                f"multiplied out); a routine may have at most {MAX_PLAN_PHASES:,}, so use fewer rounds or reps"))
        if self._plan_seconds > MAX_PLAN_SECONDS >= before_seconds:
            self.report(mark, field, (
                f"the plan lasts {format_duration(self._plan_seconds)} by here (repeats, sets, reps and "
                f"sides multiplied out); a routine may last at most {format_duration(MAX_PLAN_SECONDS)}"))

    def own_poses(self, node: Node, field: str) -> tuple[Pose, ...]:
        if isinstance(node.value, dict):  # a step naming a broken pose is not told it does not exist
            self.declared_poses = tuple(node.value)
        return PoseChecker(self.report).poses(node, field, reserved=tuple(builtin_pose_names()))

    def figure(self, node: Node, field: str) -> tuple[str, ...]:
        """``figure: name`` or ``figure: [first, second]``, every name a known pose."""
        items = [node] if isinstance(node.value, str) else node.value if isinstance(node.value, list) else None
        if not items or len(items) > 2:
            raise self.fail(node, field, "expected a pose name, or two in brackets for a movement ([bridge-down, bridge-up])")
        names = tuple(self.text(item, field, max_len=MAX_LINE) for item in items)
        problems = check_figure_names(names, self.poses, self.declared_poses)
        for index, message in problems:
            self.report(items[index].mark, field, message)
        if problems:
            raise _Invalid()
        return names

    def add_skin_time(self, mark: Mark, field: str, modality: Modality, seconds: int) -> None:
        """Count one therapy step's cold or heat toward the session's total, and
        say where the total first goes over the cap (once per modality)."""
        before = self._skin_total.get(modality, 0)
        total = self._skin_total[modality] = before + seconds * self._repeat_factor
        if total > SESSION_CAP >= before:
            name = SKIN_NAMES[modality]
            self.report(mark, field, (
                f"{name} adds up to {format_duration(total)} in this routine by here (repeats, both sides "
                f"and each step's max_duration counted); at most {format_duration(SESSION_CAP)} of {name} "
                "per session (public guidance), so take the rest in another session"))

    def reminder(self, node: Node, field: str) -> Reminder:
        keys = self.mapping(node, field, REMIND_KEYS, REMIND_KEYS)
        if "every" not in keys or "text" not in keys:
            raise _Invalid()
        every = self.duration(keys["every"], _join(field, "every"), 30, MAX_STEP_SECONDS)
        text = self.text(keys["text"], _join(field, "text"))
        return Reminder(every, text)


# --- helpers ------------------------------------------------------------------


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def _describe(node: Node) -> str:
    value = node.value
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value!r} (a number)"
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"text {shown!r}"


def unknown_key_message(key: str, allowed: tuple[str, ...]) -> str:
    """"unknown field 'x'; did you mean 'y'?" (shared with coach.config)."""
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown field '{key}'; did you mean '{close[0]}'?"
    return f"unknown field '{key}'; expected one of: {', '.join(allowed)}"


# --- public API ---------------------------------------------------------------


def parse_routine(data: bytes | str, path: str, expect_id: str | None = None) -> Routine:
    """Parse and check one routine file.

    ``path`` is how the file is named in messages; ``expect_id`` is the file
    name's stem, which the routine's ``id`` must equal. Raises
    :class:`RoutineError` with every problem found.
    """
    try:
        root = load_yaml(data)
    except YamlProblem as problem:
        raise RoutineError([Problem(path, problem.mark.line, problem.mark.column, "", problem.message)]) from None
    checker = _Checker(path)
    try:
        routine = checker.routine(root, expect_id)
    except RecursionError:
        checker.report(root.mark, "", "nested too deeply")
        routine = None
    if checker.problems or routine is None:
        if not checker.problems:
            checker.report(root.mark, "", "not a routine")
        raise RoutineError(checker.problems)
    return routine


def read_routine_file(path: Path, shown_as: str | None = None) -> Routine:
    """Read, parse and check a routine file; its stem must equal its ``id``."""
    name = shown_as or str(path)
    try:
        data = read_bounded(path, MAX_BYTES)  # a regular file only, never waited on
    except OSError as err:
        raise RoutineError([Problem(name, 1, 1, "", f"cannot read the file: {err.strerror or err}")]) from None
    return parse_routine(data, name, expect_id=path.stem if path.suffix in (".yaml", ".yml") else None)


__all__ = [
    "ACCEPTED_FORMS",
    "Problem",
    "RoutineError",
    "parse_routine",
    "read_routine_file",
    "step_keys",
]
