"""Keeps the history row of a routine session in step with the player.

The row is written when the routine starts and updated whenever a step is
done (and at least every :data:`HEARTBEAT` seconds), so a killed app leaves an
interrupted session that says how far it got. History errors never stop a
routine: they are collected in ``problems`` for the screen to show once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from coach.engine import PlayerState, Status, steps_done
from coach.model import Routine
from coach.store import SessionRecord, Store, StoreError
from coach.timeline import Timeline

HEARTBEAT = 30.0  # seconds between updates within one long step
STALE_AFTER = 2 * HEARTBEAT  # a 'running' row not updated for this long is from a dead app


@dataclass
class SessionRecorder:
    """Writes one session's row as the player moves."""

    store: Store | None
    routine: Routine
    timeline: Timeline
    session_id: int | None = None
    problems: list[str] = field(default_factory=list)
    _last_index: int = -1
    _last_active: float = 0.0

    def begin(self, pain_before: int | None = None, resume_id: int | None = None) -> None:
        """Write the row (or take over an interrupted one when resuming)."""
        if self.store is None:
            return
        try:
            if resume_id is not None:
                self.session_id = resume_id
                self.store.mark_resumed(resume_id)
            else:
                self.session_id = self.store.start_session(
                    self.routine.id, self.routine.title, self.timeline.step_count, pain_before=pain_before
                )
        except (StoreError, ValueError) as err:
            self.problems.append(str(err))
            self.session_id = None

    def observe(self, state: PlayerState) -> None:
        """Update the row when a step is done, or as a heartbeat."""
        if self.session_id is None or self.store is None or state.done:
            return
        if state.index == self._last_index and state.active_seconds - self._last_active < HEARTBEAT:
            return
        self._last_index, self._last_active = state.index, state.active_seconds
        self._write(self.store.update_session, state)

    def finish(self, state: PlayerState, *, pain_after: int | None = None, stop_reason: str | None = None) -> None:
        """Close the row as completed or stopped."""
        if self.session_id is None or self.store is None:
            return
        outcome = "completed" if state.status is Status.FINISHED else "stopped"
        self._write(
            self.store.finish_session, state, outcome=outcome, pain_after=pain_after,
            stop_reason=stop_reason if outcome == "stopped" else None,
        )
        self.session_id = None

    def _write(self, method, state: PlayerState, **extra: object) -> None:  # type: ignore[no-untyped-def]
        try:
            method(
                self.session_id,
                steps_done=steps_done(self.timeline, state.index),
                active_seconds=round(state.active_seconds),
                phase_index=min(state.index, len(self.timeline.phases)),
                **extra,
            )
        except (StoreError, ValueError) as err:
            self.problems.append(str(err))


def close_dead_sessions(store: Store, holds_instance_lock: bool) -> list[SessionRecord]:
    """Mark sessions left 'running' by a dead app as interrupted; return them.

    With the instance lock held no other Coach is running, so every 'running'
    row is from a dead app; without it, only rows with no heartbeat for
    :data:`STALE_AFTER` are (the other app's live session is left alone).
    """
    stale = 0.0 if holds_instance_lock else STALE_AFTER
    return store.mark_interrupted(older_than=timedelta(seconds=stale))
