"""The history's records as Python sees them, and the checks on what is written.

Rows become frozen dataclasses here (a session, a break, a flare-up, a day's
totals), times go in and out as UTC text, and every value written is checked
first so that a mistake is one clear error, never a half-written row.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from coach.step_fates import FATES, StepRecord


#: Times are stored as UTC ISO 8601 text.
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(UTC_FORMAT)


def parse_utc(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.strptime(text, UTC_FORMAT).replace(tzinfo=timezone.utc)


def check_count(name: str, value: object) -> int:
    # bool is an int subclass; True steps or pain would be a caller bug.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")
    return value


def check_pain(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"{name} must be a whole number from 0 to 10, not {value!r}")
    return value


def check_text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, not {value!r}")
    return value


@dataclass(frozen=True)
class SessionRecord:
    """One row of ``sessions``; times are aware UTC datetimes."""

    id: int
    routine_id: str
    routine_title: str
    started_utc: datetime
    local_date: date
    utc_offset_min: int
    ended_utc: datetime | None
    steps_done: int
    steps_total: int
    active_seconds: int
    pain_before: int | None
    pain_after: int | None
    outcome: str
    stop_reason: str | None
    phase_index: int
    resumed: bool
    updated_utc: datetime
    done_percent: int | None = None  # share of the timed length really done (None before v6)
    level: int | None = None  # the level it was played at (coach.progression; None: no ranges, or before v7)

    @property
    def started_local(self) -> datetime:
        """The start as the user's wall clock showed it then."""
        return self.started_utc.astimezone(timezone(timedelta(minutes=self.utc_offset_min)))

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> SessionRecord:
        values: dict[str, Any] = dict(zip(row.keys(), row))
        for key in ("started_utc", "ended_utc", "updated_utc"):
            values[key] = parse_utc(values[key])
        values["local_date"] = date.fromisoformat(values["local_date"])
        values["resumed"] = bool(values["resumed"])
        return cls(**values)


@dataclass(frozen=True)
class BreakRecord:
    """One row of ``breaks``; ``at_utc`` is an aware UTC datetime."""

    id: int
    at_utc: datetime
    local_date: date
    utc_offset_min: int
    answer: str
    bout_seconds: int
    prompted: bool

    @property
    def at_local(self) -> datetime:
        return self.at_utc.astimezone(timezone(timedelta(minutes=self.utc_offset_min)))


@dataclass(frozen=True)
class FlareUpRecord:
    """One flare-up; times are aware UTC datetimes, ``ended_utc`` None while it lasts."""

    id: int
    started_utc: datetime
    local_date: date
    utc_offset_min: int
    ended_utc: datetime | None

    @property
    def started_local(self) -> datetime:
        return self.started_utc.astimezone(timezone(timedelta(minutes=self.utc_offset_min)))

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> FlareUpRecord:
        return cls(row["id"], parse_utc(row["started_utc"]), date.fromisoformat(row["local_date"]),  # type: ignore[arg-type]
                   row["utc_offset_min"], parse_utc(row["ended_utc"]))


@dataclass(frozen=True)
class DaySessions:
    """Sessions started on one local date, summed (pain as sums and counts so
    that days can be added up into weeks without averaging averages)."""

    sessions: int = 0
    completed: int = 0
    active_seconds: int = 0
    pain_before_sum: int = 0
    pain_before_n: int = 0
    pain_after_sum: int = 0
    pain_after_n: int = 0

    def __add__(self, other: DaySessions) -> DaySessions:
        return DaySessions(*(a + b for a, b in zip(record_fields(self), record_fields(other))))


@dataclass(frozen=True)
class DayBreaks:
    """One answer's prompts/breaks on one local date."""

    count: int = 0
    longest_bout: int = 0
    total_bout: int = 0


@dataclass(frozen=True)
class RoutineTotals:
    """One routine's sessions over a date range."""

    routine_id: str
    title: str  # the title of its latest session
    sessions: int
    completed: int
    stopped: int
    interrupted: int
    active_seconds: int
    pain_change_sum: int  # sum of (after - before) where both were given
    pain_change_n: int


def record_fields(obj: object) -> tuple[int, ...]:
    return tuple(getattr(obj, name) for name in obj.__dataclass_fields__)  # type: ignore[attr-defined]


def step_row(session_id: int, r: StepRecord) -> tuple[object, ...]:
    check_count("step index", r.index)
    check_text("step title", r.title)
    check_text("step kind", r.kind)
    for name in ("planned_seconds", "spent_seconds", "done_seconds"):
        check_count(name, getattr(r, name))
    if r.done_seconds > r.planned_seconds:
        raise ValueError(f"done_seconds {r.done_seconds} is more than planned ({r.planned_seconds})")
    if r.fate is not None and r.fate not in FATES:
        raise ValueError(f"fate must be one of {FATES} (or None while going), not {r.fate!r}")
    if r.skipped_after is not None:
        check_count("skipped_after", r.skipped_after)
    return (session_id, r.index, r.title, r.kind, r.modality, r.planned_seconds, r.spent_seconds,
            r.done_seconds, r.fate, r.skipped_after)


def step_record(row: sqlite3.Row) -> StepRecord:
    return StepRecord(row["step_index"], row["title"], row["kind"], row["modality"], row["planned_seconds"],
                      row["spent_seconds"], row["done_seconds"], row["fate"], row["skipped_after"])


def date_range(sql: str, first: date | None, last: date | None) -> tuple[str, list[str]]:
    clauses, params = [], []
    if first is not None:
        clauses.append("local_date >= ?")
        params.append(first.isoformat())
    if last is not None:
        clauses.append("local_date <= ?")
        params.append(last.isoformat())
    return (f"{sql} WHERE {' AND '.join(clauses)}" if clauses else sql), params
