"""Offer to resume a routine the app was closed in the middle of."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from coach.store import SessionRecord
from screens.confirm import ConfirmScreen
from screens.text import literal


class ResumeScreen(ConfirmScreen):
    """"You were in the middle of ...": resume (enter) or not (escape)."""

    BINDINGS = [
        Binding("enter", "yes", "Resume", id="resume.yes"),
        Binding("escape", "no", "Not now", id="resume.no"),
    ]
    YES_LABEL = "Resume"
    NO_LABEL = "Not now"
    DIALOG_CLASSES = "resume"

    def __init__(self, record: SessionRecord) -> None:
        super().__init__()
        self.record = record

    def body(self) -> ComposeResult:
        record = self.record
        started = record.started_local.strftime("%H:%M")
        yield Static(Content.styled("Carry on where you stopped?", "bold"), classes="dialog-title")
        yield Static(Content.assemble(
            literal(record.routine_title, "bold"),
            f" was interrupted at step {record.steps_done + 1} of {record.steps_total} (started {started}).",
        ))
