"""The red flags are read before they are accepted, and nothing opens over them."""

from __future__ import annotations

import time
from pathlib import Path

from pilot_helpers import SIZE
from textual.widgets import Button, Static

from coach import safety
from coach.paths import resolve_paths
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.store import open_store
from screens.break_prompt import BreakPromptScreen
from screens.home import HomeScreen
from screens.red_flags import RedFlagScreen

SMALL = (80, 24)


def confirmed() -> bool:
    with open_store(resolve_paths().history_file) as store:
        return bool(store.get_meta(RED_FLAGS_CONFIRMED_KEY))


async def test_confirm_is_refused_until_the_list_was_scrolled_to_its_end(build) -> None:
    app = build(confirmed=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RedFlagScreen)
        dialog = screen.query_one("#dialog")
        assert dialog.max_scroll_y > 0, "at 80x24 the list does not fit: the test needs it to scroll"
        assert screen.query_one("#yes", Button).disabled
        await pilot.press("enter")  # refused, with a word on why
        await pilot.pause()
        assert app.screen is screen and not screen.read_to_end
        assert any(safety.READ_FIRST in str(n.message) for n in app._notifications)
        await pilot.press("pagedown")  # not yet at the end
        await pilot.pause()
        if dialog.scroll_y < dialog.max_scroll_y:
            assert screen.query_one("#yes", Button).disabled
        for _ in range(10):
            await pilot.press("pagedown")
        await pilot.pause()
        assert dialog.scroll_y >= dialog.max_scroll_y
        assert screen.read_to_end and not screen.query_one("#yes", Button).disabled
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert confirmed()


async def test_enter_while_end_scrolls_to_the_end_confirms(build) -> None:
    """In a terminal the scroll to the end is animated: enter pressed during
    it (end, then enter at once) was refused as if the end was never shown."""
    app = build(confirmed=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.animation_level = "full"  # as in a terminal (tests run without animations)
        screen = app.screen
        dialog = screen.query_one("#dialog")
        dialog.scroll_end(animate=True, duration=1.0)
        await pilot.pause()
        assert dialog.scroll_y < dialog.max_scroll_y  # still on its way
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert confirmed()


async def test_every_tier_is_on_the_screen(build) -> None:
    app = build(confirmed=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#red-flag-list", Static).render())
        for tier in safety.TIERS:
            assert tier.advice in text
            for sign in tier.signs:
                assert sign in text


async def test_a_tall_terminal_shows_it_all_and_may_confirm_at_once(build) -> None:
    app = build(confirmed=False)
    async with app.run_test(size=(160, 70)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#dialog").max_scroll_y == 0
        assert not app.screen.query_one("#yes", Button).disabled
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_due_break_prompt_waits_for_the_answer(coach_home: Path, build, clock) -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.yaml").write_text("sitting:\n  limit: 5s\n  desktop_notifications: false\n")
    app = build(confirmed=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        flags = app.screen
        assert isinstance(flags, RedFlagScreen)
        for _ in range(4):
            clock.advance(3)  # 12 s of sitting: the break is due
            app.sit_poll()
            await pilot.pause()
        assert app.services.sit.prompt_open
        assert app.screen is flags, "nothing opens over the red flags"
        for _ in range(10):
            await pilot.press("pagedown")
        await pilot.press("enter")
        await pilot.pause()
        app.sit_poll()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, BreakPromptScreen), "the prompt comes once they are answered"
    assert confirmed()


async def test_a_first_run_says_nothing_about_the_history_it_is_making(build, coach_home) -> None:
    """On a first run (no history file at all) the start-up reads wait for the
    writer to make it: the flare-up is read as none, with no 'could not be
    read: no history yet' toast (found in tmux on a fresh COACH_HOME)."""
    assert not (coach_home / "history.sqlite3").exists()
    app = build(confirmed=False)
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 10
        while not app._flare_known and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert app._flare_known
        await pilot.pause(0.2)
        assert [n.message for n in app._notifications] == []
