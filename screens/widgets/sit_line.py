"""The sit timer's line, shown on every main screen: "sitting 23:10 - break in 6:50"."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Static


class SitLine(Static):
    """Shows the app's ``sit_text``; updates only when the text changes, and
    only while its screen is the one on top.

    Behind a dialog the line would change every second under it, and each
    change makes Textual draw the dialog's backdrop again (3-4x a bare app's
    idle CPU, issue 17); it shows the latest text when its screen is back on
    top instead.
    """

    DEFAULT_CSS = """
    SitLine {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $panel;
    }
    SitLine.due {
        color: $text-warning;
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: str | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "sit_text", self._show)
        self.watch(self.app, "sit_due", self._due)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def on_unmount(self) -> None:
        # A signal's subscriber list holds the widget through its callback: let go.
        self.app.screen_change_signal.unsubscribe(self)

    def _show(self, text: str) -> None:
        if self._shown != text and self.app.screen is self.screen:  # not is_current: true behind a dialog too
            self._shown = text
            self.update(text, layout=False)

    def _screen_changed(self, _: Screen) -> None:
        self._show(self.app.sit_text)  # type: ignore[attr-defined]

    def _due(self, due: bool) -> None:
        self.set_class(due, "due")
