"""Benchmark: memory over a working day compressed, for the app and for coach watch.

1. The app (issue 18), driven with Pilot on fake clocks at 120x40, in this
   process: each round answers four break prompts, one each way (snooze, skip,
   "already moved", and take, whose desk break is played to its end in one
   round and stopped after 70 s in the next - a stopped break is no break, so
   the prompt comes back and is skipped), opens the progress view once at each
   range (7, 30, 90, 365 days) and closes it, and every fourth round opens the
   routine editor and leaves it. The default 200 rounds are 200 prompts
   answered each way (and 100 more skipped after a stop), 200 openings of
   progress at each range, 200 desk breaks (100 played, 100 stopped), 50
   editor openings. Between
   readings nothing calls the app's release of closed widgets by hand: it
   runs on its own (every 20 s and when home comes back), as in real use.
2. coach watch (issue 18, part 3): the headless owner with fake clocks and a
   fake presence, a simulated week: working days of prompts answered each way
   through the answers queue (as ``coach break`` sends them), a locked lunch
   hour, nights away, a weekend.

Readings: every --every rounds (5) of the app and every 2 simulated hours of
the watcher, each after a collection (and, for the app, after its own release
of closed widgets, which also runs on its interval and when home comes back):
what stays, not the peak between two releases. Each reading has resident
memory (VmRSS), Python's heap (blocks handed out), C's heap (glibc malloc, in
use and held) and the live objects the collector tracks, by type.

The verdict is on resident memory, as the issue asks: growth from the reading
after the warm-up to the last one at most 5 MB, and the trend over the last
half (a least-squares slope over its readings, at least 8, given with its
standard error) under 0.5 MB per 100 rounds or per simulated day. The other
measures say why if it is not: a real leak shows as a type whose count climbs
(named, with how much it grew over the last half) or a heap that grows; the
allocator keeping its high water shows as resident memory rising while the
heaps stay flat. Exit status 0 when both parts meet the target.

Run: .venv/bin/python tests/benchmarks/bench_soak.py [--rounds 200] [--every 5] [--days 7]
(the full run is about half an hour on a loaded 2-core machine; --only app or
--only watch runs one part, --trace adds tracemalloc from the warm-up and shows what grew over the last half).
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import functools
import gc
import io
import math
import os
import sys
import tempfile
import tracemalloc
import types
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS / "pilot"), str(TESTS)]  # pilot_helpers, and the fakeclocks it uses

GROWTH_LIMIT_MB = 5.0
SLOPE_LIMIT_MB = 0.5
#: A type whose live count grows by this many per 100 rounds (or per day) over
#: the last half is named as growing: a real leak shows as a count that climbs,
#: the allocator keeping its high water does not.
TYPE_GROWTH_SHOWN = 20
#: Fewer samples than this in the last half fit no trend worth a verdict.
MIN_TREND_SAMPLES = 8


def status_mb(field: str) -> float:
    """A size from /proc/self/status (VmRSS: resident now, VmHWM: the peak), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss_mb() -> float:
    return status_mb("VmRSS")


def type_name(thing: object) -> str:
    name = f"{type(thing).__module__}.{type(thing).__qualname__}"
    if isinstance(thing, weakref.ref) and thing() is None:
        # Told apart: sqlite3 keeps a dead reference per cursor on its
        # connection and purges them every 200 cursors (a saw, not a leak).
        return name + " (dead)"
    return name


def type_counts() -> Counter[str]:
    """Live objects the collector tracks, by type (module.name)."""
    return Counter(type_name(o) for o in gc.get_objects())


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]


def _mallinfo2() -> Callable[[], _MallInfo2] | None:
    try:
        function = ctypes.CDLL(None).mallinfo2  # glibc 2.33 and later
    except (OSError, AttributeError):
        return None
    function.restype = _MallInfo2
    return function


MALLINFO2 = _mallinfo2()


def _sqlite_memory_used() -> Callable[[], int] | None:
    """SQLite's own count of the memory it has in use (its page caches, the
    schema, prepared statements), from the library the sqlite3 module uses."""
    try:
        import _sqlite3

        function = ctypes.CDLL(_sqlite3.__file__).sqlite3_memory_used
    except (ImportError, OSError, AttributeError):
        return None
    function.restype = ctypes.c_int64
    return function


SQLITE_MEMORY_USED = _sqlite_memory_used()


def sqlite_mb() -> float:
    """What SQLite has in use (part of C's heap), in MB; nan if it cannot be read."""
    return SQLITE_MEMORY_USED() / 2**20 if SQLITE_MEMORY_USED is not None else math.nan


