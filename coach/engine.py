"""The player engine: a state machine over a routine's timeline.

Time comes only from the injected monotonic clock; nothing counts ticks, so a
screen may redraw as often or as rarely as it likes (Textual skips missed
ticks) and the state is still right. The engine stores an *anchor* (which
phase, how far into it, whether running and since when); :meth:`Player.state`
derives everything else from the anchor and the clock, auto-advancing through
finished phases without mutating anything. Commands re-anchor at "now".
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from coach.step_limits import Limits, time_limits
from coach.timeline import PhaseKind, Timeline, TimelinePhase

Clock = Callable[[], float]
LimitsOf = Callable[[TimelinePhase], Limits | None]

CUE_SECONDS = 8  # how long each cue stays up before the next one shows
BACK_RESTARTS_AFTER = 3.0  # "back" within this many seconds goes to the previous step


class Status(str, Enum):
    """Where the player is."""

    READY = "ready"  # not started
    RUNNING = "running"
    PAUSED = "paused"
    WAITING = "waiting"  # a phase is done (or untimed) and waits for "next"
    FINISHED = "finished"
    STOPPED = "stopped"


class Beat(str, Enum):
    """The moment within a rep: moving into it, holding, coming back."""

    MOVE = "move"
    HOLD = "hold"
    RELEASE = "release"


@dataclass(frozen=True)
class PlayerState:
    """Everything a screen shows about the player at one moment."""

    status: Status
    index: int  # current phase index (== len(phases) when finished)
    phase: TimelinePhase | None
    elapsed: float  # seconds into the current phase
    remaining: float | None  # seconds left in the phase; None if it waits for the user
    routine_remaining: float  # timed seconds left in the whole routine
    active_seconds: float  # time spent not paused since start
    step_number: int
    step_count: int
    beat: Beat | None = None  # for reps with a hold
    beat_remaining: float | None = None
    cue: str | None = None
    reminders: int = 0  # how many `remind` nudges are due so far in this phase
    next_phase: TimelinePhase | None = None

    @property
    def done(self) -> bool:
        """Whether the routine has ended, finished or stopped."""
        return self.status in (Status.FINISHED, Status.STOPPED)

    @property
    def countdown(self) -> int | None:
        """Whole seconds to show on the big countdown (rounded up, like a kitchen timer)."""
        if self.remaining is None:
            return None
        return max(0, math.ceil(self.remaining - 1e-9))


@dataclass
class _Anchor:
    index: int
    offset: float  # seconds into the phase at `since`
    since: float  # clock reading the offset refers to
    running: bool
    active_before: float  # active seconds before `since`


class Player:
    """Plays a :class:`Timeline`; every method reads the clock it was given."""

    def __init__(self, timeline: Timeline, clock: Clock = time.monotonic, limits: LimitsOf = time_limits) -> None:
        self.timeline = timeline
        self.phases = timeline.phases
        self.clock = clock
        self.limits = limits  # how far each phase's time may be changed (coach.step_limits)
        self._changed: dict[int, float] = {}  # phase index -> seconds added (or taken off) while playing
        self._anchor: _Anchor | None = None
        self._ended: Status | None = None  # STOPPED or FINISHED once fixed

    # --- commands -------------------------------------------------------------

    def start(self, at_phase: int = 0, active_before: float = 0.0) -> None:
        """Start (or resume a saved session) at phase ``at_phase``; a resumed
        session's time so far is ``active_before``, so one session's time is
        the time before the interruption and after it."""
        now = self.clock()
        index = min(max(at_phase, 0), len(self.phases))
        self._anchor = _Anchor(index, 0.0, now, True, max(0.0, active_before))
        self._ended = None

    def pause(self) -> None:
        """Freeze the countdown; resuming loses or adds nothing."""
        state = self._settle()
        if state is None or state.done or not self._anchor or not self._anchor.running:
            return
        self._anchor.running = False

    def resume(self) -> None:
        """Carry on after a pause."""
        state = self._settle()
        if state is None or state.done or not self._anchor or self._anchor.running:
            return
        self._anchor.running = True

    def toggle_pause(self) -> None:
        """Pause if running, resume if paused."""
        if self._anchor and self._anchor.running:
            self.pause()
        else:
            self.resume()

    def next(self) -> None:
        """Go on: past a waiting phase, or to the start of the next step."""
        state = self._settle()
        if state is None or state.done or self._anchor is None:
            return
        if state.status is Status.WAITING:
            target = state.index + 1
        else:
            target = self._next_step_start(state.index)
        self._jump(target)

    def back(self) -> None:
        """Restart this step, or go to the previous one if it has just begun."""
        state = self._settle()
        if state is None or self._anchor is None or self._ended is Status.STOPPED:
            return
        index = min(state.index, len(self.phases) - 1)
        start = self._step_start(index)
        into_step = state.elapsed + self._start(index) - self._start(start)
        if into_step < BACK_RESTARTS_AFTER and start > 0:
            start = self._step_start(start - 1)
        self._ended = None
        self._jump(start)

    def adjust(self, seconds: float) -> float:
        """Make the current phase ``seconds`` longer (or shorter, if negative),
        kept within its limits; returns the change made (0 if none).

        Shortening never reaches back before now: at most it ends the phase
        at once. Paused or running, the countdown, the routine's total and the
        progress follow; the active time stays the time really spent.
        """
        state = self._settle()
        if state is None or state.done or state.phase is None or self._anchor is None:
            return 0.0
        limits = self.limits(state.phase)
        duration = self.duration(state.index)
        if limits is None or duration is None:
            return 0.0
        wanted = max(min(duration + seconds, limits.longest), limits.shortest, state.elapsed)
        change = wanted - duration
        if change:
            self._changed[state.index] = self._changed.get(state.index, 0.0) + change
        return change

    def adjust_limits(self) -> Limits | None:
        """The limits of the current phase's time, or None if it cannot be changed now."""
        state = self.state()
        if state.done or state.phase is None or state.status is Status.READY:
            return None
        return self.limits(state.phase)

    def stop(self) -> None:
        """End the routine early."""
        state = self._settle()
        if state is None or state.done:
            return
        self._ended = Status.STOPPED
        assert self._anchor is not None
        self._anchor.running = False

    # --- queries ----------------------------------------------------------------

    def duration(self, index: int) -> float | None:
        """Phase ``index``'s length as it plays: the timeline's, with any adjustment."""
        base = self.phases[index].duration
        return None if base is None else base + self._changed.get(index, 0.0)

    @property
    def total(self) -> float:
        """The routine's timed length as it plays (the timeline's, with adjustments)."""
        return self.timeline.total + sum(self._changed.values())

    def state(self, now: float | None = None) -> PlayerState:
        """The state at ``now`` (default: the clock), derived from the anchor."""
        now = self.clock() if now is None else now
        anchor = self._anchor
        if anchor is None:
            return self._make(Status.READY, 0, 0.0, 0.0)
        active = anchor.active_before + (now - anchor.since if anchor.running else 0.0)
        if self._ended is Status.STOPPED:
            return self._make(Status.STOPPED, anchor.index, anchor.offset, anchor.active_before)
        index, offset = anchor.index, anchor.offset + (now - anchor.since if anchor.running else 0.0)
        while index < len(self.phases):
            duration = self.duration(index)
            if duration is None:
                return self._make(Status.WAITING if anchor.running else Status.PAUSED, index, offset, active)
            if offset < duration:
                break
            if self.phases[index].waits:
                return self._make(Status.WAITING if anchor.running else Status.PAUSED, index, float(duration), active)
            offset -= duration
            index += 1
        if index >= len(self.phases):
            return self._make(Status.FINISHED, len(self.phases), 0.0, active)
        return self._make(Status.RUNNING if anchor.running else Status.PAUSED, index, offset, active)

    # --- internals ----------------------------------------------------------------

    def _settle(self) -> PlayerState | None:
        """Re-anchor at now, so a command acts on the current phase."""
        if self._anchor is None:
            return None
        now = self.clock()
        state = self.state(now)
        if state.status is Status.FINISHED:
            self._ended = Status.FINISHED
        self._anchor = _Anchor(state.index, state.elapsed, now, self._anchor.running and not state.done,
                               state.active_seconds)
        return state

    def _jump(self, index: int) -> None:
        assert self._anchor is not None
        self._anchor.index = min(index, len(self.phases))
        self._anchor.offset = 0.0
        if self._anchor.index >= len(self.phases):
            self._ended = Status.FINISHED
            self._anchor.running = False

    def _start(self, index: int) -> float:
        """Timed seconds before phase ``index``, adjustments counted."""
        return self.phases[index].start + sum(change for i, change in self._changed.items() if i < index)

    def _step_start(self, index: int) -> int:
        occurrence = self.phases[index].occurrence
        while index > 0 and self.phases[index - 1].occurrence == occurrence:
            index -= 1
        return index

    def _next_step_start(self, index: int) -> int:
        if index >= len(self.phases):
            return index
        occurrence = self.phases[index].occurrence
        while index < len(self.phases) and self.phases[index].occurrence == occurrence:
            index += 1
        return index

    def _make(self, status: Status, index: int, elapsed: float, active: float) -> PlayerState:
        phases = self.phases
        phase = phases[index] if index < len(phases) else None
        remaining: float | None = None
        beat = beat_remaining = None
        cue = None
        reminders = 0
        duration = self.duration(index) if phase is not None else None
        if phase is not None:
            if duration is not None:
                remaining = max(0.0, duration - elapsed)
            beat, beat_remaining = _beat(phase, elapsed, duration)
            cues = phase.step.cues
            if cues:
                cue = cues[int(elapsed // CUE_SECONDS) % len(cues)]
            if phase.step.remind is not None:
                reminders = int(elapsed // phase.step.remind.every)
        later = self.timeline.remaining_after(index) if phase is not None else 0
        later += sum(change for i, change in self._changed.items() if i > index)
        routine_remaining = later + (remaining or 0.0)
        if status is Status.FINISHED:
            routine_remaining = 0.0
        return PlayerState(
            status=status,
            index=index,
            phase=phase,
            elapsed=elapsed,
            remaining=remaining,
            routine_remaining=routine_remaining,
            active_seconds=active,
            step_number=phase.step_number if phase else self.timeline.step_count,
            step_count=self.timeline.step_count,
            beat=beat,
            beat_remaining=beat_remaining,
            cue=cue,
            reminders=reminders,
            next_phase=phases[index + 1] if index + 1 < len(phases) else None,
        )


def _beat(phase: TimelinePhase, elapsed: float, duration: float | None) -> tuple[Beat | None, float | None]:
    """Split a rep into move / hold / release, so the screen can pace a hold
    (``duration`` is the phase's length as it plays)."""
    if phase.kind is PhaseKind.HOLD and duration:
        return Beat.HOLD, max(0.0, duration - elapsed)
    if phase.kind is not PhaseKind.REP or not phase.hold or phase.duration is None:
        return None, None
    move = (phase.duration - phase.hold + 1) // 2  # the pace, split around the hold
    if elapsed < move:
        return Beat.MOVE, move - elapsed
    if elapsed < move + phase.hold:
        return Beat.HOLD, move + phase.hold - elapsed
    return Beat.RELEASE, max(0.0, phase.duration - elapsed)


def steps_done(timeline: Timeline, index: int) -> int:
    """How many top-level steps are fully behind phase ``index``."""
    if index >= len(timeline.phases):
        return timeline.step_count
    return timeline.phases[index].step_number - 1
