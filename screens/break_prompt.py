"""Time for a break: shown over whatever screen is open."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Generic, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from coach.durations import format_duration
from coach.reminders import REMINDER_SNOOZE, ReminderAnswer
from coach.sitting import Answer
from screens.text import join_blocks, literal, section
from screens.widgets.footer import KeysFooter

# Keys pressed this soon after the prompt appears were meant for the screen
# below (the person was typing); they are passed down, not taken as answers.
ARMING_SECONDS = 1.0

AnswerT = TypeVar("AnswerT", bound=Enum)


class ArmedPromptScreen(ModalScreen["AnswerT | None"], Generic[AnswerT]):
    """A prompt that appears unasked over whatever is open. Keys in its first
    second go to the screen below (the person was typing); after that, its
    bindings call ``answer`` and it dismisses with the answer, a member of
    ``ANSWERS`` (None: closed by the app)."""

    ANSWERS: type[AnswerT]

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__()
        self.clock = clock
        self._shown_at = clock()

    async def on_key(self, event: events.Key) -> None:
        if self.clock() - self._shown_at >= ARMING_SECONDS or len(self.app.screen_stack) < 2:
            return
        event.stop()
        event.prevent_default()
        below = self.app.screen_stack[-2]
        target = below.focused or below
        target.post_message(events.Key(event.key, event.character))

    def action_answer(self, answer: str) -> None:
        if self.clock() - self._shown_at < ARMING_SECONDS:
            return
        self.dismiss(self.ANSWERS(answer))


class BreakPromptScreen(ArmedPromptScreen[Answer]):
    """Dismisses TAKEN (start the break routine), SNOOZED, SKIPPED or ALREADY."""

    ANSWERS = Answer
    BINDINGS = [
        Binding("enter", f"answer('{Answer.TAKEN.value}')", "Take the break", id="break.take"),
        Binding("s", f"answer('{Answer.SNOOZED.value}')", "Snooze", id="break.snooze"),
        Binding("x", f"answer('{Answer.SKIPPED.value}')", "Skip", id="break.skip"),
        Binding("t", f"answer('{Answer.ALREADY.value}')", "I already took one", id="break.already"),
    ]

    def __init__(self, sitting: float, can_snooze: bool, snooze_seconds: int, routine_title: str,
                 clock: Callable[[], float], cautions: tuple[str, ...] = (), stop_if: tuple[str, ...] = ()) -> None:
        super().__init__(clock)
        self.cautions = cautions
        self.stop_if = stop_if
        self.sitting = sitting
        self.can_snooze = can_snooze
        self.snooze_seconds = snooze_seconds
        self.routine_title = routine_title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="break-prompt"):
            yield Static(Content.styled("Time to stand up and move", "bold"), classes="dialog-title")
            yield Static(self._text(), id="break-text")
            safety = join_blocks([section("Cautions", self.cautions), section("Stop if", self.stop_if)])
            if safety.plain:
                yield Static(safety, id="break-cautions")
        yield KeysFooter()

    def _text(self) -> Content:
        lines = [
            Content(f"You have been sitting for {format_duration(round(self.sitting))}."),
            Content.assemble("enter: start ", literal(self.routine_title)),
        ]
        if self.can_snooze:
            lines.append(Content(f"s: snooze for {format_duration(self.snooze_seconds)}"))
        else:
            lines.append(Content("no more snoozes in a row: take the break, or skip it"))
        lines += [Content("x: skip this break"), Content("t: I already took a break")]
        return Content("\n").join(lines)

    def show_sitting(self, seconds: float) -> None:
        """The sitting time counts on while the prompt is open."""
        if round(seconds) == round(self.sitting):
            return
        self.sitting = seconds
        if self.is_mounted:
            self.query_one("#break-text", Static).update(self._text())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters == (Answer.SNOOZED.value,):
            return self.can_snooze
        return True


class TherapyPromptScreen(ArmedPromptScreen[ReminderAnswer]):
    """The opt-in reminder: the next timed therapy session is allowed now.

    Dismisses START, LATER (ask again in a while) or DISMISS. Keys in its
    first second go to the screen below, as with the break prompt."""

    ANSWERS = ReminderAnswer
    BINDINGS = [
        Binding("enter", f"answer('{ReminderAnswer.START.value}')", "Start it", id="therapy.start"),
        Binding("l", f"answer('{ReminderAnswer.LATER.value}')", "Later", id="therapy.later"),
        Binding("x", f"answer('{ReminderAnswer.DISMISS.value}')", "No more reminders", id="therapy.dismiss"),
    ]

    def __init__(self, routine_title: str, clock: Callable[[], float]) -> None:
        super().__init__(clock)
        self.routine_title = routine_title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="break-prompt"):
            yield Static(Content.assemble(literal(self.routine_title, "bold"),
                                          Content.styled(": the next one is allowed now", "bold")),
                         classes="dialog-title")
            yield Static(Content("\n").join([
                Content.assemble("enter: start ", literal(self.routine_title)),
                Content(f"l: later (ask again in {format_duration(int(REMINDER_SNOOZE.total_seconds()))})"),
                Content("x: no more reminders this time"),
            ]), id="therapy-text")
        yield KeysFooter()
