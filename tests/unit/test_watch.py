"""coach watch's loop pieces: one log line per event, alerts, stopping."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from coach.config import Config, LoadedConfig
from coach.paths import Paths
from coach.sitclock import SitNews
from coach.sitting import SitSettings
from coach.watch import Watcher

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def test_voice_on_without_a_speech_program_is_logged_once(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = io.StringIO()
    config = LoadedConfig(Config(voice=True, desktop_notifications=False))
    watcher = Watcher(Paths(tmp_path, tmp_path), config, out, monotonic=lambda: 100.0, wall=lambda: START)
    watcher._alert(SitNews("prompt", "time for a break: sitting for 30m"))
    watcher._alert(SitNews("nudge", "still time for a break"))
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("2026-11-23 09:00:00 voice: Voice cues are on, but no speech")
    assert "\a" not in out.getvalue()  # not a terminal: no bell in a log


def test_the_loop_logs_each_event_once_and_stops_cleanly(tmp_path: Path) -> None:
    clock = {"mono": 100.0, "wall": START}
    out = io.StringIO()
    config = LoadedConfig(Config(desktop_notifications=False, sitting=SitSettings(limit=3)),
                          ("config.yaml:1:1: cues.bel: unknown key",))
    alerts: list[SitNews] = []
    watcher = Watcher(Paths(tmp_path, tmp_path), config, out, monotonic=lambda: clock["mono"],
                      wall=lambda: clock["wall"], alert=alerts.append)

    def fake_wait(timeout: float) -> bool:  # each wait moves the fake clocks a second
        clock["mono"] += 1
        clock["wall"] += timedelta(seconds=1)
        if clock["mono"] >= 106:
            watcher.stop.set()
        return watcher.stop.is_set()

    watcher.stop = threading.Event()
    watcher.stop.wait = fake_wait  # type: ignore[method-assign]
    assert watcher.run(monotonic=lambda: clock["mono"]) == 0
    kinds = [line.split(" ")[2].rstrip(":") for line in out.getvalue().splitlines()]
    assert kinds == ["settings", "owner", "prompt", "stopped"]
    assert [a.kind for a in alerts] == ["prompt"]
    assert not watcher.sit.lock.held  # free for another Coach


def test_a_data_folder_that_cannot_be_written_is_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    out = io.StringIO()
    watcher = Watcher(Paths(blocked, blocked / "data"), LoadedConfig(Config()), out,
                      monotonic=lambda: 100.0, wall=lambda: START)
    assert watcher.run(monotonic=lambda: 100.0) == 1
    lines = out.getvalue().splitlines()
    assert "error: cannot keep the sit timer: " in lines[0] and "app.lock" in lines[0]
