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
        longest=rgb("error"), average=rgb("accent"),
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

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Tabs(*(Tab(f"{n} · {days} days", id=f"days-{days}") for n, days in enumerate(RANGES, start=1)),
                   active=f"days-{self.days}", id="ranges")
        with VerticalScroll(id="progress-body"):
            yield Static(id="summary")
            yield Heatmap(id="heatmap")
            with Vertical(id="charts"):
                for name, *_ in CHARTS:
                    with Vertical(classes="chart-box"):
                        yield PlotextPlot(id=f"chart-{name}", classes="chart")
                        yield Static(id=f"none-{name}", classes="chart-none")
            yield Static(Content.styled("Routines in this range", "bold"), id="routines-title")
            yield DataTable(id="routine-totals", cursor_type="row", zebra_stripes=True, show_cursor=False)
        yield SitLine()
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Progress"
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.load()

    def on_resize(self) -> None:
        self.query_one("#charts").set_class(self.size.width >= WIDE, "wide")

    # -- data -------------------------------------------------------------
    def load(self) -> None:
        """Read the range's figures (a few indexed queries) and show them."""
        store = self.coach.services.store
        report = None
        if store is not None:
            try:
                report = build_report(store, self.coach.services.wall().date(), self.days)
            except StoreError as err:
                self.notify(str(err), title="History", severity="error", markup=False)
        self.report = report
        self.show()

    def show(self) -> None:
        report = self.report
        empty = report is None or report.empty
        self.set_class(empty, "empty")
        summary = self.query_one("#summary", Static)
        if report is None or report.empty:
            summary.update(Content("\n\n").join([Content.styled(EMPTY_TEXT[0], "bold"), Content(EMPTY_TEXT[1])]))
            return
        summary.update(Content("\n").join(
            [Content.styled(f"Your {range_label(report)}", "bold"), *map(Content, summary_lines(report))]))
        self.query_one(Heatmap).show(report.heatmap)
        self.draw_charts()
        self.fill_table(report)

    def draw_charts(self) -> None:
        report = self.report
        if report is None or report.empty:
            return
        palette = theme_palette(self.app.theme_variables)
        for name, draw, has_data, nothing in CHARTS:
            plot = self.query_one(f"#chart-{name}", PlotextPlot)
            none = self.query_one(f"#none-{name}", Static)
            shown = has_data(report)
            plot.display = shown
            none.display = not shown
            if shown:
                draw(plot.plt, report, palette)
                plot.refresh()
            else:
                none.update(Content(nothing))

    def fill_table(self, report: Report) -> None:
        table = self.query_one("#routine-totals", DataTable)
        table.clear(columns=True)
        for n, column in enumerate(ROUTINE_COLUMNS):
            table.add_column(column, key=column)
        for row in routine_rows(report):
            # Titles come from routine files: Text is never parsed as markup.
            table.add_row(Text(row[0]), *(Text(cell, justify="right") for cell in row[1:]))
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
