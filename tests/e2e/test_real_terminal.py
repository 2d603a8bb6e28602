"""End to end: the installed `coach` in a real pseudo-terminal."""

from __future__ import annotations

import random
import re
import sqlite3
import time
from pathlib import Path

import pytest
from terminal import Terminal, app_env, coach_command

from coach.paths import resolve_paths
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.store import open_store

QUICK = """\
id: quick
title: Quick test routine
summary: Three short timers for the end-to-end test.
category: stretch
cautions: [Gentle.]
stop_if: [Pain.]
steps:
  - {kind: timer, title: First timer, duration: 4s}
  - {kind: timer, title: Second timer, duration: 2s}
  - {kind: timer, title: Third timer, duration: 2s}
"""

pytestmark = pytest.mark.slow


def prepare(coach_home: Path, routine: str = QUICK, name: str = "quick.yaml") -> None:
    (coach_home / "routines").mkdir(parents=True, exist_ok=True)
    (coach_home / "routines" / name).write_text(routine)
    with open_store(resolve_paths().history_file) as store:
        store.set_meta(RED_FLAGS_CONFIRMED_KEY, "2026-11-01T09:00:00+00:00")


def test_coach_run_counts_down_finishes_and_records(coach_home: Path) -> None:
    prepare(coach_home)
    term = Terminal([coach_command(), "run", "quick"], app_env(coach_home))
    try:
        term.wait_for("of timed steps")  # its cautions (home, behind, lists it too)
        term.send("\r")  # cautions: start
        term.wait_for("First timer")
        times = set()
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and len(times) < 3:
            term.read(0.2)
            times.update(re.findall(r"(\d+:\d\d) left", term.text()))
        assert len(times) >= 3, f"the countdown did not move: {times}"
        term.wait_for("routine complete", timeout=15)
        term.send("\r")
        code = term.wait_exit(timeout=10)
    finally:
        term.close()
    assert code == 0
    with open_store(resolve_paths().history_file) as store:
        (row,) = store.recent_sessions()
    assert row.routine_id == "quick" and row.outcome == "completed" and row.steps_done == 3


def test_ctrl_q_in_coach_run_stops_records_and_exits_1(coach_home: Path) -> None:
    """Issue 15 part 3, in a real terminal: ctrl+q asks why, the session is
    recorded as stopped, and `coach run` exits 1 as the README says."""
    prepare(coach_home)
    term = Terminal([coach_command(), "run", "quick"], app_env(coach_home))
    try:
        term.wait_for("of timed steps")
        term.send("\r")  # cautions: start
        term.wait_for("First timer")
        term.send("\x11")  # ctrl+q
        term.wait_for("Just stopping")
        term.send("\r")  # the highlighted reason
        deadline = time.monotonic() + 15
        while term.process.poll() is None and time.monotonic() < deadline:
            term.read(0.2)
        code = term.wait_exit(timeout=1)
    finally:
        term.close()
    assert code == 1
    with open_store(resolve_paths().history_file) as store:
        (row,) = store.recent_sessions()
    assert row.routine_id == "quick" and row.outcome == "stopped" and row.stop_reason == "just-stopping"


MANY_STEPS = "id: many\ntitle: Many steps\nsummary: s\ncategory: stretch\nsteps:\n" + "".join(
    f"  - {{kind: timer, title: Step {i}, duration: 1s}}\n" for i in range(30)
)


def test_kill_9_twenty_times_keeps_the_history_whole(coach_home: Path) -> None:
    prepare(coach_home, MANY_STEPS, "many.yaml")
    history = resolve_paths().history_file
    with open_store(history) as store:
        for _ in range(5):
            sid = store.start_session("many", "Many steps", 30)
            store.finish_session(sid, outcome="completed", steps_done=30, active_seconds=30, phase_index=30)
    rng = random.Random(9)
    for round_number in range(20):
        term = Terminal([coach_command(), "run", "many"], app_env(coach_home))
        try:
            term.wait_for("of timed steps")  # its cautions (home, behind, lists it too)
            term.send("\r")
            term.wait_for("Step 0")
            time.sleep(rng.uniform(0.0, 1.2))
            term.process.kill()  # SIGKILL: no clean-up of any kind
            term.process.wait()
        finally:
            term.close()
        with sqlite3.connect(history) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"round {round_number}"
            completed = db.execute("SELECT count(*) FROM sessions WHERE outcome = 'completed'").fetchone()[0]
        assert completed == 5, f"round {round_number}: a completed session was lost"
    with sqlite3.connect(history) as db:
        outcomes = dict(db.execute("SELECT outcome, count(*) FROM sessions GROUP BY outcome").fetchall())
    # each start marks the sessions of the killed apps before it as interrupted
    assert outcomes == {"completed": 5, "interrupted": 19, "running": 1}


