"""A yes/no dialog: the base of every screen that asks before going on."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button
from screens.widgets.footer import KeysFooter


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses True for yes (``enter``, the first button), False for no.

    Subclasses give ``BINDINGS`` for ``yes``/``no`` with their own words,
    the button labels, and the body in :meth:`body`.
    """

    YES_LABEL = "OK"
    NO_LABEL = "Back"
    DIALOG_CLASSES = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes=self.DIALOG_CLASSES):
            yield from self.body()
            with Horizontal(classes="buttons"):
                yield Button(self.yes_label(), id="yes", variant="primary", compact=True)
                if self.NO_LABEL:
                    yield Button(self.NO_LABEL, id="no", compact=True)
        yield KeysFooter()

    def body(self) -> ComposeResult:
        raise NotImplementedError

    def yes_label(self) -> str:
        return self.YES_LABEL

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)
