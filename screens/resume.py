"""Offer to resume a routine the app was closed in the middle of."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from coach.store import SessionRecord
from screens.text import literal


class ResumeScreen(ModalScreen[bool]):
    """"You were in the middle of ...": resume (enter) or not (escape)."""

    BINDINGS = [
        Binding("enter", "resume", "Resume", id="resume.yes"),
        Binding("escape", "dismiss_offer", "Not now", id="resume.no"),
    ]

    def __init__(self, record: SessionRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        record = self.record
        started = record.started_local.strftime("%H:%M")
        with Vertical(id="dialog", classes="resume"):
            yield Static(Content.styled("Carry on where you stopped?", "bold"), classes="dialog-title")
            yield Static(Content.assemble(
                literal(record.routine_title, "bold"),
                f" was interrupted at step {record.steps_done + 1} of {record.steps_total} (started {started}).",
            ))
            with Horizontal(classes="buttons"):
                yield Button("Resume", id="resume", variant="primary", compact=True)
                yield Button("Not now", id="no", compact=True)
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "resume")

    def action_resume(self) -> None:
        self.dismiss(True)

    def action_dismiss_offer(self) -> None:
        self.dismiss(False)
