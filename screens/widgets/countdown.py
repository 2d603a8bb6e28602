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
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Digits

_OFFSET = Style(meta={"offset": (0, 0)})  # as Digits' own segments carry (text selection)


class Countdown(Digits):
    """A Digits whose lines are built directly (same look, a fraction of the work)."""

    def __init__(self, value: str = "", *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(value, id=id)
        self._strips: tuple[int, tuple[Strip, ...]] | None = None
        self._bold: bool | None = None  # whether the style is bold (the bold font)

    def update(self, value: str) -> None:
        """Show ``value``; nothing happens when it is already shown.

        A value as wide as the one shown (most seconds) repaints from the first
        column that differs (usually the last digit) to the widget's right edge:
        the screen update writes those cells. (A region ending inside the digits
        would have Textual cut their box-drawing text there, which costs more
        than writing the rest of the line.) Another width goes through Digits
        (a layout pass).
        """
        if value == self.value:
            return
        if self._strips is None or DigitsRenderable.get_width(value) != DigitsRenderable.get_width(self.value):
            self._strips = None
            super().update(value)
            return
        if self._bold is None:
            self._bold = bool(self.rich_style.bold)  # looked up once per style: it walks the ancestors
        before, after = _rows(self.value, self._bold), _rows(value, self._bold)
        self._value = value  # Digits' own field, as Digits.update sets it; the lines are drawn here
        self._strips = None
        differs = [x for x in range(len(after[0])) if any(old[x:x + 1] != new[x:x + 1] for old, new in zip(before, after))]
        if differs:
            width = self.size.width
            start = self._left(width, DigitsRenderable.get_width(value)) + differs[0]
            self.refresh(Region(start, 0, max(1, width - start), len(after)))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None  # a new colour (paused) or theme: drawn again
        self._bold = None

    def render_line(self, y: int) -> Strip:
        """A line of the digits (drawn once per value, width and style)."""
        width = self.size.width
        if self._strips is None or self._strips[0] != width:
            self._strips = (width, self._draw(width))
        strips = self._strips[1]
        return strips[y] if y < len(strips) else Strip.blank(width, self.rich_style)

    def _left(self, width: int, text_width: int) -> int:
        """Columns before the digits, as Digits aligns them."""
        align = self.styles.text_align
        room = max(0, width - text_width)
        return room // 2 if align == "center" else room if align == "right" else 0

    def _draw(self, width: int) -> tuple[Strip, ...]:
        style = self.rich_style
        texts = _rows(self.value, style.bold)
        text_width = DigitsRenderable.get_width(self.value)
        left = self._left(width, text_width)
        right = max(0, width - text_width) - left
        digit_style = style + _OFFSET
        return tuple(
            Strip([segment for segment in (Segment(" " * left, style), Segment(text, digit_style),
                                           Segment(" " * right, style)) if segment.text], width)
            .crop(0, width)
            for text in texts)


def _rows(value: str, bold: bool) -> tuple[str, str, str]:
    """The three lines of text of Digits' 3x3 font for ``value``."""
    font = DIGITS3X3_BOLD if bold else DIGITS3X3
    rows: list[list[str]] = [[], [], []]
    for character in value.translate(DigitsRenderable.REPLACEMENTS):
        position = DIGITS.find(character) * 3
        if position < 0:
            pieces = (" ", " ", character)
        else:
            pieces = (font[position].ljust(3), font[position + 1].ljust(3), font[position + 2].ljust(3))
        for row, piece in zip(rows, pieces):
            row.append(piece)
    first, second, third = ("".join(row) for row in rows)
    return first, second, third
