"""Why are you stopping? Pain worse, a new symptom, or just stopping."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coach.safety import STOP_REASONS
from screens.widgets.footer import KeysFooter


class StopReasonScreen(ModalScreen["str | None"]):
    """Returns a stop reason id, or None to carry on with the routine."""

    BINDINGS = [Binding("escape", "carry_on", "Carry on", id="stop.carry_on")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="stop"):
            yield Static(Content.styled("Stop the routine: why?", "bold"), classes="dialog-title")
            yield OptionList(*[Option(Content(label), id=key) for key, label in STOP_REASONS], id="reasons")
            yield Static(Content.styled("escape: carry on with the routine", "$text-muted"))
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = len(STOP_REASONS) - 1

    @on(OptionList.OptionSelected, "#reasons")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_carry_on(self) -> None:
        self.dismiss(None)
