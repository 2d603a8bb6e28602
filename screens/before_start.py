"""Before a routine: what it is, its cautions, and who should not do it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from coach.durations import format_duration
from coach.model import Routine
from coach.timeline import build_timeline
from screens.confirm import ConfirmScreen
from screens.text import join_blocks, literal, section


class BeforeStartScreen(ConfirmScreen):
    """Shows cautions and asks the user to confirm ``do_not_use_if`` does not apply."""

    BINDINGS = [
        Binding("enter", "yes", "Start", id="before.start"),
        Binding("escape", "no", "Back", id="before.cancel"),
    ]

    def __init__(self, routine: Routine) -> None:
        super().__init__()
        self.routine = routine

    def yes_label(self) -> str:
        return "None of these apply: start" if self.routine.do_not_use_if else "Start"

    def body(self) -> ComposeResult:
        routine = self.routine
        total = format_duration(build_timeline(routine).total)
        yield Static(literal(routine.title, "bold"), classes="dialog-title")
        yield Static(join_blocks([
            literal(routine.summary),
            Content(f"About {total} of timed steps."),
            section("Cautions", routine.cautions),
            section("Do not use this routine if", routine.do_not_use_if),
            section("Stop if", routine.stop_if),
        ]), id="before-text")
