"""Home's half-minute refresh of the flare-up plan runs only while home is on top."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import SIZE

from screens.home import HomeScreen


async def test_home_reads_the_plan_again_only_while_on_top(coach_home: Path, build, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        reads: list[str] = []
        monkeypatch.setattr(app, "read_flareup", lambda: reads.append("read"))
        home.refresh_now()
        assert reads == ["read"]
        await pilot.press("p")  # progress over home
        await pilot.pause()
        assert app.screen is not home
        before = list(reads)
        home.refresh_now()
        assert reads == before  # under another screen: nothing read, nothing drawn
        await pilot.press("escape")
        await pilot.pause()
        assert reads == [*before, "read"]  # back on top: read again (on_screen_resume)
