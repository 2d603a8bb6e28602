"""Which frame of a step's figure to show at a moment of the player.

A figure of two poses moves between them in step with the pacing: during a
rep it goes to the second pose while the user moves into position, stays
there through the hold and comes back as they release; a held stretch moves
in over its first moment and then stays still; rests and side switches
show the first pose, still. A timed step (walking) swings between its two
poses at a steady walking pace. A step to read with two poses or more shows a
sequence (getting up: on your side, hands and knees, kneeling at a chair,
standing): each pose in turn, one way only, again and again while the step
is read, and the line under the figure says the pose on screen.
Everything here is a pure function of the phase and the seconds into it,
which come from the engine's clock, so frames are pinned in tests with a
fake clock.

One frame a second, at most: a frame is a function of the whole seconds
into the phase, so it changes exactly when the big countdown does (every
duration is a whole number of seconds) and the screen draws both in one
update. The frame shown during a second is where the movement should be by
the end of it, so the figure leads the count: up in the seconds the engine
gives to moving into position, still through the hold, and back down by the
end of the rep. ``STEPS`` positions between the poses (eased), of which a
movement of a few seconds shows one or two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coach.engine import PlayerState, Status
from coach.model import Routine, Step
from coach.poses import Pose, figure_poses, same_props
from coach.timeline import PhaseKind, TimelinePhase

FRAME_RATE = 1  # frames a second, at most, while a figure moves: one per second of the count
STEPS = 6  # positions between the two poses of a movement
MOVE_IN = 2  # seconds a held stretch takes to move into position (fewer in a short hold)
# A step to read with two poses or more (a sequence), second by second: each
# pose for READ_POSE seconds and one more half way to the next, the last for
# READ_LAST, then the first again at once. One way only, so the direction
# shows (getting up and lying down use some of the same poses).
READ_POSE, READ_LAST = 2, 3


def read_cycle(poses: tuple[Pose, ...]) -> tuple[float, ...]:
    """The positions (0 = the first pose, 1 the second ...) a step to read
    shows, a second each. Half way between two poses is drawn only where they
    have the same props (between kneeling at a chair and lying on the floor,
    a half-way figure is no position at all): otherwise the pose stays a second longer."""
    cycle: list[float] = []
    for index, (here, after) in enumerate(zip(poses, poses[1:])):
        cycle += [float(index)] * READ_POSE + [index + 0.5 if same_props(here, after) else float(index)]
    return tuple(cycle + [float(len(poses) - 1)] * READ_LAST)


@dataclass(frozen=True)
class FigureFrame:
    """What to draw: ``t`` of the way from the first pose to the second."""

    poses: tuple[Pose, ...]
    t: float  # 0 = first pose, 1 = second (2 the third of a sequence); a multiple of 1 / STEPS
    mirrored: bool  # the right side: drawn from the other side
    moving: bool  # whether the frame will change without a key being pressed
    # The pose the line under the figure describes: the last (-1), where a
    # movement goes; in a sequence, the one on screen (or being moved to).
    described: int = -1



def figure_caption(poses: tuple[Pose, ...], described: int = -1) -> str:
    """The line shown under a figure (or instead of it): the description of the
    position it goes to, the last pose (the instructions tell how to start),
    or of pose ``described`` (a sequence says each pose as it shows it)."""
    return poses[described].description if poses else ""


def step_poses(routine: Routine, step: Step) -> tuple[Pose, ...]:
    """The poses a step's figure names (none when it has no figure)."""
    return figure_poses(step.figure, routine.poses) if step.figure else ()


def figure_at_line(routine: Routine, line: int) -> tuple[Pose, ...]:
    """The poses to show for a cursor on ``line`` (1-based) of the routine's file:
    the figure of the step that line is in, or the pose defined there."""
    starts: list[tuple[int, tuple[Pose, ...]]] = []

    def walk(steps: tuple[Step, ...]) -> None:
        for step in steps:
            starts.append((step.line, step_poses(routine, step)))
            walk(step.steps)

    walk(routine.steps)
    starts.extend((pose.line, (pose,)) for pose in routine.poses)
    found: tuple[Pose, ...] = ()
    for start, poses in sorted(starts, key=lambda item: item[0]):
        if start > line:
            break
        found = poses
    return found


def _ease(t: float) -> float:
    t = min(1.0, max(0.0, t))
    return t * t * (3 - 2 * t)


def _quantise(t: float) -> float:
    return round(_ease(t) * STEPS) / STEPS


def movement_at(phase: TimelinePhase, second: int, animate: bool,
                read: tuple[float, ...] = (0.0,)) -> tuple[float, bool]:
    """(t, moving) for a figure of two poses or more during whole second
    ``second`` (0, 1, ...) of ``phase``; on a step to read, ``read`` is the
    cycle it plays (:func:`read_cycle`).

    With ``animate`` off the figure is still: the position to reach in a rep
    or hold, the end of a sequence, the first pose otherwise.
    """
    if phase.kind is PhaseKind.REP:
        if not animate:
            return 1.0, False
        duration = int(phase.duration or 0)
        hold = int(phase.hold or 0)
        move = (duration - hold + 1) // 2  # the engine's split of the pace around the hold (engine._beat)
        if second < move:  # moving into position: there by the end of the last of these seconds
            return _quantise((second + 1) / move), True
        if second < move + hold:
            return 1.0, False
        release = max(duration - move - hold, 1)
        return _quantise(1 - (second - move - hold + 1) / release), True  # back by the end of the rep
    if phase.kind is PhaseKind.HOLD:
        if not animate:
            return 1.0, False
        move_in = max(1, min(MOVE_IN, int(phase.duration or 0) // 3))
        if second < move_in:
            return _quantise((second + 1) / move_in), True
        return 1.0, False
    if phase.kind is PhaseKind.WORK and animate:
        return (1.0 if second % 2 == 0 else 0.0), True  # a step a second, one pose then the other
    if phase.kind is PhaseKind.READ and len(read) > 1:
        # Still, a sequence shows where it ends, like the position to reach of a rep.
        return (read[second % len(read)], True) if animate else (read[-1], False)
    return 0.0, False


def frame_at(poses: tuple[Pose, ...], state: PlayerState, animate: bool = True) -> FigureFrame | None:
    """The frame of ``poses`` to show for the player's state, or None without a figure."""
    phase = state.phase
    if not poses or phase is None:
        return None
    mirrored = phase.side == "right"
    if len(poses) == 1:
        return FigureFrame(poses, 0.0, mirrored, False)
    # Whole seconds of the phase, whenever the frame is asked for: the same frame until the count
    # changes. Paused or waiting, the engine's elapsed time stands still, and so does the frame.
    reading = phase.kind is PhaseKind.READ
    t, moving = movement_at(phase, math.floor(state.elapsed + 1e-9), animate, read_cycle(poses) if reading else (0.0,))
    # A step to read waits for "next" while its sequence plays on, saying each pose.
    live = state.status is Status.RUNNING or (reading and state.status is Status.WAITING)
    return FigureFrame(poses, t, mirrored, moving and live, math.floor(t + 0.5) if reading else -1)
