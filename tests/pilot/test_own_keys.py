"""Keys of your own (config.yaml keys:) work, show in the footer, and a clash is said once."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import SIZE

from screens.before_start import BeforeStartScreen
from screens.home import HomeScreen
from screens.progress import ProgressScreen


def footer_text(app) -> str:
    from textual.widgets import Footer

    return " ".join(str(key.render()) for key in app.screen.query_one(Footer).query("FooterKey"))


async def test_own_key_starts_the_desk_break(coach_home: Path, build) -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.yaml").write_text("keys:\n  home.desk_break: ctrl+b\n")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "^b" in footer_text(app)
        await pilot.press("b")  # its own key is gone
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, BeforeStartScreen)


async def test_a_clash_is_said_once_and_the_own_key_wins(coach_home: Path, build) -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.yaml").write_text("keys:\n  home.progress: b\n")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        said = [n.message for n in app._notifications if n.title == "Keys"]
        assert said == ["'b' is one of your own keys now, so home.desk_break has no key on this screen."
                        " Give it another in config.yaml (keys:)."]
