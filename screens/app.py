"""The Coach app: wiring only. Screens live in their own files."""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from functools import partial
from typing import TYPE_CHECKING

from textual import constants, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.signal import Signal

from coach.clocks import boot_clock, boot_id
from coach.config import load_config_cached, save_theme
from coach.flareup import NO_FLARE, FlareState
from coach.folder_watch import FolderWatch
from coach.history import History, ReadStopped
from coach.keymap import lost_keys
from coach.library import Library, folder_signature, load_library_cached
from coach.paths import Paths, resolve_paths
from coach.reminders import TherapyReminder
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.sitclock import SitClock
from coach.sitting import BreakEvent, pause_choices
from coach.store_errors import StoreError
from coach.voice import voice_missing
from screens.app_flareup import FLARE_READ, REMINDER_READ, THERAPY_DUE, FlareUpFlow
from screens.app_routines import RoutineFlow
from screens.app_sitting import SitPrompts
from screens.commands import RoutineCommands
from screens.release import release, release_when_home_returns
from screens.services import Services

if TYPE_CHECKING:  # the prompt's screen is imported when a break first comes due
    from screens.break_prompt import BreakPromptScreen
    from textual.driver import Driver

#: How often the user routine folder is checked for added, changed or removed files.
ROUTINE_POLL_SECONDS = 2.0
#: How often closed widgets that Textual still holds are let go (screens.release).
RELEASE_SECONDS = 20.0
#: ... and this long after home comes back (a dialog or screen closed).
RELEASE_AFTER_HOME_SECONDS = 0.5
AWAY_START_DELAY = 2.0
#: How long the red-flag check waits for a locked history before it asks again.
RED_FLAGS_READ_WAIT = 2.0


