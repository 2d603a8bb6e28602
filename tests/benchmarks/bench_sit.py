"""Benchmark: the sit timer that runs all day (issue 13), in one run on one machine.

1. ``coach watch`` idling for N seconds (default 60) as the owner of the sit
   timer, with the away sources this machine offers polled as configured by
   default: CPU time (utime + stime from /proc/PID/stat) as percent of one
   core, and VmRSS at the end. Targets: at most 0.10 % of a core (Workrave's
   figure) and at most 25 MB. A bare Textual app with a 1 s clock runs in the
   same window, for scale.
2. The full app idling on its home screen as the owner of the sit timer, with
   away sources polled, against that bare app measured in the same window.
   Target: at most 1.5x its CPU. (It runs with a COACH_HOME of its own, so
   that it owns a timer while the watch owns the other.)
3. ``coach status`` and ``coach break already`` with the watch running:
   wall time from spawn to exit, median of 10 runs each. Target: at most
   100 ms each. The bare interpreter's start (``python -c pass``) is printed
   for scale.

Exit status 0 when every target is met, 1 otherwise. Linux only (/proc, pty).
Not collected by pytest.

Run: .venv/bin/python tests/benchmarks/bench_sit.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_app import (  # noqa: E402
    BARE_APP, BARE_READY, BenchError, Term, app_env, coach_command, cpu_ticks, pump, rss_kib,
)

WATCH_CPU_TARGET = 0.10  # percent of one core
WATCH_RSS_TARGET = 25.0  # MB
APP_RATIO_TARGET = 1.5
COMMAND_TARGET_MS = 100.0
SETTLE_SECONDS = 3.0


def prepare(home: Path) -> None:
    from coach.safety import RED_FLAGS_CONFIRMED_KEY
    from coach.store import open_store

    with open_store(home / "history.sqlite3") as store:
        store.set_meta(RED_FLAGS_CONFIRMED_KEY, "2026-01-01T00:00:00+00:00")
    # Defaults but for notifications (nobody to see them here); away sources: all found.
    (home / "config.yaml").write_text("sitting:\n  desktop_notifications: false\n", encoding="utf-8")


def timed(argv: list[str], env: dict[str, str], runs: int = 10) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)
        times.append((time.perf_counter() - started) * 1000)
    return times


def verdict(ok: bool) -> str:
    return "PASS" if ok else "OVER"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="coach watch, the app with away sources, coach status/break.")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the CPU window (default 60)")
    args = parser.parse_args(argv)
    if not Path("/proc/self/stat").exists():
        print("bench_sit: error: needs Linux /proc", file=sys.stderr)
        return 1
    terms: list[Term] = []
    try:
        with tempfile.TemporaryDirectory(prefix="coach-bench-sit-") as tmp:
            tmp_path = Path(tmp)
            home, app_home = tmp_path / "home", tmp_path / "app-home"
            for folder in (home, app_home):
                folder.mkdir()
                prepare(folder)
            bare_file = tmp_path / "bare_app.py"
            bare_file.write_text(BARE_APP, encoding="utf-8")
            coach = coach_command()
            env = app_env(home)
            sources = subprocess.run([coach, "doctor"], env=env, capture_output=True, text=True, timeout=60)
            in_use = [line for line in sources.stdout.splitlines() if line.startswith("away after")]
            print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; CPU window {args.seconds:.0f} s, "
                  f"all at once; {in_use[0] if in_use else 'away sources: ?'}")

            watch = Term("coach watch", [coach, "watch"], env)
            terms.append(watch)
            watch.wait_for("keeping the sit timer")
            bare = Term("bare app", [sys.executable, str(bare_file)], env)
            terms.append(bare)
            app = Term("coach home", [coach], app_env(app_home))
            terms.append(app)
            bare.wait_for(BARE_READY)
            app.wait_for("Desk breaks")
            pump(terms, SETTLE_SECONDS)
            for term in terms:
                term.feed_screen = False
            tick = os.sysconf("SC_CLK_TCK")
            started = time.perf_counter()
            before = {t.name: cpu_ticks(t.pid) for t in terms}
            pump(terms, args.seconds)
            after = {t.name: cpu_ticks(t.pid) for t in terms}
            elapsed = time.perf_counter() - started
            cpu = {name: 100.0 * (after[name] - before[name]) / tick / elapsed for name in before}
            ticks = {name: after[name] - before[name] for name in before}
            rss = {t.name: rss_kib(t.pid) / 1024 for t in terms}

            status_ms = timed([coach, "status"], env)
            break_ms = timed([coach, "break", "already"], env)
            python_ms = timed([sys.executable, "-c", "pass"], env)
    except BenchError as err:
        print(f"bench_sit: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench_sit: interrupted", file=sys.stderr)
        return 1
    finally:
        for term in terms:
            term.close()

    print(f"CPU ticks in the window (1 tick = {1000 / os.sysconf('SC_CLK_TCK'):.0f} ms): "
          + ", ".join(f"{name} {count}" for name, count in ticks.items()))
    print(f"coach status, ms:        {' '.join(f'{t:.0f}' for t in status_ms)}")
    print(f"coach break already, ms: {' '.join(f'{t:.0f}' for t in break_ms)}")
    print(f"python -c pass, ms:      {' '.join(f'{t:.0f}' for t in python_ms)}")
    print()
    watch_cpu, watch_rss = cpu["coach watch"], rss["coach watch"]
    ratio = cpu["coach home"] / cpu["bare app"] if cpu["bare app"] > 0 else float("inf")
    rows = [
        ("coach watch CPU", f"{watch_cpu:.3f} %", f"<= {WATCH_CPU_TARGET:.2f} %", watch_cpu <= WATCH_CPU_TARGET),
        ("coach watch memory", f"{watch_rss:.1f} MiB", f"<= {WATCH_RSS_TARGET:.0f} MB",
         watch_rss * 1.048576 <= WATCH_RSS_TARGET),
        ("app idle CPU vs bare", f"{cpu['coach home']:.2f} % / {cpu['bare app']:.2f} % = {ratio:.2f}x",
         f"<= {APP_RATIO_TARGET:.1f}x", ratio <= APP_RATIO_TARGET),
        ("coach status (median)", f"{statistics.median(status_ms):.0f} ms", f"<= {COMMAND_TARGET_MS:.0f} ms",
         statistics.median(status_ms) <= COMMAND_TARGET_MS),
        ("coach break (median)", f"{statistics.median(break_ms):.0f} ms", f"<= {COMMAND_TARGET_MS:.0f} ms",
         statistics.median(break_ms) <= COMMAND_TARGET_MS),
    ]
    print("{:<24} {:>34} {:>10}  {}".format("metric", "measured", "target", "result"))
    for name, measured, target, ok in rows:
        print("{:<24} {:>34} {:>10}  {}".format(name, measured, target, verdict(ok)))
    print(f"(for scale: the bare Textual app {cpu['bare app']:.2f} % CPU, {rss['bare app']:.1f} MiB; "
          f"the app {rss['coach home']:.1f} MiB)")
    ok = all(row[3] for row in rows)
    print()
    print("ALL TARGETS MET" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
