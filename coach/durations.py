"""Durations in routine files: whole seconds or unit strings like ``1m30s``."""

from __future__ import annotations

import re

_UNITS = re.compile(r"^(?:(?P<h>\d{1,3})h)?(?:(?P<m>\d{1,4})m)?(?:(?P<s>\d{1,5})s)?$")

ACCEPTED_FORMS = "whole seconds (90) or units such as 45s, 2m, 1m30s, 1h"


class DurationError(ValueError):
    """The value is not a duration in an accepted form."""


def parse_duration(value: object) -> int:
    """Return seconds for ``90``, ``"90"``, ``"1m30s"``, ``"2m"``, ``"1h"``.

    ``1:30`` (which YAML 1.1 reads as 90), ``1.5m`` and ``2 min`` are refused
    with a message that shows the accepted forms.
    """
    if isinstance(value, bool) or value is None:
        raise DurationError(f"expected a duration: {ACCEPTED_FORMS}")
    if isinstance(value, int):
        if value < 0:
            raise DurationError(f"a duration cannot be negative; write {ACCEPTED_FORMS}")
        return value
    if isinstance(value, float):
        raise DurationError(f"{value:g} is not a whole number of seconds; write {ACCEPTED_FORMS}")
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() and len(text) <= 6:
            return int(text)
        match = _UNITS.match(text)
        if text and match:
            hours, minutes, seconds = (int(match.group(g) or 0) for g in "hms")
            return hours * 3600 + minutes * 60 + seconds
        raise DurationError(f"{value!r} is not a duration; write {ACCEPTED_FORMS}")
    raise DurationError(f"expected a duration: {ACCEPTED_FORMS}")


def format_duration(seconds: int) -> str:
    """Format seconds the way routine files write them: ``1m30s``, ``2m``, ``45s``."""
    if seconds <= 0:
        return "0s"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if secs:
        parts.append(f"{secs}s")
    return "".join(parts)


def format_clock(seconds: float) -> str:
    """Format seconds as a countdown clock: ``4:05``, ``1:02:03``."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
