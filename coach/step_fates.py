"""What really happened to each step of a routine: done or skipped, and the time spent.

The player only knows where it is now; this log watches the states the screen
shows it (:meth:`StepLog.observe`, about once a second and after every key)
and works out, for each *playing* of a step (a step inside a repeat is played
once per round; both sides of a step are one playing), how it went:

- **done**: its end was reached: its time ran out, or it waited at its end
  (an info step, a manual step) and the person went on;
- **skipped**: left before its end, with ``n`` or by stopping the routine;
  ``skipped_after`` is the time spent on it until then;
- still going (fate None): the step being played, as stored with the
  session's heartbeat, so that a session resumed after a crash counts the
  time spent on it before.

Time is split two ways. ``spent_seconds`` is all the time on the step that was
not paused (reading an info step, waiting at a manual step's end).
``done_seconds`` is how much of the step's *timed plan* was really played:
the countdown running, never more than each phase's planned length (going
back with ``b`` and doing a phase again does not count it twice).

The routine's share done is the sum of ``done_seconds`` over its timed
length; a routine that reached its end is **completed** only when that share
is at least :data:`COMPLETE_SHARE` (80 %), otherwise **partial**. A routine
with no timed steps (only info steps) counts its steps instead.

Key presses jump; time runs. The screen calls :meth:`StepLog.before_command`
with the state just before a command that can jump (``n``, ``b``), so the
time up to the key is played time and the jump is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coach.engine import PlayerState, Status
from coach.timeline import Timeline, TimelinePhase

#: A routine that reached its end counts as completed when at least this
#: share of its timed length was really done (README, "History").
COMPLETE_SHARE = 0.8

DONE = "done"
SKIPPED = "skipped"
FATES = (DONE, SKIPPED)


@dataclass(frozen=True)
class StepRecord:
    """One playing of one step, as stored in the history."""

    index: int  # 0-based, in the order the routine plays its steps (a repeat's rounds each count)
    title: str  # "Warm water, round 2 of 3" inside a repeat
    kind: str  # the step's kind: info, position, hold, exercise, therapy, ...
    modality: str | None  # a therapy step's modality (cold, heat, ...), else None
    planned_seconds: int  # its timed length in the plan (0 for an info step)
    spent_seconds: int  # time on it, pauses not counted
    done_seconds: int  # of the planned time, how much was really played
    fate: str | None  # DONE or SKIPPED; None while the step is still going (kept so a killed app loses nothing)
    skipped_after: int | None  # when skipped: the seconds spent on it until then


@dataclass
class _Playing:
    """A step's playing while the routine runs."""

    first: int  # its first phase
    last: int  # its last phase
    title: str
    kind: str
    modality: str | None
    planned: int
    spent: float = 0.0
    base_done: float = 0.0  # done before a resume (from the history)
    fate: str | None = None
    skipped_after: float | None = None
    changed: bool = False  # settled or changed since last taken for the history


def _title(phase: TimelinePhase) -> str:
    rounds = ", ".join(f"round {number} of {times}" for number, times in phase.rounds)
    return f"{phase.step.title}, {rounds}" if rounds else phase.step.title


def playings(timeline: Timeline) -> list[tuple[int, int]]:
    """(first phase, last phase) of each playing of a step, in order."""
    spans: list[tuple[int, int]] = []
    for index, phase in enumerate(timeline.phases):
        if spans and timeline.phases[spans[-1][0]].occurrence == phase.occurrence:
            spans[-1] = (spans[-1][0], index)
        else:
            spans.append((index, index))
    return spans


