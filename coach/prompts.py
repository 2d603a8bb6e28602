"""Which prompt may appear now (no Textual).

Two things ask for the person's attention unasked: the break prompt (the sit
timer says a break is due) and the opt-in therapy reminder (the next ice pack
is allowed). They must never stack on each other, interrupt a routine, or
appear over a question being asked. The rules, checked once a second:

- Nothing opens while a routine, its cautions or its pain check are on
  screen: the sit timer says "in a routine" then, and a reminder waits.
- The break prompt opens when a break is due and neither prompt is open. It
  opens over any other screen or dialog (its first second of keys goes to the
  screen below: :mod:`screens.break_prompt`).
- A therapy reminder that has come due is checked only when nothing else is
  asking: no prompt open and no dialog on top.
- An open break prompt is withdrawn when the break is no longer due (answered
  in another window, missed, the person went away), if it is the screen on
  top; it rings again when the sit timer nudges.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Prompt(Enum):
    """What the app should do about prompts at this tick."""

    NOTHING = "nothing"
    SHOW_BREAK = "show-break"
    CHECK_THERAPY = "check-therapy"  # a reminder came due: ask the rules again, maybe prompt
    WITHDRAW_BREAK = "withdraw-break"
    NUDGE = "nudge"  # ring the bell: the open break prompt is being ignored


@dataclass(frozen=True)
class OnScreen:
    """What is on screen now, as the app sees it."""

    in_routine: bool = False  # a routine, its cautions or its pain check
    break_prompt: bool = False  # the break prompt is open (on top or not)
    break_prompt_on_top: bool = False
    therapy_prompt: bool = False  # the therapy reminder is being checked or asked
    dialog_on_top: bool = False  # a question of any kind is the top screen


def next_prompt(screen: OnScreen, *, break_due: bool, nudged: bool, reminder_due: bool) -> Prompt:
    """The one thing to do about prompts now (see the module's rules)."""
    if screen.break_prompt:
        if not break_due and screen.break_prompt_on_top:
            return Prompt.WITHDRAW_BREAK
        return Prompt.NUDGE if nudged and break_due else Prompt.NOTHING
    if screen.in_routine or screen.therapy_prompt:
        return Prompt.NOTHING
    if break_due:
        return Prompt.SHOW_BREAK
    if reminder_due and not screen.dialog_on_top:
        return Prompt.CHECK_THERAPY
    return Prompt.NOTHING
