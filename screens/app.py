"""The Coach app: wiring only. Screens live in their own files."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from collections.abc import Iterable
from functools import partial

from textual import work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.reactive import var
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from coach.config import LoadedConfig, load_config, save_theme
from coach.desktop import notify_desktop
from coach.voice import voice_missing
from coach.flareup import (
    NO_FLARE, REMINDER_SNOOZE, FlareState, Fit, Plan, headline, pain_rising, read_flare, reminder_due, reminder_time,
    when,
)
from coach.durations import format_duration
from coach.clocks import boot_clock, boot_id
from coach.instance import InstanceLock
from coach.library import Library, LibraryEntry, folder_signature, load_library
from coach.model import Routine
from coach.paths import Paths, resolve_paths
from coach.recorder import close_dead_sessions
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.history import History, ReadStopped
from coach.sitclock import SitClock, SitView
from coach.sitting import BreakEvent, Presence, pause_choices
from coach.store import SessionRecord, StoreError
from screens.break_prompt import BreakPromptScreen
from screens.release import release, release_when_home_returns
from screens.commands import RoutineCommands


#: How often the user routine folder is checked for added, changed or removed files.
ROUTINE_POLL_SECONDS = 2.0
#: How often closed widgets that Textual still holds are let go (screens.release).
RELEASE_SECONDS = 20.0
#: ... and this long after home comes back (a dialog or screen closed).
RELEASE_AFTER_HOME_SECONDS = 0.5
#: How often the away sources (tmux, terminals, logind, the desktop) are read.
AWAY_POLL_SECONDS = 15.0
AWAY_START_DELAY = 2.0
#: While a routine plays the sit line only says so: the sit timer is ticked
#: this often then (answers from elsewhere, the heartbeat), not every second.
SIT_TICK_IN_ROUTINE = 5.0
#: Where the opt-in reminder for the next timed therapy session is kept (history meta).
THERAPY_REMINDER_KEY = "therapy_reminder"
#: The worker group of the flare-up reads (tests wait for it).
FLARE_READ = "flare-read"
#: The worker group that reads the history again when a therapy reminder comes due.
THERAPY_DUE = "therapy-due"
REMINDER_READ = "reminder-read"
#: How long the red-flag check waits for a locked history before it asks again.
RED_FLAGS_READ_WAIT = 2.0


class FlareRead(Message):
    """The flare-up as read from the history (posted from the read's thread)."""

    def __init__(self, state: FlareState | None, problem: str | None = None) -> None:
        super().__init__()
        self.state = state
        self.problem = problem



@dataclass
class Services:
    """What the screens need from the core, built once by :func:`make_app`."""

    paths: Paths
    config: LoadedConfig
    library: Library
    store: History | None  # writes queued on its own thread (coach.history)
    lock: InstanceLock
    sit: SitClock
    monotonic: Callable[[], float]
    wall: Callable[[], datetime]
    tz: tzinfo | None = None  # the user's zone for days and clock times (None: the system's)
    watch_away: bool = False  # poll the away sources (the real clock only: tests stay deterministic)


class CoachApp(App[int]):
    """Guides a person through back-care routines."""

    CSS_PATH = "coach.tcss"
    TITLE = "Coach"
    COMMANDS = App.COMMANDS | {RoutineCommands}
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit", priority=True)]

    # var, not reactive: a reactive on the App repaints the whole screen when
    # it changes, and this one changes every second. SitLine watches them.
    sit_text: var[str] = var("")
    sit_due: var[bool] = var(False)

    def __init__(self, services: Services, start_routine: str | None = None) -> None:
        super().__init__()
        self.services = services
        self.start_routine_id = start_routine
        self.exit_code = 0
        self._saved_theme = services.config.config.theme
        self._in_flow = False  # a routine (or its cautions / pain check) is on screen
        self._prompt: BreakPromptScreen | None = None
        self._away = None  # the away sources' poller, once started
        self._away_started = False
        self._therapy_prompt_open = False
        self._reminder: tuple[str, datetime] | None = None
        #: The flare-up as last read (off the screen's thread); nothing known yet: none.
        self.flare: FlareState = NO_FLARE
        self._flare_known = False  # read at least once
        self._reminder_changes = 0
        self._read_problems: set[str] = set()

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
        self.call_after_refresh(self.sit_poll)  # after the first frame, not before it
        self._sit_interval = self.set_interval(1.0, self.sit_poll)
        self._routines_seen = folder_signature(self.services.paths.routines_dir)
        self.load_therapy_reminder()
        self.set_interval(ROUTINE_POLL_SECONDS, self.check_routine_folder)
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
        self.startup_flow()

    # From the history's writer thread. Posted without waiting (never
    # call_from_thread): the writer must not wait for the screen's loop, which
    # may itself be waiting for the writer at exit.
    def _history_says(self, message: str) -> None:
        """Say it once, on the screen's thread."""
        self._loop.call_soon_threadsafe(partial(self.notify, message, title="History", severity="warning",
                                                markup=False, timeout=20))

    def _history_written(self) -> None:
        """A write landed: home, if it is on screen, shows it (home also
        reads again whenever it comes back into view)."""
        self._loop.call_soon_threadsafe(self._refresh_home_if_shown)

    def _refresh_home_if_shown(self) -> None:
        from screens.home import HomeScreen

        if self.screen_stack and isinstance(self.screen, HomeScreen):
            self.screen.flareup_changed()

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
        held = self.services.lock.held
        return store.submit(lambda writer: close_dead_sessions(writer, held))

    async def offer_resume(self) -> None:
        """Offer the latest interrupted session, once."""
        store = self.services.store
        if store is None:
            return
        try:
            record = await asyncio.to_thread(store.read_when_free, lambda reader: reader.resumable_session(),
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
                await self.run_routine(entry.routine, resume=record)
            finally:
                self._in_flow = False

    # --- running a routine --------------------------------------------------------

    def start_routine(self, routine_id: str, confirmed: bool = False) -> None:
        """Start a routine by id (home screen, command palette)."""
        entry = self.services.library.get(routine_id)
        if entry is None or entry.routine is None or not entry.ok:
            self.notify(f"'{routine_id}' cannot be started: it has problems.", severity="error", markup=False)
            return
        plan = self.flareup_plan()
        advice = plan.of(routine_id) if plan is not None else None
        if advice is not None and advice.fit is not Fit.NOW:
            self.notify(f"In this flare-up: {advice.reason}. Start it only if you are sure.",
                        title=entry.routine.title, severity="warning", markup=False, timeout=8)
        self._in_flow = True  # now, not when the worker starts: no prompt in between
        self._run_worker(entry.routine, confirmed)

    @work(exclusive=True, group="flow")
    async def _run_worker(self, routine: Routine, confirmed: bool = False) -> None:
        self._in_flow = True
        try:
            await self.run_routine(routine, confirmed=confirmed)
        finally:
            self._in_flow = False
            self.sit_poll()

    async def run_routine(self, routine: Routine, resume: SessionRecord | None = None,
                          confirmed: bool = False) -> None:
        """Safety checks, the pain check, the player, and the finish screen.

        ``confirmed``: started with enter on the break prompt, which showed the
        routine's cautions; the cautions screen then only asks when the routine
        has a "do not use if" list to confirm."""
        from screens.before_start import BeforeStartScreen
        from screens.finish import FinishScreen
        from screens.pain_check import PainCheckScreen
        from screens.player import PlayerScreen

        if not await self.confirm_red_flags():
            self.set_run_outcome(False)
            return
        # From here the sit timer says "in a routine" (coach status too), not "break due".
        self.services.sit.routine_started()
        self.sit_poll()
        self._sit_interval.pause()
        slow_tick = self.set_interval(SIT_TICK_IN_ROUTINE, self.sit_poll)
        result = None
        try:
            pain_before = None
            if resume is None:
                if (not confirmed or routine.do_not_use_if) and not await self.push_screen_wait(
                        BeforeStartScreen(routine)):
                    self.set_run_outcome(False)
                    return
                if routine.pain_check.before:
                    pain_before = await self.push_screen_wait(
                        PainCheckScreen(routine, before=True, start=self.flareup_pain_now()))
                    await self.note_flareup_pain(pain_before, "before")
            result = await self.push_screen_wait(PlayerScreen(routine, pain_before=pain_before, resume=resume))
        finally:
            slow_tick.stop()
            self._sit_interval.resume()
            # Not played, or not long enough: the prompt that waited comes back.
            self.services.sit.routine_ended(result.active_seconds if result else 0,
                                            result.completed if result else False)
            self.sit_poll()
        self.set_run_outcome(result.completed)
        if result.quit:  # ctrl+q during the routine: stopped and recorded; now leave
            self.exit(self.exit_code)
            return
        if self.services.store is not None:
            # The flare-up rules below count this session: give its row a
            # moment to land (off this thread; a locked file costs 1 s, no more).
            await asyncio.to_thread(self.services.store.flush, 1.0)
        await self.note_flareup_pain(result.pain_after, "after")
        if self.services.store is not None:
            await self.fresh_flare(wait=1.0)  # the plan below counts this session
        next_at = self.next_allowed(routine) if result.completed and self.start_routine_id is None else None
        if await self.push_screen_wait(FinishScreen(routine, result, remind_at=next_at)) == "remind":
            assert next_at is not None
            self.set_therapy_reminder(routine.id, next_at)

    def set_run_outcome(self, completed: bool) -> None:
        """`coach run ROUTINE` exits 0 when the routine was completed, 1 when not;
        the app opened on home always exits 0 (a stopped routine is not an error)."""
        if self.start_routine_id:
            self.exit_code = 0 if completed else 1

    # --- the sit timer ----------------------------------------------------------------

    def sit_poll(self) -> None:
        """Once a second: tick the sit timer (owner or viewer), show it, and show
        or withdraw the prompt. The rules are in coach.sitclock; this only shows."""
        if not self.screen_stack:  # shutting down
            return
        view, news = self.services.sit.tick()
        self.sit_text = view.line
        self.sit_due = view.prompt_open
        for item in news:
            if item.kind == "owner":
                self.notify(item.text.capitalize(), title="Sit timer", markup=False)
                self.watch_away_if_owner()
        if self._prompt is not None:
            self._prompt.show_sitting(view.sitting)
        if view.prompt_open and self._prompt is None and not self._in_flow and not self._therapy_prompt_open:
            self.show_break_prompt(view)
        elif (self._prompt is None and not self._in_flow and not self._therapy_prompt_open
              and not isinstance(self.screen, ModalScreen)):  # never over a question being asked
            due = self.therapy_reminder_due()
            if due is not None:
                self.therapy_reminder_came_due(due)
        elif self._prompt is not None:
            if not view.prompt_open and self.screen is self._prompt:  # answered elsewhere, missed, away
                self._prompt.dismiss(None)
            elif any(item.kind == "nudge" for item in news):
                self.bell()

    def watch_away_if_owner(self) -> None:
        """Only the owner needs the away sources; a viewer starts them when it takes over."""
        if self.services.watch_away and self.services.sit.is_owner and not self._away_started:
            self._away_started = True
            self.start_away_watcher()

    @work(thread=True, group="away", exit_on_error=False)
    def start_away_watcher(self) -> None:
        """Find the away sources and poll them off the screen's thread."""
        from coach.away import start_away_watcher

        watcher = start_away_watcher(self.services.config.config.sitting, interval=AWAY_POLL_SECONDS)
        if watcher is None:
            self.services.sit.presence = Presence  # no sources: nobody can tell they are away
        else:
            self._away = watcher
            self.services.sit.presence = watcher.latest

    def record_break(self, event: BreakEvent) -> None:
        """Store a break the sit timer reports (called by it, when this app owns it)."""
        store = self.services.store
        if store is None:
            return
        store.record_break(event.answer.value, event.bout_seconds, event.at, event.prompted)

    @work(exclusive=True, group="break-prompt")
    async def show_break_prompt(self, view: SitView) -> None:
        from screens.break_prompt import BreakPromptScreen

        sit = self.services.sit
        settings = sit.settings
        entry = self.services.library.get(settings.break_routine)
        title = entry.routine.title if entry is not None and entry.routine is not None else settings.break_routine
        routine = entry.routine if entry is not None and entry.ok else None
        self._prompt = BreakPromptScreen(view.sitting, view.can_snooze, settings.snooze, title, self.services.monotonic,
                                         cautions=routine.cautions if routine else (),
                                         stop_if=routine.stop_if if routine else ())
        self.bell()
        if view.is_owner and self.services.config.config.desktop_notifications:
            notify_desktop("Time for a break", f"You have been sitting for {format_duration(round(view.sitting))}.")
        try:
            answer = await self.push_screen_wait(self._prompt)
        finally:
            self._prompt = None
        if answer in ("snooze", "skip", "already"):
            sit.answer(answer)
        elif answer == "take":
            self.start_routine(settings.break_routine, confirmed=True)
        self.sit_poll()

    def release_closed_widgets(self) -> None:
        """Let go of closed widgets that Textual still holds (screens.release)."""
        release(self)

    @work(thread=True, exclusive=True, group="routine-folder")
    def check_routine_folder(self) -> None:
        """Reload the library when a file in the user folder was added, changed
        or removed. A routine being played keeps the Routine it started with.

        In a thread: the scan and the reads are bounded (coach.saferead), but
        even a bounded wait is never the screen's."""
        from textual.worker import get_current_worker

        seen = folder_signature(self.services.paths.routines_dir)
        if seen == self._routines_seen:
            return
        library = load_library(self.services.paths.routines_dir)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._routines_loaded, seen, library)

    def _routines_loaded(self, seen: tuple[tuple[str, int, int], ...], library: Library) -> None:
        self._routines_seen = seen
        old = self.services.library
        self.services.library = library
        for notice in set(library.notices) - set(old.notices):
            self.notify(notice, title="Routines", markup=False)
        from screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.routines_changed()

    def edit_routine(self, entry: LibraryEntry) -> None:
        """Open a routine in the editor screen (a built-in one as a copy to save)."""
        from coach.authoring import AuthoringError, edit_target
        from screens.editor import EditorScreen

        try:
            target = edit_target(entry, self.services.paths.routines_dir)
        except AuthoringError as err:
            self.notify(str(err), title="Edit", severity="error", markup=False, timeout=10)
            return
        self.push_screen(EditorScreen(target))

    # --- flare-ups ----------------------------------------------------------------------

    def read_flareup(self) -> None:
        """Read the flare-up again, off the screen's thread; home shows it
        when it lands (until then, what was read last)."""
        if self.services.store is not None:
            self._read_flareup_worker()

    @work(exclusive=True, group=FLARE_READ)
    async def _read_flareup_worker(self) -> None:
        store = self.services.store
        assert store is not None
        now = self.services.wall()
        try:
            state = await asyncio.to_thread(store.read_when_free, lambda reader: read_flare(reader, now),
                                            stop=self._reads_unwanted())
        except ReadStopped:
            return
        except StoreError as err:
            self.post_message(FlareRead(None, str(err)))
            return
        self.post_message(FlareRead(state))

    async def fresh_flare(self, wait: float | None = None) -> FlareState:
        """The flare-up read now, for a flow that decides on it (awaited off
        the screen's thread; while the file is locked the flow waits, the
        screen does not, for ``wait`` seconds at most). Unreadable, or
        still locked then: what was read last."""
        store = self.services.store
        if store is None:
            return NO_FLARE
        now = self.services.wall()
        try:
            self.flare = await asyncio.to_thread(
                store.read_when_free, lambda reader: read_flare(reader, now), stop=self._reads_unwanted(wait))
            self._flare_known = True
        except (StoreError, ReadStopped):
            pass
        return self.flare

    def on_flare_read(self, message: FlareRead) -> None:
        if message.state is not None:
            self.flare, self._flare_known = message.state, True
        elif message.problem is not None and self.services.store is not None and \
                self.services.store.off_reason is None and message.problem not in self._read_problems:
            # Said once (the history's own problems, such as a foreign file, it says itself).
            self._read_problems.add(message.problem)
            self.notify(f"The flare-up could not be read: {message.problem}", title="History",
                        severity="warning", markup=False, timeout=12)
            return
        from screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen) and screen.is_mounted:
                screen.show_flareup()

    def flareup_plan(self) -> Plan | None:
        """What fits now in the flare-up being lived through (as last read), or None."""
        return self.flare.plan(self.services.library.routines, self.services.wall(), self.services.tz)

    def flareup_pain_now(self) -> int | None:
        """The latest pain score given in the flare-up (as last read), if any."""
        return self.flare.pain_now

    def next_allowed(self, routine: Routine) -> datetime | None:
        """When a therapy routine may be done again in this flare-up (for a reminder)."""
        plan = self.flareup_plan()
        return reminder_time(plan.of(routine.id) if plan is not None else None)

    @work(exclusive=True, group="flareup")
    async def flareup_dialog(self) -> None:
        """Record a flare-up, or during one: a pain score, or "it has settled"."""
        from screens.flareup import FlareUpScreen, FlareUpUpdateScreen

        store = self.services.store
        if store is None:
            self.notify("The history is off for this run, so a flare-up cannot be recorded.",
                        title="Flare-up", severity="error", markup=False)
            return
        # What home shows (read after every write, and every 30 s); read
        # now only when nothing is known yet.
        flare = (self.flare if self._flare_known else await self.fresh_flare()).flare
        try:
            if flare is None:
                answer = await self.push_screen_wait(FlareUpScreen(self.services.wall(), self.services.tz))
                if answer is None:
                    return
                await asyncio.wrap_future(store.awaited("start_flareup", answer.started, answer.pain))
                self.notify("Recorded. The Now panel on home says what fits and when.", title="Flare-up",
                            markup=False)
            else:
                plan = self.flareup_plan()
                title = headline(plan, self.services.tz) if plan is not None else "Flare-up"
                update = await self.push_screen_wait(FlareUpUpdateScreen(title, self.flareup_pain_now()))
                if update is None:
                    return
                what, pain = update
                if what == "settled":
                    await asyncio.wrap_future(store.awaited("end_flareup", flare.id))  # type: ignore[attr-defined]
                    self.set_therapy_reminder(None, None)
                    self.notify("Good to hear. Keep moving and keep up the exercises that helped.",
                                title="Flare-up settled", markup=False)
                elif pain is not None:
                    await asyncio.wrap_future(store.awaited("add_flareup_pain", flare.id, pain,  # type: ignore[attr-defined]
                                                            "update"))
                    await self.check_pain_rising()
        except (StoreError, ValueError) as err:
            self.notify(str(err), title="Flare-up", severity="error", markup=False)
        self.refresh_home()

    async def note_flareup_pain(self, pain: int | None, source: str) -> None:
        """A routine's pain check during a flare-up is part of the flare-up's pain record."""
        if pain is None or self.services.store is None:
            return
        flare = (await self.fresh_flare(wait=1.0)).flare
        if flare is None:
            return
        try:
            await asyncio.wrap_future(self.services.store.awaited("add_flareup_pain", flare.id, pain,  # type: ignore[attr-defined]
                                                                  source))
        except (StoreError, ValueError) as err:
            self.notify(str(err), title="History", severity="error", markup=False)
            return
        await self.check_pain_rising()

    async def check_pain_rising(self) -> None:
        """Pain higher than ever before in this flare-up: the red flags again."""
        from screens.red_flags import StopAdviceScreen

        scores = [pain for _, pain, _ in (await self.fresh_flare()).pains]
        if pain_rising(scores):
            title = f"Your pain is {scores[-1]}/10, higher than before in this flare-up (it started at {scores[0]})"
            await self.push_screen_wait(StopAdviceScreen(title=title))

    def refresh_home(self) -> None:
        from screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.flareup_changed()

    # --- reminders for timed therapy (opt-in, from the finish screen) -----------------

    def set_therapy_reminder(self, routine_id: str | None, at: datetime | None, *, quiet: bool = False) -> None:
        store = self.services.store
        if store is None:
            return
        self._reminder = None if routine_id is None or at is None else (routine_id, at)
        self._reminder_changes += 1
        value = None if self._reminder is None else json.dumps(
            {"routine": routine_id, "at": at.isoformat(timespec="seconds")})  # type: ignore[union-attr]
        store.set_meta(THERAPY_REMINDER_KEY, value)
        if at is not None and not quiet:
            self.notify(f"I will remind you at {when(at, self.services.wall(), self.services.tz)}.",
                        title="Reminder", markup=False)

    @work(group=REMINDER_READ)
    async def load_therapy_reminder(self) -> None:
        """The reminder kept in the history (it outlives a restart), read off
        the screen's thread; one set meanwhile is newer and stays."""
        store = self.services.store
        if store is None:
            return
        changes = self._reminder_changes
        try:
            raw = await asyncio.to_thread(store.read_when_free, lambda reader: reader.get_meta(THERAPY_REMINDER_KEY),
                                          stop=self._reads_unwanted())
            if raw is None or self._reminder_changes != changes:
                return
            data = json.loads(raw)
            self._reminder = str(data["routine"]), datetime.fromisoformat(data["at"])
        except (StoreError, ReadStopped, ValueError, KeyError, TypeError):
            return

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

    def therapy_reminder_due(self) -> str | None:
        """The routine whose reminder is due now, if any."""
        if self._reminder is None or self._reminder[1] > self.services.wall():
            return None
        return self._reminder[0]

    def therapy_reminder_came_due(self, routine_id: str) -> None:
        """Ask the rules again (on the history as it is now, read off the
        screen's thread): prompt, move the reminder on, or drop it."""
        self._therapy_prompt_open = True  # now, so the next poll does not ask twice
        self._therapy_due(routine_id)

    @work(exclusive=True, group=THERAPY_DUE)
    async def _therapy_due(self, routine_id: str) -> None:
        try:
            # Sessions done since (here or elsewhere) count; no break prompt
            # opens meanwhile, so a locked history is waited out briefly.
            await self.fresh_flare(wait=2.0)
            plan = self.flareup_plan()
            action, at = reminder_due(plan.of(routine_id) if plan is not None else None)
        finally:
            self._therapy_prompt_open = False
        if action == "prompt":
            self._therapy_prompt_open = True
            self.show_therapy_prompt(routine_id)
        else:
            self.set_therapy_reminder(routine_id if action == "move" else None, at, quiet=True)

    @work(exclusive=True, group="therapy-prompt")
    async def show_therapy_prompt(self, routine_id: str) -> None:
        from screens.break_prompt import TherapyPromptScreen

        entry = self.services.library.get(routine_id)
        if entry is None or entry.routine is None or not entry.ok:
            self._therapy_prompt_open = False
            self.set_therapy_reminder(None, None)
            return
        self._therapy_prompt_open = True
        self.bell()
        if self.services.config.config.desktop_notifications:
            notify_desktop("Coach", f"{entry.routine.title}: the next one is allowed now.")
        try:
            answer = await self.push_screen_wait(TherapyPromptScreen(entry.routine.title, self.services.monotonic))
        finally:
            self._therapy_prompt_open = False
        if answer == "later":
            self.set_therapy_reminder(routine_id, self.services.wall() + REMINDER_SNOOZE, quiet=True)
            return
        self.set_therapy_reminder(None, None)
        if answer == "start":
            self.start_routine(routine_id)

    def show_progress(self) -> None:
        """Open the progress screen (from home's `p` or the palette)."""
        from screens.progress import ProgressScreen  # plotext loads only when asked for

        if not isinstance(self.screen, ProgressScreen):
            self.push_screen(ProgressScreen())

    def pause_sitting(self, until: datetime) -> None:
        self.services.sit.pause(until)
        self.sit_poll()
        self.notify(f"Sit timer paused until {until.strftime('%H:%M')}.", markup=False)

    def resume_sitting(self) -> None:
        self.services.sit.resume()
        self.sit_poll()

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
    config = load_config(paths.config_file)
    library = library if library is not None else load_library(paths.routines_dir)
    # Opened on the history's own thread: a lock held now delays it, no more.
    store = History(paths.history_file, clock=wall)
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


__all__ = ["CoachApp", "Services", "make_app", "Path"]
