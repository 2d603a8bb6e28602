"""The red-flag screen: when to get care instead of using the coach."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from coach import safety
from screens.text import bullets, join_blocks, section


def red_flag_content(stop_advice: tuple[str, ...] = ()) -> Content:
    """The red-flag list (our own text), with a routine's stop advice first if given."""
    return join_blocks([
        section("This routine says stop if:", stop_advice),
        Content.styled(safety.NOT_A_DOCTOR, "italic"),
        Content("\n").join([Content.styled(safety.EMERGENCY_ADVICE, "bold $error"), bullets(safety.EMERGENCY)]),
        Content("\n").join([Content.styled(safety.SEE_A_DOCTOR_ADVICE, "bold $warning"), bullets(safety.SEE_A_DOCTOR)]),
    ])


class RedFlagScreen(ModalScreen[bool]):
    """Before first use (confirm mode) and after a stop for pain (information)."""

    BINDINGS = [
        Binding("enter", "confirm", "None apply", id="red_flags.confirm", show=True),
        Binding("escape", "leave", "Close", id="red_flags.leave"),
    ]

    def __init__(self, confirm: bool, stop_advice: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.confirm = confirm
        self.stop_advice = stop_advice

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="red-flags"):
            yield Static(Content.styled("Before you start: when to get help instead", "bold"), classes="dialog-title")
            yield Static(red_flag_content(self.stop_advice), id="red-flag-list")
            with Horizontal(classes="buttons"):
                if self.confirm:
                    yield Button(safety.CONFIRM, id="confirm", variant="primary")
                    yield Button("Quit", id="leave")
                else:
                    yield Button("Close", id="leave", variant="primary")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return self.confirm
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm" or not self.confirm)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_leave(self) -> None:
        self.dismiss(not self.confirm)