def test_break_prompt_appears_in_a_real_terminal_and_status_follows(coach_home: Path) -> None:
    import subprocess

    prepare(coach_home)
    (coach_home / "config.yaml").write_text("sitting:\n  limit: 5s\n  desktop_notifications: false\n")
    term = Terminal([coach_command()], app_env(coach_home))
    try:
        term.wait_for("Desk breaks")
        status = subprocess.run([coach_command(), "status"], capture_output=True, text=True,
                                env=app_env(coach_home), timeout=30)
        assert re.fullmatch(r"sitting 0:0\d - break in 0:0\d", status.stdout.strip()), status.stdout
        term.wait_for("Time to stand up and move", timeout=12)
        time.sleep(1.2)  # past the arming second
        term.send("t")  # I already took a break
        term.wait_for("break in", timeout=5)
    finally:
        term.close()
    status = subprocess.run([coach_command(), "status"], capture_output=True, text=True, env=app_env(coach_home), timeout=30)
    assert status.stdout.strip() == "coach: not running"
    with open_store(resolve_paths().history_file) as store:
        rows = store._conn.execute("SELECT answer FROM breaks").fetchall()
    assert [r[0] for r in rows] == ["already"]


LOCK_ACROSS_FINISH = """\
id: lockrun
title: Lock across the finish
summary: Two timers while another program holds the history.
category: stretch
steps:
  - {kind: timer, title: First half, duration: 8s}
  - {kind: timer, title: Second half, duration: 8s}
"""

HOLDER = (
    "import sqlite3, sys, time\n"
    "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "db.execute('BEGIN IMMEDIATE')\n"
    "print('held', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "db.execute('COMMIT')\n"
)


def test_a_lock_held_across_the_finish_never_stalls_the_countdown_or_loses_the_session(coach_home: Path) -> None:
    """Issue 14: another process (a backup, `sqlite3` open on the file) holds
    the history's write lock for 20 s across a routine's step change and end.
    The countdown moves every second; the session lands as completed once
    the lock is gone (the CLI waits for it after the screen has gone)."""
    import subprocess
    import sys

    prepare(coach_home, LOCK_ACROSS_FINISH, "lockrun.yaml")
    history = resolve_paths().history_file
    term = Terminal([coach_command(), "run", "lockrun"], app_env(coach_home))
    holder = None
    try:
        term.wait_for("of timed steps")  # its cautions (home, behind, lists it too)
        term.send("\r")  # cautions: start
        term.wait_for("First half")
        time.sleep(0.5)  # the session's first row is written before the lock
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(history), "20"], stdout=subprocess.PIPE,
                                  text=True)
        assert holder.stdout.readline().strip() == "held"  # type: ignore[union-attr]
        held_at = time.monotonic()
        samples: list[tuple[float, str]] = []
        while "routine complete" not in term.text():
            assert time.monotonic() - held_at < 25, "the routine never finished"
            term.read(0.1)
            found = re.findall(r"(\d+:\d\d) left", term.text())
            samples.append((time.monotonic(), found[0] if found else ""))
        # every second (with a 0.5 s margin for the terminal), what is shown changed
        changes = [t for (t, shown), (_, before) in zip(samples[1:], samples) if shown != before]
        marks = [held_at, *changes, samples[-1][0]]
        gaps = [b - a for a, b in zip(marks, marks[1:])]
        assert max(gaps) < 1.5, f"the screen stalled for {max(gaps):.1f} s while the history was locked"
        assert len(changes) >= 12
        term.send("\r")  # the finish screen: back to the shell
        term.wait_for("waiting to save", timeout=10)
        assert term.process.poll() is None, "coach exited before its session was saved"
        assert time.monotonic() - held_at < 20  # the lock is still held here
        while term.process.poll() is None and time.monotonic() - held_at < 40:
            term.read(0.2)  # keep the terminal drained while it waits
        code = term.wait_exit(timeout=1)
        assert time.monotonic() - held_at >= 20  # it waited for the lock to go
        assert holder.wait(timeout=5) == 0
    finally:
        term.close()
        if holder is not None and holder.poll() is None:
            holder.kill()
    assert code == 0
    with open_store(history) as store:
        (row,) = store.recent_sessions()
    assert row.routine_id == "lockrun" and row.outcome == "completed" and row.steps_done == 2


