"""Progress: what you did and how your back felt, over 7, 30, 90 or 365 days.

Thin on purpose: the figures come from coach.stats (SQLite aggregates) and
the charts are drawn by coach.charts into textual-plotext widgets, coloured
from the active theme and redrawn when it changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import DataTable, Footer, Header, Static, Tab, Tabs
from textual_plotext import PlotextPlot

from coach.charts import CHARTS, Palette
from coach.stats import EMPTY_TEXT, RANGES, ROUTINE_COLUMNS, Report, build_report, range_label, routine_rows, summary_lines
from coach.sanitize import printable
from coach.store import StoreError
from screens.widgets.heatmap import Heatmap
from screens.widgets.sit_line import SitLine

if TYPE_CHECKING:
    from screens.app import CoachApp

DEFAULT_DAYS = 30
#: At this width or more, charts sit two to a row.
WIDE = 110


def theme_palette(variables: dict[str, str]) -> Palette:
    """Chart colours from the theme's variables, as plotext RGB tuples."""

    def rgb(name: str) -> tuple[int, int, int]:
        return Color.parse(variables[name]).rgb

    return Palette(
        minutes=rgb("primary"), before=rgb("warning"), after=rgb("success"),
        longest=rgb("error"), average=rgb("accent"), flareup=rgb("error"),
        answers={"taken": rgb("success"), "already": rgb("accent"), "natural": rgb("primary"),
                 "snoozed": rgb("warning"), "skipped": rgb("secondary"), "missed": rgb("error")},
    )


class ProgressScreen(Screen[None]):
    """Charts and figures for one range; 1-4 or the tabs switch it."""

    AUTO_FOCUS = "#progress-body"

    BINDINGS = [
        Binding("escape", "close", "Back", id="progress.back"),
        Binding("r", "next_range", "Next range", id="progress.next_range"),
        *(Binding(str(n), f"show_range({days})", f"{days} days", show=False)
          for n, days in enumerate(RANGES, start=1)),
    ]

    def __init__(self, days: int = DEFAULT_DAYS) -> None:
        super().__init__()
        self.days = days
        self.report: Report | None = None
        self._plots: list[PlotextPlot] = []

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        # The figures are read first, so every widget starts in its final
        # state: no second layout pass when the data arrives.
        self.report = self.read_report()
        self.set_class(self.report is None or self.report.empty, "empty")
        yield Header()
        yield Tabs(*(Tab(f"{n} · {days} days", id=f"days-{days}") for n, days in enumerate(RANGES, start=1)),
                   active=f"days-{self.days}", id="ranges")
        with VerticalScroll(id="progress-body"):
            yield Static(self.summary_text(), id="summary")
            yield Heatmap(id="heatmap")
            with Vertical(id="charts", classes="wide" if self.app.size.width >= WIDE else ""):
                for name, *_ in CHARTS:
                    yield PlotextPlot(id=f"chart-{name}", classes="chart")
            yield Static(id="quiet", classes="hidden")
            yield Static(Content.styled("Routines in this range", "bold"), id="routines-title")
            yield DataTable(id="routine-totals", cursor_type="row", zebra_stripes=True, show_cursor=False)
        yield SitLine()
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Progress"
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._plots = list(self.query(PlotextPlot))
        self.show()

    def on_unmount(self) -> None:
        # The signal keeps its subscribers until it next fires: let go of this
        # screen and its plots now, or every visit would stay in memory.
        signal = self.app.theme_changed_signal
        signal.unsubscribe(self)
        for plot in self._plots:  # already out of the DOM here: query() finds none
            signal.unsubscribe(plot)

    def on_resize(self) -> None:
        self.query_one("#charts").set_class(self.size.width >= WIDE, "wide")

    # -- data -------------------------------------------------------------
    def read_report(self) -> Report | None:
        """The range's figures (a few indexed queries), or None without a history."""
        store = self.coach.services.store
        if store is None:
            return None
        try:
            return build_report(store, self.coach.services.wall().date(), self.days)
        except StoreError as err:
            self.notify(str(err), title="History", severity="error", markup=False)
            return None

    def load(self) -> None:
        """Read the current range again and show it."""
        self.report = self.read_report()
        self.show()

    def summary_text(self) -> Content:
        report = self.report
        if report is None or report.empty:
            return Content("\n\n").join([Content.styled(EMPTY_TEXT[0], "bold"), Content(EMPTY_TEXT[1])])
        return Content("\n").join(
            [Content.styled(f"Your {range_label(report)}", "bold"), *map(Content, summary_lines(report))])

    def show(self) -> None:
        report = self.report
        self.set_class(report is None or report.empty, "empty")
        self.query_one("#summary", Static).update(self.summary_text())
        if report is None or report.empty:
            return
        self.query_one(Heatmap).show(report.heatmap)
        self.draw_charts()
        self.fill_table(report)

    def draw_charts(self) -> None:
        report = self.report
        if report is None or report.empty:
            return
        palette = theme_palette(self.app.theme_variables)
        quiet = []
        for name, draw, has_data, nothing in CHARTS:
            plot = self.query_one(f"#chart-{name}", PlotextPlot)
            plot.display = has_data(report)
            if plot.display:
                draw(plot.plt, report, palette)
                plot.refresh()
            else:
                quiet.append(nothing)
        note = self.query_one("#quiet", Static)
        note.update(Content("\n").join(map(Content, quiet)))
        note.set_class(not quiet, "hidden")

    def fill_table(self, report: Report) -> None:
        table = self.query_one("#routine-totals", DataTable)
        table.clear(columns=True)
        for column in ROUTINE_COLUMNS:
            table.add_column(column, key=column)
        for row in routine_rows(report):
            # Titles come from routine files: Text is never parsed as markup.
            table.add_row(Text(printable(row[0])), *(Text(cell, justify="right") for cell in row[1:]))
        self.query_one("#routines-title").display = bool(report.routines)
        table.display = bool(report.routines)

    def _theme_changed(self, theme: Theme) -> None:
        self.draw_charts()
        self.query_one(Heatmap).refresh()

    # -- actions ----------------------------------------------------------
    @on(Tabs.TabActivated, "#ranges")
    def _range_tab(self, event: Tabs.TabActivated) -> None:
        days = int(str(event.tab.id).removeprefix("days-"))
        if days != self.days:
            self.days = days
            self.load()

    def action_show_range(self, days: int) -> None:
        self.query_one(Tabs).active = f"days-{days}"

    def action_next_range(self) -> None:
        self.action_show_range(RANGES[(RANGES.index(self.days) + 1) % len(RANGES)])

    def action_close(self) -> None:
        self.dismiss()
