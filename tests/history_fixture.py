"""A small, hand-checked history for the progress tests and snapshots.

Written through the store's own API with a clock in Europe/London, so the
dates are the ones a person in London lived. "Today" is Friday 2026-11-20.

What is in it (the tests work the expected figures out from this list):

- 2026-07-10 00:30 BST: 'Hip and back stretch' completed (10 min, no pain
  check): its UTC date is 07-09, its local date 07-10.
- 2026-10-01 .. 10-07: one completed 'Hip and back stretch' (10 min) a day,
  pain 6 -> 4: the best streak, 7 days.
- 2026-10-25, the day the clocks go back: 'Hip and back stretch' at 01:30 BST
  (completed, 10 min, pain 6 -> 4) and 'Knee pillow rest' at 01:30 GMT, an
  hour later (stopped "just stopping" after 2 min, pain 5 -> no score).
- 2026-11-11: 'Core and back strength' interrupted after 5 min (counts as a
  day with a routine: 60 s or more), pain before 3, none after.
- 2026-11-12, 11-13: 'Desk break' completed (2 min), no pain check.
- 2026-11-14 23:50: 'Ice pack' across midnight, completed, 20 min, pain
  7 -> 5: belongs to the 14th.
- 2026-11-15: 'Desk break' interrupted after 30 s (too short to count):
  the gap that ends the 11..14 run.
- 2026-11-16 .. 11-20: 'Scapular squeeze' completed (3 min) each day, pain
  4 -> 3 except 11-18 (no scores): the current streak, 5 days.
- Desk breaks (answer, sitting seconds): 11-19 09:40 taken 1800,
  11-19 10:30 snoozed 2400, 11-19 10:35 skipped 2700, 11-19 11:30 missed 3600,
  11-19 12:00 already 4000, 11-20 00:10 natural 600 (after midnight),
  10-25 01:20 BST taken 1500 and 10-25 01:20 GMT snoozed 900 (DST day).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from fakeclocks import WallClock

from coach.store import open_store

TZ = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=TZ)


def at(y: int, m: int, d: int, hh: int, mm: int, fold: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ, fold=fold)


def _Clock() -> WallClock:  # noqa: N802
    return WallClock(NOW)


def fill(path: Path) -> None:
    """Write the fixture history to ``path`` (a new file)."""
    clock = _Clock()
    with open_store(path, clock=clock) as store:

        def session(start: datetime, routine: str, title: str, seconds: int, outcome: str,
                    before: int | None, after: int | None, reason: str | None = None) -> None:
            clock.now = start
            sid = store.start_session(routine, title, 4, pain_before=before)
            # Add in UTC: aware arithmetic is wall-clock time, and 01:30 GMT
            # plus a minute would be 01:31 BST on the day the clocks go back.
            clock.now = (start.astimezone(timezone.utc) + timedelta(seconds=seconds + 30)).astimezone(TZ)
            if outcome == "interrupted":
                store.update_session(sid, steps_done=1, active_seconds=seconds, phase_index=1)
                store.mark_interrupted()
            else:
                store.finish_session(sid, outcome=outcome, steps_done=4 if outcome == "completed" else 1,
                                     active_seconds=seconds, phase_index=4, pain_after=after,
                                     stop_reason=reason)

        session(at(2026, 7, 10, 0, 30), "hip-and-back-stretch", "Hip and back stretch",
                600, "completed", None, None)
        for day in range(1, 8):
            session(at(2026, 10, day, 18, 0), "hip-and-back-stretch", "Hip and back stretch",
                    600, "completed", 6, 4)
        session(at(2026, 10, 25, 1, 30, fold=0), "hip-and-back-stretch", "Hip and back stretch",
                600, "completed", 6, 4)
        session(at(2026, 10, 25, 1, 30, fold=1), "knee-pillow-rest", "Knee pillow rest",
                120, "stopped", 5, None, "just-stopping")
        session(at(2026, 11, 11, 12, 0), "core-and-back-strength", "Core and back strength",
                300, "interrupted", 3, None)
        for day in (12, 13):
            session(at(2026, 11, day, 11, 0), "desk-break", "Desk break", 120, "completed", None, None)
        session(at(2026, 11, 14, 23, 50), "ice-pack", "Ice pack", 1200, "completed", 7, 5)
        session(at(2026, 11, 15, 10, 0), "desk-break", "Desk break", 30, "interrupted", None, None)
        for day in range(16, 21):
            pain = (None, None) if day == 18 else (4, 3)
            session(at(2026, 11, day, 8, 0), "scapular-squeeze", "Scapular squeeze",
                    180, "completed", *pain)

        for when, answer, bout in (
            (at(2026, 11, 19, 9, 40), "taken", 1800),
            (at(2026, 11, 19, 10, 30), "snoozed", 2400),
            (at(2026, 11, 19, 10, 35), "skipped", 2700),
            (at(2026, 11, 19, 11, 30), "missed", 3600),
            (at(2026, 11, 19, 12, 0), "already", 4000),
            (at(2026, 11, 20, 0, 10), "natural", 600),
            (at(2026, 10, 25, 1, 20, fold=0), "taken", 1500),
            (at(2026, 10, 25, 1, 20, fold=1), "snoozed", 900),
        ):
            store.record_break(answer, bout, when, prompted=answer != "natural")
