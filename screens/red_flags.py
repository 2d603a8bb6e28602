"""The red flags: when to get care instead of using the coach.

Two screens share the content: :class:`RedFlagScreen` before first use (the
user confirms none apply, or quits) and :class:`StopAdviceScreen` after a stop
for pain or a new symptom (the routine's stop advice first, then the flags).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from coach import safety
from screens.confirm import ConfirmScreen
from screens.text import bullets, join_blocks, section


def red_flag_content(stop_advice: tuple[str, ...] = ()) -> Content:
    """The red-flag list (our own text), with a routine's stop advice first if given."""
    return join_blocks([
        section("This routine says stop if:", stop_advice),
        *(Content("\n").join([Content.styled(tier.advice, f"bold {TIER_STYLE[tier.key]}"), bullets(tier.signs)])
          for tier in safety.TIERS),
    ])


#: How each tier's advice looks (the words say it too, for no colour).
TIER_STYLE = {"emergency": "$error", "urgent": "$warning", "doctor": "$text-warning"}


class _RedFlagsBase(ConfirmScreen):
    TITLE_TEXT = "When to get help instead of using Coach"
    DIALOG_CLASSES = "red-flags"

    def __init__(self, stop_advice: tuple[str, ...] = (), title: str | None = None) -> None:
        super().__init__()
        self.stop_advice = stop_advice
        self.title_text = title or self.TITLE_TEXT

    def body(self) -> ComposeResult:
        yield Static(Content.assemble(
            Content.styled(self.title_text, "bold"), "\n",
            Content.styled(safety.NOT_A_DOCTOR, "italic")), classes="dialog-title")
        yield Static(red_flag_content(self.stop_advice), id="red-flag-list")


class RedFlagScreen(_RedFlagsBase):
    """Before first use: dismisses True when the user confirms none apply.

    The confirmation is refused until the whole list has been on screen: at
    a small size the dialog scrolls, and its end must have been reached once.
    """

    BINDINGS = [
        Binding("enter", "yes", "None apply", id="red_flags.confirm"),
        Binding("escape", "no", "Quit", id="red_flags.quit"),
    ]
    YES_LABEL = safety.CONFIRM
    NO_LABEL = "Quit"

    def __init__(self) -> None:
        super().__init__()
        self.read_to_end = False

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        self.query_one("#yes").disabled = True
        dialog.focus()  # arrows, page down and space scroll the list
        self.watch(dialog, "scroll_y", self.check_read, init=False)
        self.watch(dialog, "virtual_size", self.check_read, init=False)
        self.call_after_refresh(self.check_read)

    def on_resize(self) -> None:
        self.call_after_refresh(self.check_read)

    def check_read(self, *_: object) -> None:
        """Enable the confirmation once the end of the list has been in view,
        or is being scrolled into view (end pressed: the scroll is animated,
        and enter pressed during it used to be refused)."""
        if self.read_to_end or not self.is_mounted:
            return
        dialog = self.query_one("#dialog")
        if dialog.size.height and max(dialog.scroll_y, dialog.scroll_target_y) >= dialog.max_scroll_y:
            self.read_to_end = True
            self.query_one("#yes").disabled = False

    def action_yes(self) -> None:
        self.check_read()
        if not self.read_to_end:
            self.notify(safety.READ_FIRST, title="Red flags", severity="warning", markup=False)
            return
        super().action_yes()


class StopAdviceScreen(_RedFlagsBase):
    """After a stop for pain or a new symptom: information, then close."""

    TITLE_TEXT = "You stopped because of pain or a new symptom"
    BINDINGS = [Binding("enter,escape", "yes", "Close", id="stop_advice.close")]
    YES_LABEL = "Close"
    NO_LABEL = ""
