"""Routine text that looks like markup or escapes is shown literally or refused."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import SIZE, tick
from textual.widgets import OptionList, Static

from screens.home import HomeScreen
from screens.player import PlayerScreen

EVIL = """\
id: evil
title: "[bold]Evil[/] [@click=app.quit]click me[/]"
summary: "[/] closes nothing; [link=https://example.com]x[/link]"
category: stretch
cautions: ["[red]not red[/red]"]
steps:
  - kind: timer
    title: "[@click=app.quit]quit[/]"
    duration: 30s
    instructions: ["[/]", "[b]x[/b] and \\\\[escaped]"]
    cues: ["[blink]cue[/]"]
"""

ESCAPES = 'id: escapes\ntitle: "Clear \\e[2J screen"\nsummary: s\ncategory: rest\nsteps:\n  - {kind: info, title: a}\n'


def write(coach_home: Path, name: str, text: str) -> None:
    folder = coach_home / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


async def test_markup_is_shown_literally_and_never_runs(coach_home: Path, build, clock) -> None:
    write(coach_home, "evil.yaml", EVIL)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        options = home.query_one("#routines", OptionList)
        index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == "evil")
        options.highlighted = index
        await pilot.pause()
        detail = str(home.query_one("#detail-text", Static).render())
        assert "[bold]Evil[/] [@click=app.quit]click me[/]" in detail
        assert "[red]not red[/red]" in detail
        app.start_routine("evil")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        player = app.screen
        assert isinstance(player, PlayerScreen)
        await tick(pilot, clock, 1)
        assert "[@click=app.quit]quit[/]" in str(player.query_one("#phase-label", Static).render())
        text = str(player.query_one("#instructions", Static).render())
        assert "[/]" in text and "[b]x[/b]" in text
        await pilot.click("#phase-label")
        await pilot.click("#instructions")
        await pilot.pause()
        assert app.is_running and app.screen is player
        assert "[blink]cue[/]" in str(player.query_one("#cue", Static).render())


async def test_escape_sequences_are_refused_and_listed(coach_home: Path, build) -> None:
    write(coach_home, "escapes.yaml", ESCAPES)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        entry = app.services.library.get("escapes")
        assert entry is not None and not entry.ok
        assert "control character (U+001B)" in str(entry.problems[0])
        home = app.screen
        options = home.query_one("#routines", OptionList)
        index = next(i for i in range(options.option_count) if (options.get_option_at_index(i).id or "").startswith("broken:"))
        options.highlighted = index
        await pilot.pause()
        assert "U+001B" in str(home.query_one("#detail-text", Static).render())


async def test_palette_shows_routine_titles_literally(coach_home: Path, build) -> None:
    from textual.command import CommandList

    write(coach_home, "evil.yaml", EVIL)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)  # discovery: every routine listed
        shown = lambda: "\n".join(  # noqa: E731
            str(o.prompt) for o in app.screen.query_one(CommandList)._options)
        assert "Start: [bold]Evil[/] [@click=app.quit]click me[/]" in shown()
        await pilot.press(*"evil")
        await pilot.pause(0.5)  # search: the matching routine, highlighted
        assert "[@click=app.quit]click me[/]" in shown()
        assert app.is_running
