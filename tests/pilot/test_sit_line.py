"""The sit line stands still behind a dialog and catches up when it closes
(its once-a-second change made Textual draw the dialog's backdrop again)."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import SIZE

from screens.home import HomeScreen
from screens.widgets.sit_line import SitLine


def shown(app) -> str:
    home = next(s for s in app.screen_stack if isinstance(s, HomeScreen))
    return str(home.query_one(SitLine).render())


async def test_the_sit_line_waits_behind_a_dialog_and_catches_up(coach_home: Path, build, clock) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock.advance(65)
        app.sit_poll()
        await pilot.pause()
        assert "sitting 1:05" in shown(app)
        await pilot.press("f")  # the flare-up dialog, over home
        await pilot.pause()
        assert app.screen is not app.screen_stack[0]
        clock.advance(60)
        app.sit_poll()
        await pilot.pause()
        assert "sitting 2:05" in app.sit_text
        assert "sitting 1:05" in shown(app)  # behind the dialog: not redrawn
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "sitting 2:05" in shown(app)  # on top again: the latest


async def test_home_s_keys_and_sit_line_are_in_its_first_frame(coach_home: Path, build) -> None:
    from screens.widgets.footer import KeysFooter

    app = build()
    async with app.run_test(size=SIZE):
        # No pause: the screen as run_test hands it over, right after the first frame.
        footer = app.screen.query_one(KeysFooter)
        assert "Desk break" in " ".join(str(key.render()) for key in footer.query("FooterKey"))
        assert "sitting" in shown(app)
