"""The fake clocks every test uses: time moves only when the test says so.

Coach never reads the time itself: the core takes a monotonic clock, a wall
clock and a boot clock as parameters (``coach.clocks``), so a test hands it
one of these and moves it by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

#: A Monday morning, for tests that do not care which day it is.
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


class MonotonicClock:
    """Seconds that only go forward, as ``time.monotonic``."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class WallClock:
    """An aware datetime, as ``datetime.now().astimezone()``."""

    def __init__(self, now: datetime = MONDAY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


class Clocks:
    """A monotonic, a boot and a wall clock that move together; set one
    alone to act out a suspend (boot moves, monotonic does not) or a wall
    clock step (only the wall moves)."""

    def __init__(self, mono: float = 100.0, boot: float = 150.0, now: datetime = MONDAY) -> None:
        self.mono, self.boot, self.now = mono, boot, now

    def monotonic(self) -> float:
        return self.mono

    def boottime(self) -> float:
        return self.boot

    def wall(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.boot += seconds
        self.now += timedelta(seconds=seconds)

    def sleep_machine(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)  # monotonic stands still in suspend
        self.boot += seconds  # the boot clock runs on

    def step_wall(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)  # NTP or a manual change: nothing else moves
