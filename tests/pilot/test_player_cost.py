"""What keeps the player cheap while a figure moves (issue 16's CPU target;
tests/benchmarks/bench_figures.py measures it): the countdown drawn from a
cache looks exactly like Textual's Digits, and the reps of one step play
without a layout pass."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Digits, Static

from screens.widgets.countdown import Countdown
from screens.widgets.progress import RoutineProgress
from screens.widgets.text_line import TextLine

from test_figures import into_the_bridge
from pilot_helpers import SIZE, tick


class TwoClocks(App[None]):
    CSS = """
    Digits { width: 31; text-align: center; color: $text-accent; }
    .left { text-align: left; }
    .bold { text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield Digits("0:00", id="theirs")
        yield Countdown("0:00", id="ours")


def lines(widget: Widget) -> list[list[tuple[str, object]]]:
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return [[(segment.text, segment.style) for segment in strip] for strip in strips]


@pytest.mark.parametrize("classes", ["", "bold", "left"])
async def test_the_countdown_draws_what_digits_draws(classes: str) -> None:
    app = TwoClocks()
    async with app.run_test(size=(40, 10)) as pilot:
        theirs, ours = app.query_one("#theirs", Digits), app.query_one("#ours", Countdown)
        for widget in (theirs, ours):
            widget.set_class(bool(classes), classes or "unused")
        for value in ("0:00", "12:34", "--:--", "1:05", "1:04", "0:59", "59:59", "58:59", "0:07"):  # same widths too
            theirs.update(value)
            ours.update(value)
            await pilot.pause()
            assert ours.value == value
            assert lines(ours) == lines(theirs), value
            assert any(text.strip() for line in lines(ours) for text, _ in line)


async def test_the_countdown_takes_a_new_colour_when_paused() -> None:
    app = TwoClocks()
    async with app.run_test(size=(40, 10)) as pilot:
        ours = app.query_one("#ours", Countdown)
        before = lines(ours)
        ours.set_class(True, "bold")
        await pilot.pause()
        assert lines(ours) != before  # drawn again in the new style, not from the old cache
        app.query_one("#theirs", Digits).set_class(True, "bold")
        await pilot.pause()
        assert lines(ours) == lines(app.query_one("#theirs", Digits))


async def test_the_reps_of_one_step_play_without_a_layout_pass(build, clock, monkeypatch) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await into_the_bridge(pilot, clock)
        await tick(pilot, clock, 0.5)
        layouts: list[str] = []
        refresh = Widget.refresh

        def counting(widget, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
            if layout:
                layouts.append(widget.id or type(widget).__name__)
            return refresh(widget, *regions, repaint=repaint, layout=layout, recompose=recompose)

        monkeypatch.setattr(Widget, "refresh", counting)
        reps = set()
        for _ in range(30):  # about four reps of 6 s with their rests, a second at a time
            await tick(pilot, clock, 1)
            state = screen.player.state()
            assert state.phase.step.title == "Bridge"
            reps.add(state.phase.rep)
        assert len(reps) >= 4
        assert layouts == []
        # A new step still brings its own words.
        await pilot.press("n")
        await tick(pilot)
        assert "Bridge" not in str(screen.query_one("#phase-label").render())
        assert "Slowly lift your hips" not in str(screen.query_one("#instructions").render())


async def test_a_history_write_while_a_routine_plays_draws_nothing(build, clock, monkeypatch) -> None:
    """The recorder writes at every phase (every rep); each write tells whoever
    shows the history. Home, hidden under the player, must not be handed a
    message for it: that alone made Textual draw home and the player again at
    every rep (two extra full-screen updates a second while a figure moved)."""
    from textual.screen import Screen

    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await into_the_bridge(pilot, clock)
        await tick(pilot, clock, 0.5)
        drawn: list[str] = []
        compositor_refresh = Screen._compositor_refresh

        def counting(screen):  # type: ignore[no-untyped-def]
            drawn.append(type(screen).__name__)
            return compositor_refresh(screen)

        monkeypatch.setattr(Screen, "_compositor_refresh", counting)
        for _ in range(5):
            app.history_changed.publish(None)  # what the history writer's "written" does
            await pilot.pause()
        assert drawn == []


def cells(regions, within: Region) -> set[tuple[int, int]]:
    """The screen cells of ``regions`` inside ``within``."""
    found = set()
    for region in regions:
        part = region.intersection(within)
        found.update((x, y) for y in part.line_range for x in range(part.x, part.right))
    return found


async def test_one_small_screen_update_a_second_while_the_figure_moves(build, clock, monkeypatch) -> None:
    """The count, the figure and the rest change together, once a second, in
    one screen update, and only the cells that changed are drawn again (issue
    16's CPU: a figure frame between two counts was a second update a second,
    and each redrew the whole figure and the whole countdown)."""
    from textual.screen import Screen

    from screens.widgets.figure import FigureCanvas

    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await into_the_bridge(pilot, clock)
        await tick(pilot, clock, 0.0625)
        canvas, countdown = screen.query_one(FigureCanvas), screen.query_one(Countdown)
        passes: list[tuple[set[str], list[Region]]] = []
        compositor_refresh = Screen._compositor_refresh

        def counting(shown):  # type: ignore[no-untyped-def]
            passes.append(({w.id or "" for w in shown._dirty_widgets}, list(shown._compositor._dirty_regions)))
            return compositor_refresh(shown)

        monkeypatch.setattr(Screen, "_compositor_refresh", counting)
        frames = []
        for _ in range(8 * 12):  # 12 s: two reps of the bridge and the rest after, woken every 1/8 s
            await tick(pilot, clock, 0.125)
            frames.append(canvas.frame.t)
        assert len(set(frames)) >= 3  # it moved: half way up, up, down
        assert 1 <= len(passes) <= 12  # never more than one screen update a second
        moved = [(names, regions) for names, regions in passes if "figure-canvas" in names]
        assert moved and all("countdown" in names for names, _ in moved)  # the frame changes with the count
        for _, regions in moved:  # not the whole figure, nor the whole countdown: what changed
            assert 0 < len(cells(regions, canvas.region)) < canvas.region.area
            assert 0 < len(cells(regions, countdown.region)) < countdown.region.area


class TwoLines(App[None]):
    CSS = """
    Static { color: $text-muted; }
    #theirs-auto, #ours-auto { width: auto; }
    #theirs-short, #ours-short { width: 12; }
    .centre { text-align: center; }
    """

    def compose(self) -> ComposeResult:
        for name in ("auto", "wide", "short"):
            yield Static(id=f"theirs-{name}")
            yield TextLine(id=f"ours-{name}")


@pytest.mark.parametrize("classes", ["", "centre"])
async def test_a_text_line_draws_what_static_draws(classes: str) -> None:
    """The player's often-changing lines (screens.widgets.text_line): the same
    cells as Static, through the quick path or Static's own."""
    from textual.content import Content

    app = TwoLines()
    async with app.run_test(size=(60, 12)) as pilot:
        contents = [Content("Step 1 of 4  -  4:50 left"), Content("Step 1 of 4  -  4:49 left"),
                    Content.assemble("Next: ", Content.styled("bold", "bold")), Content("a line too long for twelve"),
                    Content(""), Content("Rep 2 of 10")]
        for name in ("auto", "wide", "short"):
            theirs, ours = app.query_one(f"#theirs-{name}", Static), app.query_one(f"#ours-{name}", TextLine)
            for widget in (theirs, ours):
                widget.set_class(bool(classes), classes or "unused")
            for content in contents:
                theirs.update(content)
                ours.update(content)
                await pilot.pause()
                assert ours.size == theirs.size
                assert lines(ours) == lines(theirs), (name, content.plain)


class GeneralProgress(RoutineProgress):
    """The bar through Textual's general text path: what ``render`` says it is."""

    render_line = Widget.render_line


class TwoBars(App[None]):
    CSS = """
    RoutineProgress { width: 40; }
    .narrow { width: 6; }
    .wide { width: 1fr; }
    .muted { color: $text-muted; background: $boost; }
    """

    def compose(self) -> ComposeResult:
        yield GeneralProgress(200, id="theirs")
        yield RoutineProgress(200, id="ours")


def drawn_cells(widget: Widget) -> list[list[tuple[str, object]]]:
    """Each line's cells with their styles (however the segments are cut)."""
    return [[(char, segment.style) for segment in strip for char in segment.text] for strip in
            widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))]


