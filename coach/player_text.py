"""The player's words: the counts line, the hold pacing and what a voice says.

Plain text made from the engine's state and the timeline; the player screen
shows it (as ``Content``, never markup) and the voice speaks it.
"""

from __future__ import annotations

import math

from coach.durations import format_duration
from coach.engine import Beat, PlayerState, Status
from coach.step_limits import Limits
from coach.timeline import PhaseKind, TimelinePhase


def phase_counts(phase: TimelinePhase) -> str:
    """ "rep 3 of 8 (work up to 10) - set 2 of 3 - left side - round 1 of 3"."""
    parts = []
    if phase.rep is not None and phase.kind in (PhaseKind.REP, PhaseKind.HOLD):
        rep = f"Rep {phase.rep} of {phase.reps}"
        if phase.reps_max and phase.reps and phase.reps_max > phase.reps:
            rep += f" (work up to {phase.reps_max})"
        parts.append(rep)
    if phase.sets:
        parts.append(f"Set {phase.set} of {phase.sets}")
    if phase.side:
        parts.append(f"{phase.side.capitalize()} side")
    for number, times in phase.rounds:
        parts.append(f"Round {number} of {times}")
    return "  -  ".join(parts)


def beat_text(state: PlayerState) -> str:
    """Hold pacing: "Move into position", "Hold 3", "Relax"."""
    if state.status is Status.PAUSED:
        return "Paused - press space to carry on"
    if state.status is Status.WAITING:
        return "Press n when you are ready to go on"
    if state.beat is Beat.MOVE:
        return "Move into position"
    if state.beat is Beat.HOLD and state.phase is not None and state.phase.kind is PhaseKind.REP:
        return f"Hold {math.ceil(state.beat_remaining or 0)}"
    if state.beat is Beat.HOLD:
        left = math.ceil(state.beat_remaining or 0)
        return f"Hold {left}" if left <= 3 else "Hold"
    if state.beat is Beat.RELEASE:
        return "Relax and come back"
    if state.phase is not None and state.phase.kind is PhaseKind.SWITCH:
        return f"Switch to your {state.phase.side} side"
    if state.phase is not None and state.phase.kind is PhaseKind.REST:
        return "Relax"
    return ""


def spoken(phase: TimelinePhase) -> str:
    """What a voice says when a phase begins."""
    if phase.kind in (PhaseKind.SWITCH, PhaseKind.REST):
        return phase.label
    counts = phase_counts(phase)
    return f"{phase.step.title}. {counts}" if counts else phase.step.title


def adjust_refused(longer: bool, limits: Limits) -> str:
    """Why a press of + or - changed nothing: the step is at that end of its limits."""
    if longer:
        return f"This step is already at its longest ({format_duration(limits.longest)})."
    return (f"This step is already at its shortest ({format_duration(limits.shortest)}); "
            "n skips to the next step.")
