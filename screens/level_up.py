"""Offer one step up in a routine with ranges (coach.progression)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from coach.model import Routine
from coach.progression import changes, describe_level
from screens.confirm import ConfirmScreen
from screens.text import bullets, literal


class LevelUpScreen(ConfirmScreen):
    """"Ready for one step up?": enter takes it, n or escape stays."""

    BINDINGS = [
        Binding("enter", "yes", "Step up", id="level_up.yes"),
        Binding("n,escape", "no", "Stay at this level", id="level_up.no"),
    ]
    YES_LABEL = "Step up"
    NO_LABEL = "Stay"
    DIALOG_CLASSES = "level-up"

    def __init__(self, routine: Routine, level: int) -> None:
        super().__init__()
        self.routine = routine
        self.level = level

    def body(self) -> ComposeResult:
        routine, level = self.routine, self.level
        yield Static(Content.styled("Ready for one step up?", "bold"), classes="dialog-title")
        yield Static(Content.assemble(
            "Your last two sessions of ", literal(routine.title, "bold"),
            " were completed without more pain. One step up, from ",
            describe_level(routine, level), " to ", describe_level(routine, level + 1), ":"))
        yield Static(bullets(changes(routine, level, level + 1)))
        yield Static(Content.styled("Enter takes it; n stays where you are (offered again after two more"
                                    " good sessions).", "$text-muted"))
