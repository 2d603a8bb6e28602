"""Progress: what you did and how your back felt, over 7, 30, 90 or 365 days.

Thin on purpose: the figures come from coach.stats (SQLite aggregates) and
the charts are drawn by coach.charts into textual-plotext widgets, coloured
from the active theme and redrawn when it changes. The figures are read on a
thread of their own: the screen shows what it showed last (at first, a line
saying it is reading) until they land, and keys work meanwhile, however long
another program holds the history locked.
"""

from __future__ import annotations

import asyncio
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.theme import Theme
from textual.widgets import DataTable, Header, Static, Tab, Tabs
from textual_plotext import PlotextPlot

from coach.charts import CHARTS, Palette
from coach.stats import EMPTY_TEXT, RANGES, ROUTINE_COLUMNS, Report, build_report, range_label, routine_rows, summary_lines
from coach.history import History, ReadStopped
from coach.sanitize import printable
from coach.store import StoreError
from screens.base import CoachScreen
from screens.widgets.heatmap import Heatmap
from screens.widgets.sit_line import SitLine
from screens.widgets.footer import KeysFooter

DEFAULT_DAYS = 30
#: At this width or more, charts sit two to a row.
WIDE = 110
#: The worker group of the report's reads (tests wait for it).
REPORT_READ = "report-read"
#: A read that has not landed after this long says so (a quick one never flashes a line).
READING_NOTE_AFTER = 0.2
READING = "Reading the history..."


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


class ProgressScreen(CoachScreen[None]):
    """Charts and figures for one range; 1-4 or the tabs switch it."""

    class ReportRead(Message):
        """A range's figures, or why they could not be read (from the read's thread)."""

        def __init__(self, days: int, report: Report | None, problem: str | None = None) -> None:
            super().__init__()
            self.days, self.report, self.problem = days, report, problem

    class ReadWaiting(Message):
        """The read waits: another program has the history locked (from the read's thread)."""

        def __init__(self, days: int, reason: str) -> None:
            super().__init__()
            self.days, self.reason = days, reason

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
        self._note_timer = None
        self._reading: int | None = None  # the range being read, until its figures land


    def compose(self) -> ComposeResult:
        self.set_class(True, "empty")  # until the figures land
        yield Header()
        yield Tabs(*(Tab(f"{n} · {days} days", id=f"days-{days}") for n, days in enumerate(RANGES, start=1)),
                   active=f"days-{self.days}", id="ranges")
        with VerticalScroll(id="progress-body"):
            yield Static(id="reading", classes="hidden", markup=False)
            yield Static(self.summary_text(), id="summary")
            yield Heatmap(id="heatmap")
            with Vertical(id="charts", classes="wide" if self.app.size.width >= WIDE else ""):
                for name, *_ in CHARTS:
                    yield PlotextPlot(id=f"chart-{name}", classes="chart")
            yield Static(id="quiet", classes="hidden")
            yield Static(Content.styled("Routines in this range", "bold"), id="routines-title")
            yield DataTable(id="routine-totals", cursor_type="row", zebra_stripes=True, show_cursor=False)
        yield SitLine()
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Progress"
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._plots = list(self.query(PlotextPlot))
        self.load()

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
    def load(self) -> None:
        """Read the current range, off the screen's thread; what is shown
        stays until it lands (a line says so when that takes a moment)."""
        store = self.coach.services.store
        if store is None:  # history off: the welcome
            self.show()
            return
        if self._note_timer is not None:
            self._note_timer.stop()
        self._reading = self.days
        self._note_timer = self.set_timer(READING_NOTE_AFTER, self._say_still_reading)
        self.read_report(store, self.coach.services.wall().date(), self.days)

    def _say_still_reading(self) -> None:
        # The timer may have fired just before the figures landed: say it only
        # while that read is still out.
        if self._reading == self.days:
            self.say(READING)

    # An async worker awaiting a thread, not a thread worker: Textual's thread
    # workers stay in their thread's context after they end, and with them
    # this screen, after it has closed.
    @work(exclusive=True, group=REPORT_READ)
    async def read_report(self, store: History, today: date, days: int) -> None:
        """The range's figures (a few indexed queries, on a thread of their own)."""
        from textual.worker import get_current_worker

        worker = get_current_worker()
        try:
            report = await asyncio.to_thread(
                store.read_when_free, lambda reader: build_report(reader, today, days),
                stop=lambda: worker.is_cancelled,
                waiting=lambda reason: self.post_message(self.ReadWaiting(days, reason)))
        except ReadStopped:
            return
        except StoreError as err:
            self.post_message(self.ReportRead(days, None, str(err)))
            return
        self.post_message(self.ReportRead(days, report))

    @on(ReadWaiting)
    def _read_waiting(self, message: ReadWaiting) -> None:
        if message.days == self.days and self._reading == self.days:
            self.say(f"{READING} {message.reason[0].upper()}{message.reason[1:]}; it shows here once it is free.")

    @on(ReportRead)
    def _report_read(self, message: ReportRead) -> None:
        if message.days != self.days:  # a range already left
            return
        self._reading = None
        if self._note_timer is not None:
            self._note_timer.stop()
        if message.problem is not None:
            # One line, in the view: the figures shown (if any) stay.
            self.say(f"Could not read the history: {' '.join(message.problem.split())}")
            return
        self.say(None)
        self.report = message.report
        self.show()

    def say(self, line: str | None) -> None:
        """Show one line above the figures (None: none)."""
        note = self.query_one("#reading", Static)
        note.update(line or "")
        note.set_class(line is None, "hidden")

    def summary_text(self) -> Content:
        report = self.report
        if report is None and self.coach.services.store is not None:
            return Content("")  # not read yet: the line above says so
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