def test_closing_the_terminal_in_the_editor_keeps_a_recovery_copy(coach_home: Path) -> None:
    """Issue 14: a hangup (the terminal window closed) cannot ask about unsaved
    text, so the text is kept beside the file and Coach ends cleanly."""
    import signal

    prepare(coach_home)
    term = Terminal([coach_command()], app_env(coach_home))
    try:
        term.wait_for("e Edit")
        term.send("e")
        term.wait_for("Plan")
        term.send("# typed before the hangup\r")
        term.wait_for("typed before the hangup")
        term.process.send_signal(signal.SIGHUP)
        code = term.wait_exit(timeout=15)
    finally:
        term.close()
    assert code == 0
    (copy,) = (coach_home / "routines").glob("*.recovered-*")
    assert copy.read_text().startswith("# typed before the hangup\n")


def _as_a_plain_user(tmp: Path) -> tuple[list[str], Path]:
    """(command prefix, a folder that user owns). Root writes anywhere, so as
    root the read-only cases run as 'nobody' through setpriv."""
    import os
    import shutil
    import tempfile

    if os.geteuid() != 0:
        folder = tmp / "plain-user"
        folder.mkdir()
        return [], folder
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make a folder read-only to Coach")
    import subprocess
    import sys

    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if subprocess.run([*prefix, sys.executable, "-c", "import coach"], capture_output=True).returncode != 0:
        # The clone sits in a folder only root may enter (a 0700 home, say).
        pytest.skip(f"'nobody' cannot run {sys.executable} with Coach from where this clone is")
    # Outside pytest's own temporary tree, which only root may enter.
    folder = Path(tempfile.mkdtemp(prefix="coach-plain-user-"))
    os.chown(folder, 65534, 65534)
    return prefix, folder


def test_a_read_only_history_still_shows_progress_stats_and_export(tmp_path: Path) -> None:
    """Issue 14: with the data folder and the history read-only, the app
    starts and says once that history is read-only; progress, `coach stats`
    and `coach export` read what is there."""
    import subprocess
    import sys

    prefix, folder = _as_a_plain_user(tmp_path)
    home = folder / "home"
    env = app_env(home)
    env["HOME"] = str(folder)
    seed = ("from pathlib import Path\nfrom coach.store import open_store\n"
            f"s = open_store(Path({str(home / 'history.sqlite3')!r}))\n"
            "s.set_meta('red_flags_confirmed_utc', '2026-11-01T09:00:00+00:00')\n"
            "i = s.start_session('desk-break', 'Desk break', 2)\n"
            "s.finish_session(i, outcome='completed', steps_done=2, active_seconds=120, phase_index=2)\n"
            "s.close()\n")
    subprocess.run([*prefix, sys.executable, "-c", seed], env=env, check=True)
    (home / "history.sqlite3").chmod(0o400)
    home.chmod(0o500)
    try:
        python = [*prefix, sys.executable, "-m", "coach"]
        stats = subprocess.run([*python, "stats", "--days", "7"], env=env, capture_output=True, text=True)
        assert stats.returncode == 0 and "1 session, 2m (1 completed)" in stats.stdout, stats.stderr
        export = subprocess.run([*python, "export"], env=env, capture_output=True, text=True)
        assert export.returncode == 0 and ",desk-break,Desk break,completed," in export.stdout, export.stderr

        term = Terminal(python, env)
        try:
            shown = term.wait_for("read-only here")
            assert shown.count("read-only here") == 1
            term.send("p")
            term.wait_for("1 session")
            term.send("\x11")  # ctrl+q
            deadline = time.monotonic() + 15
            while term.process.poll() is None and time.monotonic() < deadline:
                term.read(0.2)  # keep the terminal drained while it ends
            code = term.wait_exit(timeout=1)
        finally:
            term.close()
        assert code == 0
        assert all("read-only" not in h or h.count("read-only here") <= 1 for h in term.history)
        assert sorted(p.name for p in home.iterdir()) == ["history.sqlite3"]  # nothing was written
    finally:
        home.chmod(0o700)
        (home / "history.sqlite3").chmod(0o600)
        if prefix:
            import shutil

            shutil.rmtree(folder)
