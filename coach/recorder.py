"""Keeps the history row of a routine session in step with the player.

The row is written when the routine starts and updated whenever a step is
done (and at least every :data:`HEARTBEAT` seconds), so a killed app leaves an
interrupted session that says how far it got. Each step's record (done or
skipped, the time really spent: :mod:`coach.step_fates`) is written as soon as
the step is left, and the session ends as completed only when at least 80 %
of its timed length was really done. Every write goes through the
history's background writer (:mod:`coach.history`): the player never waits
for the database, a locked database delays the row but never loses it, and
problems are said once by the history itself.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from datetime import timedelta

from coach.engine import PlayerState, steps_done
from coach.history import History, after
from coach.model import Routine
from coach.progression import after_session
from coach.step_fates import StepLog, StepRecord, outcome, percent
from coach.store import SessionRecord, Store
from coach.timeline import Timeline

HEARTBEAT = 30.0  # seconds between updates within one long step
STALE_AFTER = 2 * HEARTBEAT  # a 'running' row not updated for this long is from a dead app


@dataclass(frozen=True)
class SessionEnd:
    """How a session ended, as recorded: its outcome, the share of its timed
    length really done, and the steps skipped."""

    outcome: str  # completed, partial or stopped (coach.step_fates.outcome)
    done_percent: int
    skipped: tuple[StepRecord, ...]
    level_change: tuple[int, int, str] | None = None  # (from, to, reason) when it stepped back (coach.progression)


@dataclass
class SessionRecorder:
    """Queues one session's writes as the player moves, with each step's fate."""

    history: History | None
    routine: Routine
    timeline: Timeline
    session: Future[int] | None = None  # the row's id, once the writer has made it
    earlier: tuple[StepRecord, ...] = ()  # a resumed session's step records so far
    level: int | None = None  # the level played at, for a routine with ranges (coach.progression)
    _last_index: int = -1
    _last_active: float = 0.0

    def __post_init__(self) -> None:
        self.log = StepLog(self.timeline, self.earlier)

    def begin(self, pain_before: int | None = None, resume_id: int | None = None) -> None:
        """Queue the row (or take over an interrupted one when resuming)."""
        if self.history is None:
            return
        if resume_id is not None:
            self.session = Future()
            self.session.set_result(resume_id)
            self.history.submit(lambda store: store.mark_resumed(resume_id))
        else:
            routine, total = self.routine, self.timeline.step_count
            level = self.level
            self.session = self.history.submit(
                lambda store: store.start_session(routine.id, routine.title, total, pain_before=pain_before,
                                                  level=level))

    def before_command(self, state: PlayerState) -> None:
        """The state just before a key that may jump (next, back)."""
        self.log.before_command(state)

    def observe(self, state: PlayerState) -> None:
        """Follow the player; queue the steps just settled, and an update of
        the row when a step is done (or as a heartbeat)."""
        self.log.observe(state)
        if self.session is None or self.history is None or state.done:
            return
        self._queue_steps()
        if state.index == self._last_index and state.active_seconds - self._last_active < HEARTBEAT:
            return
        self._last_index, self._last_active = state.index, state.active_seconds
        self._queue(Store.update_session, state)
        going = self.log.in_progress(state)
        if going is not None:  # the step being played, as far as it got: a crash loses none of it
            session = self.session
            self.history.submit(lambda store: store.record_steps(after(session), [going]))

    def outcome_now(self, state: PlayerState) -> str:
        """The outcome if the session ended in ``state``."""
        self.log.observe(state)
        return outcome(state.status, self.log.share_done())

    def finish(self, state: PlayerState, *, pain_after: int | None = None,
               stop_reason: str | None = None, pain_before: int | None = None) -> SessionEnd:
        """Queue the row's end (completed, partial or stopped) and return it;
        a pain rise or a stop for pain steps the routine's level back."""
        self.log.observe(state)
        share = self.log.share_done()
        change = None
        if self.level is not None:
            back = after_session(self.level, pain_before, pain_after, stop_reason)
            change = (self.level, *back) if back is not None else None
        end = SessionEnd(outcome(state.status, share), percent(share), tuple(self.log.skipped()), change)
        if self.session is None or self.history is None:
            return end
        self._queue_steps()
        if change is not None:
            routine_id = self.routine.id
            self.history.submit(lambda store: store.record_level_change(routine_id, *change))
        stopped = end.outcome == "stopped"
        self._queue(Store.finish_session, state, outcome=end.outcome, pain_after=pain_after,
                    stop_reason=stop_reason if stopped else None, done_percent=end.done_percent)
        self.session = None
        return end

    def _queue_steps(self) -> None:
        assert self.history is not None and self.session is not None
        changed = self.log.take_changed()
        if changed:
            session = self.session
            self.history.submit(lambda store: store.record_steps(after(session), changed))

    def _queue(self, method, state: PlayerState, **extra: object) -> None:  # type: ignore[no-untyped-def]
        assert self.history is not None and self.session is not None
        session = self.session
        values = dict(steps_done=steps_done(self.timeline, state.index),
                      active_seconds=round(state.active_seconds),
                      phase_index=min(state.index, len(self.timeline.phases)), **extra)
        self.history.submit(lambda store: method(store, after(session), **values))


def close_dead_sessions(store: Store, holds_instance_lock: bool) -> list[SessionRecord]:
    """Mark sessions left 'running' by a dead app as interrupted; return them.

    With the instance lock held no other Coach is running, so every 'running'
    row is from a dead app; without it, only rows with no heartbeat for
    :data:`STALE_AFTER` are (the other app's live session is left alone).
    """
    stale = 0.0 if holds_instance_lock else STALE_AFTER
    return store.mark_interrupted(older_than=timedelta(seconds=stale))


def resumable_with_steps(store: Store) -> tuple[SessionRecord | None, tuple[StepRecord, ...]]:
    """The session to offer for resuming (or None), with its step records so
    far, so the carried-on session's share done counts the time before too."""
    record = store.resumable_session()
    if record is None:
        return None, ()
    return record, tuple(store.step_records(record.id))
