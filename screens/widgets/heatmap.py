"""A calendar heatmap: recent weeks as columns, Monday to Sunday as rows,
each day shaded by its minutes of routines in the theme's colours."""

from __future__ import annotations

from datetime import date

from textual.color import Color
from textual.content import Content, Span
from textual.widget import Widget

from coach.stats import HEAT_ROW_LABELS, HEAT_THRESHOLDS, heatmap_weeks, month_row

LABEL = 4
CELL = "■ "
EMPTY = "· "


class Heatmap(Widget):
    """Draws as many of the given weeks as fit its width."""

    DEFAULT_CSS = """
    Heatmap {
        height: 9;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.days: tuple[tuple[date, int], ...] = ()

    def show(self, days: tuple[tuple[date, int], ...]) -> None:
        self.days = days
        self.refresh()

    def _shades(self) -> list[str]:
        """Level 1..4: from a faint to a full mix of the success colour."""
        variables = self.app.theme_variables
        base = Color.parse(variables["surface"])
        full = Color.parse(variables["success"])
        return [base.blend(full, factor).hex for factor in (0.3, 0.55, 0.8, 1.0)]

    def render(self) -> Content:
        if not self.days:
            return Content("")
        cell = len(CELL)
        weeks = heatmap_weeks(self.days, max(1, (self.size.width - LABEL) // cell), cell)
        shades = self._shades()
        muted = self.app.theme_variables["text-muted"]
        lines = [Content(" " * LABEL + month_row(weeks, cell))]
        for row in range(7):
            text, spans = f"{HEAT_ROW_LABELS[row]:<{LABEL}}", []
            for week in weeks:
                if row >= len(week.levels):
                    text += " " * cell
                    continue
                level = week.levels[row]
                start = len(text)
                text += CELL if level else EMPTY
                spans.append(Span(start, start + 1, shades[level - 1] if level else muted))
            lines.append(Content(text.rstrip(), spans))
        legend, spans = " " * LABEL + "less ", []
        for n, shade in enumerate(shades):
            spans.append(Span(len(legend), len(legend) + 1, shade))
            legend += CELL
        legend += "more  (minutes a day: " + ", ".join(f"{t}+" for t in HEAT_THRESHOLDS) + ")"
        lines.append(Content(legend, spans))
        return Content("\n").join(lines)
