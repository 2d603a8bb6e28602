"""Pain starts where it was (issue 15, part 4): the scale starts at the last
score given, else at nothing chosen, so enter alone never records a number."""

from __future__ import annotations

from pilot_helpers import SIZE

from screens.pain_check import CHOOSE_FIRST, PainCheckScreen, PainScale
from screens.player import PlayerScreen


async def test_before_starts_unchosen_and_after_starts_at_before(build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_routine("scapular-squeeze")  # asks before and after
        await pilot.pause()
        await pilot.press("enter")  # its cautions
        await pilot.pause()
        assert isinstance(app.screen, PainCheckScreen)
        assert app.screen.query_one(PainScale).value is None
        await pilot.press("enter")  # nothing chosen: refused, with a word
        await pilot.pause()
        assert isinstance(app.screen, PainCheckScreen)
        assert any(CHOOSE_FIRST in str(n.message) for n in app._notifications)
        await pilot.press("6", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen) and app.screen.pain_before == 6
        for _ in range(6):  # step by step to the end
            await pilot.press("n")
            await pilot.pause()
        assert isinstance(app.screen, PainCheckScreen) and not app.screen.before
        assert app.screen.query_one(PainScale).value == 6, "after starts where before was"


async def test_arrows_from_nothing_chosen(build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        scale = PainScale()
        await app.screen.mount(scale)
        scale.step(1)
        assert scale.value == 0
        scale.value = None
        scale.step(-1)
        assert scale.value == 10
        scale.step(1)
        assert scale.value == 10


async def test_a_flare_up_is_not_saved_with_a_pain_nobody_chose(build) -> None:
    from textual.widgets import Static

    from screens.flareup import FlareUpScreen

    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FlareUpScreen)
        await pilot.press("ctrl+s")  # started now, but how bad was never said
        await pilot.pause()
        assert isinstance(app.screen, FlareUpScreen)
        assert "How bad is it?" in str(app.screen.query_one("#flareup-error", Static).render())
        await pilot.press("7", "ctrl+s")  # the scale has the focus now
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, FlareUpScreen)
