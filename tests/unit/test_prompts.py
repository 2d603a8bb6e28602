"""Which prompt may appear when (coach.prompts): never two at once, never
over a routine, a reminder never over a question."""

from __future__ import annotations

import pytest

from coach.prompts import OnScreen, Prompt, next_prompt

HOME = OnScreen()
IN_ROUTINE = OnScreen(in_routine=True)
DIALOG = OnScreen(dialog_on_top=True)
PROMPT_ON_TOP = OnScreen(break_prompt=True, break_prompt_on_top=True, dialog_on_top=True)
PROMPT_BELOW = OnScreen(break_prompt=True, dialog_on_top=True)  # something opened over the prompt
THERAPY = OnScreen(therapy_prompt=True, dialog_on_top=True)


@pytest.mark.parametrize(("screen", "due", "nudged", "reminder", "expected"), [
    (HOME, False, False, False, Prompt.NOTHING),
    (HOME, True, False, False, Prompt.SHOW_BREAK),
    (HOME, True, False, True, Prompt.SHOW_BREAK),  # the break first; the reminder waits
    (DIALOG, True, False, False, Prompt.SHOW_BREAK),  # over any screen (its first keys pass down)
    (IN_ROUTINE, True, False, True, Prompt.NOTHING),  # never over a routine
    (THERAPY, True, False, False, Prompt.NOTHING),  # never on top of the other prompt
    (HOME, False, False, True, Prompt.CHECK_THERAPY),
    (DIALOG, False, False, True, Prompt.NOTHING),  # never over a question being asked
    (IN_ROUTINE, False, False, True, Prompt.NOTHING),
    (PROMPT_ON_TOP, True, False, True, Prompt.NOTHING),  # open: nothing more
    (PROMPT_ON_TOP, True, True, False, Prompt.NUDGE),
    (PROMPT_ON_TOP, False, False, False, Prompt.WITHDRAW_BREAK),  # answered elsewhere, missed, away
    (PROMPT_BELOW, False, False, False, Prompt.NOTHING),  # withdrawn once it is on top again
    (PROMPT_BELOW, True, True, False, Prompt.NUDGE),
])
def test_one_prompt_at_a_time(screen: OnScreen, due: bool, nudged: bool, reminder: bool, expected: Prompt) -> None:
    assert next_prompt(screen, break_due=due, nudged=nudged, reminder_due=reminder) is expected
