"""Running routines, for the app: the safety checks, the level, the player, the finish; and the library.

A part of :class:`screens.app.CoachApp` (a mixin): it holds no state of its
own beyond the app's, and the rules it applies live in ``coach/``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import work

from coach.flareup import Fit
from coach.library import Library, LibraryEntry, folder_signature, load_library_cached
from coach.model import Routine
from coach.progression import after_offer, clamp, read_level, top_level
from coach.history import ReadStopped
from coach.store_errors import StoreError
from screens.messages import RoutineSaved, StartDeskBreak, StartRoutine
from screens.services import Services

if TYPE_CHECKING:  # the records come with the store, loaded after the first frame
    from coach.step_fates import StepRecord
    from coach.store import SessionRecord

#: While a routine plays the sit line only says so: the sit timer is ticked
#: this often then (answers from elsewhere, the heartbeat), not every second.
SIT_TICK_IN_ROUTINE = 10.0
#: The worker group of the levels read.
LEVELS_READ = "levels-read"


class RoutineFlow:
    """Start a routine from anywhere, play it through, and keep the library fresh."""

    services: Services
    start_routine_id: str | None
    exit_code: int
    _in_flow: bool

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

    def on_start_routine(self, message: StartRoutine) -> None:
        self.start_routine(message.routine_id)

    def on_start_desk_break(self, _: StartDeskBreak) -> None:
        self.start_routine(self.services.sit.settings.break_routine)

    def on_routine_saved(self, _: RoutineSaved) -> None:
        self.check_routine_folder()  # home shows it now, not at the next poll

    @work(exclusive=True, group="flow")
    async def _run_worker(self, routine: Routine, confirmed: bool = False) -> None:
        self._in_flow = True
        try:
            await self.run_routine(routine, confirmed=confirmed)
        finally:
            self._in_flow = False
            self.sit_poll()

    async def run_routine(self, routine: Routine, resume: SessionRecord | None = None,
                          confirmed: bool = False, resume_steps: tuple[StepRecord, ...] = ()) -> None:
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
            level = await self.level_to_play(routine, resume)
            result = await self.push_screen_wait(PlayerScreen(routine, pain_before=pain_before, resume=resume,
                                                              resume_steps=resume_steps, level=level))
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
        if await self.push_screen_wait(FinishScreen(routine, result, remind_at=next_at)):
            assert next_at is not None
            self.set_therapy_reminder(routine.id, next_at)

    async def level_to_play(self, routine: Routine, resume: SessionRecord | None) -> int | None:
        """The level to play a routine with ranges at (None: it has none):
        a resumed session's own; else the history's, with one step up
        offered when coach.progression says so (enter takes it)."""
        from screens.level_up import LevelUpScreen

        if top_level(routine) == 0:
            return None
        if resume is not None:
            return clamp(routine, resume.level or 0)
        store = self.services.store
        if store is None:
            return 0
        try:
            now = await asyncio.to_thread(store.read_when_free, lambda reader: read_level(reader, routine),
                                          stop=self._reads_unwanted(2.0))
        except (StoreError, ReadStopped):
            return 0
        if not now.offer:
            return now.level
        accepted = await self.push_screen_wait(LevelUpScreen(routine, now.level))
        level, reason = after_offer(now.level, accepted)
        store.record_level_change(routine.id, now.level, level, reason)
        self.levels[routine.id] = level
        return level

    def read_levels(self) -> None:
        """Read every routine's level (off the screen's thread) for home's detail pane."""
        if self.services.store is not None:
            self._read_levels_worker()

    @work(exclusive=True, group=LEVELS_READ)
    async def _read_levels_worker(self) -> None:
        store = self.services.store
        assert store is not None
        try:
            levels = await asyncio.to_thread(store.read_when_free, lambda reader: reader.levels(),
                                             stop=self._reads_unwanted())
        except (StoreError, ReadStopped):
            return
        self.levels = levels
        self.levels_read.publish(levels)

    def set_run_outcome(self, completed: bool) -> None:
        """`coach run ROUTINE` exits 0 when the routine was completed, 1 when not;
        the app opened on home always exits 0 (a stopped routine is not an error)."""
        if self.start_routine_id:
            self.exit_code = 0 if completed else 1

    def _routine_folder_changed(self) -> None:
        """From the folder watch's thread: a file was added, changed or removed."""
        try:
            self.call_from_thread(self.check_routine_folder)
        except RuntimeError:  # the app is closing
            pass

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
        paths = self.services.paths
        library = load_library_cached(paths.routines_dir, paths.library_cache)  # and kept for the next start
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._routines_loaded, seen, library)

    def _routines_loaded(self, seen: tuple[tuple[str, int, int], ...], library: Library) -> None:
        self._routines_seen = seen
        old = self.services.library
        self.services.library = library
        for notice in set(library.notices) - set(old.notices):
            self.notify(notice, title="Routines", markup=False)
        self.library_changed.publish(library)

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

    def show_progress(self) -> None:
        """Open the progress screen (from home's `p` or the palette)."""
        from screens.progress import ProgressScreen  # plotext loads only when asked for

        if not isinstance(self.screen, ProgressScreen):
            self.push_screen(ProgressScreen())
