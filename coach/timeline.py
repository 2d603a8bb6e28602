"""A routine expanded into the ordered phases the player walks through.

:func:`build_timeline` is pure: repeat blocks are unrolled, sets and reps
become phases, rests go between them (never after the last), and sides are
laid out with their switches. The total is the sum of the timed phases;
``info`` phases wait for the user and count as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from coach.durations import format_duration
from coach.model import Advance, Routine, Sides, Step, StepKind


class PhaseKind(str, Enum):
    """What the user is doing during a phase."""

    READ = "read"  # an info step: read, then press next
    WORK = "work"  # a position, timer or therapy step
    HOLD = "hold"  # one rep of a hold step
    REP = "rep"  # one rep of an exercise (pace + hold)
    REST = "rest"  # a rest step, or a rest between reps or sets
    SWITCH = "switch"  # change sides


@dataclass(frozen=True)
class TimelinePhase:
    """One phase of a routine, with everything the player needs to show it."""

    kind: PhaseKind
    step: Step
    step_number: int  # 1-based, over the routine's top-level steps
    label: str  # what the phase is, in a few words: "Knee to chest, left side"
    duration: int | None  # seconds; None waits for the user
    advance: Advance
    side: str | None = None  # "left" / "right"
    rep: int | None = None
    reps: int | None = None
    reps_max: int | None = None
    set: int | None = None
    sets: int | None = None
    rounds: tuple[tuple[int, int], ...] = ()  # (round, times) for each enclosing repeat
    start: int = 0  # seconds of timed phases before this one
    hold: int | None = None  # for a rep: how much of it is holding
    step_path: tuple[int, ...] = ()  # 1-based position through repeats: (2, 1) is "2.1"

    @property
    def occurrence(self) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
        """Identifies one playing of one step (a step inside a repeat recurs per round)."""
        return (self.step_path, self.rounds)

    @property
    def step_label(self) -> str:
        """The step's number as shown: "3", or "2.1" inside a repeat."""
        return ".".join(str(n) for n in self.step_path) or str(self.step_number)

    @property
    def waits(self) -> bool:
        """Whether the phase waits for the user (no time, or manual advance)."""
        return self.duration is None or self.advance is Advance.MANUAL


@dataclass(frozen=True)
class Timeline:
    """The phases of a routine and their timed total in seconds."""

    phases: tuple[TimelinePhase, ...]
    total: int
    step_count: int

    def remaining_after(self, index: int) -> int:
        """Seconds of timed phases after phase ``index`` (from the phases' starts)."""
        phase = self.phases[index]
        return self.total - phase.start - (phase.duration or 0)


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


class _Builder:
    def __init__(self, first_side: str) -> None:
        self.first_side = first_side
        self.phases: list[TimelinePhase] = []
        self.elapsed = 0
        self.path: tuple[int, ...] = ()

    def add(self, kind: PhaseKind, step: Step, number: int, label: str, duration: int | None, **extra: object) -> None:
        advance = extra.pop("advance", step.advance)
        if duration is None:
            advance = Advance.MANUAL
        if duration == 0:
            return
        self.phases.append(
            TimelinePhase(kind, step, number, label, duration, advance, start=self.elapsed,
                          step_path=self.path, **extra)  # type: ignore[arg-type]
        )
        self.elapsed += duration or 0

    def step(self, step: Step, number: int, rounds: tuple[tuple[int, int], ...]) -> None:
        if step.kind is StepKind.REPEAT:
            outer = self.path
            for round_number in range(1, step.times + 1):
                inner = rounds + ((round_number, step.times),)
                for position, child in enumerate(step.steps, start=1):
                    self.path = outer + (position,)
                    self.step(child, number, inner)
            self.path = outer
            return
        if step.kind is StepKind.INFO:
            self.add(PhaseKind.READ, step, number, step.title, None, rounds=rounds)
            return
        if step.sides is Sides.BOTH:
            first = self.first_side
            self.one_side(step, number, rounds, first)
            self.add(PhaseKind.SWITCH, step, number, f"Switch to the {_other(first)} side", step.switch_time,
                     rounds=rounds, side=_other(first), advance=Advance.AUTO)
            self.one_side(step, number, rounds, _other(first))
            return
        side = step.sides.value if step.sides in (Sides.LEFT, Sides.RIGHT) else None
        self.one_side(step, number, rounds, side)

    def one_side(self, step: Step, number: int, rounds: tuple[tuple[int, int], ...], side: str | None) -> None:
        where = f", {side} side" if side else ""
        if step.kind in (StepKind.POSITION, StepKind.TIMER, StepKind.THERAPY):
            self.add(PhaseKind.WORK, step, number, f"{step.title}{where}", step.duration, rounds=rounds, side=side)
        elif step.kind is StepKind.REST:
            self.add(PhaseKind.REST, step, number, step.title, step.duration, rounds=rounds)
        elif step.kind is StepKind.HOLD:
            self.reps(step, number, rounds, side, sets=1, kind=PhaseKind.HOLD, rep_time=step.hold or 0)
        elif step.kind is StepKind.EXERCISE:
            self.reps(step, number, rounds, side, sets=step.sets, kind=PhaseKind.REP,
                      rep_time=step.pace + (step.hold or 0))

    def reps(self, step: Step, number: int, rounds: tuple[tuple[int, int], ...], side: str | None,
             sets: int, kind: PhaseKind, rep_time: int) -> None:
        reps = step.reps.low
        alternate = step.sides is Sides.ALTERNATE
        for set_number in range(1, sets + 1):
            set_info = {"set": set_number, "sets": sets} if sets > 1 else {}
            set_text = f", set {set_number} of {sets}" if sets > 1 else ""
            order = [self.first_side, _other(self.first_side)] if alternate else [side]
            sequence = [(rep, s) for rep in range(1, reps + 1) for s in order]
            for position, (rep, rep_side) in enumerate(sequence):
                where = f", {rep_side} side" if rep_side else ""
                self.add(kind, step, number, f"{step.title}{where}: rep {rep} of {reps}{set_text}", rep_time,
                         rounds=rounds, side=rep_side, rep=rep, reps=reps, reps_max=step.reps.high,
                         hold=step.hold, **set_info)
                if position == len(sequence) - 1:
                    continue
                if alternate:
                    gap = step.rest_between_reps or step.switch_time
                    following = sequence[position + 1][1]
                    self.add(PhaseKind.SWITCH, step, number, f"Switch to the {following} side", gap,
                             rounds=rounds, side=following, advance=Advance.AUTO, **set_info)
                else:
                    self.add(PhaseKind.REST, step, number, "Relax", step.rest_between_reps,
                             rounds=rounds, side=rep_side, advance=Advance.AUTO, **set_info)
            if set_number < sets:
                self.add(PhaseKind.REST, step, number, f"Rest before set {set_number + 1} of {sets}",
                         step.rest_between_sets, rounds=rounds, side=side, advance=Advance.AUTO,
                         set=set_number, sets=sets)


