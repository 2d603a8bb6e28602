"""The progress charts, drawn with plotext.

Each ``draw_*`` function draws one chart of a :class:`~coach.stats.Report`
into a plotext figure: the ``plotext`` module itself for ``coach stats``, or the
figure inside the app's ``PlotextPlot`` widget. Colours come in a
:class:`Palette` (the app builds one from its theme; the terminal uses
plotext's named colours, or none for plain output).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Union

from coach.stats import ANSWER_LABELS, ANSWER_ORDER, Report, bucket_label

Color = Union[str, tuple[int, int, int], None]
MAX_TICKS = 8


@dataclass(frozen=True)
class Palette:
    minutes: Color = None
    before: Color = None
    after: Color = None
    longest: Color = None
    average: Color = None
    flareup: Color = None
    answers: dict[str, Color] = field(default_factory=dict)


#: Named colours for a colour terminal (plotext names).
TERMINAL = Palette(
    minutes="blue+", before="orange+", after="green+", longest="red+", average="cyan+", flareup="red",
    answers={"taken": "green+", "already": "cyan+", "natural": "blue+",
             "snoozed": "orange+", "skipped": "magenta+", "missed": "red+"},
)


def _color(value: Color) -> dict[str, Any]:
    return {} if value is None else {"color": value}


def _start(fig: Any, report: Report, title: str) -> list[int]:
    """Common set-up; returns the x positions of the buckets."""
    fig.clear_data()
    fig.title(title)
    return list(range(1, len(report.buckets) + 1))


def _finish(fig: Any, report: Report, top: float, *, integer: bool = True) -> None:
    """Date labels under the x axis (a few, always the latest) and round
    numbers up the y axis; after drawing, which sets its own ticks."""
    xs = list(range(1, len(report.buckets) + 1))
    step = max(1, -(-len(xs) // MAX_TICKS))
    ticks = xs[::-1][::step][::-1]
    fig.xticks(ticks, [bucket_label(report.buckets[x - 1], report.per) for x in ticks])
    fig.xlim(0.5, len(xs) + 0.5)
    ys = nice_ticks(top)
    fig.ylim(0, ys[-1] * 1.05)
    fig.yticks(ys, [f"{y:g}" for y in ys])


def nice_ticks(top: float, most: int = 5) -> list[float]:
    """0 and round steps up to at least ``top``: at most ``most`` + 1 ticks."""
    top = max(top, 1)
    for step in (1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1200, 3000, 6000):
        if top / step <= most:
            break
    count = int(-(-top // step))
    return [step * n for n in range(count + 1)]


def per(report: Report) -> str:
    return "per day" if report.per == "day" else "per week"


def draw_minutes(fig: Any, report: Report, palette: Palette) -> None:
    xs = _start(fig, report, f"Minutes of routines {per(report)}{_flare_note(report)}")
    ys = [round(b.minutes, 1) for b in report.buckets]
    fig.bar(xs, ys, width=0.6, **_color(palette.minutes))
    _flareups(fig, report, palette)
    _finish(fig, report, max(ys))


def _flare_note(report: Report) -> str:
    shown = any(report.bucket_of(span.started.date()) for span in report.flareups)
    return "; | a flare-up began" if shown else ""


def _flareups(fig: Any, report: Report, palette: Palette) -> None:
    """A vertical line at the day (or week) each flare-up started."""
    for span in report.flareups:
        x = report.bucket_of(span.started.date())
        if x is not None:
            fig.vline(x, **_color(palette.flareup))


def _runs(points: list[tuple[int, float]]) -> list[list[tuple[int, float]]]:
    """Split points into runs of neighbouring buckets, so no line is drawn
    across days without a score."""
    runs: list[list[tuple[int, float]]] = []
    for x, y in points:
        if runs and runs[-1][-1][0] == x - 1:
            runs[-1].append((x, y))
        else:
            runs.append([(x, y)])
    return runs


def draw_pain(fig: Any, report: Report, palette: Palette) -> None:
    xs = _start(fig, report, f"Pain before and after routines, 0-10 (average {per(report)}){_flare_note(report)}")
    for label, attr, color, marker in (("before", "pain_before", palette.before, "●"),
                                       ("after", "pain_after", palette.after, "◆")):
        points = [(x, getattr(b, attr)) for x, b in zip(xs, report.buckets)
                  if getattr(b, attr) is not None]
        for n, run in enumerate(_runs(points)):
            extra: dict[str, Any] = {"label": label} if n == 0 else {}
            fig.plot([p[0] for p in run], [p[1] for p in run],
                     marker=marker, **extra, **_color(color))
    _flareups(fig, report, palette)
    _finish(fig, report, 10)
    fig.yticks([0, 2, 4, 6, 8, 10])


#: Each break answer drawn with its own texture, so the series tell apart
#: without colour too (NO_COLOR, a pipe, colour-blindness); the legend shows them.
ANSWER_MARKERS = {
    "taken": "█", "already": "▓", "natural": "▒", "snoozed": "░",
    "skipped": "╳", "missed": "·", "gap": "-",
}
#: The two sitting series, the same way.
BOUT_MARKERS = ("█", "░")


def draw_breaks(fig: Any, report: Report, palette: Palette) -> None:
    xs = _start(fig, report, f"Desk breaks {per(report)}, by answer")
    answers = [a for a in ANSWER_ORDER if report.total.answers(a)]
    series = [[b.answers(a) for b in report.buckets] for a in answers]
    colors = [palette.answers.get(a) for a in answers]
    kwargs: dict[str, Any] = {"labels": [ANSWER_LABELS[a] for a in answers], "width": 0.6,
                              "marker": [ANSWER_MARKERS.get(a, "█") for a in answers]}
    if all(c is not None for c in colors):
        kwargs["color"] = colors
    fig.stacked_bar(xs, series, **kwargs)
    _finish(fig, report, max((sum(col) for col in zip(*series)), default=0))


def draw_bouts(fig: Any, report: Report, palette: Palette) -> None:
    xs = _start(fig, report, f"Sitting between breaks, minutes ({per(report)})")
    longest = [round((b.longest_bout or 0) / 60, 1) for b in report.buckets]
    average = [round((b.average_bout or 0) / 60, 1) for b in report.buckets]
    kwargs: dict[str, Any] = {"labels": ["longest", "average"], "width": 0.7, "marker": list(BOUT_MARKERS)}
    if palette.longest is not None and palette.average is not None:
        kwargs["color"] = [palette.longest, palette.average]
    fig.multiple_bar(xs, [longest, average], **kwargs)
    _finish(fig, report, max(longest))


#: The charts in the order they are shown, with the report test that says
#: whether there is anything to draw (otherwise a line of text says so).
CHARTS: tuple[tuple[str, Callable[[Any, Report, Palette], None], Callable[[Report], bool], str], ...] = (
    ("minutes", draw_minutes, lambda r: r.has_sessions, "No routines in this range."),
    ("pain", draw_pain, lambda r: r.has_pain, "No pain scores in this range (routines with a pain check ask for them)."),
    ("breaks", draw_breaks, lambda r: r.has_breaks, "No desk-break prompts or breaks in this range."),
    ("bouts", draw_bouts, lambda r: r.has_breaks, "No sitting bouts recorded in this range."),
)
