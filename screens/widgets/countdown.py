"""The player's big countdown: Textual's Digits, drawn line by line from a cache.

Digits renders through Rich (a renderable, Align, then lines cut into strips)
each time its value changes: about half a millisecond, once a second, for
three lines of box-drawing characters. This draws the same characters (the
same 3x3 font, centred, in the widget's style) straight into strips, once per
value, size and style.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.renderables.digits import DIGITS, DIGITS3X3, DIGITS3X3_BOLD
from textual.renderables.digits import Digits as DigitsRenderable
from textual.strip import Strip
from textual.widgets import Digits

_OFFSET = Style(meta={"offset": (0, 0)})  # as Digits' own segments carry (text selection)


class Countdown(Digits):
    """A Digits whose lines are built directly (same look, a fraction of the work)."""

    def __init__(self, value: str = "", *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(value, id=id)
        self._strips: tuple[int, tuple[Strip, ...]] | None = None

    def update(self, value: str) -> None:
        """Show ``value``; nothing happens when it is already shown."""
        if value == self.value:
            return
        self._strips = None
        super().update(value)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None  # a new colour (paused) or theme: drawn again

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self._strips is None or self._strips[0] != width:
            self._strips = (width, self._draw(width))
        strips = self._strips[1]
        return strips[y] if y < len(strips) else Strip.blank(width, self.rich_style)

    def _draw(self, width: int) -> tuple[Strip, ...]:
        style = self.rich_style
        font = DIGITS3X3_BOLD if style.bold else DIGITS3X3
        rows: list[list[str]] = [[], [], []]
        for character in self.value.translate(DigitsRenderable.REPLACEMENTS):
            position = DIGITS.find(character) * 3
            if position < 0:
                pieces = (" ", " ", character)
            else:
                pieces = (font[position].ljust(3), font[position + 1].ljust(3), font[position + 2].ljust(3))
            for row, piece in zip(rows, pieces):
                row.append(piece)
        texts = ["".join(row) for row in rows]
        text_width = DigitsRenderable.get_width(self.value)
        align = self.styles.text_align
        room = max(0, width - text_width)
        left = room // 2 if align == "center" else room if align == "right" else 0
        right = room - left
        digit_style = style + _OFFSET
        return tuple(
            Strip([segment for segment in (Segment(" " * left, style), Segment(text, digit_style),
                                           Segment(" " * right, style)) if segment.text], width)
            .crop(0, width)
            for text in texts)
