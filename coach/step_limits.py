"""How far a step's time may be changed while it plays (the player's +/- keys).

One function, :func:`time_limits`, answers "what are this phase's limits";
the engine (``Player.adjust``) keeps every change inside them. Today:

- a **therapy** step runs for its ``duration`` by default and may be made
  longer up to its ``max_duration`` (the validator keeps that under the
  modality's cap, and counts it toward the session's cold and heat totals,
  so a longer step can never go over a cap), or shorter down to half its
  ``duration`` (:data:`SHORTEST_SHARE`): less than that is no longer the
  step as written; ``n`` skips it altogether;
- a **hold** step with a range (``hold: {min: 20s, max: 30s}``) may be held
  longer, up to the top of its range, and back down to the hold it is played
  at (the low end, or the person's level: :mod:`coach.progression` moves the
  played hold up the range; shortening below it would undo the level). A
  single ``hold`` is played as written.

Other phases (reps, rests, switches, positions, timers) are not adjustable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coach.model import StepKind
from coach.timeline import PhaseKind, TimelinePhase

#: A therapy step may be shortened to this share of its duration, no less.
SHORTEST_SHARE = 0.5
#: What one key press may change, largest first: the largest that is at most a
#: quarter of the room between the limits (so there are a few presses in it).
PRESS_SIZES = (60, 30, 15, 10, 5)
PRESS_PER_ROOM = 4


@dataclass(frozen=True)
class Limits:
    """The shortest and longest a phase may last (seconds), and one press's change."""

    shortest: int
    longest: int
    press: int


def time_limits(phase: TimelinePhase) -> Limits | None:
    """The limits of ``phase``'s time while it plays, or None if it cannot be changed."""
    step = phase.step
    if phase.kind is PhaseKind.WORK and step.kind is StepKind.THERAPY and phase.duration:
        return limits_between(max(1, math.ceil(phase.duration * SHORTEST_SHARE)),
                              max(phase.duration, step.max_duration or phase.duration))
    if phase.kind is PhaseKind.HOLD and step.kind is StepKind.HOLD and step.hold_max is not None and phase.duration:
        return limits_between(phase.duration, step.hold_max)
    return None


def limits_between(shortest: int, longest: int) -> Limits | None:
    """Limits from ``shortest`` to ``longest`` seconds with a press that fits a few times, or None if there is no room."""
    if longest <= shortest:
        return None
    room = longest - shortest
    press = next((size for size in PRESS_SIZES if size * PRESS_PER_ROOM <= room), PRESS_SIZES[-1])
    return Limits(shortest, longest, press)
