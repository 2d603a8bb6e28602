"""Time for a break: shown over whatever screen is open."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from coach.durations import format_duration
from coach.flareup import REMINDER_SNOOZE
from screens.text import join_blocks, literal, section

# Keys pressed this soon after the prompt appears were meant for the screen
# below (the person was typing); they are passed down, not taken as answers.
ARMING_SECONDS = 1.0


class ArmedPromptScreen(ModalScreen["str | None"]):
    """A prompt that appears unasked over whatever is open. Keys in its first
    second go to the screen below (the person was typing); after that, its
    bindings call ``answer`` and it dismisses with the answer."""

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
        self.dismiss(answer)


class BreakPromptScreen(ArmedPromptScreen):
    """Dismisses "take", "snooze", "skip" or "already" (or None if closed by the app)."""

    BINDINGS = [
        Binding("enter", "answer('take')", "Take the break", id="break.take"),
        Binding("s", "answer('snooze')", "Snooze", id="break.snooze"),
        Binding("x", "answer('skip')", "Skip", id="break.skip"),
        Binding("t", "answer('already')", "I already took one", id="break.already"),
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
        yield Footer()

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
        if action == "answer" and parameters == ("snooze",):
            return self.can_snooze
        return True


class TherapyPromptScreen(ArmedPromptScreen):
    """The opt-in reminder: the next timed therapy session is allowed now.

    Dismisses "start", "later" (ask again in a while) or "dismiss". Keys in its
    first second go to the screen below, as with the break prompt."""

    BINDINGS = [
        Binding("enter", "answer('start')", "Start it", id="therapy.start"),
        Binding("l", "answer('later')", "Later", id="therapy.later"),
        Binding("x", "answer('dismiss')", "No more reminders", id="therapy.dismiss"),
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
        yield Footer()
