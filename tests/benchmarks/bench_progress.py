"""Benchmark: the progress screen and `coach stats` on ten years of heavy use.

Fills a history with 100,000 sessions and 500,000 break events spread over
ten years ending today, written through the store's own API (start_session,
update_session, finish_session, mark_interrupted, record_break) with a moving
clock in the local time zone. The file is kept (``--home``) and reused when
it already holds exactly that, since filling takes a minute or two.

Then, on this machine, in this run:

1. Opening the store (migrations and the quick check included).
2. The progress screen's data: ``stats.build_report`` for 7, 30, 90 and 365
   days (median of ``--runs``). Target: 100 ms or less for every range.
   For scale, the same 365-day figures computed the slow way (every row
   loaded into Python) are timed once and printed.
3. The progress screen shown: ``coach`` in a pseudo-terminal (100x30, read
   with pyte, as in bench_app.py), from the "p" key on home until "Your last
   30 days" is on screen; the first time in a launch (plotext imported then)
   and the second. Median over ``--runs`` launches; target 300 ms or less for
   the first time. A bare Textual app pushing a one-line screen on "p" is
   timed the same way and printed for scale.
4. ``coach stats`` (and ``--days 365``) as a subprocess, wall time from spawn
   to exit. Target: 1 s or less.

Exit status 0 when every target is met, 1 otherwise. Not collected by pytest.

Run: .venv/bin/python tests/benchmarks/bench_progress.py [--runs 7] [--home DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

SESSIONS = 100_000
BREAKS = 500_000
YEARS = 10
ROUTINES = [("hip-and-back-stretch", "Hip and back stretch"), ("desk-break", "Two-minute desk break"),
            ("scapular-squeeze", "Scapular squeeze"), ("ice-pack", "Ice pack"),
            ("knee-pillow-rest", "Short rest with pillows under your knees"),
            ("core-and-back-strength", "Core and back strength"), ("posture-reset", "Posture reset"),
            ("heating-pad", "Heating pad")]
ANSWERS = ["taken"] * 5 + ["snoozed"] * 2 + ["skipped", "missed", "already", "natural"]
DATA_TARGET_MS = 100
SHOWN_TARGET_MS = 300
STATS_TARGET_S = 1.0


class MovingClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def fill(path: Path) -> None:
    from coach.store import open_store

    rng = random.Random(20261121)
    tz = datetime.now().astimezone().tzinfo
    end = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=365 * YEARS + 2)
    days = (end - start).days
    clock = MovingClock(start)
    # Per day: sessions and breaks at random minutes, in time order.
    per_day_sessions = [SESSIONS // days + (1 if n < SESSIONS % days else 0) for n in range(days)]
    per_day_breaks = [BREAKS // days + (1 if n < BREAKS % days else 0) for n in range(days)]
    t0 = time.perf_counter()
    with open_store(path, clock=clock) as store:
        for n in range(days):
            day = (start + timedelta(days=n)).astimezone(tz)
            events = [(rng.randrange(6 * 60, 23 * 60), "s") for _ in range(per_day_sessions[n])]
            events += [(rng.randrange(7 * 60, 21 * 60), "b") for _ in range(per_day_breaks[n])]
            for minute, kind in sorted(events):
                when = (day + timedelta(minutes=minute, seconds=rng.randrange(60))).astimezone(tz)
                clock.now = when
                if kind == "b":
                    store.record_break(rng.choice(ANSWERS), rng.randrange(5 * 60, 90 * 60), when,
                                       prompted=rng.random() < 0.8)
                    continue
                rid, title = rng.choice(ROUTINES)
                roll = rng.random()
                before = rng.randrange(11) if roll < 0.85 else None
                sid = store.start_session(rid, title, 6, pain_before=before)
                seconds = rng.randrange(60, 1200)
                clock.now = when + timedelta(seconds=seconds)
                outcome = rng.random()
                if outcome < 0.08:
                    store.update_session(sid, steps_done=2, active_seconds=seconds, phase_index=3)
                    store.mark_interrupted()
                else:
                    after = rng.randrange(11) if roll < 0.7 else None
                    store.finish_session(sid, outcome="completed" if outcome < 0.9 else "stopped",
                                         steps_done=6, active_seconds=seconds, phase_index=9,
                                         pain_after=after,
                                         stop_reason=None if outcome < 0.9 else "just-stopping")
            if n % 365 == 0:
                print(f"  filled {n // 365} of {YEARS} years ({time.perf_counter() - t0:.0f} s)", flush=True)
    print(f"  filled in {time.perf_counter() - t0:.0f} s", flush=True)


def counts(path: Path) -> tuple[int, int]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return (conn.execute("SELECT count(*) FROM sessions").fetchone()[0],
                conn.execute("SELECT count(*) FROM breaks").fetchone()[0])
    except sqlite3.Error:
        return (0, 0)
    finally:
        conn.close()


def prepare(home: Path) -> Path:
    from coach.paths import resolve_paths
    from coach.safety import RED_FLAGS_CONFIRMED_KEY
    from coach.store import open_store

    os.environ["COACH_HOME"] = str(home)
    path = resolve_paths().history_file
    if path.exists() and counts(path) == (SESSIONS, BREAKS):
        print(f"reusing {path}")
    else:
        for old in path.parent.glob(path.name + "*"):
            old.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"filling {path} with {SESSIONS:,} sessions and {BREAKS:,} breaks over {YEARS} years")
        fill(path)
    with open_store(path) as store:
        store.set_meta(RED_FLAGS_CONFIRMED_KEY, "2026-01-01T00:00:00+00:00")
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    print(f"history: {size / 2**20:.1f} MiB, {counts(path)[0]:,} sessions, {counts(path)[1]:,} breaks")
    return path


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench_data(path: Path, runs: int) -> float:
    from coach.stats import RANGES, build_report
    from coach.store import open_store

    opens = []
    for _ in range(runs):
        t = time.perf_counter()
        store = open_store(path)
        opens.append(time.perf_counter() - t)
        store.close()
    print(f"open the store (migrations, quick check): median {ms(statistics.median(opens))}")
    worst = 0.0
    today = datetime.now().astimezone().date()
    with open_store(path) as store:
        for days in RANGES:
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                build_report(store, today, days)
                times.append(time.perf_counter() - t)
            median = statistics.median(times)
            worst = max(worst, median)
            print(f"screen data, {days:>3} days: median {ms(median)} (target <= {DATA_TARGET_MS} ms)")
        t = time.perf_counter()
        slow_way(store, today)
        print(f"for scale, 365 days the slow way (every row into Python): {ms(time.perf_counter() - t)}")
    return worst


def slow_way(store, today) -> None:  # type: ignore[no-untyped-def]
    minutes: dict = {}
    for s in store.iter_sessions():
        minutes[s.local_date] = minutes.get(s.local_date, 0) + s.active_seconds
    answers: dict = {}
    for b in store.iter_breaks():
        answers[(b.local_date, b.answer)] = answers.get((b.local_date, b.answer), 0) + 1


BARE_APP = """
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

