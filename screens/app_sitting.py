"""The sit timer, for the app: its line, the break prompt, the away sources.

A part of :class:`screens.app.CoachApp` (a mixin). The rules are in
``coach.sitclock``, ``coach.sitting`` and ``coach.prompts``; this shows and asks.
"""

from __future__ import annotations

from datetime import datetime

from textual import work
from textual.screen import ModalScreen

from coach.desktop import notify_desktop
from coach.prompts import OnScreen, Prompt, next_prompt
from coach.durations import format_duration
from coach.sitclock import SitView
from coach.sitting import Answer, BreakEvent, Presence
from screens.services import Services

#: How often the away sources (tmux, terminals, logind, the desktop) are read.
AWAY_POLL_SECONDS = 15.0


class SitPrompts:
    """Tick the sit timer once a second, show it, and open or withdraw the break prompt."""

    services: Services
    _in_flow: bool

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
        reminder = self._reminder
        on_screen = OnScreen(in_routine=self._in_flow, break_prompt=self._prompt is not None,
                             break_prompt_on_top=self._prompt is not None and self.screen is self._prompt,
                             therapy_prompt=self._therapy_prompt_open,
                             dialog_on_top=isinstance(self.screen, ModalScreen))
        action = next_prompt(on_screen, break_due=view.prompt_open,
                             nudged=any(item.kind == "nudge" for item in news),
                             reminder_due=reminder is not None and reminder.is_due(self.services.wall()))
        if action is Prompt.SHOW_BREAK:
            self.show_break_prompt(view)
        elif action is Prompt.CHECK_THERAPY:
            assert reminder is not None
            self.therapy_reminder_came_due(reminder.routine_id)
        elif action is Prompt.WITHDRAW_BREAK:  # answered elsewhere, missed, away
            assert self._prompt is not None
            self._prompt.dismiss(None)
        elif action is Prompt.NUDGE:
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
        if answer is Answer.TAKEN:
            self.start_routine(settings.break_routine, confirmed=True)
        elif answer is not None:
            sit.answer(answer)
        self.sit_poll()

    def pause_sitting(self, until: datetime) -> None:
        self.services.sit.pause(until)
        self.sit_poll()
        self.notify(f"Sit timer paused until {until.strftime('%H:%M')}.", markup=False)

    def resume_sitting(self) -> None:
        self.services.sit.resume()
        self.sit_poll()
