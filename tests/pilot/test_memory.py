"""Closed screens and dialogs are let go: nothing a closed progress view or
break prompt held is still reachable once the app has pruned and Python has
collected (issue 18; the soak benchmark measures the day, this pins the cause)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from pilot_helpers import SIZE
from textual.widget import Widget

from screens.break_prompt import BreakPromptScreen
from screens.home import HomeScreen
from screens.progress import ProgressScreen


def detached_widgets() -> list[str]:
    gc.collect()
    return sorted(type(o).__name__ for o in gc.get_objects() if isinstance(o, Widget) and not o.is_attached)


async def test_a_closed_progress_view_and_prompt_are_not_reachable(coach_home: Path, build, clock) -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.yaml").write_text(
        "sitting:\n  limit: 3s\n  snooze: 4s\n  max_snoozes: 9\n  desktop_notifications: false\n")
    app = build()
    closed: list[weakref.ref] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(3):
            await pilot.press("p")
            await pilot.pause()
            assert isinstance(app.screen, ProgressScreen)
            closed.append(weakref.ref(app.screen))
            await pilot.press("escape")
            await pilot.pause()
            clock.advance(4)  # a prompt, answered "already moved"
            app.sit_poll()
            await pilot.pause()
            assert isinstance(app.screen, BreakPromptScreen)
            closed.append(weakref.ref(app.screen))
            clock.advance(2)  # past the arming time
            await pilot.press("t")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
        app.release_closed_widgets()  # what the app does every RELEASE_SECONDS
        await pilot.pause()
        assert detached_widgets() == []
        assert all(ref() is None for ref in closed)


async def test_without_pruning_home_s_footer_keeps_its_old_keys(build) -> None:
    """The Textual behaviour the pruning works around (issue #6666): if this
    starts failing, Textual fixed it and that part of screens.release can go."""
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(2):
            await pilot.press("p")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        assert any(name == "FooterKey" for name in detached_widgets())
        app.release_closed_widgets()
        await pilot.pause()
        assert detached_widgets() == []
