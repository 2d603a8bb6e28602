"""The footer is built again only when the keys it shows change.

Textual's Footer rebuilds every key at each "bindings updated" signal (focus
moved, a screen mounted): nine identical rebuilds before home's first frame.
"""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import SIZE
from textual.widgets._footer import FooterKey

from screens.home import HomeScreen
from screens.widgets.footer import KeysFooter


def shown(screen) -> list[str]:
    return [f"{key.key_display} {key.description}".strip() for key in screen.query(FooterKey)]


async def test_home_s_keys_are_built_once_while_they_stay_the_same(coach_home: Path, build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        first = list(home.query(FooterKey))
        assert "b Desk break" in shown(home)
        await pilot.press("down", "down")  # the highlight moves through the list
        await pilot.pause()
        await pilot.press("p")  # another screen, and back
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home
        assert list(home.query(FooterKey)) == first  # the same widgets: never rebuilt
        await pilot.press("slash")  # in the filter box, letters are typed: b, p, e, f are not shown
        await pilot.pause()
        await pilot.pause()
        assert "b Desk break" not in shown(home) and "/ Filter" in shown(home)


async def test_a_changed_key_is_shown(coach_home: Path, build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        footer = home.query_one(KeysFooter)
        assert "b Desk break" in shown(home)
        app.set_keymap({"home.desk_break": "ctrl+b"})  # what changes the keys shown: a remapped binding
        await pilot.pause()
        await pilot.pause()
        assert "^b Desk break" in shown(home)
        assert footer.shown_keys() == footer._shown
