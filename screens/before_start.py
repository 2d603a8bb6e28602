"""Before a routine: what it is, its cautions, and who should not do it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from coach.durations import format_duration
from coach.model import Routine
from coach.timeline import build_timeline
from screens.text import join_blocks, literal, section


class BeforeStartScreen(ModalScreen[bool]):
    """Shows cautions and asks the user to confirm ``do_not_use_if`` does not apply."""

    BINDINGS = [
        Binding("enter", "start", "Start", id="before.start"),
        Binding("escape", "cancel", "Back", id="before.cancel"),
    ]

    def __init__(self, routine: Routine) -> None:
        super().__init__()
        self.routine = routine

    def compose(self) -> ComposeResult:
        routine = self.routine
        total = format_duration(build_timeline(routine).total)
        with VerticalScroll(id="dialog"):
            yield Static(literal(routine.title, "bold"), classes="dialog-title")
            yield Static(join_blocks([
                literal(routine.summary),
                Content(f"About {total} of timed steps."),
                section("Cautions", routine.cautions),
                section("Do not use this routine if", routine.do_not_use_if),
                section("Stop if", routine.stop_if),
            ]), id="before-text")
            label = "None of these apply: start" if routine.do_not_use_if else "Start"
            with Horizontal(classes="buttons"):
                yield Button(label, id="start", variant="primary", compact=True)
                yield Button("Back", id="cancel", compact=True)
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "start")

    def action_start(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
