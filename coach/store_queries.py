"""Reading the history: every query the screens, the rules and the export ask.

:class:`Queries` is the read half of :class:`coach.store.Store` (a mixin over
its connection): nothing here writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

from coach.step_fates import StepRecord
from coach.store_records import (
    BreakRecord, DayBreaks, DaySessions, FlareUpRecord, RoutineTotals, SessionRecord, check_count, date_range,
    parse_utc, step_record, utc_text,
)
from coach.store_schema import PRACTICE_SECONDS


class Queries:
    """What the history says (the :class:`~coach.store.Store` connection's reads)."""

    _conn: sqlite3.Connection

    def level_of(self, routine_id: str) -> tuple[int, datetime | None]:
        """(level, since): a routine's level and when it last changed or a
        step up was declined (None: never; level 0)."""
        with self._guard() as conn:
            row = conn.execute("SELECT level_to, at_utc FROM level_changes WHERE routine_id = ?"
                               " ORDER BY at_utc DESC, id DESC LIMIT 1", (routine_id,)).fetchone()
        return (0, None) if row is None else (int(row[0]), parse_utc(row[1]))

    def levels(self) -> dict[str, int]:
        """The level of every routine played at a level or whose level changed
        (a routine missing here has no ranges, or has never been played: level 0)."""
        with self._guard() as conn:
            played = conn.execute("SELECT DISTINCT routine_id FROM sessions WHERE level IS NOT NULL").fetchall()
            rows = conn.execute(
                "SELECT routine_id, level_to FROM level_changes AS c WHERE id = (SELECT id FROM level_changes"
                " WHERE routine_id = c.routine_id ORDER BY at_utc DESC, id DESC LIMIT 1)").fetchall()
        return {**{rid: 0 for (rid,) in played}, **{rid: int(level) for rid, level in rows}}

    def routine_sessions_after(self, routine_id: str, since: datetime | None, limit: int = 2) -> list[SessionRecord]:
        """The routine's latest ``limit`` sessions started after ``since`` (all
        time when None), oldest first."""
        after_text = utc_text(since) if since is not None else ""
        rows = self._fetch("SELECT * FROM sessions WHERE routine_id = ? AND started_utc > ?"
                           " ORDER BY started_utc DESC, id DESC LIMIT ?",
                           (routine_id, after_text, check_count("limit", limit)))
        return rows[::-1]

    def iter_level_changes(self, first: date | None = None, last: date | None = None) -> Iterator[dict[str, Any]]:
        """Level changes (and declined steps up) in [first, last], oldest first."""
        sql, params = date_range("SELECT * FROM level_changes", first, last)
        with self._guard() as conn:
            for row in conn.execute(sql + " ORDER BY at_utc, id", params):
                yield dict(zip(row.keys(), row))

    def step_records(self, session_id: int) -> list[StepRecord]:
        """A session's step records, in playing order."""
        with self._guard() as conn:
            rows = conn.execute("SELECT * FROM step_records WHERE session_id = ? ORDER BY step_index",
                                (session_id,)).fetchall()
        return [step_record(r) for r in rows]

    def iter_step_records(self, first: date | None = None,
                          last: date | None = None) -> Iterator[tuple[int, StepRecord]]:
        """(session id, record) of the sessions started in [first, last] (all
        when None), in the order of the sessions, then of their steps."""
        sql, params = date_range("SELECT id FROM sessions", first, last)
        with self._guard() as conn:
            rows = conn.execute(
                f"SELECT step_records.* FROM step_records JOIN ({sql}) AS chosen ON chosen.id = session_id"
                " JOIN sessions ON sessions.id = session_id"
                " ORDER BY sessions.started_utc, session_id, step_index", params)
            for row in rows:
                yield row["session_id"], step_record(row)

    def skin_seconds_since(self, since: datetime) -> dict[int, dict[str, int]]:
        """Per session started at or after ``since``: the seconds of cold and
        heat each steps' records say were really applied (sessions from before
        v6, or with no such step, are absent)."""
        day_before = (since.astimezone(timezone.utc) - timedelta(days=1)).date().isoformat()
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT session_id, modality, sum(spent_seconds) FROM step_records"
                " JOIN sessions ON sessions.id = session_id"
                " WHERE local_date >= ? AND started_utc >= ? AND modality IN ('cold', 'heat')"
                " GROUP BY session_id, modality", (day_before, utc_text(since))).fetchall()
        result: dict[int, dict[str, int]] = {}
        for session_id, modality, seconds in rows:
            result.setdefault(int(session_id), {})[modality] = int(seconds)
        return result

    def resumable_session(self, max_age: timedelta = timedelta(hours=12)) -> SessionRecord | None:
        """The latest unfinished 'interrupted' session started within ``max_age``
        and not yet offered (see :meth:`mark_resumed`), or None."""
        since = utc_text(self._now() - max_age)
        rows = self._fetch(
            "SELECT * FROM sessions WHERE outcome = 'interrupted' AND resumed = 0"
            " AND steps_done < steps_total AND started_utc >= ?"
            " ORDER BY started_utc DESC, id DESC LIMIT 1", (since,))
        return rows[0] if rows else None

    def get_session(self, session_id: int) -> SessionRecord | None:
        """The session with this id, or None."""
        rows = self._fetch("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return rows[0] if rows else None

    def recent_sessions(self, limit: int = 50) -> list[SessionRecord]:
        """The latest ``limit`` sessions, newest first."""
        return self._fetch("SELECT * FROM sessions ORDER BY started_utc DESC, id DESC LIMIT ?",
                           (check_count("limit", limit),))

    # -- small remembered flags -------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A remembered value (e.g. 'red_flags_confirmed_utc'), or ``default``."""
        with self._guard() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def active_flareup(self) -> FlareUpRecord | None:
        """The flare-up that has not settled yet, if any."""
        with self._guard() as conn:
            row = conn.execute("SELECT * FROM flareups WHERE ended_utc IS NULL ORDER BY id DESC LIMIT 1").fetchone()
        return FlareUpRecord._from_row(row) if row is not None else None

    def flareup_pains(self, flareup_id: int) -> list[tuple[datetime, int, str]]:
        """The pain scores given during a flare-up, oldest first."""
        with self._guard() as conn:
            rows = conn.execute("SELECT at_utc, pain, source FROM flareup_pain WHERE flareup_id = ?"
                                " ORDER BY at_utc, id", (flareup_id,)).fetchall()
        return [(parse_utc(r[0]), r[1], r[2]) for r in rows]  # type: ignore[misc]

    def flareups_between(self, first: date, last: date) -> list[FlareUpRecord]:
        """Flare-ups that overlap the local dates [first, last], oldest first.

        The end is stored in UTC: it is compared with the start of ``first``
        on the clock's own zone (the zone the local dates were written in)."""
        zone = self._now().tzinfo
        start = datetime.combine(first, datetime.min.time()).replace(tzinfo=zone)
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT * FROM flareups WHERE local_date <= ? AND (ended_utc IS NULL OR ended_utc >= ?)"
                " ORDER BY started_utc", (last.isoformat(), utc_text(start))).fetchall()
        return [FlareUpRecord._from_row(r) for r in rows]

    def sessions_since(self, since: datetime) -> list[SessionRecord]:
        """Sessions started at or after ``since`` (aware), oldest first."""
        day_before = (since.astimezone(timezone.utc) - timedelta(days=1)).date().isoformat()
        return self._fetch("SELECT * FROM sessions WHERE local_date >= ? AND started_utc >= ?"
                           " ORDER BY started_utc, id", (day_before, utc_text(since)))

    # --- aggregates for the progress view and `coach stats` ----------------
    # Each reads a date range from a covering index (migration v3) and
    # groups in SQLite; nothing here loads rows one by one into Python.

    def daily_sessions(self, first: date, last: date) -> dict[date, DaySessions]:
        """Per local start date in [first, last]: sessions, minutes and pain."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT local_date, count(*), sum(outcome = 'completed'), sum(active_seconds),"
                " total(pain_before), count(pain_before), total(pain_after), count(pain_after)"
                " FROM sessions INDEXED BY sessions_by_day WHERE local_date BETWEEN ? AND ?"
                " GROUP BY local_date", (first.isoformat(), last.isoformat())).fetchall()
        return {date.fromisoformat(day): DaySessions(*(int(v) for v in values))
                for day, *values in rows}

    def daily_breaks(self, first: date, last: date) -> dict[date, dict[str, DayBreaks]]:
        """Per local date and answer: count, longest and total sitting bout."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT local_date, answer, count(*), max(bout_seconds), sum(bout_seconds)"
                " FROM breaks INDEXED BY breaks_by_day WHERE local_date BETWEEN ? AND ?"
                " GROUP BY local_date, answer", (first.isoformat(), last.isoformat())).fetchall()
        result: dict[date, dict[str, DayBreaks]] = {}
        for day, answer, count, longest, total in rows:
            result.setdefault(date.fromisoformat(day), {})[answer] = DayBreaks(
                int(count), int(longest), int(total))
        return result

    def routine_totals(self, first: date, last: date) -> list[RoutineTotals]:
        """Each routine played in [first, last], most practised first."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT routine_id, count(*), sum(outcome = 'completed'),"
                " sum(outcome = 'stopped'), sum(outcome = 'interrupted'), sum(active_seconds),"
                " total(pain_after - pain_before), count(pain_after - pain_before)"
                " FROM sessions INDEXED BY sessions_by_day WHERE local_date BETWEEN ? AND ?"
                " GROUP BY routine_id", (first.isoformat(), last.isoformat())).fetchall()
            titles = {
                rid: conn.execute(
                    "SELECT routine_title FROM sessions WHERE routine_id = ?"
                    " ORDER BY started_utc DESC, id DESC LIMIT 1", (rid,)).fetchone()[0]
                for rid, *_ in rows}
        totals = [RoutineTotals(rid, titles[rid], *(int(v) for v in values))
                  for rid, *values in rows]
        return sorted(totals, key=lambda t: (-t.active_seconds, -t.sessions, t.routine_id))

    def practice_streaks(self, today: date) -> tuple[int, int]:
        """(current, best) runs of consecutive local dates with a routine.

        The current run is the one that ends today or, while today is still
        young, yesterday; days after ``today`` (a clock set back) are ignored."""
        with self._guard() as conn:
            runs = conn.execute(
                "WITH d AS (SELECT DISTINCT local_date AS day FROM sessions"
                "   INDEXED BY sessions_by_day"
                "   WHERE local_date <= ? AND (outcome = 'completed' OR active_seconds >= ?)),"
                " r AS (SELECT day, julianday(day) - row_number() OVER (ORDER BY day) AS grp FROM d)"
                " SELECT max(day), count(*) FROM r GROUP BY grp",
                (today.isoformat(), PRACTICE_SECONDS)).fetchall()
        best = max((n for _, n in runs), default=0)
        recent = {today.isoformat(), (today - timedelta(days=1)).isoformat()}
        current = next((n for end, n in runs if end in recent), 0)
        return current, best

    def history_span(self) -> tuple[date, date] | None:
        """The first and last local dates with a session, a break or a flare-up, or None."""
        # One-ended lookups: SQLite answers a lone min() or max() from the
        # index in a step, but scans for min() and max() together. (Flare-ups
        # are few; their table is read whole.)
        tables = ("sessions", "breaks", "flareups")
        with self._guard() as conn:
            ends = [conn.execute(f"SELECT {f}(local_date) FROM {t}").fetchone()[0]
                    for f in ("min", "max") for t in tables]
        firsts = [d for d in ends[:len(tables)] if d is not None]
        lasts = [d for d in ends[len(tables):] if d is not None]
        if not firsts:
            return None
        return date.fromisoformat(min(firsts)), date.fromisoformat(max(lasts))

    # --- the whole history, streamed (export) ------------------------------

    def iter_sessions(self, first: date | None = None, last: date | None = None) -> Iterator[SessionRecord]:
        """Sessions started in [first, last] (all when None), oldest first."""
        sql, params = date_range("SELECT * FROM sessions", first, last)
        with self._guard() as conn:
            for row in conn.execute(sql + " ORDER BY started_utc, id", params):
                yield SessionRecord._from_row(row)

    def iter_breaks(self, first: date | None = None, last: date | None = None) -> Iterator[BreakRecord]:
        """Breaks and prompt answers in [first, last] (all when None), oldest first."""
        sql, params = date_range("SELECT * FROM breaks", first, last)
        with self._guard() as conn:
            for row in conn.execute(sql + " ORDER BY at_utc, id", params):
                yield BreakRecord(row["id"], parse_utc(row["at_utc"]),  # type: ignore[arg-type]
                                  date.fromisoformat(row["local_date"]), row["utc_offset_min"],
                                  row["answer"], row["bout_seconds"], bool(row["prompted"]))
