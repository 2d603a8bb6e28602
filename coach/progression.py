"""The routine grows with the person: levels within a routine's own ranges.

Where a routine gives a range (``reps: {min: 5, max: 10}``, or a hold
``hold: {min: 20s, max: 30s}``), Coach starts at the low end: level 0. One
step up (one level) is **one more rep on each ranged step** (never past its
``max``) and **:data:`HOLD_STEP` seconds more on each ranged hold** (never past
its ``max``). The top level is the first at which every range is at its top;
a routine without ranges has only level 0.

The rules (README, "Levels"), each a pure function of what the history says:

- After **two completed sessions in a row** at the current level whose pain
  after was not higher than before (no pain check, or only one score, is no
  rise), the next start **offers** one step up. Enter accepts; it can be
  declined, and then it is offered again after two more such sessions.
- A **pain rise** (after higher than before) or a **stop for pain** (pain
  worse, a new symptom) steps back down one level, at once, never below 0.
- Never above the top, never below 0.

"In a row" counts the routine's sessions since the level last changed or an
offer was declined, in the order they started: any session that was not
completed (partial, stopped, interrupted) or had a rise breaks the run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from coach.durations import format_duration
from coach.model import Range, Routine, Step, StepKind
from coach.safety import PAIN_STOP_REASONS

#: Seconds one level adds to a ranged hold.
HOLD_STEP = 5
#: Completed sessions without a pain rise, in a row, before a step up is offered.
SESSIONS_TO_OFFER = 2

#: Why a level changed (or stayed): stored with each change in the history.
UP, DECLINED, PAIN_ROSE, PAIN_STOP = "up", "declined", "pain-rose", "pain-stop"
CHANGE_REASONS = (UP, DECLINED, PAIN_ROSE, PAIN_STOP)


def _levels_in(step: Step) -> int:
    """How many levels it takes this step to reach the top of its ranges."""
    if step.kind is StepKind.REPEAT:
        return max((_levels_in(child) for child in step.steps), default=0)
    reps = step.reps.high - step.reps.low if step.kind in (StepKind.HOLD, StepKind.EXERCISE) else 0
    hold = 0
    if step.hold is not None and step.hold_max is not None:
        hold = math.ceil((step.hold_max - step.hold) / HOLD_STEP)
    return max(reps, hold)


def top_level(routine: Routine) -> int:
    """The highest level of a routine (0: it has no ranges)."""
    return max((_levels_in(step) for step in routine.steps), default=0)


def step_at_level(step: Step, level: int) -> Step:
    """A step as played at ``level``: reps and hold moved up their ranges."""
    if step.kind is StepKind.REPEAT:
        return replace(step, steps=tuple(step_at_level(child, level) for child in step.steps))
    if level <= 0:
        return step
    changes: dict[str, object] = {}
    if step.kind in (StepKind.HOLD, StepKind.EXERCISE) and step.reps.high > step.reps.low:
        changes["reps"] = Range(min(step.reps.low + level, step.reps.high), step.reps.high)
    if step.hold is not None and step.hold_max is not None:
        changes["hold"] = min(step.hold + HOLD_STEP * level, step.hold_max)
    return replace(step, **changes) if changes else step  # type: ignore[arg-type]


def at_level(routine: Routine, level: int) -> Routine:
    """The routine as played at ``level`` (clamped to 0..top)."""
    level = clamp(routine, level)
    if level == 0:
        return routine
    return replace(routine, steps=tuple(step_at_level(step, level) for step in routine.steps))


def at_top(step: Step) -> Step:
    """A step at the top of its ranges: the most Coach can ever expand it to
    (the routine checker bounds the plan with it)."""
    return step_at_level(step, _levels_in(step))


def clamp(routine: Routine, level: int) -> int:
    """``level`` kept within 0..top."""
    return max(0, min(level, top_level(routine)))


def describe_level(routine: Routine, level: int) -> str:
    """'level 2 of 5' (the first is level 1 to a person), or '' without ranges."""
    top = top_level(routine)
    if top == 0:
        return ""
    return f"level {clamp(routine, level) + 1} of {top + 1}"


def changes(routine: Routine, level_from: int, level_to: int) -> list[str]:
    """What a change of level changes, a line per step: "Bridge: 6 reps (was 5)"."""
    lines: list[str] = []

    def walk(before: Sequence[Step], after: Sequence[Step]) -> None:
        for old, new in zip(before, after):
            if old.kind is StepKind.REPEAT:
                walk(old.steps, new.steps)
                continue
            parts = []
            if new.reps.low != old.reps.low:
                parts.append(f"{new.reps.low} reps (was {old.reps.low})")
            if new.hold != old.hold:
                parts.append(f"hold {format_duration(new.hold or 0)} (was {format_duration(old.hold or 0)})")
            if parts:
                lines.append(f"{new.title}: {', '.join(parts)}")

    walk(at_level(routine, level_from).steps, at_level(routine, level_to).steps)
    return lines


def level_line(routine: Routine, level: int) -> str:
    """What the ranged steps are at a level, in a line: "Bridge 6 reps, Plank hold 25s"."""
    parts: list[str] = []

    def walk(steps: Sequence[Step], base: Sequence[Step]) -> None:
        for step, plain in zip(steps, base):
            if step.kind is StepKind.REPEAT:
                walk(step.steps, plain.steps)
            elif plain.reps.high > plain.reps.low and step.kind in (StepKind.HOLD, StepKind.EXERCISE):
                parts.append(f"{step.title} {step.reps.low} reps ({plain.reps})")
            if plain.hold_max is not None:
                parts.append(f"{step.title} hold {format_duration(step.hold or 0)}")

    walk(at_level(routine, level).steps, routine.steps)
    return ", ".join(dict.fromkeys(parts))


@dataclass(frozen=True)
class Played:
    """One session of the routine, as the level rules see it."""

    started: datetime
    outcome: str
    pain_before: int | None = None
    pain_after: int | None = None
    stop_reason: str | None = None


def pain_rose(pain_before: int | None, pain_after: int | None) -> bool:
    """Pain after higher than before; without both scores, no rise."""
    return pain_before is not None and pain_after is not None and pain_after > pain_before


def good(session: Played) -> bool:
    """Completed, and pain after not higher than before."""
    return session.outcome == "completed" and not pain_rose(session.pain_before, session.pain_after)


def offer_up(routine: Routine, level: int, since: datetime | None, sessions: Sequence[Played]) -> bool:
    """Whether to offer one step up now: not at the top, and the last
    :data:`SESSIONS_TO_OFFER` sessions since ``since`` (the last change or
    declined offer; None: ever) were all good."""
    if clamp(routine, level) >= top_level(routine):
        return False
    recent = sorted((s for s in sessions if since is None or s.started > since), key=lambda s: s.started)
    last = recent[-SESSIONS_TO_OFFER:]
    return len(last) == SESSIONS_TO_OFFER and all(good(s) for s in last)


def after_session(level: int, pain_before: int | None, pain_after: int | None,
                  stop_reason: str | None) -> tuple[int, str] | None:
    """The step back a session's end calls for, as (new level, reason), or
    None: a pain rise or a stop for pain steps down one level (never below 0)."""
    if stop_reason in PAIN_STOP_REASONS:
        why = PAIN_STOP
    elif pain_rose(pain_before, pain_after):
        why = PAIN_ROSE
    else:
        return None
    return (level - 1, why) if level > 0 else None


def after_offer(level: int, accepted: bool) -> tuple[int, str]:
    """The level after a step up was offered, as (new level, reason): one
    level up when taken; the same, remembered as declined, when not (the
    offer then waits for two more good sessions)."""
    return (level + 1, UP) if accepted else (level, DECLINED)


@dataclass(frozen=True)
class LevelNow:
    """A routine's level at its next start, and whether to offer a step up."""

    level: int
    offer: bool


def read_level(store, routine: Routine) -> LevelNow:  # type: ignore[no-untyped-def]
    """What the history (a ``coach.store.Store``) says about ``routine``'s level now."""
    if top_level(routine) == 0:
        return LevelNow(0, False)
    level, since = store.level_of(routine.id)
    level = clamp(routine, level)
    sessions = [Played(s.started_utc, s.outcome, s.pain_before, s.pain_after, s.stop_reason)
                for s in store.routine_sessions_after(routine.id, since, SESSIONS_TO_OFFER)]
    return LevelNow(level, offer_up(routine, level, since, sessions))
