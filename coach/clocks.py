"""The machine's clocks, as the sit timer needs them.

``time.monotonic`` stands still while the machine is suspended; the boot
clock runs on. The difference between the two is time asleep, which the sit
timer counts as a break. The wall clock is never used for this: NTP and
manual changes step it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")


def boot_clock() -> Callable[[], float] | None:
    """A clock that runs on in suspend, on the same scale as ``time.monotonic``
    while awake; None where there is none (then suspend goes unnoticed)."""
    if sys.platform.startswith("linux") and hasattr(time, "CLOCK_BOOTTIME"):
        return lambda: time.clock_gettime(time.CLOCK_BOOTTIME)
    if sys.platform == "darwin" and hasattr(time, "CLOCK_MONOTONIC"):
        # On macOS time.monotonic() is mach_absolute_time (stops in sleep);
        # clock_gettime(CLOCK_MONOTONIC) includes sleep.
        return lambda: time.clock_gettime(time.CLOCK_MONOTONIC)
    return None


def boot_id() -> str | None:
    """Names this boot, so a boot-clock reading is compared only within it."""
    try:
        return BOOT_ID_FILE.read_text(encoding="ascii").strip()[:64] or None
    except (OSError, ValueError):
        return None
