"""Benchmark: memory over a working day compressed, for the app and for coach watch.

1. The app (issue 18), driven with Pilot on fake clocks at 120x40, in this
   process: each round answers four break prompts, one each way (snooze, skip,
   "already moved", and take, whose desk break is stopped at once), opens the
   progress view once at each range (7, 30, 90, 365 days) and closes it, and
   every fourth round opens the routine editor and leaves it. The default 200
   rounds are 200 prompts answered each way, 200 openings of progress at each
   range, 200 routines started and stopped, 50 editor openings. Nothing calls
   the app's release of closed widgets by hand: it runs on its own 20 s interval, as in
   real use.
2. coach watch (issue 18, part 3): the headless owner with fake clocks and a
   fake presence, a simulated week: working days of prompts answered each way
   through the answers queue (as ``coach break`` sends them), a locked lunch
   hour, nights away, a weekend.

For each: resident memory (VmRSS) after a warm-up and at the end, the growth,
and the trend over the last half (a least-squares slope, MB per 100 rounds or
per simulated day). Target: growth at most 5 MB and no upward trend over the
last half (slope under 0.5 MB per 100 rounds or per day). Exit status 0 when
both parts meet it.

Run: .venv/bin/python tests/benchmarks/bench_soak.py [--rounds 200] [--days 7]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import os
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "pilot"))

GROWTH_LIMIT_MB = 5.0
SLOPE_LIMIT_MB = 0.5


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def slope(samples: list[float]) -> float:
    """Least-squares slope of the samples per step."""
    n = len(samples)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(samples) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(samples))
    den = sum((x - mean_x) ** 2 for x in range(n))
    return num / den


def verdict(name: str, unit: str, warm: float, end: float, samples: list[float], per: int) -> bool:
    half = samples[len(samples) // 2:]
    trend = slope(half) * per
    growth = end - warm
    ok = growth <= GROWTH_LIMIT_MB and trend < SLOPE_LIMIT_MB
    print(f"{name}: {warm:.1f} MB after warm-up, {end:.1f} MB at the end: growth {growth:+.1f} MB "
          f"(limit {GROWTH_LIMIT_MB:g}); last-half trend {trend:+.2f} MB per {unit} "
          f"(limit {SLOPE_LIMIT_MB:g}) -> {'ok' if ok else 'OVER'}")
    return ok


# --- 1. the app ----------------------------------------------------------------------------


async def app_day(rounds: int, warm_up: int) -> bool:
    from pilot_helpers import FakeClock, fixed_wall, tick

    from coach.paths import resolve_paths
    from coach.safety import RED_FLAGS_CONFIRMED_KEY
    from coach.store import open_store
    from screens.app import make_app
    from screens.break_prompt import BreakPromptScreen
    from screens.home import HomeScreen

    home = Path(os.environ["COACH_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text(
        "cues: {bell: false}\nsitting:\n  limit: 3s\n  snooze: 4s\n  max_snoozes: 1000\n"
        "  desktop_notifications: false\n  away_after: 0\n")
    paths = resolve_paths()
    with open_store(paths.history_file, clock=fixed_wall) as store:
        store.set_meta(RED_FLAGS_CONFIRMED_KEY, "2026-11-01T09:00:00+00:00")
    clock = FakeClock()
    app = make_app(paths, monotonic=clock, wall=fixed_wall)

    async with app.run_test(size=(120, 40)) as pilot:
        async def settle(times: int = 2) -> None:
            for _ in range(times):
                await pilot.pause()

        async def until(kind: type, tries: int = 200) -> None:
            for _ in range(tries):
                if isinstance(app.screen, kind):
                    return
                await pilot.pause(0.01)
            raise RuntimeError(f"expected {kind.__name__}, got {type(app.screen).__name__}")

        async def prompt(key: str) -> None:
            clock.advance(5)  # past the 3 s limit (or the 4 s snooze)
            app.sit_poll()
            await until(BreakPromptScreen)
            clock.advance(2)  # past the arming time
            await pilot.press(key)
            await settle()

        async def take_and_stop() -> None:
            await prompt("enter")
            for _ in range(200):  # the desk break's player (its cautions may ask first)
                if type(app.screen).__name__ == "PlayerScreen":
                    break
                if type(app.screen).__name__ == "BeforeStartScreen":
                    await pilot.press("enter")
                await pilot.pause(0.01)
            # A minute and more of it, so that it counts as the break (a shorter
            # one does not, and the prompt would come straight back).
            for _ in range(7):
                await tick(pilot, clock, 10)
            await pilot.press("escape")  # stop: why? "just stopping" is highlighted
            await settle()
            await pilot.press("enter")
            await settle(3)
            for _ in range(5):  # the stop advice or the finish screen, then home
                if isinstance(app.screen, HomeScreen):
                    break
                await pilot.press("enter")
                await settle()
            await until(HomeScreen)

        async def progress_at_each_range() -> None:
            for key in "1234":
                await pilot.press("p")
                await settle()
                await pilot.press(key)
                await settle()
                await pilot.press("escape")
                await settle()
            await until(HomeScreen)

        async def editor() -> None:
            await pilot.press("e")
            await settle(3)
            await pilot.press("escape")
            await settle()
            await until(HomeScreen)

        async def one_round(number: int) -> None:
            for key in ("s", "x", "t"):
                await prompt(key)
                await until(HomeScreen)
            await take_and_stop()
            await progress_at_each_range()
            if number % 4 == 0:
                await editor()

        await settle()
        for number in range(warm_up):
            await one_round(number)
        gc.collect()
        warm = rss_mb()
        samples = []
        for number in range(rounds):
            await one_round(number)
            if number % 10 == 9:
                gc.collect()
                samples.append(rss_mb())
        gc.collect()
        end = rss_mb()
    print(f"app: {rounds} rounds after {warm_up} to warm up: {rounds} prompts answered each way, "
          f"{rounds * 4} openings of progress, {rounds} desk breaks started and stopped, "
          f"{(rounds + 3) // 4} editor openings")
    return verdict("app", "100 rounds", warm, end, samples, per=10)


# --- 2. coach watch ------------------------------------------------------------------------


def watch_week(days: int) -> bool:
    from coach.config import load_config
    from coach.paths import resolve_paths
    from coach.sitanswers import SitAnswer, send_answer
    from coach.sitting import Presence
    from coach.watch import Watcher

    paths = resolve_paths()
    start = datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)  # a Monday
    moment = {"mono": 1000.0}

    def monotonic() -> float:
        return moment["mono"]

    def wall() -> datetime:
        return start + timedelta(seconds=moment["mono"] - 1000.0)

    def presence() -> Presence:
        now = wall()
        weekday, hour = now.weekday(), now.hour
        working = weekday < 5 and 9 <= hour < 17 and hour != 12
        locked = weekday < 5 and hour == 12  # lunch, screen locked
        return Presence(locked=locked, idle=0.0 if working else 6 * 3600.0)

    out = io.StringIO()
    watcher = Watcher(paths, load_config(paths.config_file), out, monotonic=monotonic, wall=wall,
                      boottime=monotonic, presence=presence, alert=lambda news: None)
    answers = ("snooze", "skip", "already")
    step = 5.0  # seconds of the week per tick
    answered = 0

    def run_day() -> None:
        nonlocal answered
        for _ in range(int(86400 / step)):
            moment["mono"] += step
            view, news = watcher.sit.tick()
            if watcher.sit.prompt_open and watcher.sit.is_owner:
                send_answer(watcher.sit.answers_dir, SitAnswer(answers[answered % 3], wall(), 4242))
                answered += 1
            out.seek(0)
            out.truncate()

    run_day()  # warm-up
    gc.collect()
    warm = rss_mb()
    samples = []
    for _ in range(days):
        run_day()
        gc.collect()
        samples.append(rss_mb())
    watcher.sit.close()
    print(f"watch: {days} simulated days after one to warm up, {answered} prompts answered "
          f"(snooze, skip, already in turn), lunch locked, nights and the weekend away")
    return verdict("watch", "day", warm, rss_mb(), samples, per=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warm-up", type=int, default=10)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as home:
        os.environ["COACH_HOME"] = str(Path(home) / "watch")
        ok &= watch_week(args.days)
    with tempfile.TemporaryDirectory() as home:
        os.environ["COACH_HOME"] = str(Path(home) / "app")
        ok &= asyncio.run(app_day(args.rounds, args.warm_up))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
