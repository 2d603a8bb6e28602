"""The therapy reminder as stored and answered (coach.reminders), on a fake clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from coach.reminders import REMINDER_SNOOZE, ReminderAnswer, TherapyReminder, after_answer

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))


def test_due_at_its_moment_and_after() -> None:
    reminder = TherapyReminder("ice-pack", NOW + timedelta(hours=2))
    assert not reminder.is_due(NOW)
    assert not reminder.is_due(NOW + timedelta(hours=2) - timedelta(seconds=1))
    assert reminder.is_due(NOW + timedelta(hours=2))
    assert reminder.is_due(NOW + timedelta(days=1))


def test_stored_and_read_back() -> None:
    reminder = TherapyReminder("ice-pack", NOW + timedelta(hours=2))
    assert TherapyReminder.from_json(reminder.to_json()) == reminder
    assert TherapyReminder.from_json(None) is None


@pytest.mark.parametrize("raw", [
    "", "{", "[]", "null", '{"routine": "ice-pack"}', '{"at": "2026-03-02T12:00:00+01:00"}',
    '{"routine": 7, "at": "2026-03-02T12:00:00+01:00"}', '{"routine": "", "at": "2026-03-02T12:00:00+01:00"}',
    '{"routine": "ice-pack", "at": "soon"}', '{"routine": "ice-pack", "at": "2026-03-02T12:00:00"}',  # no zone
])
def test_a_damaged_value_is_no_reminder(raw: str) -> None:
    assert TherapyReminder.from_json(raw) is None


def test_later_asks_again_after_the_snooze_and_anything_else_ends_it() -> None:
    assert after_answer(ReminderAnswer.LATER, "ice-pack", NOW) == TherapyReminder("ice-pack", NOW + REMINDER_SNOOZE)
    assert after_answer(ReminderAnswer.START, "ice-pack", NOW) is None
    assert after_answer(ReminderAnswer.DISMISS, "ice-pack", NOW) is None
    assert after_answer(None, "ice-pack", NOW) is None  # closed by the app
