"""The red flags: when to get care instead of using the coach.

Two screens share the content: :class:`RedFlagScreen` before first use (the
user confirms none apply, or quits) and :class:`StopAdviceScreen` after a stop
for pain or a new symptom (the routine's stop advice first, then the flags).
"""

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
        Content("\n").join([Content.styled(safety.EMERGENCY_ADVICE, "bold $error"), bullets(safety.EMERGENCY)]),
        Content("\n").join([Content.styled(safety.SEE_A_DOCTOR_ADVICE, "bold $warning"), bullets(safety.SEE_A_DOCTOR)]),
    ])


class _RedFlagsBase(ModalScreen[bool]):
    TITLE_TEXT = "When to get help instead of using Coach"

    def __init__(self, stop_advice: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.stop_advice = stop_advice

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="red-flags"):
            yield Static(Content.assemble(
                Content.styled(self.TITLE_TEXT, "bold"), "\n",
                Content.styled(safety.NOT_A_DOCTOR, "italic")), classes="dialog-title")
            yield Static(red_flag_content(self.stop_advice), id="red-flag-list")
            with Horizontal(classes="buttons"):
                yield from self.buttons()
        yield Footer()

    def buttons(self) -> ComposeResult:
        raise NotImplementedError


class RedFlagScreen(_RedFlagsBase):
    """Before first use: dismisses True when the user confirms none apply."""

    BINDINGS = [
        Binding("enter", "confirm", "None apply", id="red_flags.confirm"),
        Binding("escape", "quit_coach", "Quit", id="red_flags.quit"),
    ]

    def buttons(self) -> ComposeResult:
        yield Button(safety.CONFIRM, id="confirm", variant="primary", compact=True)
        yield Button("Quit", id="quit", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_quit_coach(self) -> None:
        self.dismiss(False)


class StopAdviceScreen(_RedFlagsBase):
    """After a stop for pain or a new symptom: information, then close."""

    TITLE_TEXT = "You stopped because of pain or a new symptom"
    BINDINGS = [Binding("enter,escape", "close", "Close", id="stop_advice.close")]

    def buttons(self) -> ComposeResult:
        yield Button("Close", id="close", variant="primary", compact=True)

    def on_button_pressed(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(True)
