"""Reads for the screens run off the screen's thread (issue 14): while
another program holds the history locked so that even readers wait, home and
progress answer keys at once, show what they showed last (or a line saying
why they wait), and show the figures once the lock goes. A read that fails
says so in one line."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta

import pytest
from pilot_helpers import SIZE, fixed_wall, reads_landed
from textual.widgets import OptionList, Static, Tabs

import screens.app
from coach.paths import resolve_paths
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.store import open_store
from screens.app import FLARE_READ
from screens.home import HomeScreen
from screens.progress import REPORT_READ, ProgressScreen
from screens.red_flags import RedFlagScreen


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def reading(app, group: str) -> bool:
    return any(w.group == group and not w.is_finished for w in app.workers)


async def until(pilot, check, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "it never happened"
        await pilot.pause(0.05)


def hold_the_history(path):
    """Another program's lock that readers wait for too: exclusive locking
    mode (with WAL, an ordinary writer's lock does not block readers), taken
    before Coach opens the file. The flare-up's pain is changed inside it, so
    what shows after it goes was read after it went."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE flareup_pain SET pain = 7")
    return holder


async def test_a_locked_history_never_holds_home_or_progress(build, with_history, clock,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # The red flags were confirmed; while their answer cannot be read, the
    # app waits for it (here, longer than the test holds the lock) before asking.
    monkeypatch.setattr(screens.app, "RED_FLAGS_READ_WAIT", 120.0)
    path = resolve_paths().history_file
    with open_store(path, clock=fixed_wall) as store:
        store.set_meta(RED_FLAGS_CONFIRMED_KEY, "2026-11-01T09:00:00+00:00")
        store.start_flareup(fixed_wall() - timedelta(hours=5), 5)
    holder = hold_the_history(path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):  # readers do wait
            sqlite3.connect(path, timeout=0.05).execute("SELECT count(*) FROM sessions")
        app = build(confirmed=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            home = app.screen
            assert isinstance(home, HomeScreen)
            # The first frame is whole: the routines and the sit line; the
            # flare-up read waits for the lock off the screen's thread.
            options = home.query_one("#routines", OptionList)
            assert options.option_count > 10 and options.highlighted is not None
            assert app.sit_text
            assert reading(app, FLARE_READ)
            assert home.query_one("#now").has_class("hidden")  # nothing known yet

            started = time.monotonic()
            before = options.highlighted
            await pilot.press("down")  # keys answer at once
            assert options.highlighted != before
            line = app.sit_text
            clock.advance(61)
            app.sit_poll()
            assert app.sit_text != line  # the sit line moves on
            home.flareup_changed()  # the 30 s refresh, with the lock still held
            await pilot.pause()
            assert reading(app, FLARE_READ)

            await pilot.press("p")  # progress opens at once, and says why it waits
            await pilot.pause()
            progress = app.screen
            assert isinstance(progress, ProgressScreen)
            await until(pilot, lambda: "locked" in text(progress, "#reading"))
            note = text(progress, "#reading")
            assert note.startswith("Reading the history...") and "\n" not in note
            assert progress.report is None and progress.has_class("empty")
            await pilot.press("3")  # and switches range
            await pilot.pause()
            assert progress.query_one(Tabs).active == "days-90"
            assert reading(app, REPORT_READ) and reading(app, FLARE_READ)
            assert app.is_running and isinstance(app.screen, ProgressScreen)
            assert time.monotonic() - started < 8, "the screen waited for the history"

            holder.execute("COMMIT")
            holder.close()
            await reads_landed(pilot)  # once the lock goes, the figures show
            assert progress.report is not None and progress.report.days == 90
            assert "19 sessions" in text(progress, "#summary")
            assert progress.query_one("#reading").has_class("hidden")
            assert not progress.has_class("empty")

            await pilot.press("escape")
            await reads_landed(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert not home.query_one("#now").has_class("hidden")
            assert "pain 7/10" in text(home, "#now")  # read after the lock went
            assert not any(isinstance(s, RedFlagScreen) for s in app.screen_stack)
    finally:
        holder.close()  # (rolls back if the test failed while holding it)


async def test_a_failing_read_says_so_in_one_line(build, coach_home) -> None:
    # Another program's SQLite file at the history's path: history is off
    # (the writer says why) and every read fails.
    path = resolve_paths().history_file
    path.parent.mkdir(parents=True, exist_ok=True)
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE photos (x)")
    other.commit()
    other.close()
    app = build(confirmed=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await until(pilot, lambda: isinstance(app.screen, RedFlagScreen))
        await pilot.press("end", "enter")  # none apply (not stored: history is off)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("p")
        await reads_landed(pilot)
        progress = app.screen
        assert isinstance(progress, ProgressScreen)
        note = text(progress, "#reading")
        assert note == f"Could not read the history: {path} is not a Coach history"
        assert "Traceback" not in note and "\n" not in note
        assert progress.report is None and progress.has_class("empty")
        await pilot.press("1")  # the screen still answers
        await reads_landed(pilot)
        assert progress.query_one(Tabs).active == "days-7" and app.is_running
