"""Messages screens post to the app (they bubble from any screen to it).

The app talks back through its signals (``CoachApp.library_changed``,
``history_changed``, ``flareup_read``), which screens subscribe to; no screen
searches the screen stack for another."""

from __future__ import annotations

from textual.message import Message


class StartRoutine(Message):
    """Start this routine (by id): its cautions, pain check, the player."""

    def __init__(self, routine_id: str) -> None:
        super().__init__()
        self.routine_id = routine_id


class StartDeskBreak(Message):
    """Start the configured desk break (``sitting.break_routine``)."""


class RoutineSaved(Message):
    """A routine file was written: look at the routine folder now, not at the next poll."""
