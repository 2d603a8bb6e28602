"""End to end, real pseudo-terminals: one sit timer for two windows, a handoff, and coach watch."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest
from terminal import Terminal, app_env, coach_command

from coach.paths import resolve_paths
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.store import open_store

pytestmark = pytest.mark.slow

SITTING = re.compile(r"^ ?sitting (\d+):(\d\d) - break")  # the sit line, not a toast quoting it


def prepare(coach_home: Path, sitting: str) -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.yaml").write_text(
        "sitting:\n  desktop_notifications: false\n  away_sources: []\n" + sitting)
    with open_store(resolve_paths().history_file) as store:
        store.set_meta(RED_FLAGS_CONFIRMED_KEY, "2026-11-01T09:00:00+00:00")


def coach(coach_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([coach_command(), *args], capture_output=True, text=True, env=app_env(coach_home), timeout=30)


def sitting_seconds(term: Terminal) -> int:
    """The sit line's time; read until a whole frame shows it (a frame may arrive in parts)."""
    deadline = time.monotonic() + 3
    while True:
        term.read(0.05)
        for line in reversed(term.text().splitlines()):
            match = SITTING.match(line)
            if match:
                return int(match.group(1)) * 60 + int(match.group(2))
        assert time.monotonic() < deadline, f"no sit line on the screen:\n{term.text()}"


def owner_pid(coach_home: Path) -> int | None:
    """The process that keeps the sit timer, as its state file says."""
    try:
        return json.loads((coach_home / "state.json").read_text()).get("pid")
    except (OSError, ValueError):
        return None


def pump(seconds: float, *terms: Terminal | None) -> None:
    """Wait, reading every terminal all the while: an app whose output is not
    read fills its pty and stalls, and its screen then shows an old frame."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for term in terms:
            if term is not None:
                term.read(0.02)


def test_two_apps_one_timer_and_the_other_carries_on_when_the_owner_quits(coach_home: Path) -> None:
    prepare(coach_home, "  limit: 30m\n")
    first = Terminal([coach_command()], app_env(coach_home))
    second = None
    try:
        first.wait_for("Desk breaks")
        pump(3, first)
        second = Terminal([coach_command()], app_env(coach_home))
        started = time.monotonic()
        while "Desk breaks" not in second.text():  # the first is read meanwhile too
            pump(0.1, first, second)
            assert time.monotonic() - started < 15, second.text()
        pump(1.5, first, second)
        for _ in range(3):  # the same sitting time on both, within a second
            a, b = sitting_seconds(first), sitting_seconds(second)
            assert a >= 3 and abs(a - b) <= 1, (a, b)
            pump(0.7, first, second)
        before = sitting_seconds(second)
        first.send("\x11")  # ctrl+q: the owner quits
        # The second is read all the while: it takes over as soon as the lock is
        # free, before the first has finished exiting, and its notice must not
        # come and go while nobody reads its screen. The notice is a toast whose
        # words wrap where they fall ("...; the" / "bout goes on: ..."), so what
        # is looked for is its title, and who keeps the timer now: the state file.
        noticed, deadline = False, time.monotonic() + 18
        while not (noticed and owner_pid(coach_home) == second.process.pid):
            assert time.monotonic() < deadline, f"the second window did not take over:\n{second.text()}"
            pump(0.05, first, second)
            noticed = noticed or "Sit timer" in second.text()
        assert first.wait_exit(timeout=10) == 0
        pump(1.2, second)
        after = sitting_seconds(second)
        assert after >= before, f"the bout was reset: {before} -> {after}"
        status = coach(coach_home, "status")
        assert status.stdout.startswith("sitting 0:") and "break in" in status.stdout
    finally:
        first.close()
        if second is not None:
            second.close()
    with open_store(resolve_paths().history_file) as store:
        assert store._conn.execute("SELECT count(*) FROM breaks").fetchone()[0] == 0  # no break, no gap


def test_coach_watch_with_coach_break_snooze_and_coach_status(coach_home: Path) -> None:
    prepare(coach_home, "  limit: 3s\n  snooze: 1m\n")
    watch = Terminal([coach_command(), "watch"], app_env(coach_home), columns=140)
    try:
        watch.wait_for("owner: keeping the sit timer (watch)")
        assert coach(coach_home, "break", "snooze").returncode == 1  # nothing due yet: refused, one line
        watch.wait_for("prompt: time for a break", timeout=8)
        assert coach(coach_home, "status").stdout.strip().endswith("break due")
        sent = coach(coach_home, "break", "snooze")
        assert sent.returncode == 0 and sent.stdout.strip() == "snoozed (sent to the watch)"
        started = time.monotonic()
        watch.wait_for("break: snoozed after sitting", timeout=3)
        assert time.monotonic() - started < 1.6  # within a second of the answer, give or take a read
        status = coach(coach_home, "status").stdout.strip()
        assert re.fullmatch(r"sitting 0:0\d - break in 0:5\d", status), status
        watch.process.terminate()
        assert watch.wait_exit(timeout=10) == 0
        watch.wait_for("stopped:", timeout=3)
    finally:
        watch.close()
    assert coach(coach_home, "status").stdout.strip() == "coach: not running"
    with open_store(resolve_paths().history_file) as store:
        rows = store._conn.execute("SELECT answer, prompted FROM breaks").fetchall()
    assert [tuple(r) for r in rows] == [("snoozed", 1)]  # exactly once


QUICK = """\
id: quick
title: Quick test routine
summary: Two short timers.
category: desk-break
steps:
  - {kind: timer, title: First timer, duration: 2s}
  - {kind: timer, title: Second timer, duration: 2s}
"""


def test_a_routine_played_with_coach_run_counts_as_taken_by_the_watch(coach_home: Path) -> None:
    prepare(coach_home, "  limit: 30m\n  break_routine: quick\n")
    (coach_home / "routines").mkdir()
    (coach_home / "routines" / "quick.yaml").write_text(QUICK)
    watch = Terminal([coach_command(), "watch"], app_env(coach_home), columns=140)
    try:
        watch.wait_for("owner: keeping the sit timer (watch)")
        player = Terminal([coach_command(), "run", "quick"], app_env(coach_home))
        try:
            player.wait_for("About 4s of timed steps.")  # the start dialog, not the list behind it
            player.send("\r")
            player.wait_for("First timer")
            watch.wait_for("a routine started in another window", timeout=3)
            assert coach(coach_home, "status").stdout.strip() == "in a routine"
            player.wait_for("routine complete", timeout=15)
            player.send("\r")
            assert player.wait_exit(timeout=10) == 0
        finally:
            player.close()
        watch.wait_for("break: break taken after sitting", timeout=3)
    finally:
        watch.close()
    with open_store(resolve_paths().history_file) as store:
        rows = store._conn.execute("SELECT answer FROM breaks").fetchall()
    assert [r[0] for r in rows] == ["taken"]
