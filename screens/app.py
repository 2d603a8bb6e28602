"""The Coach app: wiring only. Screens live in their own files."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from coach.config import LoadedConfig, load_config, save_theme
from coach.instance import InstanceLock
from coach.library import Library, load_library
from coach.model import Routine
from coach.paths import Paths, resolve_paths
from coach.recorder import STALE_AFTER
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.store import SessionRecord, Store, StoreError, open_store
from screens.commands import RoutineCommands


@dataclass
class Services:
    """What the screens need from the core, built once by :func:`make_app`."""

    paths: Paths
    config: LoadedConfig
    library: Library
    store: Store | None
    store_problem: str | None
    lock: InstanceLock
    monotonic: Callable[[], float]
    wall: Callable[[], datetime]


class CoachApp(App[int]):
    """Guides a person through back-care routines."""

    CSS_PATH = "coach.tcss"
    TITLE = "Coach"
    COMMANDS = App.COMMANDS | {RoutineCommands}
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit", priority=True)]

    def __init__(self, services: Services, start_routine: str | None = None) -> None:
        super().__init__()
        self.services = services
        self.start_routine_id = start_routine
        self.exit_code = 0
        self._saved_theme = services.config.config.theme

    # --- start-up ---------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        # Home is the first screen, so start-up draws it once, not twice.
        from screens.home import HomeScreen

        theme = self.services.config.config.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        return HomeScreen()

    def on_mount(self) -> None:
        # Python's collector ran ~30 ms before the first frame; it is held off
        # until then (see coach.cli) and the start-up objects frozen after.
        self.call_after_refresh(_resume_gc)
        for problem in self.services.config.problems:
            self.notify(problem, title="Settings", severity="warning", markup=False, timeout=12)
        if self.services.store_problem:
            self.notify(self.services.store_problem, title="History", severity="error", markup=False, timeout=20)
        store = self.services.store
        if store is not None and store.recovered_from is not None:
            self.notify(
                f"The history file could not be read, so it was moved to {store.recovered_from} "
                "and a new one was started. Nothing was deleted.",
                title="History", severity="warning", markup=False, timeout=20,
            )
        for notice in self.services.library.notices:
            self.notify(notice, title="Routines", markup=False)
        self.startup_flow()

    @work(exclusive=True, group="flow")
    async def startup_flow(self) -> None:
        """Red flags on first use, then an interrupted session or the routine asked for."""
        if not await self.confirm_red_flags():
            self.exit(1)
            return
        self.close_dead_sessions()
        if self.start_routine_id:
            entry = self.services.library.get(self.start_routine_id)
            assert entry is not None and entry.routine is not None  # checked by the CLI
            await self.run_routine(entry.routine)
            self.exit(self.exit_code)
            return
        await self.offer_resume()

    async def confirm_red_flags(self) -> bool:
        """Show the red flags until the user has confirmed none apply, once."""
        store = self.services.store
        if store is not None and store.get_meta(RED_FLAGS_CONFIRMED_KEY):
            return True
        from screens.red_flags import RedFlagScreen

        confirmed = await self.push_screen_wait(RedFlagScreen())
        if confirmed and store is not None:
            try:
                store.set_meta(RED_FLAGS_CONFIRMED_KEY, self.services.wall().isoformat(timespec="seconds"))
            except StoreError as err:
                self.notify(str(err), title="History", severity="error", markup=False)
        return bool(confirmed)

    def close_dead_sessions(self) -> bool:
        """Mark sessions left 'running' by a dead app as interrupted."""
        store = self.services.store
        if store is None:
            return False
        # With the instance lock held, every 'running' row was left by a dead
        # app; without it (another Coach is open) only clearly stale ones were.
        stale = 0.0 if self.services.lock.held else STALE_AFTER
        try:
            return bool(store.mark_interrupted(older_than=_seconds(stale)))
        except StoreError as err:
            self.notify(str(err), title="History", severity="error", markup=False)
            return False

    async def offer_resume(self) -> None:
        """Offer the latest interrupted session, once."""
        store = self.services.store
        if store is None:
            return
        try:
            record = store.resumable_session()
            if record is None:
                return
            store.mark_resumed(record.id)  # offered once, whatever the answer
        except StoreError as err:
            self.notify(str(err), title="History", severity="error", markup=False)
            return
        entry = self.services.library.get(record.routine_id)
        if entry is None or entry.routine is None or not entry.ok:
            return
        from screens.resume import ResumeScreen

        if await self.push_screen_wait(ResumeScreen(record)):
            await self.run_routine(entry.routine, resume=record)

    # --- running a routine --------------------------------------------------------

    def start_routine(self, routine_id: str) -> None:
        """Start a routine by id (home screen, command palette)."""
        entry = self.services.library.get(routine_id)
        if entry is None or entry.routine is None or not entry.ok:
            self.notify(f"'{routine_id}' cannot be started: it has problems.", severity="error", markup=False)
            return
        self._run_worker(entry.routine)

    @work(exclusive=True, group="flow")
    async def _run_worker(self, routine: Routine) -> None:
        await self.run_routine(routine)

    async def run_routine(self, routine: Routine, resume: SessionRecord | None = None) -> None:
        """Safety checks, the pain check, the player, and the finish screen."""
        from screens.before_start import BeforeStartScreen
        from screens.finish import FinishScreen
        from screens.pain_check import PainCheckScreen
        from screens.player import PlayerScreen

        if not await self.confirm_red_flags():
            self.exit_code = 1
            return
        pain_before = None
        if resume is None:
            if not await self.push_screen_wait(BeforeStartScreen(routine)):
                self.exit_code = 1
                return
            if routine.pain_check.before:
                pain_before = await self.push_screen_wait(PainCheckScreen(routine, before=True))
        result = await self.push_screen_wait(PlayerScreen(routine, pain_before=pain_before, resume=resume))
        self.exit_code = 0 if result.completed else 1
        await self.push_screen_wait(FinishScreen(routine, result))

    # --- settings -------------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        if theme != self._saved_theme and self.is_mounted:
            if save_theme(self.services.paths.config_file, theme):
                self._saved_theme = theme

    def on_unmount(self) -> None:
        if self.services.store is not None:
            self.services.store.close()
        self.services.lock.release()


def _resume_gc() -> None:
    if not gc.isenabled():  # only when the CLI held it off
        gc.freeze()
        gc.enable()


def _seconds(value: float):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(seconds=value)


def make_app(
    paths: Paths | None = None,
    *,
    start_routine: str | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    wall: Callable[[], datetime] | None = None,
    library: Library | None = None,
) -> CoachApp:
    """Build the app with its services; the CLI and the tests both use this."""
    paths = paths or resolve_paths()
    wall = wall or (lambda: datetime.now().astimezone())
    config = load_config(paths.config_file)
    library = library if library is not None else load_library(paths.routines_dir)
    store: Store | None = None
    store_problem = None
    try:
        store = open_store(paths.history_file, clock=wall)
    except StoreError as err:
        store_problem = f"{err} History is off for this run."
    except OSError as err:
        store_problem = f"Cannot open the history at {paths.history_file}: {err.strerror or err}. History is off for this run."
    lock = InstanceLock(paths.lock_file)
    try:
        lock.acquire()
    except OSError:
        pass  # no lock, no harm: resume falls back to staleness
    services = Services(paths, config, library, store, store_problem, lock, monotonic, wall)
    return CoachApp(services, start_routine=start_routine)


__all__ = ["CoachApp", "Services", "make_app", "Path"]
