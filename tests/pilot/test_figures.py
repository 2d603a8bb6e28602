"""The figure beside a step, in the player and in the editor's preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from coach.figure_render import render_movement
from screens.editor import EditorScreen
from screens.player import PlayerScreen
from screens.widgets.figure import FigureCanvas, FigurePanel

from pilot_helpers import SIZE, into_the_player, tick


async def into_the_bridge(pilot, clock) -> PlayerScreen:
    """Core and back strength, past its pain check and "get ready", up to the bridge."""
    screen = await into_the_player(pilot, "core-and-back-strength")
    for _ in range(3):  # get ready, tummy brace, curl-up
        await pilot.press("n")
        await pilot.pause()
    assert screen.player.state().phase.step.title == "Bridge"
    return screen


def canvas_text(screen) -> str:
    canvas = screen.query_one(FigureCanvas)
    width, height = canvas.content_size
    return "\n".join(render_movement(canvas.frame.poses, canvas.frame.t, canvas.frame.mirrored, width, height).lines)


async def test_the_player_shows_the_step_s_figure_and_moves_it_with_the_count(build, clock) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await into_the_bridge(pilot, clock)
        panel = screen.query_one(FigurePanel)
        canvas = screen.query_one(FigureCanvas)
        assert panel.display and canvas.size.width >= 20 and canvas.size.height >= 5
        assert [p.name for p in canvas.frame.poses] == ["bridge-down", "bridge-up"]
        caption = str(screen.query_one("#figure-caption", Static).render())
        assert "Hips lifted until shoulders, hips and knees make a line" in caption
        assert "\u2800" < canvas_text(screen).strip()[:1] <= "\u28ff"  # braille drawn
        assert canvas.frame.t == 3 / 6 and panel.moving  # half way up in the first second of the rep
        start = canvas_text(screen)
        # One frame a second, changed with the countdown: the player wakes only for that.
        await tick(pilot, clock, 0.25)
        assert screen._delay_to_next_change(screen.player.state()) == pytest.approx(0.755)
        assert canvas.frame.t == 3 / 6 and canvas_text(screen) == start
        await tick(pilot, clock, 0.75)
        assert canvas.frame.t == 1.0 and canvas_text(screen) != start  # up by the end of the second second
        await tick(pilot, clock, 1.25)  # the hold: up and still
        assert canvas.frame.t == 1.0 and not panel.moving
        await pilot.press("space")  # paused: still
        await pilot.pause()
        assert not panel.moving


async def test_animations_off_keep_the_figure_still(build, clock) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        app.animation_level = "none"
        await pilot.pause()
        screen = await into_the_bridge(pilot, clock)
        canvas = screen.query_one(FigureCanvas)
        panel = screen.query_one(FigurePanel)
        for _ in range(4):
            assert canvas.frame.t == 1.0 and not panel.moving
            await tick(pilot, clock, 0.5)


async def test_figures_still_in_the_config(coach_home: Path, build, clock) -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.yaml").write_text("figures: still\n")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await into_the_bridge(pilot, clock)
        await tick(pilot, clock, 1.0)
        assert screen.query_one(FigurePanel).display
        assert not screen.query_one(FigureCanvas).frame.moving


async def test_figures_off_in_the_config_say_it_in_words(coach_home: Path, build, clock) -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.yaml").write_text("figures: off\n")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await into_the_bridge(pilot, clock)
        assert not screen.query_one(FigurePanel).display
        words = screen.query_one("#figure-text", Static)
        assert words.display and "Hips lifted until" in str(words.render())
        await tick(pilot, clock, 0.25)  # mid-movement, but nothing on screen moves
        assert not screen.query_one(FigurePanel).display


async def test_a_small_terminal_leaves_the_figure_out_and_back_when_it_grows(build, clock) -> None:
    app = build()
    async with app.run_test(size=(64, 18)) as pilot:
        await pilot.pause()
        screen = await into_the_bridge(pilot, clock)
        assert screen.has_class("no-figure") and not screen.query_one(FigurePanel).display
        words = screen.query_one("#figure-text", Static)
        assert words.display and "Hips lifted until" in str(words.render())
        await pilot.resize_terminal(100, 32)
        await pilot.pause()
        assert not screen.has_class("no-figure") and screen.query_one(FigurePanel).display
        assert not words.display


async def test_a_step_without_a_figure_shows_none(coach_home: Path, build, clock) -> None:
    folder = coach_home / "routines"
    folder.mkdir(parents=True)
    (folder / "plain.yaml").write_text(
        "id: plain\ntitle: Plain\nsummary: No figure.\ncategory: rest\n"
        "steps:\n  - {kind: timer, title: Wait, duration: 30s}\n")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_routine("plain")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayerScreen)
        assert not screen.query_one(FigurePanel).display
        assert not screen.query_one("#figure-text", Static).display


async def open_in_the_editor(pilot, routine_id: str) -> EditorScreen:
    pilot.app.edit_routine(pilot.app.services.library.get(routine_id))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, EditorScreen)
    return screen


async def preview_at(pilot, screen: EditorScreen, line: str):
    """The editor's figure with the cursor on the first ``line`` of the text."""
    area = screen.query_one("#yaml", TextArea)
    area.cursor_location = (area.text.splitlines().index(line), 0)
    await pilot.pause()
    return screen.query_one("#editor-figure FigureCanvas", FigureCanvas).frame