def pass_size(step: Step) -> tuple[int, int]:
    """(phases, timed seconds) that one pass of a step that is not a repeat
    adds to the timeline, counted without building anything: the same rules as
    :class:`_Builder` (a zero-length pause is no phase). The routine checker
    multiplies it by the enclosing repeats to bound a plan before it exists."""
    if step.kind is StepKind.REPEAT:
        raise ValueError("a repeat is measured through its steps")
    if step.kind is StepKind.INFO:
        return 1, 0
    phases, seconds = _one_side_size(step)
    if step.sides is Sides.BOTH:
        switch = 1 if step.switch_time else 0
        return 2 * phases + switch, 2 * seconds + step.switch_time
    return phases, seconds


def _one_side_size(step: Step) -> tuple[int, int]:
    if step.kind in (StepKind.POSITION, StepKind.TIMER, StepKind.THERAPY, StepKind.REST):
        duration = step.duration or 0
        return (1 if duration else 0), duration
    if step.kind is StepKind.HOLD:
        sets, rep_time = 1, step.hold or 0
    else:
        sets, rep_time = step.sets, step.pace + (step.hold or 0)
    per_rep = 2 if step.sides is Sides.ALTERNATE else 1
    count = step.reps.low * per_rep
    gap = (step.rest_between_reps or step.switch_time) if step.sides is Sides.ALTERNATE else step.rest_between_reps
    set_phases = count * (1 if rep_time else 0) + (count - 1) * (1 if gap else 0)
    set_seconds = count * rep_time + (count - 1) * gap
    between = step.rest_between_sets
    return (sets * set_phases + (sets - 1) * (1 if between else 0),
            sets * set_seconds + (sets - 1) * between)


def build_timeline(routine: Routine, first_side: str = "left") -> Timeline:
    """Expand a routine into its phases. ``first_side`` is "left" or "right"."""
    if first_side not in ("left", "right"):
        raise ValueError(f"first_side must be 'left' or 'right', not {first_side!r}")
    builder = _Builder(first_side)
    for number, step in enumerate(routine.steps, start=1):
        builder.path = (number,)
        builder.step(step, number, ())
    return Timeline(_wait_only_at_step_ends(builder.phases), builder.elapsed, len(routine.steps))


def _wait_only_at_step_ends(phases: list[TimelinePhase]) -> tuple[TimelinePhase, ...]:
    """A manual step waits once, when its last phase is done, not after every rep."""
    result = list(phases)
    for index, phase in enumerate(phases):
        last_of_step = index + 1 == len(phases) or phases[index + 1].occurrence != phase.occurrence
        if phase.advance is Advance.MANUAL and phase.duration is not None and not last_of_step:
            result[index] = replace(phase, advance=Advance.AUTO)
    return tuple(result)


def describe_step(step: Step) -> str:
    """A short description of how a step is dosed: "5-10 reps x 3 sets, hold 5s"."""
    parts: list[str] = []
    if step.kind is StepKind.HOLD:
        top = f"-{format_duration(step.hold_max)}" if step.hold_max else ""
        parts.append(f"hold {format_duration(step.hold or 0)}{top}")
        if step.reps.high > 1:
            parts.append(f"{step.reps} times")
    elif step.kind is StepKind.EXERCISE:
        dose = f"{step.reps} reps"
        if step.sets > 1:
            dose += f" x {step.sets} sets"
        parts.append(dose)
        if step.hold:
            top = f"-{format_duration(step.hold_max)}" if step.hold_max else ""
            parts.append(f"hold {format_duration(step.hold)}{top} each")
    elif step.kind is StepKind.THERAPY and step.modality is not None:
        parts.append(f"{step.modality.value} {format_duration(step.duration or 0)}")
        if step.max_duration and step.max_duration > (step.duration or 0):
            parts.append(f"up to {format_duration(step.max_duration)}")
    elif step.kind is StepKind.REPEAT:
        parts.append(f"{step.times} rounds")
    elif step.duration:
        parts.append(format_duration(step.duration))
    if step.sides is Sides.BOTH:
        parts.append("each side")
    elif step.sides is Sides.ALTERNATE:
        parts.append("alternating sides")
    elif step.sides in (Sides.LEFT, Sides.RIGHT):
        parts.append(f"{step.sides.value} side")
    return ", ".join(parts)
