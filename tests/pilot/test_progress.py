"""The progress screen: opening it, switching ranges, theme colours, empty
state, and routine titles shown literally. The figures themselves are tested
in tests/unit/test_stats.py; here, that the screen shows them."""

from __future__ import annotations

from datetime import date

import history_fixture
from pilot_helpers import SIZE, reads_landed
from textual.color import Color
from textual.widgets import DataTable, Static, Tabs
from textual_plotext import PlotextPlot

from coach.paths import resolve_paths
from coach.stats import build_report
from coach.store import open_store
from screens.home import HomeScreen
from screens.progress import ProgressScreen


def summary(screen) -> str:
    return str(screen.query_one("#summary", Static).render())


async def test_p_opens_progress_and_the_range_keys_switch_it(build, with_history) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await reads_landed(pilot)
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        assert screen.report.days == 30 and screen.report.today == history_fixture.TODAY
        assert "Streak: 5 days with a routine (best 7 days)" in summary(screen)
        assert "12 sessions" in summary(screen)
        table = screen.query_one("#routine-totals", DataTable)
        assert table.row_count == 6
        assert str(table.get_row_at(0)[0]) == "Ice pack"

        await pilot.press("3")
        await reads_landed(pilot)
        assert screen.query_one(Tabs).active == "days-90"
        assert (screen.report.days, screen.report.per) == (90, "week")
        assert "19 sessions" in summary(screen)

        await pilot.press("r")  # next range: 365
        await pilot.pause()
        assert screen.report.days == 365
        await pilot.press("r")  # and round to 7
        await pilot.pause()
        assert screen.report.days == 7 and "7 sessions" in summary(screen)  # 14th to 20th

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_clicking_a_range_tab_switches_it(build, with_history) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await reads_landed(pilot)
        await pilot.click("#days-7")
        await reads_landed(pilot)
        assert app.screen.report.days == 7


async def test_the_palette_opens_progress(build, with_history) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"show progress")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)


async def test_charts_take_their_colours_from_the_theme(build, with_history) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-dark"
        await pilot.press("p")
        await reads_landed(pilot)
        plot = app.screen.query_one("#chart-minutes", PlotextPlot)

        def primary_in_chart() -> bool:
            r, g, b = Color.parse(app.theme_variables["primary"]).rgb
            return f"38;2;{r};{g};{b}" in plot.plt.build() or f"48;2;{r};{g};{b}" in plot.plt.build()

        assert primary_in_chart()
        dark = Color.parse(app.theme_variables["primary"]).rgb
        app.theme = "textual-light"
        await pilot.pause()
        assert Color.parse(app.theme_variables["primary"]).rgb != dark
        assert primary_in_chart()  # redrawn in the new theme's colour


async def test_a_quiet_range_shows_a_line_not_empty_axes(build, with_history, clock) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await reads_landed(pilot)
        screen = app.screen
        assert screen.query_one("#chart-minutes").display
        # A quiet September week: nothing in range, but the history is not empty.
        screen.report = build_report(app.services.store, date(2026, 9, 20), 7)
        screen.show()
        await pilot.pause()
        assert not screen.has_class("empty")
        assert not screen.query_one("#chart-minutes").display
        assert not screen.query_one("#quiet").has_class("hidden")
        assert "No routines in this range." in str(screen.query_one("#quiet", Static).render())


async def test_empty_history_shows_a_welcome_not_axes(build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await reads_landed(pilot)
        screen = app.screen
        assert screen.has_class("empty")
        assert "Nothing recorded yet." in summary(screen)
        for selector in ("#heatmap", "#charts", "#routine-totals"):
            assert not screen.query_one(selector).display or screen.query_one(selector).styles.display == "none"
            assert screen.query_one(selector).region.height == 0


async def test_routine_titles_are_shown_literally(build, coach_home) -> None:
    path = resolve_paths().history_file
    with open_store(path, clock=lambda: history_fixture.NOW) as store:
        sid = store.start_session("evil", "[@click=app.quit]Evil[/] [b]x", 1)
        store.finish_session(sid, outcome="completed", steps_done=1, active_seconds=60, phase_index=1)
        sid = store.start_session("bell", "Bell\x1b]0;pwned\x07", 1)
        store.finish_session(sid, outcome="completed", steps_done=1, active_seconds=60, phase_index=1)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await reads_landed(pilot)
        table = app.screen.query_one("#routine-totals", DataTable)
        cells = {str(table.get_row_at(n)[0]) for n in range(table.row_count)}
        assert "[@click=app.quit]Evil[/] [b]x" in cells
        assert not any("\x1b" in c or "\x07" in c for c in cells)
        app.screen.query_one("#progress-body").scroll_end(animate=False)
        await pilot.pause()
        await pilot.click("#routine-totals", offset=(3, 1))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ProgressScreen)


async def test_closed_progress_screens_let_go_of_the_theme_signal(build, with_history) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        before = len(app.theme_changed_signal._subscriptions)
        for _ in range(3):
            await pilot.press("p")
            await reads_landed(pilot)
            assert len(app.theme_changed_signal._subscriptions) > before
            await pilot.press("escape")
            await pilot.pause()
        assert len(app.theme_changed_signal._subscriptions) == before
