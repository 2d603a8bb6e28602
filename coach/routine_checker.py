"""Checking a routine file's tree, every problem with its line and column.

:class:`Checker` walks the located tree the YAML loader built
(:mod:`coach.yamlsafe`), collects a :class:`Problem` for everything wrong and
builds the model (:mod:`coach.model`) from what is right. A step is checked
in two parts: the fields every kind shares, then its kind's own rules
(:data:`KIND_RULES`: the therapy caps, a repeat's nested steps).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from coach.durations import format_duration
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
from coach.poses import MAX_MOVEMENT, MAX_SEQUENCE, Pose, PoseChecker, builtin_pose_names, check_figure_names
from coach.progression import at_top
from coach.routine_format import (
    ALL_STEP_KEYS,
    FREQUENCY_KEYS,
    ID_PATTERN,
    MAX_HOLD,
    MAX_ID,
    MAX_LINE,
    MAX_PACE,
    MAX_PLAN_PHASES,
    MAX_PLAN_SECONDS,
    MAX_REPEAT_DEPTH,
    MAX_REPS,
    MAX_REST,
    MAX_SETS,
    MAX_STEPS,
    MAX_STEP_SECONDS,
    MAX_SUMMARY,
    MAX_SWITCH,
    MAX_TIMES_PER_DAY,
    MAX_TITLE,
    PAIN_CHECK_KEYS,
    RANGE_KEYS,
    REMIND_KEYS,
    REPEAT_TIMES,
    ROUTINE_KEYS,
    ROUTINE_REQUIRED,
    SIDES_BY_KIND,
    STEP_KIND_REQUIRED,
    TAG_PATTERN,
    THERAPY_CAPS,
    USE_WHEN_KEYS,
    step_keys,
    unknown_key_message,
)
from coach.skin import MIN_OFF_TIME, NAMES as SKIN_NAMES, SESSION_CAP, SKIN_MODALITIES
from coach.timeline import pass_size
from coach.node_reader import Invalid, NodeReader, describe, join_field
from coach.yamlsafe import Mark, Node

T = TypeVar("T")


class Checker(NodeReader):
    """Walks a :class:`Node` tree, collecting problems and building the model."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.poses: tuple[Pose, ...] = ()  # the routine's own, for its steps' figures
        self.declared_poses: tuple[str, ...] = ()  # their names, broken ones too
        # Cold and heat add up across the whole expanded plan (coach.skin).
        self._repeat_factor = 1
        self._skin_total: dict[Modality, int] = {}
        self._plan_phases = 0
        self._plan_seconds = 0

    # the routine

    def routine(self, root: Node, expect_id: str | None) -> Routine | None:
        try:
            keys = self.mapping(root, "", ROUTINE_KEYS, ROUTINE_REQUIRED)
        except Invalid:
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
            items = self.guarded(lambda: self.sequence(keys["phases"], join_field(field, "phases")), [])
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
            onset_field = join_field(field, "since_onset")
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
            per_day = self.guarded(lambda: self.count_range(keys["times_per_day"], join_field(field, "times_per_day"), 1, MAX_TIMES_PER_DAY), None)
        if "min_gap" in keys:
            gap = self.guarded(lambda: self.duration(keys["min_gap"], join_field(field, "min_gap"), 1, 7 * 86400), None)
        off = None
        if "off_time" in keys:
            off = self.guarded(lambda: self.duration(keys["off_time"], join_field(field, "off_time"), MIN_OFF_TIME, 7 * 86400), None)
        return Frequency(per_day, gap, off)

    def pain_check(self, node: Node, field: str) -> PainCheck:
        keys = self.mapping(node, field, PAIN_CHECK_KEYS)
        before = self.guarded(lambda: self.boolean(keys["before"], join_field(field, "before")), False) if "before" in keys else False
        after = self.guarded(lambda: self.boolean(keys["after"], join_field(field, "after")), False) if "after" in keys else False
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
        """One step: its kind and keys, the fields every kind shares, then
        its kind's own rules (:data:`KIND_RULES`)."""
        kind, raw, allowed = self.step_kind(node, field)
        self._step_problems = len(self.problems)
        values = self.step_fields(raw, field, kind, allowed)
        rules = KIND_RULES.get(kind)
        if rules is not None:
            rules(self, raw, field, values, depth)
        if len(values["figure"]) > MAX_MOVEMENT and kind is not StepKind.INFO:
            self.report(raw["figure"].mark, join_field(field, "figure"),
                        f"{len(values['figure'])} poses make a sequence, which only an info step shows; "
                        f"a movement has {MAX_MOVEMENT}")
        remind, duration = values["remind"], values["duration"]
        if remind is not None and kind not in UNTIMED and duration is not None and remind.every >= duration:
            self.report(raw["remind"].mark, join_field(field, "remind.every"),
                        f"is not shorter than the step ({format_duration(duration)}), so it would never show")
        if len(self.problems) > self._step_problems:
            raise Invalid()
        step = Step(kind=kind, line=node.mark.line, **values)
        if kind is not StepKind.REPEAT:
            self.add_plan_size(node.mark, field, step)
        return step

    def step_kind(self, node: Node, field: str) -> tuple[StepKind, dict[str, Node], tuple[str, ...]]:
        """The step's kind, its keys, and the keys that kind takes (others reported)."""
        if not isinstance(node.value, dict):
            raise self.fail(node, field, f"expected a step (a mapping with 'kind' and 'title'), not {describe(node)}")
        raw = node.value
        if "kind" not in raw:
            self.mapping(node, field, ALL_STEP_KEYS)
            raise self.fail(node, field, f"missing required field 'kind' (one of: {', '.join(k.value for k in StepKind)})")
        kind = self.choice(raw["kind"], join_field(field, "kind"), StepKind)
        allowed = step_keys(kind)
        for key, mark in node.key_marks.items():
            if key not in allowed:
                if key in ALL_STEP_KEYS:
                    self.report(mark, join_field(field, key), f"'{key}' does not apply to a {kind.value} step")
                else:
                    self.report(mark, join_field(field, key), unknown_key_message(key, allowed))
        for key in STEP_KIND_REQUIRED[kind]:
            if key not in raw:
                self.report(node.mark, field, f"a {kind.value} step needs '{key}'")
        return kind, raw, allowed

    def step_fields(self, raw: dict[str, Node], field: str, kind: StepKind,
                    allowed: tuple[str, ...]) -> dict[str, Any]:
        """The fields of a step, each read if the kind takes it, else its
        default (the names are :class:`~coach.model.Step`'s)."""

        def opt(name: str, parse: Callable[[Node, str], T], default: T) -> T:
            if name not in raw or name not in allowed:
                return default
            return self.guarded(lambda: parse(raw[name], join_field(field, name)), default)

        def seconds(low: int, high: int) -> Callable[[Node, str], int]:
            return lambda n, f: self.duration(n, f, low, high)

        sides = opt("sides", lambda n, f: self.choice(n, f, Sides, SIDES_BY_KIND.get(kind, (Sides.NONE,))), Sides.NONE)
        if "switch_time" in raw and sides not in (Sides.BOTH, Sides.ALTERNATE) and "switch_time" in allowed:
            self.report(raw["switch_time"].mark, join_field(field, "switch_time"),
                        "switch_time only applies with sides: both or alternate")
        hold_range = opt("hold", lambda n, f: self.duration_range(n, f, 1, MAX_HOLD), None)
        reps = opt("reps", lambda n, f: self.count_range(n, f, 1, MAX_REPS), Range(1, 1))
        sets = opt("sets", lambda n, f: self.integer(n, f, 1, MAX_SETS), 1)
        return {
            "title": opt("title", lambda n, f: self.text(n, f, max_len=MAX_TITLE), ""),
            "instructions": opt("instructions", self.lines, ()),
            "cues": opt("cues", self.lines, ()),
            "cautions": opt("cautions", self.lines, ()),
            "sides": sides,
            "switch_time": opt("switch_time", seconds(0, MAX_SWITCH), 5),
            "advance": opt("advance", lambda n, f: self.choice(n, f, Advance),
                           Advance.MANUAL if kind in UNTIMED else Advance.AUTO),
            "remind": opt("remind", self.reminder, None),
            "duration": opt("duration", seconds(1, MAX_STEP_SECONDS), None),
            "hold": None if hold_range is None else hold_range[0],
            "hold_max": None if hold_range is None else hold_range[1],
            "reps": reps,
            "sets": sets,
            "pace": opt("pace", seconds(1, MAX_PACE), 3),
            "rest_between_reps": opt("rest_between_reps", seconds(0, MAX_REST),
                                     5 if kind is StepKind.HOLD and reps.low > 1 else 0),
            "rest_between_sets": opt("rest_between_sets", seconds(0, MAX_REST), 30 if sets > 1 else 0),
            "modality": opt("modality", lambda n, f: self.choice(n, f, Modality), None),
            "max_duration": opt("max_duration", seconds(1, MAX_STEP_SECONDS), None),
            "times": opt("times", lambda n, f: self.integer(n, f, *REPEAT_TIMES), 2),
            "steps": (),
            "figure": opt("figure", self.figure, ()),
        }

    # each kind's own rules (KIND_RULES)

    def therapy_rules(self, raw: dict[str, Node], field: str, values: dict[str, Any], depth: int) -> None:
        """Cold, heat and water within public guidance per application, and
        the session's cold and heat added up (coach.skin)."""
        modality, duration, max_duration = values["modality"], values["duration"], values["max_duration"]
        if modality is not None and duration is not None:
            cap = THERAPY_CAPS[modality]
            if duration > cap:
                self.report(raw["duration"].mark, join_field(field, "duration"), f"{modality.value} is capped at {format_duration(cap)} per application (public guidance); split it into sessions")
            if max_duration is not None and max_duration < duration:
                self.report(raw["max_duration"].mark, join_field(field, "max_duration"), f"is less than duration ({format_duration(duration)})")
            elif max_duration is not None and max_duration > cap:
                self.report(raw["max_duration"].mark, join_field(field, "max_duration"), f"{modality.value} is capped at {format_duration(cap)} per application (public guidance)")
            if modality in SKIN_MODALITIES and len(self.problems) == self._step_problems:
                self.add_skin_time(raw["duration"].mark, join_field(field, "duration"), modality,
                                   (max_duration or duration) * (2 if values["sides"] is Sides.BOTH else 1))
        if max_duration is None:
            values["max_duration"] = duration  # no room to extend: the step's own length

    def repeat_rules(self, raw: dict[str, Node], field: str, values: dict[str, Any], depth: int) -> None:
        """A repeat's steps, nested at most MAX_REPEAT_DEPTH deep; what they
        add up to counts once per round."""
        if "steps" not in raw:
            return
        if depth + 1 > MAX_REPEAT_DEPTH:
            self.report(raw["steps"].mark, join_field(field, "steps"), f"repeats nest at most {MAX_REPEAT_DEPTH} deep")
            return
        outer, self._repeat_factor = self._repeat_factor, self._repeat_factor * values["times"]
        start = self._step_problems
        try:
            values["steps"] = self.guarded(lambda: self.steps(raw["steps"], join_field(field, "steps"), depth + 1), ())
        finally:
            self._repeat_factor = outer
            self._step_problems = start  # the nested steps' own checks moved it

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
        """``figure: name``, ``figure: [first, second]`` or a longer sequence,
        every name a known pose (the step's kind is checked in :meth:`step`)."""
        items = [node] if isinstance(node.value, str) else node.value if isinstance(node.value, list) else None
        if not items or len(items) > MAX_SEQUENCE:
            raise self.fail(node, field, "expected a pose name, two in brackets for a movement ([bridge-down, bridge-up]), "
                                         f"or up to {MAX_SEQUENCE} for a sequence on an info step")
        names = tuple(self.text(item, field, max_len=MAX_LINE) for item in items)
        problems = check_figure_names(names, self.poses, self.declared_poses)
        for index, message in problems:
            self.report(items[index].mark, field, message)
        if problems:
            raise Invalid()
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
            raise Invalid()
        every = self.duration(keys["every"], join_field(field, "every"), 30, MAX_STEP_SECONDS)
        text = self.text(keys["text"], join_field(field, "text"))
        return Reminder(every, text)


#: The rules a kind has beyond the fields every step shares.
KIND_RULES: dict[StepKind, Callable[[Checker, dict[str, Node], str, dict[str, Any], int], None]] = {
    StepKind.THERAPY: Checker.therapy_rules,
    StepKind.REPEAT: Checker.repeat_rules,
}
#: Kinds without a time of their own: they wait for the person by default.
UNTIMED = (StepKind.INFO, StepKind.REPEAT)