class CoachApp(RoutineFlow, SitPrompts, FlareUpFlow, App[int]):
    """Guides a person through back-care routines.

    This file wires: start-up, the services, the signals screens listen to,
    settings and quitting. The flows are parts of their own, each a mixin
    holding no state beyond the app's: running routines
    (:mod:`screens.app_routines`), the sit timer and its prompt
    (:mod:`screens.app_sitting`), flare-ups and the therapy reminder
    (:mod:`screens.app_flareup`). The rules they apply are in ``coach/``.
    """

    CSS_PATH = "coach.tcss"
    TITLE = "Coach"
    COMMANDS = App.COMMANDS | {RoutineCommands}
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True)]

    # var, not reactive: a reactive on the App repaints the whole screen when
    # it changes, and this one changes every second. SitLine watches them.
    sit_text: var[str] = var("")
    sit_due: var[bool] = var(False)

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform, but on Linux and macOS one whose
        input thread does not wake ten times a second (screens.quiet_driver).
        A driver named in TEXTUAL_DRIVER is left as it is; an empty one is
        none (Textual would try to import "" and end with a traceback)."""
        if constants.DRIVER:
            return super().get_driver_class()
        if sys.platform == "win32":
            from textual.drivers.windows_driver import WindowsDriver

            return WindowsDriver
        from screens.quiet_driver import QuietLinuxDriver

        return QuietLinuxDriver

    def __init__(self, services: Services, start_routine: str | None = None) -> None:
        super().__init__()
        self.services = services
        self.start_routine_id = start_routine
        self.exit_code = 0
        self._saved_theme = services.config.config.theme
        self._in_flow = False  # a routine (or its cautions / pain check) is on screen
        self._prompt: BreakPromptScreen | None = None
        self._away = None  # the away sources' poller, once started
        self._folder_watch: FolderWatch | None = None  # the user's routine folder, watched from on_mount
        self._away_started = False
        self._therapy_prompt_open = False
        self._reminder: TherapyReminder | None = None
        #: The flare-up as last read (off the screen's thread); nothing known yet: none.
        self.flare: FlareState = NO_FLARE
        self.levels: dict[str, int] = {}  # each routine's level (coach.progression), as last read
        self._flare_known = False  # read at least once
        self._reminder_changes = 0
        self._read_problems: set[str] = set()
        self._clashes_said: set[str] = set()
        if services.config.config.keys:  # the person's own keys (config.yaml keys:)
            self.set_keymap(dict(services.config.config.keys))
        #: What screens listen to (they subscribe; the app never looks for them).
        self.library_changed: Signal[Library] = Signal(self, "library-changed")
        self.history_changed: Signal[None] = Signal(self, "history-changed")  # a write landed: read again
        self.flareup_read: Signal[FlareState] = Signal(self, "flareup-read")  # what was read, to show
        self.levels_read: Signal[dict[str, int]] = Signal(self, "levels-read")  # each routine's level, read again

    # --- start-up ---------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        # Home is the first screen, so start-up draws it once, not twice.
        from screens.home import HomeScreen

        theme = self.services.config.config.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        return HomeScreen()

    def on_mount(self) -> None:
        # What the first frame does not show waits for it (_after_first_frame).
        self.call_after_refresh(self._after_first_frame)
        self.sit_poll()  # the sit line is part of the first frame (a tick is a small file read and write)
        self._sit_interval = self.set_interval(1.0, self.sit_poll)
        routines = self.services.paths.routines_dir
        self._routines_seen = folder_signature(routines)
        # One thread that only compares signatures; a change starts the reload worker.
        self._folder_watch = FolderWatch(lambda: folder_signature(routines), self._routine_folder_changed,
                                         ROUTINE_POLL_SECONDS, seen=self._routines_seen)
        self._folder_watch.start()
        # Later, not before the first frame: its thread would compete with drawing it.
        self.set_timer(AWAY_START_DELAY, self.watch_away_if_owner)
        self.set_interval(RELEASE_SECONDS, self.release_closed_widgets)
        release_when_home_returns(self, RELEASE_AFTER_HOME_SECONDS)
        self._catch_hangup()
        for problem in self.services.config.problems:
            self.notify(problem, title="Settings", severity="warning", markup=False, timeout=12)
        config = self.services.config.config
        missing = voice_missing(config.voice, config.voice_command)
        if missing is not None:
            self.notify(missing, title="Voice", severity="warning", markup=False, timeout=15)
        store = self.services.store
        if store is not None:
            self._loop = asyncio.get_running_loop()
            store.listen(self._history_says, self._history_written)
        for notice in self.services.library.notices:
            self.notify(notice, title="Routines", markup=False)
        if self.services.config.config.keys:
            self.screen_change_signal.subscribe(self, self._say_lost_keys)
            self._say_lost_keys(self.screen)

    def _after_first_frame(self) -> None:
        """Start what the first frame does not show, so none of it competes with
        drawing it: Python's collector (held off by coach.cli: it ran ~30 ms
        before the first frame; the start-up objects are frozen now), the
        history's writer (opening the file, loading the store's code), and the
        start-up reads and checks (red flags, an interrupted session, the
        therapy reminder), each off the screen's thread."""
        _resume_gc()
        if self.services.store is not None:
            self.services.store.start()
        self.load_therapy_reminder()
        self.startup_flow()

    # From the history's writer thread. Posted without waiting (never
    # call_from_thread): the writer must not wait for the screen's loop, which
    # may itself be waiting for the writer at exit.
    def _history_says(self, message: str) -> None:
        """Say it once, on the screen's thread."""
        self._loop.call_soon_threadsafe(partial(self.notify, message, title="History", severity="warning",
                                                markup=False, timeout=20))

    def _history_written(self) -> None:
        """A write landed: whoever shows the history reads it again."""
        self._loop.call_soon_threadsafe(self.history_changed.publish, None)

    @work(exclusive=True, group="flow")
    async def startup_flow(self) -> None:
        """Red flags on first use, then an interrupted session or the routine asked for."""
        if not await self.confirm_red_flags():
            self.exit(1)
            return
        closed = self.close_dead_sessions()
        if self.start_routine_id:
            entry = self.services.library.get(self.start_routine_id)
            assert entry is not None and entry.routine is not None  # checked by the CLI
            self._in_flow = True
            await self.run_routine(entry.routine)
            self.exit(self.exit_code)
            return
        if closed is not None:
            try:  # the offer needs those rows marked; the screen moves meanwhile
                await asyncio.wrap_future(closed)
            except (StoreError, ValueError):
                return
        await self.offer_resume()

    async def confirm_red_flags(self) -> bool:
        """Show the red flags until the user has confirmed none apply, once."""
        store = self.services.store
        if store is not None:
            try:  # off the screen's thread; a lock held for long is waited out a while
                if await asyncio.to_thread(store.read_when_free,
                                           lambda reader: reader.get_meta(RED_FLAGS_CONFIRMED_KEY),
                                           stop=self._reads_unwanted(RED_FLAGS_READ_WAIT)):
                    return True
            except (StoreError, ReadStopped):
                pass  # not readable yet: ask (answering again is harmless)
        from screens.red_flags import RedFlagScreen

        # Nothing opens over the red flags: a break prompt that comes due waits
        # until they are answered (sit_poll shows none while in a flow).
        in_flow, self._in_flow = self._in_flow, True
        try:
            confirmed = await self.push_screen_wait(RedFlagScreen())
        finally:
            self._in_flow = in_flow
        if confirmed and store is not None:
            store.set_meta(RED_FLAGS_CONFIRMED_KEY, self.services.wall().isoformat(timespec="seconds"))
        return bool(confirmed)

    def close_dead_sessions(self):  # type: ignore[no-untyped-def]
        """Queue marking sessions left 'running' by a dead app as interrupted
        (before any session this run starts: the writer keeps the order)."""
        store = self.services.store
        if store is None:
            return None
        from coach.recorder import close_dead_sessions

        held = self.services.lock.held
        return store.submit(lambda writer: close_dead_sessions(writer, held))

    async def offer_resume(self) -> None:
        """Offer the latest interrupted session, once."""
        store = self.services.store
        if store is None:
            return
        from coach.recorder import resumable_with_steps

        try:
            record, steps = await asyncio.to_thread(store.read_when_free, resumable_with_steps,
                                                    stop=self._reads_unwanted())
        except (StoreError, ReadStopped):
            return
        if record is None:
            return
        store.mark_resumed(record.id)  # offered once, whatever the answer
        entry = self.services.library.get(record.routine_id)
        if entry is None or entry.routine is None or not entry.ok:
            return
        from screens.resume import ResumeScreen

        if await self.push_screen_wait(ResumeScreen(record)):
            self._in_flow = True
            try:
                await self.run_routine(entry.routine, resume=record, resume_steps=steps)
            finally:
                self._in_flow = False

    def release_closed_widgets(self) -> None:
        """Let go of closed widgets that Textual still holds (screens.release)."""
        release(self)

    def _reads_unwanted(self, seconds: float | None = None) -> Callable[[], bool]:
        """For a read in the current worker: give up when it is cancelled, the
        app ends, or after ``seconds``."""
        from textual.worker import NoActiveWorker, get_current_worker

        try:
            worker = get_current_worker()
        except NoActiveWorker:
            worker = None
        deadline = None if seconds is None else time.monotonic() + seconds
        return lambda: ((worker is not None and worker.is_cancelled) or not self.is_running
                        or (deadline is not None and time.monotonic() > deadline))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for label, until in pause_choices(self.services.wall()):
            yield SystemCommand(f"Pause the sit timer for {label}", f"No break prompts until {until:%H:%M}",
                                partial(self.pause_sitting, until))
        yield SystemCommand("Resume the sit timer", "Start counting sitting time again now", self.resume_sitting)
        if self.flare.flare is None:
            yield SystemCommand("My back went into spasm", "Record a flare-up: when it started and how bad it is",
                                self.flareup_dialog)
        else:
            yield SystemCommand("Flare-up: pain score, or it has settled", "How the flare-up is going",
                                self.flareup_dialog)
        yield SystemCommand("Show progress", "Charts of routines, pain and breaks; streaks; totals",
                            self.show_progress)
        yield SystemCommand("Take a desk break now", "Start the break routine; it counts as a break",
                            partial(self.start_routine, self.services.sit.settings.break_routine))

    # --- settings -------------------------------------------------------------------

    def _say_lost_keys(self, screen: Screen) -> None:
        """A key of the person's own that took another binding's key on this
        screen: say once which binding has no key left here."""
        keymap = dict(self.services.config.config.keys)
        if not keymap:
            return
        bindings = [(b.id or b.action, b.key) for b in (*type(screen).BINDINGS, *self.BINDINGS)
                    if isinstance(b, Binding)]
        for name, key in lost_keys(bindings, keymap):
            if name not in self._clashes_said:
                self._clashes_said.add(name)
                self.notify(f"'{key}' is one of your own keys now, so {name} has no key on this screen."
                            " Give it another in config.yaml (keys:).", title="Keys", severity="warning",
                            markup=False, timeout=12)

    def watch_theme(self, theme: str) -> None:
        if theme != self._saved_theme and self.is_mounted:
            saved = save_theme(self.services.paths.config_file, theme)
            if saved:
                self._saved_theme = theme
            else:
                self.notify(saved.reason, title="Settings", severity="warning", markup=False, timeout=12)

    def action_quit(self) -> None:  # type: ignore[override]
        """ctrl+q: a playing routine is stopped first (asked why, recorded),
        an editor with unsaved changes asks, as escape does."""
        self._quit_flow()

    @work(exclusive=True, group="quit")
    async def _quit_flow(self) -> None:
        from screens.editor import EditorScreen, UnsavedScreen

        from screens.player import PlayerScreen

        if isinstance(self.screen, UnsavedScreen):
            return  # the question is already on screen
        player = next((s for s in self.screen_stack if isinstance(s, PlayerScreen)), None)
        if player is not None:  # a routine is playing: it is stopped (and recorded) first
            player.stop_then_quit()
            return
        for screen in reversed(self.screen_stack):
            if isinstance(screen, EditorScreen) and not await screen.may_close():
                return
        self.exit()

    def _catch_hangup(self) -> None:
        """The terminal closed (SIGHUP) or Coach was asked to end (SIGTERM):
        nobody can be asked, so unsaved editor text is kept as a recovery
        copy, then the app ends normally (the history is flushed)."""
        import signal

        try:
            loop = asyncio.get_running_loop()
            for number in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(number, self._hung_up)
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread, or no such signals here: nothing to catch

    def _hung_up(self) -> None:
        from screens.editor import EditorScreen

        for screen in self.screen_stack:
            if isinstance(screen, EditorScreen):
                try:
                    screen.save_recovery_copy()
                except OSError:
                    pass  # nowhere to write it: nothing more can be done without a terminal
        self.exit(self.exit_code)

    def on_unmount(self) -> None:
        import signal

        try:
            loop = asyncio.get_running_loop()
            for number in (signal.SIGHUP, signal.SIGTERM):
                loop.remove_signal_handler(number)
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):
            pass
        if self._away is not None:
            self._away.stop()
        if self._folder_watch is not None:
            self._folder_watch.stop()
        self.services.sit.close()  # another window or coach watch takes over (releases the lock)
        if self.services.store is not None:
            # Normally done in milliseconds; if another program holds the
            # lock, the CLI goes on waiting after the screen is gone, and says so.
            self.services.store.close(timeout=2.0)


