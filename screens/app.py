"""The Coach app: wiring only. Screens live in their own files."""

from __future__ import annotations

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
from textual.reactive import var
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from coach.config import LoadedConfig, load_config, save_theme
from coach.desktop import notify_desktop
from coach.flareup import (
    LOOKBACK, REMINDER_SNOOZE, Fit, Plan, done_from, headline, make_plan, pain_rising, reminder_due, reminder_time, when,
)
from coach.durations import format_duration
from coach.instance import InstanceLock
from coach.library import Library, LibraryEntry, folder_signature, load_library
from coach.model import Routine
from coach.paths import Paths, resolve_paths
from coach.recorder import close_dead_sessions
from coach.safety import RED_FLAGS_CONFIRMED_KEY
from coach.sitstate import SitSnapshot, status_line, write_snapshot
from coach.sitting import BreakEvent, Mode, SitTimer, pause_choices
from coach.store import FlareUpRecord, SessionRecord, Store, StoreError, open_store
from screens.break_prompt import BreakPromptScreen
from screens.watchers import prune_closed_watchers
from screens.commands import RoutineCommands


#: How often the user routine folder is checked for added, changed or removed files.
ROUTINE_POLL_SECONDS = 2.0
#: How often closed widgets still held by a watcher are let go (screens.watchers).
PRUNE_WATCHERS_SECONDS = 20.0
#: Where the opt-in reminder for the next timed therapy session is kept (history meta).
THERAPY_REMINDER_KEY = "therapy_reminder"