@pytest.mark.parametrize("classes", ["", "narrow", "wide", "muted"])
async def test_the_progress_bar_draws_what_its_content_says(classes: str) -> None:
    """screens.widgets.progress: the quick path draws the same cells as the
    bar's Content through Textual's own path, at any width, as it fills, and
    after the theme changes."""
    app = TwoBars()
    async with app.run_test(size=(80, 6)) as pilot:
        theirs, ours = app.query_one("#theirs", RoutineProgress), app.query_one("#ours", RoutineProgress)
        for widget in (theirs, ours):
            widget.set_class(bool(classes), classes or "unused")
        await pilot.pause()
        for done in (0, 1, 3, 99.5, 100, 150, 199, 200):
            for theme in ("textual-dark", "textual-light"):
                app.theme = theme
                theirs.set_progress(done)
                ours.set_progress(done)
                await pilot.pause()
                assert (ours.halves, ours.percent) == (theirs.halves, theirs.percent)
                assert drawn_cells(ours) == drawn_cells(theirs), (classes, done, theme)
                assert ours.size.width < 7 or len(drawn_cells(ours)[0]) == ours.size.width


async def test_a_failure_in_the_player_s_tick_reaches_textual_as_itself(coach_home, build) -> None:  # type: ignore[no-untyped-def]
    """The tick runs from the event loop's own timer (not set_timer); an error
    in it is handed to Textual's error handling as the error it was (not a
    NameError: Python unbinds an except block's name when the block ends)."""
    from pilot_helpers import into_the_player

    app = build()
    with pytest.raises(ValueError, match="the tick broke"):  # run_test raises what the app failed with
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = await into_the_player(pilot, "finger-pressure")

            def broken() -> None:
                raise ValueError("the tick broke")

            screen.refresh_state = broken  # type: ignore[method-assign]
            screen._woken()
            await pilot.pause()
            await pilot.pause()