class Bare(Screen):
    BINDINGS = [("escape", "app.pop_screen", "Back")]
    def compose(self):
        yield Static("bare progress shown")

class BareApp(App):
    BINDINGS = [("p", "show", "Show")]
    def compose(self):
        yield Static("bare home ready")
    def action_show(self):
        self.push_screen(Bare())

BareApp().run()
"""


def time_opens(name: str, args: list[str], env: dict[str, str], home: str, shown: str,
               launches: int) -> tuple[list[float], list[float]]:
    """In a real pty: per launch, seconds from the "p" key to ``shown`` on
    screen, the first time (imports included) and the second time."""
    from bench_app import Term

    first, again = [], []
    for _ in range(launches):
        term = Term(name, args, env)
        try:
            term.wait_for(home)
            time.sleep(0.3)  # let start-up work settle
            term.drain()
            for times in (first, again):
                t = time.perf_counter()
                term.send("p")
                times.append(term.wait_for(shown) - t)
                term.send("\x1b")
                term.wait_for(home)
                time.sleep(0.2)
                term.drain()
        finally:
            term.close()
    return first, again


def bench_screen(home: Path, runs: int) -> float:
    """The progress screen in a real terminal (pty, 100x30, read with pyte)."""
    from bench_app import app_env, coach_command

    env = app_env(home)
    coach_first, coach_again = time_opens("coach", [coach_command()], env, "Desk breaks",
                                          "Your last 30 days", runs)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bare_app.py"
        script.write_text(BARE_APP)
        bare_first, bare_again = time_opens("bare", [sys.executable, str(script)], env,
                                            "bare home ready", "bare progress shown", runs)
    first, again = statistics.median(coach_first), statistics.median(coach_again)
    bare = statistics.median(bare_first)
    print(f"progress screen shown after 'p', in a pty: first time median {ms(first)}"
          f" (target <= {SHOWN_TARGET_MS} ms), again {ms(again)};"
          f" a bare Textual app pushing a one-line screen: {ms(bare)} ({first / bare:.1f}x)")
    return first


def bench_stats(runs: int) -> float:
    coach = Path(sys.executable).with_name("coach")
    worst = 0.0
    for extra in ([], ["--days", "365"]):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            done = subprocess.run([str(coach), "stats", *extra], capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            if done.returncode != 0:
                raise SystemExit(f"coach stats failed: {done.stderr.strip()}")
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"coach stats {' '.join(extra) or '(30 days)'}: median {median:.2f} s"
              f" (target <= {STATS_TARGET_S:.0f} s), {len(done.stdout.splitlines())} lines")
    bare = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - t)
    print(f"  (a bare 'python -c pass' takes {statistics.median(bare):.2f} s here)")
    return worst


def main() -> int:
    sys.path.insert(0, str(Path(__file__).parent))  # bench_app's pty helpers
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--home", type=Path, default=Path("/tmp/coach-bench-progress"))
    args = parser.parse_args()
    path = prepare(args.home)
    data = bench_data(path, args.runs)
    shown = bench_screen(args.home, args.runs)
    stats = bench_stats(max(3, args.runs // 2))
    ok = data * 1000 <= DATA_TARGET_MS and shown * 1000 <= SHOWN_TARGET_MS and stats <= STATS_TARGET_S
    print("all targets met" if ok else "a target was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
