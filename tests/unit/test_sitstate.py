"""The sit-timer state file and `coach status`."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from coach.sitstate import SitSnapshot, read_snapshot, status_line, write_snapshot
from coach.sitting import Mode, SitStatus

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def test_round_trip_and_line(tmp_path: Path) -> None:
    status = SitStatus(Mode.SITTING, sitting=23 * 60 + 10, due_in=6 * 60 + 50, snoozes=0, can_snooze=True, nudges=0)
    path = tmp_path / "state.json"
    write_snapshot(path, SitSnapshot.of(status, NOW))
    snapshot = read_snapshot(path)
    assert snapshot.mode is Mode.SITTING
    assert status_line(snapshot, True, NOW) == "sitting 23:10 - break in 6:50"
    assert status_line(snapshot, True, NOW + timedelta(seconds=50)) == "sitting 24:00 - break in 6:00"
    assert status_line(snapshot, True, NOW + timedelta(minutes=8)) == "sitting 31:10 - break due"


def test_not_running_and_other_modes(tmp_path: Path) -> None:
    assert status_line(None, False, NOW) == "coach: not running"
    paused = SitSnapshot(Mode.PAUSED, paused_until=NOW + timedelta(hours=1))
    assert status_line(paused, True, NOW) == "sit timer paused until 11:00"
    assert status_line(SitSnapshot(Mode.OFF_HOURS), True, NOW) == "outside work hours"


def test_broken_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    assert read_snapshot(path) is None
    assert read_snapshot(tmp_path / "missing.json") is None


def test_coach_status_says_not_running_without_an_app(coach_home: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "coach", "status"], capture_output=True, text=True, timeout=30,
                            env={"COACH_HOME": str(coach_home), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0 and result.stdout.strip() == "coach: not running"


def test_state_file_is_rewritten_only_when_an_anchor_really_moves() -> None:
    sitting = SitStatus(Mode.SITTING, sitting=100, due_in=1700, snoozes=0, can_snooze=True, nudges=0)
    first = SitSnapshot.of(sitting, NOW)
    assert first.moved_since(None)
    # a second later, the anchors derived from "now" are the same to within jitter
    later = SitSnapshot.of(SitStatus(Mode.SITTING, 101.4, 1698.6, 0, True, 0), NOW + timedelta(seconds=1.4))
    assert not later.moved_since(first)
    snoozed = SitSnapshot.of(SitStatus(Mode.SITTING, 101, 300, 1, True, 0), NOW + timedelta(seconds=1))
    assert snoozed.moved_since(first)
    due = SitSnapshot.of(SitStatus(Mode.DUE, 101, 0, 0, True, 0), NOW + timedelta(seconds=1))
    assert due.moved_since(first)
    assert SitSnapshot(Mode.PAUSED, paused_until=NOW).moved_since(SitSnapshot(Mode.PAUSED, paused_until=NOW + timedelta(hours=1)))


def test_a_fifo_in_place_of_the_state_file_never_hangs_coach_status(tmp_path: Path) -> None:
    import os

    path = tmp_path / "state.json"
    os.mkfifo(path)
    assert read_snapshot(path) is None  # at once: opened without blocking, refused as not a regular file
    (tmp_path / "big.json").write_text("{" + " " * 20000 + "}")
    assert read_snapshot(tmp_path / "big.json") is None