@dataclass
class Services:
    """What the screens need from the core, built once by :func:`make_app`."""

    paths: Paths
    config: LoadedConfig
    library: Library
    store: Store | None
    store_problem: str | None
    lock: InstanceLock
    sit: SitTimer
    monotonic: Callable[[], float]
    wall: Callable[[], datetime]
    tz: tzinfo | None = None  # the user's zone for days and clock times (None: the system's)


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
        self._prompt_nudges = 0
        self._snapshot: SitSnapshot | None = None
        self._therapy_prompt_open = False
        self._reminder: tuple[str, datetime] | None = None

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
        self._reminder = self.load_therapy_reminder()
        self.set_interval(ROUTINE_POLL_SECONDS, self.check_routine_folder)
        self.set_interval(PRUNE_WATCHERS_SECONDS, self.prune_watchers)
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
            self._in_flow = True
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

        # Nothing opens over the red flags: a break prompt that comes due waits
        # until they are answered (sit_poll shows none while in a flow).
        in_flow, self._in_flow = self._in_flow, True
        try:
            confirmed = await self.push_screen_wait(RedFlagScreen())
        finally:
            self._in_flow = in_flow
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
        try:
            return bool(close_dead_sessions(store, self.services.lock.held))
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
            self._in_flow = True
            try:
                await self.run_routine(entry.routine, resume=record)
            finally:
                self._in_flow = False

    # --- running a routine --------------------------------------------------------

    def start_routine(self, routine_id: str) -> None:
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
        self._run_worker(entry.routine)

    @work(exclusive=True, group="flow")
    async def _run_worker(self, routine: Routine) -> None:
        self._in_flow = True
        try:
            await self.run_routine(routine)
        finally:
            self._in_flow = False
            self.sit_poll()

    async def run_routine(self, routine: Routine, resume: SessionRecord | None = None) -> None:
        """Safety checks, the pain check, the player, and the finish screen."""
        from screens.before_start import BeforeStartScreen
        from screens.finish import FinishScreen
        from screens.pain_check import PainCheckScreen
        from screens.player import PlayerScreen

        if not await self.confirm_red_flags():
            self.set_run_outcome(False)
            return
        pain_before = None
        if resume is None:
            if not await self.push_screen_wait(BeforeStartScreen(routine)):
                self.set_run_outcome(False)
                return
            if routine.pain_check.before:
                pain_before = await self.push_screen_wait(PainCheckScreen(routine, before=True))
                await self.note_flareup_pain(pain_before, "before")
        self.services.sit.routine_started()
        self.sit_poll()
        # While a routine plays the sit line only says so: no need to wake each second.
        self._sit_interval.pause()
        try:
            result = await self.push_screen_wait(PlayerScreen(routine, pain_before=pain_before, resume=resume))
        finally:
            self._sit_interval.resume()
        event = self.services.sit.routine_ended(result.active_seconds, result.completed)
        if event is not None:
            self.record_break(event)
        self.set_run_outcome(result.completed)
        await self.note_flareup_pain(result.pain_after, "after")
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
        """Once a second: move the sit timer on, store what happened, show it."""
        if not self.screen_stack:  # shutting down
            return
        timer = self.services.sit
        for event in timer.poll():
            self.record_break(event)
        status = timer.status()
        now = self.services.wall()
        snapshot = SitSnapshot.of(status, now)
        self.sit_text = status_line(snapshot, True, now)
        self.sit_due = status.mode is Mode.DUE
        if snapshot.moved_since(self._snapshot):
            self._snapshot = snapshot
            try:
                write_snapshot(self.services.paths.state_file, snapshot)
            except OSError:
                pass  # coach status is a convenience; the app goes on
        if timer.prompt_open and self._prompt is None and not self._in_flow and not self._therapy_prompt_open:
            self.show_break_prompt()
        elif (self._prompt is None and not self._in_flow and not self._therapy_prompt_open
              and not isinstance(self.screen, ModalScreen)):  # never over a question being asked
            due = self.therapy_reminder_due()
            if due is not None:
                self.therapy_reminder_came_due(due)
        elif self._prompt is not None:
            if not timer.prompt_open and self.screen is self._prompt:  # missed, or the work day ended
                self._prompt.dismiss(None)
            elif status.nudges > self._prompt_nudges:
                self._prompt_nudges = status.nudges
                self.bell()

    def record_break(self, event: BreakEvent) -> None:
        store = self.services.store
        if store is None:
            return
        try:
            store.record_break(event.answer.value, event.bout_seconds, event.at, event.prompted)
        except (StoreError, ValueError) as err:
            self.notify(str(err), title="History", severity="error", markup=False)

    @work(exclusive=True, group="break-prompt")
    async def show_break_prompt(self) -> None:
        from screens.break_prompt import BreakPromptScreen

        timer = self.services.sit
        settings = timer.settings
        entry = self.services.library.get(settings.break_routine)
        title = entry.routine.title if entry is not None and entry.routine is not None else settings.break_routine
        status = timer.status()
        self._prompt = BreakPromptScreen(status.sitting, timer.can_snooze, settings.snooze, title, self.services.monotonic)
        self._prompt_nudges = 0
        self.bell()
        if self.services.config.config.desktop_notifications:
            notify_desktop("Time for a break", f"You have been sitting for {format_duration(round(status.sitting))}.")
        try:
            answer = await self.push_screen_wait(self._prompt)
        finally:
            self._prompt = None
        event = None
        if answer == "snooze":
            event = timer.snooze()
        elif answer == "skip":
            event = timer.skip()
        elif answer == "already":
            event = timer.already()
        elif answer == "take":
            self.start_routine(settings.break_routine)
        if event is not None:
            self.record_break(event)
        self.sit_poll()

    def prune_watchers(self) -> None:
        """Let closed widgets go (screens.watchers: a Textual leak, #6666)."""
        prune_closed_watchers(self)

    def check_routine_folder(self) -> None:
        """Reload the library when a file in the user folder was added, changed
        or removed. A routine being played keeps the Routine it started with."""
        seen = folder_signature(self.services.paths.routines_dir)
        if seen == self._routines_seen:
            return
        self._routines_seen = seen
        old = self.services.library
        self.services.library = load_library(self.services.paths.routines_dir)
        for notice in set(self.services.library.notices) - set(old.notices):
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

    def _active_flareup(self) -> FlareUpRecord | None:
        store = self.services.store
        if store is None:
            return None
        try:
            return store.active_flareup()
        except StoreError:
            return None

    def flareup_plan(self) -> Plan | None:
        """What fits now in the flare-up being lived through, or None."""
        flare = self._active_flareup()
        if flare is None or self.services.store is None:
            return None
        now = self.services.wall()
        try:
            sessions = self.services.store.sessions_since(now - LOOKBACK)
        except StoreError:
            sessions = []
        routines = self.services.library.routines
        return make_plan(routines, flare.started_utc, done_from(sessions, routines), now, self.services.tz)

    def flareup_pain_now(self) -> int | None:
        """The latest pain score given in the flare-up, if any."""
        flare = self._active_flareup()
        if flare is None or self.services.store is None:
            return None
        try:
            pains = self.services.store.flareup_pains(flare.id)
        except StoreError:
            return None
        return pains[-1][1] if pains else None

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
        flare = self._active_flareup()
        try:
            if flare is None:
                answer = await self.push_screen_wait(FlareUpScreen(self.services.wall(), self.services.tz))
                if answer is None:
                    return
                store.start_flareup(answer.started, answer.pain)
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
                    store.end_flareup(flare.id)
                    self.set_therapy_reminder(None, None)
                    self.notify("Good to hear. Keep moving and keep up the exercises that helped.",
                                title="Flare-up settled", markup=False)
                elif pain is not None:
                    store.add_flareup_pain(flare.id, pain, "update")
                    await self.check_pain_rising(flare.id)
        except (StoreError, ValueError) as err:
            self.notify(str(err), title="Flare-up", severity="error", markup=False)
        self.refresh_home()

    async def note_flareup_pain(self, pain: int | None, source: str) -> None:
        """A routine's pain check during a flare-up is part of the flare-up's pain record."""
        flare = self._active_flareup()
        if pain is None or flare is None or self.services.store is None:
            return
        try:
            self.services.store.add_flareup_pain(flare.id, pain, source)
        except (StoreError, ValueError) as err:
            self.notify(str(err), title="History", severity="error", markup=False)
            return
        await self.check_pain_rising(flare.id)

    async def check_pain_rising(self, flareup_id: int) -> None:
        """Pain higher than ever before in this flare-up: the red flags again."""
        from screens.red_flags import StopAdviceScreen

        assert self.services.store is not None
        try:
            scores = [pain for _, pain, _ in self.services.store.flareup_pains(flareup_id)]
        except StoreError:
            return
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
        value = None if self._reminder is None else json.dumps(
            {"routine": routine_id, "at": at.isoformat(timespec="seconds")})  # type: ignore[union-attr]
        try:
            store.set_meta(THERAPY_REMINDER_KEY, value)
        except StoreError as err:
            self.notify(str(err), title="History", severity="error", markup=False)
            return
        if at is not None and not quiet:
            self.notify(f"I will remind you at {when(at, self.services.wall(), self.services.tz)}.",
                        title="Reminder", markup=False)

    def load_therapy_reminder(self) -> tuple[str, datetime] | None:
        """The reminder kept in the history (it outlives a restart), if any."""
        store = self.services.store
        if store is None:
            return None
        try:
            raw = store.get_meta(THERAPY_REMINDER_KEY)
            if raw is None:
                return None
            data = json.loads(raw)
            return str(data["routine"]), datetime.fromisoformat(data["at"])
        except (StoreError, ValueError, KeyError, TypeError):
            return None

    def therapy_reminder_due(self) -> str | None:
        """The routine whose reminder is due now, if any."""
        if self._reminder is None or self._reminder[1] > self.services.wall():
            return None
        return self._reminder[0]

    def therapy_reminder_came_due(self, routine_id: str) -> None:
        """Ask the rules again: prompt, move the reminder on, or drop it."""
        plan = self.flareup_plan()
        action, at = reminder_due(plan.of(routine_id) if plan is not None else None)
        if action == "prompt":
            self._therapy_prompt_open = True  # now, so the next poll does not ask twice
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
        if self._active_flareup() is None:
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


def make_app(
    paths: Paths | None = None,
    *,
    start_routine: str | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    wall: Callable[[], datetime] | None = None,
    library: Library | None = None,
    tz: tzinfo | None = None,
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
    sit = SitTimer(config.config.sitting, monotonic, wall)
    lock = InstanceLock(paths.lock_file)
    try:
        lock.acquire()
    except OSError:
        pass  # no lock, no harm: resume falls back to staleness
    services = Services(paths, config, library, store, store_problem, lock, sit, monotonic, wall, tz)
    return CoachApp(services, start_routine=start_routine)


__all__ = ["CoachApp", "Services", "make_app", "Path"]
