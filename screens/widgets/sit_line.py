"""The sit timer's line, shown on every main screen: "sitting 23:10 - break in 6:50"."""

from __future__ import annotations

from textual.widgets import Static


class SitLine(Static):
    """Shows the app's ``sit_text``; updates only when the text changes."""

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

    def on_mount(self) -> None:
        self.watch(self.app, "sit_text", self._show)
        self.watch(self.app, "sit_due", self._due)

    def _show(self, text: str) -> None:
        self.update(text, layout=False)

    def _due(self, due: bool) -> None:
        self.set_class(due, "due")
