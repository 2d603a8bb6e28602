"""``coach doctor``: what this machine offers the sit timer, one line each.

The away sources (found, in use, their reading now), suspend detection,
desktop notifications, the speech program, who owns the sit timer, and the
paths. It only looks: nothing is started or changed, and the exit status is 0.
"""

from __future__ import annotations

from collections.abc import Iterator

from coach.away import AwaySource, all_sources, read_sources
from coach.clocks import boot_clock
from coach.config import LoadedConfig
from coach.desktop import notification_command
from coach.durations import format_duration
from coach.instance import app_is_running
from coach.paths import Paths
from coach.sitstate import read_snapshot
from coach.voice import find_voice_command


def doctor_lines(paths: Paths, config: LoadedConfig, sources: list[AwaySource] | None = None) -> Iterator[str]:
    """The report, line by line."""
    settings = config.config.sitting
    for problem in config.problems:
        yield f"settings: {problem}"
    sources = all_sources() if sources is None else sources
    wanted = settings.away_sources
    found = [s for s in sources if s.found()]
    in_use = [s for s in found if wanted is None or s.name in wanted]
    states = {state.name: state for state in read_sources(in_use)}
    idle = "off (a lock still counts)" if settings.away_after == 0 else format_duration(settings.away_after)
    yield f"away after: {idle}; sources in use: {', '.join(s.name for s in in_use) or 'none'}"
    for source in sources:
        if source not in found:
            yield f"away source {source.name}: not found ({source.description})"
        elif source not in in_use:
            yield f"away source {source.name}: found, not in use (sitting.away_sources)"
        else:
            state = states[source.name]
            if state.problem is not None:
                yield f"away source {source.name}: in use, failing now: {state.problem}"
            else:
                reading = state.reading
                parts = []
                if reading is not None and reading.idle is not None:
                    parts.append(f"idle {format_duration(round(reading.idle))}")
                if reading is not None and reading.locked is not None:
                    parts.append("locked" if reading.locked else "not locked")
                yield f"away source {source.name}: in use, {', '.join(parts) or 'nothing to say now'}"
    yield ("suspend: noticed (the boot clock runs on in suspend)" if boot_clock() is not None
           else "suspend: not noticed on this system (no boot clock)")
    command = notification_command("Coach", "test")
    if not config.config.desktop_notifications:
        yield "desktop notifications: off (sitting.desktop_notifications)"
    else:
        yield f"desktop notifications: {command[0]}" if command else \
            "desktop notifications: none (install notify-send, from libnotify)"
    voice = find_voice_command(config.config.voice_command)
    state = "on" if config.config.voice else "off"
    if voice is not None:
        yield f"speech: {voice[0]} (cues.voice is {state})"
    else:
        missing = "; nothing will be spoken" if config.config.voice else ""
        yield f"speech: no program found (espeak-ng, spd-say or say); cues.voice is {state}{missing}"
    if app_is_running(paths.lock_file):
        snapshot = read_snapshot(paths.state_file)
        who = f"{snapshot.owner} (pid {snapshot.pid})" if snapshot and snapshot.owner else "a Coach starting up"
        yield f"sit timer owner: {who}"
    else:
        yield "sit timer owner: none (start 'coach watch' or the app)"
    for name, path in paths.as_rows():
        yield f"{name}: {path}"
