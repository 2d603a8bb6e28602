"""``coach stats``: the progress summary and main charts as terminal text.

Plain text when the output is not a terminal or ``NO_COLOR`` is set, so it
can be pasted into a message; plotext's colours otherwise. Routine titles come
from user files and are escaped before they reach the terminal.
"""

from __future__ import annotations

from datetime import date

from coach.charts import CHARTS, TERMINAL, Palette
from coach.sanitize import printable
from coach.stats import (
    EMPTY_TEXT,
    HEAT_ROW_LABELS,
    ROUTINE_COLUMNS,
    Report,
    heatmap_weeks,
    month_row,
    range_label,
    routine_rows,
    summary_lines,
)

#: Heatmap cells by level: nothing, then four shades.
HEAT_CHARS = "·░▒▓█"
CHART_HEIGHT = 14
#: The pain chart needs a row for each score 0..10 plus its frame.
PAIN_HEIGHT = 17


def heatmap_lines(heatmap: tuple[tuple[date, int], ...], width: int) -> list[str]:
    """Weeks as columns (newest on the right), Monday..Sunday as rows, with
    month names over the weeks where a month begins."""
    label = 4
    weeks = heatmap_weeks(heatmap, width - label)
    lines = [" " * label + month_row(weeks)]
    for row in range(7):
        cells = [HEAT_CHARS[w.levels[row]] if row < len(w.levels) else " " for w in weeks]
        lines.append(f"{HEAT_ROW_LABELS[row]:<{label}}" + "".join(cells).rstrip())
    lines.append(" " * label + "less " + HEAT_CHARS + " more  (minutes of routines a day: 0, 1+, 10+, 20+, 30+)")
    return lines


def table_lines(header: tuple[str, ...], rows: list[tuple[str, ...]], width: int = 80) -> list[str]:
    """A plain table, numbers right-aligned; the first column is shortened
    (with "...") so that no line is wider than ``width``."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    room = width - sum(widths[1:]) - 2 * (len(widths) - 1)
    if widths[0] > room:
        widths[0] = max(len(header[0]), room)

    def fit(text: str, w: int) -> str:
        return text if len(text) <= w else text[:max(0, w - 3)] + "..."

    out = []
    for n, row in enumerate([header, *rows]):
        cells = [fit(cell, w).ljust(w) if i == 0 else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(row, widths))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def render_stats(report: Report, width: int = 80, color: bool = False) -> str:
    """The whole ``coach stats`` output for one range."""
    import plotext as plt

    width = max(40, min(width, 140))
    out = [f"Coach progress, {range_label(report)}", ""]
    if report.empty:
        out.extend(EMPTY_TEXT)
        return "\n".join(out) + "\n"
    out.extend(summary_lines(report))
    out += ["", "Days with a routine, recent weeks:"]
    out.extend(heatmap_lines(report.heatmap, width))
    palette = TERMINAL if color else Palette()
    for name, draw, has_data, nothing in CHARTS:
        out.append("")
        if not has_data(report):
            out.append(nothing)
            continue
        plt.clear_figure()
        plt.limit_size(False, False)  # the width asked for, not the terminal's
        plt.plotsize(width, PAIN_HEIGHT if name == "pain" else CHART_HEIGHT)
        plt.theme("pro" if color else "clear")
        draw(plt, report, palette)
        chart = plt.build()
        out.append(chart if color else plt.uncolorize(chart))
    if report.routines:
        out += ["", "Routines in this range:"]
        rows = [tuple(printable(cell) for cell in row) for row in routine_rows(report)]
        out.extend(table_lines(ROUTINE_COLUMNS, rows, width))
    return "\n".join(line.rstrip() for line in "\n".join(out).splitlines()) + "\n"
