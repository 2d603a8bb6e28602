"""A quiet progress bar: repaints only when its drawn width changes.

Textual's ProgressBar runs its own one-second timer for the ETA even when the
ETA is hidden; during a long countdown that doubles the app's wake-ups.
"""

from __future__ import annotations

from textual.content import Content
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

    def render(self) -> Content:
        width = self._bar_width()
        full, half = divmod(self.halves, 2)
        filled = FULL * full + (HALF if half else "")
        rest = FULL * (width - len(filled))
        return Content.assemble(
            Content.styled(filled, "$primary"),
            Content.styled(rest, "$foreground 20%"),
            f" {self.percent:>3d}%",
        )