async def test_the_editor_shows_the_figure_of_the_step_under_the_cursor(build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_in_the_editor(pilot, "core-and-back-strength")
        panel = screen.query_one("#editor-figure", FigurePanel)
        frame = await preview_at(pilot, screen, "    title: Bridge")
        assert [p.name for p in frame.poses] == ["bridge-down", "bridge-up"] and frame.t == 1.0
        assert panel.display
        frame = await preview_at(pilot, screen, "    title: Bird dog")
        assert [p.name for p in frame.poses] == ["hands-knees", "bird-dog"]
        screen.query_one("#yaml", TextArea).cursor_location = (1, 0)  # the routine's own fields: no step, no figure
        await pilot.pause()
        assert not panel.display


async def test_the_editor_shows_a_sequence_at_its_end(build) -> None:
    """A sequence (getting up, four poses) is previewed still, where it ends."""
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_in_the_editor(pilot, "hip-and-back-stretch")
        frame = await preview_at(pilot, screen, "    title: Get up slowly")
        assert [p.name for p in frame.poses][-1] == "stand" and len(frame.poses) == 4
        assert frame.t == 3.0 and not frame.moving


async def test_a_new_theme_recolours_the_figure(build, clock) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await into_the_bridge(pilot, clock)
        canvas = screen.query_one(FigureCanvas)

        def colours() -> set[str]:
            return {str(seg.style.color) for y in range(canvas.size.height)
                    for seg in canvas.render_line(y) if seg.text.strip() and seg.style}

        dark = colours()
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        light = colours()
        assert dark and light and dark != light


async def test_a_figure_lying_down_gets_more_of_a_wide_terminal(build, clock) -> None:
    """Lying figures are seven times wider than tall: at 120x40 they were a strip
    7 rows tall beside half-empty text. A roomy player gives them more width."""
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await into_the_bridge(pilot, clock)
        panel, canvas = screen.query_one(FigurePanel), screen.query_one(FigureCanvas)
        assert screen.has_class("roomy") and panel.has_class("wide")
        wide = panel.size.width
        assert wide >= 0.55 * 120 and canvas.size.height >= 9
        while screen.player.state().phase.step.title != "Well done":  # getting up to stand: the usual width
            await pilot.press("n")
            await pilot.pause()
        assert not panel.has_class("wide") and panel.size.width <= 0.45 * 120 < wide
        while screen.player.state().phase.step.title != "Bridge":
            await pilot.press("b")
            await pilot.pause()
        await pilot.resize_terminal(90, 30)  # not roomy: the text keeps its share
        await pilot.pause()
        assert not screen.has_class("roomy") and panel.has_class("wide")
        assert panel.size.width <= 0.45 * 90
        await pilot.resize_terminal(120, 24)  # wide but low: the squeezed text would need more rows
        await pilot.pause()
        assert not screen.has_class("roomy")


async def test_a_step_to_read_plays_its_sequence_while_it_waits(build, clock) -> None:
    """Getting up (hands and knees, kneeling at a chair, standing) plays on a step to read, one way."""
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await into_the_bridge(pilot, clock)
        while screen.player.state().phase.step.title != "Well done":
            await pilot.press("n")
            await pilot.pause()
        canvas = screen.query_one(FigureCanvas)
        assert [p.name for p in canvas.frame.poses] == ["hands-knees", "kneel-at-chair", "stand"]
        caption = screen.query_one("#figure-caption", Static)
        seen, said = [], []
        for _ in range(6):
            seen.append(canvas.frame.t)
            said.append(str(caption.render()).split(",")[0])
            await tick(pilot, clock, 1.0)
        # No half-way figure between poses whose props differ (the chair comes and goes).
        assert seen == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
        # The line under it says each pose as it shows it (not only where the sequence ends).
        assert said == ["On your hands and knees"] * 3 + ["Kneeling on one knee in front of a chair"] * 3
        # Waiting for "next", the player still wakes when the step's second changes, for the next frame.
        await tick(pilot, clock, 0.25)
        assert screen._delay_to_next_change(screen.player.state()) == pytest.approx(0.755)
        assert screen.query_one(FigurePanel).moving