def malloc_mb() -> tuple[float, float]:
    """C's heap (sqlite, tree-sitter, the interpreter's own): what malloc has
    handed out and still in use, and what it holds from the system (in use
    plus its free lists), in MB; (nan, nan) without glibc's mallinfo2."""
    if MALLINFO2 is None:
        return math.nan, math.nan
    info = MALLINFO2()
    return (info.uordblks + info.hblkhd) / 2**20, (info.arena + info.hblkhd) / 2**20


def lru_caches() -> dict[str, functools._lru_cache_wrapper]:
    """Every functools.lru_cache in the process, by module and name (Textual's
    and Rich's caches of styles, segments, cell widths, geometry...)."""
    found = {}
    for thing in gc.get_objects():
        if isinstance(thing, functools._lru_cache_wrapper):
            found[f"{getattr(thing, '__module__', '?')}.{getattr(thing, '__qualname__', '?')}"] = thing
    return found


def cache_contents() -> dict[str, tuple[int, int]]:
    """Each lru_cache with something in it: its entries, and the bytes they reach."""
    return {name: (size, entries_size(cache)) for name, cache in lru_caches().items()
            if (size := cache.cache_info().currsize)}


def entries_size(cache: functools._lru_cache_wrapper) -> int:
    """Bytes of what a cache's entries reach (their keys and results, and what
    those hold), not counting classes, functions and modules; an object that
    something else also holds is counted here too, so this is at most what
    clearing the cache would give back."""
    seen: set[int] = set()
    total = 0
    stack = [o for o in gc.get_referents(cache) if not isinstance(o, (type, dict))]
    stack += [o for o in gc.get_referents(cache) if isinstance(o, dict) and "__wrapped__" not in o]
    while stack:
        thing = stack.pop()
        if id(thing) in seen or isinstance(thing, (type, types.ModuleType, types.FunctionType,
                                                    types.BuiltinFunctionType, types.MethodType)):
            continue
        seen.add(id(thing))
        total += sys.getsizeof(thing)
        stack.extend(gc.get_referents(thing))
    return total


@dataclass
class Sample:
    """One reading, taken after a collection: resident memory, the blocks
    Python's allocator has handed out (the Python heap, without the
    allocator's free arenas), C's heap in use and held, and the live objects
    the collector tracks."""

    rss: float
    blocks: int
    malloc_used: float
    malloc_held: float
    objects: int
    sqlite: float
    cache_mb: float  # what every lru_cache's entries reach
    # Each lru_cache's entries and bytes: kept only for the samples the report
    # compares (after the warm-up, the first of the last half, the last). Kept
    # for every sample, these dicts were part of the heap's growth being
    # measured (about 150 blocks a sample in the app after some use).
    caches: dict[str, tuple[int, int]] | None = None


def sample(census: bool = True) -> Sample:
    """A reading; with ``census`` it also keeps each lru_cache's entries and bytes."""
    gc.collect()
    contents = cache_contents()
    return Sample(rss_mb(), sys.getallocatedblocks(), *malloc_mb(), len(gc.get_objects()), sqlite_mb(),
                  sum(size for _, size in contents.values()) / 2**20, contents if census else None)


def census_at(number: int, planned: int) -> bool:
    """Whether sample ``number`` (0-based) of ``planned`` is one the report compares
    cache by cache: the first of the last half (Soak.half) or the last."""
    return number in (planned // 2, planned - 1)


def fit(values: list[float]) -> tuple[float, float]:
    """Least-squares slope per step of evenly spaced values, and its standard error."""
    n = len(values)
    if n < 3:
        return 0.0, float("inf")
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    sxx = sum((x - mean_x) ** 2 for x in range(n))
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values)) / sxx
    residual = sum((y - mean_y - slope * (x - mean_x)) ** 2 for x, y in enumerate(values))
    return slope, math.sqrt(residual / (n - 2) / sxx)


