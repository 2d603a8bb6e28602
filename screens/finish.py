"""The end of a routine: what was done, and the pain scores if given."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.content import Content
from textual.widgets import Button, Header, Static

from coach.durations import format_duration
from coach.flareup import when
from coach.model import Routine
from coach.progression import PAIN_ROSE, describe_level
from coach.safety import STOP_REASONS
from coach.step_fates import COMPLETE_SHARE
from screens.base import CoachScreen
from screens.widgets.sit_line import SitLine
from screens.text import literal
from screens.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from screens.player import PlayerResult


def summary(routine: Routine, result: PlayerResult) -> Content:
    """The finish screen's text (our own words around the routine's title)."""
    lines = [literal(routine.title, "bold")]
    if result.outcome == "completed":
        lines.append(Content.styled("Well done: routine complete.", "bold $success"))
    elif result.outcome == "partial":
        # "8%", not "8 %": a number never wraps away from its sign.
        lines.append(Content.styled(f"Partly done: {result.done_percent}% of its timed length"
                                    f" (complete from {round(COMPLETE_SHARE * 100)}%).", "bold $warning"))
    else:
        reason = dict(STOP_REASONS).get(result.stop_reason or "", "Stopped")
        said = reason if reason.startswith("I ") else reason[:1].lower() + reason[1:]
        lines.append(Content.styled(f"Stopped: {said}.", "bold $warning"))
    # With skips, "done" would claim too much: the steps were gone through, and the skips are listed below.
    counted = "Steps reached" if result.skipped else "Steps done"
    lines.append(Content(f"{counted}: {result.steps_done} of {result.steps_total}"))
    lines.append(Content(f"Time: {format_duration(round(result.active_seconds))}"))
    if result.outcome == "completed" and result.done_percent < 100:
        lines.append(Content(f"Done: {result.done_percent}% of its timed length"))
    if result.skipped:
        skipped = [Content.assemble(literal(r.title), f" (after {format_duration(r.skipped_after or 0)})")
                   for r in result.skipped]
        lines.append(Content.assemble("Skipped: ", Content(", ").join(skipped)))
    if result.level is not None:
        lines.append(Content(f"Played at {describe_level(routine, result.level)}"))
    if result.level_change is not None:
        _, to, why = result.level_change
        because = "your pain rose" if why == PAIN_ROSE else "you stopped because of pain"
        lines.append(Content.styled(f"Next time: back to {describe_level(routine, to)}, since {because}.",
                                    "$warning"))
    if result.pain_before is not None or result.pain_after is not None:
        before = "-" if result.pain_before is None else str(result.pain_before)
        after = "-" if result.pain_after is None else str(result.pain_after)
        lines.append(Content(f"Pain: {before} before, {after} after (0-10)"))
    if result.outcome == "completed" and routine.category.value in ("rest", "therapy"):
        lines.append(Content.styled("Get up slowly and keep moving gently through the day.", "$text-muted"))
    return Content("\n").join(lines)


class FinishScreen(CoachScreen[bool]):
    """Shown after the player; enter goes back home (or to the shell for `coach run`).

    With ``remind_at`` (timed therapy in a flare-up) it offers a reminder for
    when the next session is allowed, and dismisses True if it is wanted.
    """

    BINDINGS = [
        Binding("enter,escape", "done", "Done", id="finish.done"),
        Binding("r", "remind", "Remind me", id="finish.remind"),
    ]

    def __init__(self, routine: Routine, result: PlayerResult, remind_at: datetime | None = None) -> None:
        super().__init__()
        self.routine = routine
        self.result = result
        self.remind_at = remind_at

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(id="finish"):
            with Vertical(id="finish-box"):
                yield Static(summary(self.routine, self.result), id="finish-text")
                yield Button("Done", id="done", variant="primary")
                if self.remind_at is not None:
                    yield Button(f"Remind me at {self.remind_label()} (r)", id="remind")
        yield SitLine()
        yield KeysFooter()

    def remind_label(self) -> str:
        assert self.remind_at is not None
        services = self.coach.services
        return when(self.remind_at, services.wall(), services.tz)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.remind_at is not None if action == "remind" else True

    def on_mount(self) -> None:
        self.sub_title = {"completed": "Finished", "partial": "Partly done"}.get(self.result.outcome, "Stopped")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "remind")

    def action_done(self) -> None:
        self.dismiss(False)

    def action_remind(self) -> None:
        self.dismiss(True)
