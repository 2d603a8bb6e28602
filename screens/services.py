"""What the screens need from the core, built once by :func:`screens.app.make_app`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from coach.config import LoadedConfig
from coach.history import History
from coach.instance import InstanceLock
from coach.library import Library
from coach.paths import Paths
from coach.sitclock import SitClock


@dataclass
class Services:
    """What the screens need from the core, built once by :func:`make_app`."""

    paths: Paths
    config: LoadedConfig
    library: Library
    store: History | None  # writes queued on its own thread (coach.history)
    lock: InstanceLock
    sit: SitClock
    monotonic: Callable[[], float]
    wall: Callable[[], datetime]
    tz: tzinfo | None = None  # the user's zone for days and clock times (None: the system's)
    watch_away: bool = False  # poll the away sources (the real clock only: tests stay deterministic)
