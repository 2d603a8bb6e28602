"""A Static for a line of plain text that changes often (the player's time left, rep counts).

Static draws any change through Textual's general text path (wrapping,
alignment, links, selection): a few tenths of a millisecond each time, every
second for the routine's time left. A plain line that fits in one line of the
widget, left-aligned, is drawn here straight into a strip with the same
characters and style. Anything else (styled spans, a line that would wrap,
other alignment, a text selection) goes through Static as before.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Static

_OFFSET = Style(meta={"offset": (0, 0)})  # as Static's own segments carry (text selection)


class TextLine(Static):
    """A Static whose plain one-line text is drawn without the general text path."""

    def __init__(self, content: str | Content = "", *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(content, id=id)
        self._style: Style | None = None  # the text's style, looked up once per style change

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = None

    def _plain(self) -> str | None:
        """The text, when the quick path draws it as Static would; None otherwise."""
        content = self.content
        if not isinstance(content, Content) or content.spans or "\n" in content.plain:
            return None
        text = content.plain
        styles = self.styles
        if (cell_len(text) > self.size.width or styles.text_align not in ("left", "start")
                or styles.content_align != ("left", "top") or self.text_selection is not None):
            return None
        return text

    def render_line(self, y: int) -> Strip:
        text = self._plain() if y == 0 else None
        if not text:
            return super().render_line(y)
        if self._style is None:
            self._style = self.visual_style.rich_style + _OFFSET
        return Strip([Segment(text, self._style)], cell_len(text))
