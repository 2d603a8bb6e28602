"""Helpers for driving the real app with a fake clock."""

from __future__ import annotations

from datetime import datetime, timezone

from fakeclocks import MonotonicClock

SIZE = (100, 32)


class FakeClock(MonotonicClock):
    """The app's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        super().__init__(5000.0)


def fixed_wall() -> datetime:
    return datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


async def tick(pilot, clock: FakeClock | None = None, seconds: float = 0.0) -> None:
    """Move the fake clock and let the player show it (no real waiting)."""
    if clock is not None:
        clock.advance(seconds)
    screen = pilot.app.screen
    if hasattr(screen, "refresh_state"):
        screen.refresh_state()
    await pilot.pause()


async def play_desk_break_to_the_end(pilot, clock: FakeClock) -> None:
    """From home: b, start, and let the 2-minute desk break run out."""
    await pilot.press("b")
    await pilot.pause()
    await pilot.press("enter")  # its cautions: start
    await pilot.pause()
    for _ in range(12):
        await tick(pilot, clock, 10)
    # The routine ends at 2:00 on the fake clock, however long the machine
    # takes to show the finish screen; only then does the clock move on.
    for _ in range(200):
        if type(pilot.app.screen).__name__ == "FinishScreen":
            break
        await pilot.pause(0.01)
    await tick(pilot, clock, 1)
    pilot.app.sit_poll()  # the sit line as of now, not as of the next real-time second
    await pilot.pause()


async def reads_landed(pilot, timeout: float = 10.0) -> None:
    """Wait until the history reads the screens started (on threads of their
    own) have finished, and what they read is shown."""
    import asyncio
    import time

    from screens.app import FLARE_READ, REMINDER_READ, THERAPY_DUE
    from screens.progress import REPORT_READ

    deadline = time.monotonic() + timeout
    await pilot.pause()
    while any(w.group in (FLARE_READ, REPORT_READ, THERAPY_DUE, REMINDER_READ) and not w.is_finished for w in pilot.app.workers):
        assert time.monotonic() < deadline, "a history read never finished"
        await asyncio.sleep(0.01)
    await pilot.pause()


async def into_the_player(pilot, routine_id: str):
    """Start a routine that asks for a pain score first: past its cautions
    (enter) and the score (s skips), into the player."""
    from screens.player import PlayerScreen

    pilot.app.start_routine(routine_id)
    await pilot.pause()
    await pilot.press("enter")  # cautions
    await pilot.pause()
    await pilot.press("s")  # no pain score
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PlayerScreen)
    return screen
