"""A quiet progress bar: repaints only when its drawn width changes.

Textual's ProgressBar runs its own one-second timer for the ETA even when the
ETA is hidden; during a long countdown that doubles the app's wake-ups.

``render`` says what the bar is; ``render_line`` draws the same cells straight
into a strip with the three styles looked up once (per style change): the
general text path took about half a millisecond per repaint, which a moving
figure pays every second or two.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

FULL, HALF = "━", "╸"


class RoutineProgress(Widget):
    """A bar and a percentage for ``done`` of ``total`` seconds."""

    DEFAULT_CSS = """
    RoutineProgress { height: 1; }
    """

    def __init__(self, total: float = 1.0, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = max(1.0, total)
        self._done = 0.0
        # The number of half-cells filled and the percentage: repainted (once) only when either changes.
        self.halves = 0
        self.percent = 0
        self._styles: tuple[Style, Style, Style] | None = None  # filled, the rest, the percentage

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def set_progress(self, done: float) -> None:
        self._done = min(max(done, 0.0), self.total)
        self._recompute()

    def on_resize(self) -> None:
        self._recompute()

    def _bar_width(self) -> int:
        return max(1, self.size.width - 6)

    def _recompute(self) -> None:
        fraction = self._done / self.total
        halves, percent = round(fraction * self._bar_width() * 2), int(fraction * 100)
        if (halves, percent) != (self.halves, self.percent):
            self.halves, self.percent = halves, percent
            self.refresh()

    def _parts(self) -> tuple[str, str, str]:
        full, half = divmod(self.halves, 2)
        filled = FULL * full + (HALF if half else "")
        return filled, FULL * (self._bar_width() - len(filled)), f" {self.percent:>3d}%"

    def render(self) -> Content:
        filled, rest, percent = self._parts()
        return Content.assemble(
            Content.styled(filled, "$primary"),
            Content.styled(rest, "$foreground 20%"),
            percent,
        )

    def _looked_up(self) -> tuple[Style, Style, Style]:
        """The three styles, as the general path draws them (one cell of each)."""
        if self._styles is None:
            probe = Content.assemble(Content.styled(FULL, "$primary"), Content.styled(FULL, "$foreground 20%"), "%")
            strip = Visual.to_strips(self, probe, 3, 1, self.visual_style)[0]
            filled, rest, percent = (next(iter(part)).style or Style() for part in strip.divide([1, 2, 3]))
            self._styles = (filled, rest, percent)
        return self._styles

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y != 0 or width < 7:  # below the bar and its " 100%": the general path (it wraps)
            return super().render_line(y)
        segments, x = [], 0
        for text, style in zip(self._parts(), self._looked_up()):
            if text:  # each carries its offset, as the general path's do (text selection reads it)
                segments.append(Segment(text, style + Style.from_meta({"offset": (x, 0)})))
                x += len(text)
        return Strip(segments, x)  # the rest of the line is padded as for any content