class StepLog:
    """Follows a player's states and keeps each step's fate (see the module)."""

    def __init__(self, timeline: Timeline, earlier: Iterable[StepRecord] = ()) -> None:
        """``earlier``: the records of this session before an interruption
        (resuming), so the share done counts the time before it too."""
        self.timeline = timeline
        phases = timeline.phases
        self._playings: list[_Playing] = []
        self._of_phase: list[int] = []
        for number, (first, last) in enumerate(playings(timeline)):
            phase = phases[first]
            step = phase.step
            self._playings.append(_Playing(
                first, last, _title(phase), step.kind.value,
                step.modality.value if step.modality is not None else None,
                sum(p.duration or 0 for p in phases[first:last + 1])))
            self._of_phase.extend([number] * (last - first + 1))
        self._covered = [0.0] * len(phases)  # seconds of each phase really played
        for record in earlier:
            if 0 <= record.index < len(self._playings):
                playing = self._playings[record.index]
                playing.spent, playing.base_done = record.spent_seconds, record.done_seconds
                playing.fate, playing.skipped_after = record.fate, record.skipped_after
        self._last: PlayerState | None = None
        self._jumping = False

    # --- feeding ------------------------------------------------------------------

    def before_command(self, state: PlayerState) -> None:
        """The state just before a key that may jump (next, back): the time up
        to here was played; the move to the next observed state is a jump."""
        self.observe(state)
        self._jumping = True

    def observe(self, state: PlayerState) -> None:
        """A state the player was in (in time order)."""
        if state.status is Status.READY:
            return
        last, jumped = self._last, self._jumping
        self._last, self._jumping = state, False
        if last is None or last.done:
            return
        if jumped:
            self._jump(last, state)
        else:
            self._play(last, state)
        if state.status is Status.STOPPED:
            self._leave(self._playing_at(state.index), finished=False)
            # Steps begun and gone back from, never finished: the routine ended without them.
            for number, playing in enumerate(self._playings):
                if playing.fate is None and playing.spent > 0:
                    self._leave(number, finished=False)

    def _playing_at(self, index: int) -> int:
        return self._of_phase[index] if index < len(self._of_phase) else len(self._playings)

    def _play(self, last: PlayerState, now: PlayerState) -> None:
        """Time ran from ``last`` to ``now``: cover the phases passed, and leave
        the steps whose end was passed as done."""
        phases = self.timeline.phases
        delta = max(0.0, now.active_seconds - last.active_seconds)
        played = 0.0
        if now.index == last.index:
            if last.remaining is not None:  # a timed phase: the countdown ran
                played = max(0.0, now.elapsed - last.elapsed)
                self._cover(last.index, played)
        elif now.index > last.index:
            played += self._cover(last.index, last.remaining or 0.0)
            for index in range(last.index + 1, min(now.index, len(phases))):
                played += self._cover(index, float(phases[index].duration or 0))
            if now.index < len(phases):
                played += self._cover(now.index, now.elapsed)
        # Time not on a running countdown (reading, waiting at a step's end)
        # belongs to the step it was spent on.
        if last.index < len(phases):
            self._playings[self._playing_at(last.index)].spent += max(0.0, delta - played)
        for number in range(self._playing_at(last.index), self._playing_at(now.index)):
            self._leave(number, finished=True)

    def _cover(self, index: int, seconds: float) -> float:
        if index >= len(self._covered) or seconds <= 0:
            return 0.0
        self._covered[index] += seconds
        playing = self._playings[self._of_phase[index]]
        playing.spent += seconds
        playing.changed = True
        return seconds

    def _jump(self, last: PlayerState, now: PlayerState) -> None:
        """A key moved the player: forward leaves the step (done when it was at
        its end, else skipped); back leaves nothing (it will be played again)."""
        before, after = self._playing_at(last.index), self._playing_at(now.index)
        if after <= before or before >= len(self._playings):
            return
        playing = self._playings[before]
        at_end = last.index == playing.last and (last.remaining is None or last.remaining <= 0)
        self._leave(before, finished=at_end)

    def _leave(self, number: int, *, finished: bool) -> None:
        if number >= len(self._playings):
            return
        playing = self._playings[number]
        if playing.fate == DONE:
            return  # done once stays done, even if skipped on a second pass
        if finished:
            playing.fate, playing.skipped_after = DONE, None
        else:
            playing.fate, playing.skipped_after = SKIPPED, playing.spent
        playing.changed = True

    # --- reading ------------------------------------------------------------------

    def _done_seconds(self, number: int) -> float:
        playing = self._playings[number]
        phases = self.timeline.phases
        now = sum(min(self._covered[i], float(phases[i].duration or 0))
                  for i in range(playing.first, playing.last + 1))
        return min(float(playing.planned), playing.base_done + now)

    def _record(self, number: int) -> StepRecord:
        playing = self._playings[number]
        skipped = None if playing.skipped_after is None else round(playing.skipped_after)
        return StepRecord(number, playing.title, playing.kind, playing.modality, playing.planned,
                          round(playing.spent), round(self._done_seconds(number)), playing.fate, skipped)

    def records(self) -> list[StepRecord]:
        """Every step left so far (done or skipped), in playing order."""
        return [self._record(n) for n, p in enumerate(self._playings) if p.fate is not None]

    def take_changed(self) -> list[StepRecord]:
        """The records settled or changed since the last call (to store them)."""
        changed = [n for n, p in enumerate(self._playings) if p.changed and p.fate is not None]
        for n in changed:
            self._playings[n].changed = False
        return [self._record(n) for n in changed]

    def in_progress(self, state: PlayerState) -> StepRecord | None:
        """The record of the step being played in ``state`` while it is still
        going (fate None), once time was spent on it; None otherwise. Stored
        with the heartbeat, so a session resumed after a crash still counts
        the time spent on that step before it."""
        number = self._playing_at(state.index)
        if state.done or number >= len(self._playings):
            return None
        playing = self._playings[number]
        if playing.fate is not None or playing.spent < 1:
            return None
        return self._record(number)

    def share_done(self) -> float:
        """The share (0..1) of the routine's timed length really done."""
        total = sum(p.planned for p in self._playings)
        if total > 0:
            return min(1.0, sum(self._done_seconds(n) for n in range(len(self._playings))) / total)
        if not self._playings:
            return 1.0
        return sum(1 for p in self._playings if p.fate == DONE) / len(self._playings)

    def skipped(self) -> list[StepRecord]:
        """The steps skipped, in order."""
        return [r for r in self.records() if r.fate == SKIPPED]


def outcome(status: Status, share: float) -> str:
    """How a session ended: 'completed' (its end reached with at least
    :data:`COMPLETE_SHARE` really done), 'partial' (its end reached with less)
    or 'stopped'."""
    if status is not Status.FINISHED:
        return "stopped"
    return "completed" if percent(share) >= round(COMPLETE_SHARE * 100) else "partial"


def percent(share: float) -> int:
    """A share as whole percent, rounded down (79.9 % is not 80 %)."""
    return max(0, min(100, int(share * 100 + 1e-9)))