@dataclass
class Soak:
    """The readings of one soak and its verdict.

    ``per`` is how many samples make the unit the trend is given in (100
    rounds, one day). The growth is the end against the reading after the
    warm-up; the trend is fitted to the samples of the last half only."""

    name: str
    unit: str
    per: float
    warm: Sample
    samples: list[Sample] = field(default_factory=list)
    middle_types: Counter[str] = field(default_factory=Counter)
    end_types: Counter[str] = field(default_factory=Counter)
    peak: float = 0.0  # VmHWM when the part ended (the process's peak so far)

    def half(self) -> list[Sample]:
        return self.samples[len(self.samples) // 2:]

    def trend(self, values: list[float]) -> tuple[float, float]:
        slope, error = fit(values)
        return slope * self.per, error * self.per

    def growing_types(self) -> list[tuple[str, int]]:
        span = (len(self.half()) - 1) / self.per  # in units (100 rounds, days)
        grown = [(name, self.end_types[name] - self.middle_types[name]) for name in self.end_types
                 if not name.startswith(__name__ + ".")]  # this script's own samples
        return sorted(((n, g) for n, g in grown if span > 0 and g >= TYPE_GROWTH_SHOWN * max(span, 1)),
                      key=lambda item: -item[1])

    def report_caches(self) -> None:
        """The lru_caches whose entries grew over the last half: their entries
        after the warm-up, at the half and at the end, their limit, and the
        bytes their entries reach at the end. A cache at its limit has
        stopped growing; one still below it is still filling."""
        half, end = self.half()[0].caches or {}, self.samples[-1].caches or {}
        grown = sorted((name for name in end if end[name][0] > half.get(name, (0, 0))[0]),
                       key=lambda name: -(end[name][1] - half.get(name, (0, 0))[1]))
        if not grown:
            print(f"{self.name}:   no lru_cache grew over the last half")
            return
        limits = {name: cache.cache_info().maxsize for name, cache in lru_caches().items()}
        print(f"{self.name}:   lru_caches that grew over the last half (entries after the warm-up / at the half / "
              f"at the end, of its limit; MB at the half and at the end):")
        for name in grown:
            limit = limits.get(name)
            print(f"{self.name}:     {name}: {(self.warm.caches or {}).get(name, (0, 0))[0]} / {half.get(name, (0, 0))[0]} / "
                  f"{end[name][0]} of {limit if limit is not None else 'no limit'}; "
                  f"{half.get(name, (0, 0))[1] / 2**20:.2f} -> {end[name][1] / 2**20:.2f} MB")

    def report(self) -> bool:
        end = self.samples[-1]
        growth = end.rss - self.warm.rss
        half = self.half()
        rss, rss_error = self.trend([s.rss for s in half])
        blocks, _ = self.trend([s.blocks / 1000 for s in half])
        objects, _ = self.trend([float(s.objects) for s in half])
        used, _ = self.trend([s.malloc_used for s in half])
        held, _ = self.trend([s.malloc_held for s in half])
        enough = len(half) >= MIN_TREND_SAMPLES
        growth_ok, trend_ok = growth <= GROWTH_LIMIT_MB, enough and rss < SLOPE_LIMIT_MB
        mark = {True: "ok", False: "OVER" if enough else "not shown: too few samples"}
        print(f"{self.name}: resident {self.warm.rss:.1f} MB after warm-up, {end.rss:.1f} MB at the end "
              f"(peak {self.peak:.1f}): growth {growth:+.1f} MB (limit {GROWTH_LIMIT_MB:g}) "
              f"-> {mark[growth_ok]}")
        print(f"{self.name}: last-half trend from {len(half)} samples (at least {MIN_TREND_SAMPLES}): resident {rss:+.2f} "
              f"\u00b1 {rss_error:.2f} MB per {self.unit} (limit {SLOPE_LIMIT_MB:g}) -> {mark[trend_ok]}")
        print(f"{self.name}:   Python heap {blocks:+.1f}k blocks and {objects:+.0f} live objects "
              f"per {self.unit} ({half[0].blocks / 1000:.0f}k blocks, {half[0].objects} objects "
              f"at the half; {end.blocks / 1000:.0f}k, {end.objects} at the end)")
        print(f"{self.name}:   C heap (malloc) {used:+.2f} MB in use and {held:+.2f} MB held per {self.unit} "
              f"({half[0].malloc_used:.1f} in use, {half[0].malloc_held:.1f} held at the half; "
              f"{end.malloc_used:.1f}, {end.malloc_held:.1f} at the end)")
        sqlite, _ = self.trend([s.sqlite for s in half])
        print(f"{self.name}:   of which SQLite {sqlite:+.2f} MB per {self.unit} ({self.warm.sqlite:.2f} MB after "
              f"the warm-up, {half[0].sqlite:.2f} at the half, {end.sqlite:.2f} at the end)")
        caches, _ = self.trend([s.cache_mb for s in half])
        print(f"{self.name}:   every lru_cache {caches:+.2f} MB per {self.unit} "
              f"({self.warm.cache_mb:.2f} MB after the warm-up, {half[0].cache_mb:.2f} at the half, "
              f"{end.cache_mb:.2f} at the end)")
        rest, rest_error = self.trend([s.rss - s.cache_mb for s in half])
        print(f"{self.name}:   resident without the lru_caches' bytes {rest:+.2f} \u00b1 {rest_error:.2f} MB "
              f"per {self.unit}")
        print(f"{self.name}:   resident at each sample (MB): "
              + " ".join(f"{s.rss:.1f}" for s in self.samples))
        print(f"{self.name}:   lru_caches at each sample (MB): "
              + " ".join(f"{s.cache_mb:.2f}" for s in self.samples))
        self.report_caches()
        growing = self.growing_types()
        if growing:
            print(f"{self.name}:   types growing over the last half: "
                  + ", ".join(f"{name} {grown:+d}" for name, grown in growing[:8]))
        else:
            print(f"{self.name}:   no type grew by {TYPE_GROWTH_SHOWN} or more per {self.unit} over the last half")
        return growth_ok and trend_ok


class Tracer:
    """With --trace: tracemalloc from the first reading after the warm-up, a
    snapshot at the half and one at the end, and the places whose memory grew
    most between the two (allocations made before tracing began are not seen;
    the benchmark's own readings are left out). Slow; to find a cause."""

    def __init__(self, on: bool) -> None:
        self.on, self.first = on, None

    def start(self) -> None:
        if self.on:
            tracemalloc.start(25)

    def middle(self) -> None:
        if self.on:
            gc.collect()
            self.first = tracemalloc.take_snapshot()

    def end(self) -> None:
        if not (self.on and self.first):
            return
        gc.collect()
        last = tracemalloc.take_snapshot()
        tracemalloc.stop()
        ours = [tracemalloc.Filter(False, __file__), tracemalloc.Filter(False, tracemalloc.__file__)]
        first, last = self.first.filter_traces(ours), last.filter_traces(ours)
        print("tracemalloc, the most grown between the half and the end:")
        for stat in last.compare_to(first, "traceback")[:12]:
            print(f"  {stat.size_diff / 1024:+.1f} KiB in {stat.count_diff:+d} blocks")
            for line in stat.traceback.format(most_recent_first=True)[:24]:
                print("    " + line)
        print("tracemalloc, by line:")
        for stat in last.compare_to(first, "lineno")[:15]:
            print(f"  {stat.size_diff / 1024:+.1f} KiB in {stat.count_diff:+d} blocks  {stat.traceback[0]}")


# --- 1. the app ----------------------------------------------------------------------------

#: What a round does; --kinds runs a part of it (to see which part a trend follows).
KINDS = frozenset({"prompts", "breaks", "progress", "editor"})


async def app_day(rounds: int, warm_up: int, every: int, trace: bool, kinds: frozenset[str] = KINDS) -> Soak:
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

        async def back_home() -> None:
            # The stop advice or the finish screen (enter leaves each), then home.
            for _ in range(10):
                if isinstance(app.screen, HomeScreen):
                    return
                if isinstance(app.screen, BreakPromptScreen):
                    # A stopped break is no break: the prompt that waited comes back.
                    clock.advance(2)  # past the arming time
                    await pilot.press("x")
                else:
                    await pilot.press("enter")
                await settle()
            await until(HomeScreen)

        async def take(play_to_the_end: bool) -> None:
            await prompt("enter")
            for _ in range(200):  # the desk break's player (its cautions may ask first)
                if type(app.screen).__name__ == "PlayerScreen":
                    break
                if type(app.screen).__name__ == "BeforeStartScreen":
                    await pilot.press("enter")
                if type(app.screen).__name__ == "LevelUpScreen":
                    await pilot.press("n")  # stay at the level (the desk break has no ranges today)
                await pilot.pause(0.01)
            if play_to_the_end:
                # Its two minutes run out: a completed routine counts as the break.
                for _ in range(13):
                    await tick(pilot, clock, 10)
                for _ in range(200):
                    if type(app.screen).__name__ == "FinishScreen":
                        break
                    await pilot.pause(0.01)
            else:
                for _ in range(7):
                    await tick(pilot, clock, 10)
                await pilot.press("escape")  # stop: why? "just stopping" is highlighted
                await settle()
                await pilot.press("enter")
                await settle(3)
            await back_home()

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
            if "prompts" in kinds:
                for key in ("s", "x", "t"):
                    await prompt(key)
                    await until(HomeScreen)
            if "breaks" in kinds:
                await take(play_to_the_end=number % 2 == 1)
            if "progress" in kinds:
                await progress_at_each_range()
            if "editor" in kinds and number % 4 == 0:
                await editor()

        async def reading(census: bool = True) -> Sample:
            # What stays, not the peak between two releases: the app's own
            # release (it also runs on its interval), then a collection.
            app.release_closed_widgets()
            await settle()
            return sample(census)

        await settle()
        for number in range(warm_up):
            await one_round(number)
        soak = Soak("app", "100 rounds", per=100 / every, warm=await reading())
        tracer = Tracer(trace)
        tracer.start()
        middle = rounds // every // 2
        for number in range(rounds):
            await one_round(number)
            if number % every == every - 1:
                soak.samples.append(await reading(census_at(len(soak.samples), rounds // every)))
                if len(soak.samples) == middle + 1:
                    soak.middle_types = type_counts()
                    tracer.middle()
        soak.end_types = type_counts()
        soak.peak = status_mb("VmHWM")
        tracer.end()
    if kinds != KINDS:
        print(f"app: only {', '.join(sorted(kinds))} in each round (--kinds): the figures below are for that part")
    print(f"app: {rounds} rounds after {warm_up} to warm up: {rounds} prompts answered each way, "
          f"{rounds * 4} openings of progress, {rounds} desk breaks ({rounds // 2} played to the end, "
          f"{rounds - rounds // 2} stopped and the prompt that came back skipped), "
          f"{(rounds + 3) // 4} editor openings; a sample every {every} rounds")
    return soak


# --- 2. coach watch ------------------------------------------------------------------------


def watch_week(days: int) -> Soak:
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

    hours = 2  # a sample every 2 simulated hours

    def run_hours(count: float) -> None:
        nonlocal answered
        for _ in range(int(count * 3600 / step)):
            moment["mono"] += step
            view, news = watcher.sit.tick()
            if watcher.sit.prompt_open and watcher.sit.is_owner:
                send_answer(watcher.sit.answers_dir, SitAnswer(answers[answered % 3], wall(), 4242))
                answered += 1
            out.seek(0)
            out.truncate()

    run_hours(24)  # warm-up
    soak = Soak("watch", "day", per=24 / hours, warm=sample())
    steps = days * 24 // hours
    for number in range(steps):
        run_hours(hours)
        soak.samples.append(sample(census_at(number, steps)))
        if number == steps // 2:
            soak.middle_types = type_counts()
    soak.end_types = type_counts()
    soak.peak = status_mb("VmHWM")
    watcher.sit.close()
    print(f"watch: {days} simulated day{'s' if days != 1 else ''} after one to warm up, {answered} prompts answered "
          f"(snooze, skip, already in turn), lunch locked, nights and the weekend away; "
          f"a sample every {hours} simulated hours")
    return soak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="rounds of the app's day (default 200)")
    parser.add_argument("--warm-up", type=int, default=10, help="rounds before the first reading")
    parser.add_argument("--every", type=int, default=5, help="rounds between two readings (default 5)")
    parser.add_argument("--days", type=int, default=7, help="simulated days of coach watch (default 7)")
    parser.add_argument("--trace", action="store_true",
                        help="also tracemalloc the app and show what grew over the last half (slow)")
    parser.add_argument("--only", choices=("app", "watch"), help="run one part only")
    parser.add_argument("--kinds", default=",".join(sorted(KINDS)),
                        help="what an app round does, comma-separated (default all: %(default)s); "
                             "a part alone shows which one a trend follows (the verdict is for all)")
    args = parser.parse_args()
    kinds = frozenset(k.strip() for k in args.kinds.split(",") if k.strip())
    if not kinds or not kinds <= KINDS:
        parser.error(f"--kinds: choose from {', '.join(sorted(KINDS))}")
    soaks = []
    if args.only in (None, "watch"):
        with tempfile.TemporaryDirectory() as home:
            os.environ["COACH_HOME"] = str(Path(home) / "watch")
            soaks.append(watch_week(args.days))
    if args.only in (None, "app"):
        with tempfile.TemporaryDirectory() as home:
            os.environ["COACH_HOME"] = str(Path(home) / "app")
            soaks.append(asyncio.run(app_day(args.rounds, args.warm_up, args.every, args.trace, kinds)))
    ok = all([soak.report() for soak in soaks])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