def _resume_gc() -> None:
    if not gc.isenabled():  # only when the CLI held it off
        gc.freeze()
        gc.enable()


def make_app(
    paths: Paths | None = None,
    *,
    start_routine: str | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    wall: Callable[[], datetime] | None = None,
    library: Library | None = None,
    tz: tzinfo | None = None,
    boottime: Callable[[], float] | None = None,
) -> CoachApp:
    """Build the app with its services; the CLI and the tests both use this."""
    paths = paths or resolve_paths()
    wall = wall or (lambda: datetime.now().astimezone())
    from screens.keys import BINDING_IDS

    config = load_config_cached(paths.config_file, paths.config_cache, known_bindings=BINDING_IDS)
    library = library if library is not None else load_library_cached(paths.routines_dir, paths.library_cache)
    # Opened on the history's own thread: a lock held now delays it, no more.
    store = History(paths.history_file, clock=wall, start=False)  # started after the first frame
    if boottime is None and monotonic is time.monotonic:
        boottime = boot_clock()  # a fake monotonic gets no boot clock: suspend is then not guessed
    holder: list[CoachApp] = []

    def record(event: BreakEvent) -> None:
        if holder:
            holder[0].record_break(event)
        else:  # before the app exists: taking over at start-up (queued, never on a screen)
            store.record_break(event.answer.value, event.bout_seconds, event.at, event.prompted)

    watch_away = monotonic is time.monotonic
    sit = SitClock("app", paths, config.config.sitting, monotonic=monotonic, wall=wall, boottime=boottime,
                   boot_id=boot_id(), record=record,
                   presence=(lambda: None) if watch_away else None)  # None: the sources have not answered yet
    sit.try_to_own()  # now, so leftover sessions are known to be dead (no other owner)
    services = Services(paths, config, library, store, sit.lock, sit, monotonic, wall, tz, watch_away=watch_away)
    app = CoachApp(services, start_routine=start_routine)
    holder.append(app)
    return app


__all__ = ["CoachApp", "FLARE_READ", "REMINDER_READ", "ROUTINE_POLL_SECONDS", "THERAPY_DUE", "Services", "make_app"]
