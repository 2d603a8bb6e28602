"""Flare-ups and the therapy reminder, for the app: reads, dialogs, the reminder's prompt.

A part of :class:`screens.app.CoachApp` (a mixin). The rules are in
``coach.flareup`` and ``coach.reminders``; this reads, shows and asks.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from textual import work
from textual.message import Message

from coach.desktop import notify_desktop
from coach.flareup import NO_FLARE, FlareState, Plan, headline, pain_rising_title, read_flare, when
from coach.reminders import (
    THERAPY_REMINDER_KEY, Due, ReminderAnswer, TherapyReminder, after_answer, reminder_due, reminder_time,
)
from coach.model import Routine
from coach.history import ReadStopped
from coach.store_errors import StoreError
from screens.services import Services

#: The worker group of the flare-up reads (tests wait for it).
FLARE_READ = "flare-read"
#: The worker group that reads the history again when a therapy reminder comes due.
THERAPY_DUE = "therapy-due"
REMINDER_READ = "reminder-read"


class FlareRead(Message):
    """The flare-up as read from the history (posted from the read's thread)."""

    def __init__(self, state: FlareState | None, problem: str | None = None) -> None:
        super().__init__()
        self.state = state
        self.problem = problem


class FlareUpFlow:
    """Know the flare-up (read off the screen's thread), record what is said of it, and remind."""

    services: Services
    flare: FlareState

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
        self.flareup_read.publish(self.flare)

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
        from screens.flareup import FlareUpScreen, FlareUpUpdateScreen, Update

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
                pain = update.pain
                if update.what is Update.SETTLED:
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

        title = pain_rising_title([pain for _, pain, _ in (await self.fresh_flare()).pains])
        if title is not None:
            await self.push_screen_wait(StopAdviceScreen(title=title))

    def refresh_home(self) -> None:
        """The flare-up changed here: what shows it reads again."""
        self.history_changed.publish(None)

    # --- reminders for timed therapy (opt-in, from the finish screen) -----------------

    def set_therapy_reminder(self, routine_id: str | None, at: datetime | None, *, quiet: bool = False) -> None:
        store = self.services.store
        if store is None:
            return
        self._reminder = None if routine_id is None or at is None else TherapyReminder(routine_id, at)
        self._reminder_changes += 1
        store.set_meta(THERAPY_REMINDER_KEY, None if self._reminder is None else self._reminder.to_json())
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
        except (StoreError, ReadStopped):
            return
        if self._reminder_changes == changes:
            self._reminder = TherapyReminder.from_json(raw)

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
        if action is Due.PROMPT:
            self._therapy_prompt_open = True
            self.show_therapy_prompt(routine_id)
        else:
            self.set_therapy_reminder(routine_id if action is Due.MOVE else None, at, quiet=True)

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
        later = after_answer(answer, routine_id, self.services.wall())
        self.set_therapy_reminder(routine_id, later.at if later else None, quiet=True)
        if answer is ReminderAnswer.START:
            self.start_routine(routine_id)
