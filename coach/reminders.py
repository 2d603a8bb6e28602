"""The opt-in reminder for the next timed therapy session (no Textual).

After an ice pack or a heat pad the finish screen offers: "remind me when the
next one is allowed". The reminder is one routine and one moment, kept in the
history's meta table so it outlives a restart. When the moment comes, the
flare-up rules are asked again (the person may have done the routine
meanwhile, here or in another window): it prompts when the routine fits now,
moves on while a gap still runs, and is dropped otherwise.

Every function takes the clock reading as a parameter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from coach.flareup import Advice, Fit
from coach.model import Category

#: Where the reminder is kept (history meta).
THERAPY_REMINDER_KEY = "therapy_reminder"
#: "Later" on the reminder's prompt asks again after this long.
REMINDER_SNOOZE = timedelta(minutes=15)


class ReminderAnswer(str, Enum):
    """What the person answered when the reminder came due."""

    START = "start"
    LATER = "later"
    DISMISS = "dismiss"


class Due(str, Enum):
    """What a reminder that came due turns into, by the flare-up rules now."""

    PROMPT = "prompt"  # the routine fits now: ask
    MOVE = "move"  # a gap still runs: wait until it ends
    DROP = "drop"  # it no longer applies


@dataclass(frozen=True)
class TherapyReminder:
    """Remind about ``routine_id`` at ``at``."""

    routine_id: str
    at: datetime

    def is_due(self, now: datetime) -> bool:
        return self.at <= now

    def to_json(self) -> str:
        return json.dumps({"routine": self.routine_id, "at": self.at.isoformat(timespec="seconds")})

    @classmethod
    def from_json(cls, raw: str | None) -> TherapyReminder | None:
        """The stored reminder; None when there is none, or what is stored is
        not one (a hand-edited or damaged value is dropped, never raised)."""
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            at = datetime.fromisoformat(data["at"])
            routine_id = data["routine"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(routine_id, str) or not routine_id or at.tzinfo is None:
            return None
        return cls(routine_id, at)


def reminder_time(advice: Advice | None) -> datetime | None:
    """When to offer to remind: the next allowed time of a therapy routine held
    back by its gap. Not when the daily limit holds it (that would ring at
    midnight), nor for anything that is not timed therapy."""
    if advice is None or advice.fit is not Fit.LATER or advice.at is None:
        return None
    if advice.routine.category is not Category.THERAPY or advice.daily_limit:
        return None
    return advice.at


def reminder_due(advice: Advice | None) -> tuple[Due, datetime | None]:
    """A reminder has come due; the rules are asked again, since the user may
    have done the routine meanwhile: (PROMPT, None) when it fits now,
    (MOVE, at) while a gap still runs, (DROP, None) otherwise."""
    if advice is not None and advice.fit is Fit.NOW:
        return Due.PROMPT, None
    at = reminder_time(advice)
    return (Due.MOVE, at) if at is not None else (Due.DROP, None)


def after_answer(answer: ReminderAnswer | None, routine_id: str, now: datetime) -> TherapyReminder | None:
    """The reminder after the person answered its prompt: "later" asks again
    after :data:`REMINDER_SNOOZE`; anything else ends it (a start counts the
    session, which sets no new reminder by itself)."""
    if answer is ReminderAnswer.LATER:
        return TherapyReminder(routine_id, now + REMINDER_SNOOZE)
    return None
