"""The history store: routine sessions (and later desk breaks) in SQLite.

One file, ``history.sqlite3``, in the private data folder. The rules (see
DESIGN.md "Rules that keep users safe and data whole"): WAL with
``synchronous=NORMAL``, every write inside ``BEGIN IMMEDIATE``, a busy timeout,
migrations by ``PRAGMA user_version`` each in one transaction, a newer schema
refused untouched, and a file that is not a database (or is corrupt) moved
aside, never deleted. A session row is written when it starts and updated at
every step, so a killed app leaves a ``running`` row that the next start turns
into ``interrupted`` and offers to resume.

Times are stored as UTC ISO 8601 (``2026-03-29T01:30:00Z``) plus the local date
and UTC offset at the start, all taken from one aware datetime from the clock.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Union

from coach.saferead import regular_or_absent
from coach.sitting import Answer
from coach.progression import CHANGE_REASONS
from coach.step_fates import FATES, StepRecord

Clock = Callable[[], datetime]
Migration = Union[Sequence[str], Callable[[sqlite3.Connection], None]]

BUSY_TIMEOUT_S = 5.0
#: Reads made for a screen give up quickly rather than hold it (see coach.history).
READ_BUSY_TIMEOUT_S = 0.25
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# Statements, not executescript(): executescript commits first, which would
# split a migration across transactions.
_V1 = (
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        routine_id TEXT NOT NULL,
        routine_title TEXT NOT NULL,
        started_utc TEXT NOT NULL,
        local_date TEXT NOT NULL,
        utc_offset_min INTEGER NOT NULL,
        ended_utc TEXT NULL,
        steps_done INTEGER NOT NULL DEFAULT 0 CHECK (steps_done >= 0),
        steps_total INTEGER NOT NULL CHECK (steps_total >= 0),
        active_seconds INTEGER NOT NULL DEFAULT 0 CHECK (active_seconds >= 0),
        pain_before INTEGER NULL CHECK (pain_before BETWEEN 0 AND 10),
        pain_after INTEGER NULL CHECK (pain_after BETWEEN 0 AND 10),
        outcome TEXT NOT NULL
            CHECK (outcome IN ('running','completed','stopped','interrupted')),
        stop_reason TEXT NULL,
        phase_index INTEGER NOT NULL DEFAULT 0 CHECK (phase_index >= 0),
        resumed INTEGER NOT NULL DEFAULT 0 CHECK (resumed IN (0, 1)),
        updated_utc TEXT NOT NULL
    )""",
    "CREATE INDEX sessions_local_date ON sessions (local_date)",
    "CREATE INDEX sessions_routine ON sessions (routine_id, started_utc)",
    "CREATE INDEX sessions_outcome ON sessions (outcome)",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
)

# v2: desk-break prompts and breaks from the sit timer (issue 4).
_V2 = (
    """CREATE TABLE breaks (
        id INTEGER PRIMARY KEY,
        at_utc TEXT NOT NULL,
        local_date TEXT NOT NULL,
        utc_offset_min INTEGER NOT NULL,
        answer TEXT NOT NULL
            CHECK (answer IN ('taken','snoozed','skipped','already','missed','natural')),
        bout_seconds INTEGER NOT NULL CHECK (bout_seconds >= 0),
        prompted INTEGER NOT NULL CHECK (prompted IN (0, 1))
    )""",
    "CREATE INDEX breaks_local_date ON breaks (local_date, answer)",
)

# v3: covering indexes for the progress view (issue 5). Every per-day
# aggregate of a date range is then read from an index alone, in date order,
# without touching the table: a year of a heavy user's history is ~10k index
# entries, not a scan of every row.
_V3 = (
    "DROP INDEX sessions_local_date",
    "CREATE INDEX sessions_by_day ON sessions"
    " (local_date, routine_id, outcome, active_seconds, pain_before, pain_after)",
    "DROP INDEX breaks_local_date",
    "CREATE INDEX breaks_by_day ON breaks (local_date, answer, bout_seconds)",
)

# v4: flare-ups (issue 7): when one started and ended, and the pain scores
# given during it (at the start, as updates, and in routines' pain checks).
_V4 = (
    """CREATE TABLE flareups (
        id INTEGER PRIMARY KEY,
        started_utc TEXT NOT NULL,
        local_date TEXT NOT NULL,
        utc_offset_min INTEGER NOT NULL,
        ended_utc TEXT NULL,
        recorded_utc TEXT NOT NULL
    )""",
    "CREATE INDEX flareups_by_start ON flareups (started_utc)",
    """CREATE TABLE flareup_pain (
        id INTEGER PRIMARY KEY,
        flareup_id INTEGER NOT NULL REFERENCES flareups (id),
        at_utc TEXT NOT NULL,
        pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
        source TEXT NOT NULL CHECK (source IN ('start','update','before','after'))
    )""",
    "CREATE INDEX flareup_pain_by_flareup ON flareup_pain (flareup_id, at_utc)",
)

# v5: a gap with no Coach running (issue 13) is kept as 'gap': unknown
# activity, not a break. SQLite cannot change a CHECK, so the table is rebuilt.
_V5 = (
    """CREATE TABLE breaks_v5 (
        id INTEGER PRIMARY KEY,
        at_utc TEXT NOT NULL,
        local_date TEXT NOT NULL,
        utc_offset_min INTEGER NOT NULL,
        answer TEXT NOT NULL
            CHECK (answer IN ('taken','snoozed','skipped','already','missed','natural','gap')),
        bout_seconds INTEGER NOT NULL CHECK (bout_seconds >= 0),
        prompted INTEGER NOT NULL CHECK (prompted IN (0, 1))
    )""",
    "INSERT INTO breaks_v5 SELECT id, at_utc, local_date, utc_offset_min, answer, bout_seconds, prompted FROM breaks",
    "DROP TABLE breaks",
    "ALTER TABLE breaks_v5 RENAME TO breaks",
    "CREATE INDEX breaks_by_day ON breaks (local_date, answer, bout_seconds)",
)

# v6: every step's fate (issue 15). A session that reached its end with less
# than 80 % of its timed length really done is 'partial' (the CHECK gains it,
# so the table is rebuilt, as v5 did for breaks), with the share done in
# done_percent (NULL in older rows: not measured then). step_records holds
# each playing of a step: done or skipped, and the time really spent.
_V6 = (
    """CREATE TABLE sessions_v6 (
        id INTEGER PRIMARY KEY,
        routine_id TEXT NOT NULL,
        routine_title TEXT NOT NULL,
        started_utc TEXT NOT NULL,
        local_date TEXT NOT NULL,
        utc_offset_min INTEGER NOT NULL,
        ended_utc TEXT NULL,
        steps_done INTEGER NOT NULL DEFAULT 0 CHECK (steps_done >= 0),
        steps_total INTEGER NOT NULL CHECK (steps_total >= 0),
        active_seconds INTEGER NOT NULL DEFAULT 0 CHECK (active_seconds >= 0),
        pain_before INTEGER NULL CHECK (pain_before BETWEEN 0 AND 10),
        pain_after INTEGER NULL CHECK (pain_after BETWEEN 0 AND 10),
        outcome TEXT NOT NULL
            CHECK (outcome IN ('running','completed','partial','stopped','interrupted')),
        stop_reason TEXT NULL,
        phase_index INTEGER NOT NULL DEFAULT 0 CHECK (phase_index >= 0),
        resumed INTEGER NOT NULL DEFAULT 0 CHECK (resumed IN (0, 1)),
        updated_utc TEXT NOT NULL,
        done_percent INTEGER NULL CHECK (done_percent BETWEEN 0 AND 100)
    )""",
    "INSERT INTO sessions_v6 SELECT id, routine_id, routine_title, started_utc, local_date, utc_offset_min,"
    " ended_utc, steps_done, steps_total, active_seconds, pain_before, pain_after, outcome, stop_reason,"
    " phase_index, resumed, updated_utc, NULL FROM sessions",
    "DROP TABLE sessions",
    "ALTER TABLE sessions_v6 RENAME TO sessions",
    "CREATE INDEX sessions_routine ON sessions (routine_id, started_utc)",
    "CREATE INDEX sessions_outcome ON sessions (outcome)",
    "CREATE INDEX sessions_by_day ON sessions"
    " (local_date, routine_id, outcome, active_seconds, pain_before, pain_after)",
    """CREATE TABLE step_records (
        session_id INTEGER NOT NULL REFERENCES sessions (id),
        step_index INTEGER NOT NULL CHECK (step_index >= 0),
        title TEXT NOT NULL,
        kind TEXT NOT NULL,
        modality TEXT NULL,
        planned_seconds INTEGER NOT NULL CHECK (planned_seconds >= 0),
        spent_seconds INTEGER NOT NULL CHECK (spent_seconds >= 0),
        done_seconds INTEGER NOT NULL CHECK (done_seconds BETWEEN 0 AND planned_seconds),
        fate TEXT NOT NULL CHECK (fate IN ('done','skipped')),
        skipped_after INTEGER NULL CHECK (skipped_after >= 0),
        PRIMARY KEY (session_id, step_index)
    )""",
)

# v7: levels (issue 15 part 6, coach.progression). Each session keeps the
# level it was played at (NULL: a routine without ranges, or before v7); each
# change of a routine's level, and each step up declined, is one row of
# level_changes, so a routine's level is its latest row's level_to (0 without
# one) and its run of good sessions counts from that row's time.
_V7 = (
    "ALTER TABLE sessions ADD COLUMN level INTEGER NULL CHECK (level >= 0)",
    """CREATE TABLE level_changes (
        id INTEGER PRIMARY KEY,
        routine_id TEXT NOT NULL,
        at_utc TEXT NOT NULL,
        local_date TEXT NOT NULL,
        utc_offset_min INTEGER NOT NULL,
        level_from INTEGER NOT NULL CHECK (level_from >= 0),
        level_to INTEGER NOT NULL CHECK (level_to >= 0),
        reason TEXT NOT NULL CHECK (reason IN ('up','declined','pain-rose','pain-stop'))
    )""",
    "CREATE INDEX level_changes_by_routine ON level_changes (routine_id, at_utc)",
    # Which routines were played at a level, for the progress view, without a scan of every session.
    "CREATE INDEX sessions_with_level ON sessions (routine_id) WHERE level IS NOT NULL",
    # A step still going is kept too (fate NULL), with the heartbeat: a
    # session resumed after a crash then counts the time spent on it before.
    # SQLite cannot change a CHECK, so the table is rebuilt.
    """CREATE TABLE step_records_v7 (
        session_id INTEGER NOT NULL REFERENCES sessions (id),
        step_index INTEGER NOT NULL CHECK (step_index >= 0),
        title TEXT NOT NULL,
        kind TEXT NOT NULL,
        modality TEXT NULL,
        planned_seconds INTEGER NOT NULL CHECK (planned_seconds >= 0),
        spent_seconds INTEGER NOT NULL CHECK (spent_seconds >= 0),
        done_seconds INTEGER NOT NULL CHECK (done_seconds BETWEEN 0 AND planned_seconds),
        fate TEXT NULL CHECK (fate IN ('done','skipped')),
        skipped_after INTEGER NULL CHECK (skipped_after >= 0),
        PRIMARY KEY (session_id, step_index)
    )""",
    "INSERT INTO step_records_v7 SELECT * FROM step_records",
    "DROP TABLE step_records",
    "ALTER TABLE step_records_v7 RENAME TO step_records",
)

#: Schema migrations; the schema version is ``len(MIGRATIONS)``. Only append.
MIGRATIONS: list[Migration] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7]

#: How a session can end (besides 'running' and 'interrupted').
END_OUTCOMES = ("completed", "partial", "stopped")

PAIN_SOURCES = ("start", "update", "before", "after")

BREAK_ANSWERS = tuple(answer.value for answer in Answer)

#: A day "with a routine" (for streaks) has a completed session or one of at
#: least this many active seconds (practice, even when the routine was not
#: completed; a desk break needs it completed).
PRACTICE_SECONDS = 60


class StoreError(Exception):
    """The history could not be read or written; the message is one line."""


class StoreNewerError(StoreError):
    """The history file has a schema newer than this version of Coach knows."""


class StoreForeignError(StoreError):
    """The file at the history's path is another program's SQLite database."""


#: ``PRAGMA application_id`` of a Coach history ("Coac" in ASCII): a file
#: without it that is not an older Coach history is never migrated into.
APPLICATION_ID = 0x436F6163


class _Corrupt(Exception):
    """Internal: the file is not a usable SQLite database."""


def _one_line(path: Path, what: str, exc: BaseException) -> str:
    return f"{path}: {what}" + " ".join(str(exc).split())


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(_UTC_FORMAT)


def _parse_utc(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.strptime(text, _UTC_FORMAT).replace(tzinfo=timezone.utc)


def _check_count(name: str, value: object) -> int:
    # bool is an int subclass; True steps or pain would be a caller bug.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")
    return value


def _check_pain(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"{name} must be a whole number from 0 to 10, not {value!r}")
    return value


def _check_text(name: str, value: object) -> str:
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
            values[key] = _parse_utc(values[key])
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
        return cls(row["id"], _parse_utc(row["started_utc"]), date.fromisoformat(row["local_date"]),  # type: ignore[arg-type]
                   row["utc_offset_min"], _parse_utc(row["ended_utc"]))


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
        return DaySessions(*(a + b for a, b in zip(_fields(self), _fields(other))))


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


def _fields(obj: object) -> tuple[int, ...]:
    return tuple(getattr(obj, name) for name in obj.__dataclass_fields__)  # type: ignore[attr-defined]


def _default_clock() -> datetime:
    return datetime.now().astimezone()


def _private_folder(folder: Path) -> None:
    """Create the data folder 0700; tighten it if it is ours and too open."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
        return
    # An existing folder is tightened only when this user owns it and it is not
    # their home (COACH_HOME may point anywhere); someone else's stays as is.
    info = folder.stat()
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    home = Path(os.path.expanduser("~")).resolve()
    if owned and folder.resolve() != home and info.st_mode & 0o077:
        os.chmod(folder, 0o700)


class Store:
    """The open history database. Use :func:`open_store` to get one."""

    def __init__(self, path: Path, conn: sqlite3.Connection, clock: Clock,
                 recovered_from: Path | None) -> None:
        self.path = path
        self._conn = conn
        self._clock = clock
        #: Where an unreadable old file was moved, so the app can tell the user.
        self.recovered_from = recovered_from

    @classmethod
    def open(cls, path: Path, *, clock: Clock | None = None) -> Store:
        """Same as :func:`open_store`."""
        return open_store(path, clock=clock)

    # -- plumbing ---------------------------------------------------------
    def _now(self) -> datetime:
        return _aware_now(self._clock)

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        """Turn any sqlite3 error (disk full, locked too long) into StoreError."""
        try:
            yield self._conn
        except sqlite3.Error as exc:
            raise StoreError(_one_line(self.path, "", exc)) from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE takes the lock up front so a busy
        database waits out the timeout here rather than failing mid-way."""
        with self._guard() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already
                    conn.execute("ROLLBACK")
                raise

    def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[SessionRecord]:
        with self._guard() as conn:
            return [SessionRecord._from_row(r) for r in conn.execute(sql, params)]

    # -- sessions ---------------------------------------------------------
    def start_session(self, routine_id: str, routine_title: str, steps_total: int,
                      pain_before: int | None = None, level: int | None = None) -> int:
        """Record a routine starting now (outcome 'running'); return its id.
        ``level``: the level it is played at, for a routine with ranges."""
        _check_text("routine_id", routine_id)
        _check_text("routine_title", routine_title)
        _check_count("steps_total", steps_total)
        _check_pain("pain_before", pain_before)
        if level is not None:
            _check_count("level", level)
        now = self._now()
        offset = now.utcoffset() or timedelta(0)
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (routine_id, routine_title, started_utc, local_date,"
                " utc_offset_min, steps_total, pain_before, outcome, updated_utc)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)",
                (routine_id, routine_title, _utc_text(now), now.date().isoformat(),
                 int(offset.total_seconds() // 60), steps_total, pain_before, _utc_text(now)))
            session_id = int(cur.lastrowid)
            if level is not None:
                conn.execute("UPDATE sessions SET level = ? WHERE id = ?", (level, session_id))
            return session_id

    # -- levels (v7, coach.progression) ---------------------------------------
    def record_level_change(self, routine_id: str, level_from: int, level_to: int, reason: str) -> None:
        """A routine's level changed now (or a step up was declined: same level)."""
        _check_text("routine_id", routine_id)
        _check_count("level_from", level_from)
        _check_count("level_to", level_to)
        if reason not in CHANGE_REASONS:
            raise ValueError(f"reason must be one of {CHANGE_REASONS}, not {reason!r}")
        now = self._now()
        offset = int((now.utcoffset() or timedelta(0)).total_seconds() // 60)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO level_changes (routine_id, at_utc, local_date, utc_offset_min, level_from, level_to,"
                " reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (routine_id, _utc_text(now), now.date().isoformat(), offset, level_from, level_to, reason))

    def level_of(self, routine_id: str) -> tuple[int, datetime | None]:
        """(level, since): a routine's level and when it last changed or a
        step up was declined (None: never; level 0)."""
        with self._guard() as conn:
            row = conn.execute("SELECT level_to, at_utc FROM level_changes WHERE routine_id = ?"
                               " ORDER BY at_utc DESC, id DESC LIMIT 1", (routine_id,)).fetchone()
        return (0, None) if row is None else (int(row[0]), _parse_utc(row[1]))

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
        after_text = _utc_text(since) if since is not None else ""
        rows = self._fetch("SELECT * FROM sessions WHERE routine_id = ? AND started_utc > ?"
                           " ORDER BY started_utc DESC, id DESC LIMIT ?",
                           (routine_id, after_text, _check_count("limit", limit)))
        return rows[::-1]

    def iter_level_changes(self, first: date | None = None, last: date | None = None) -> Iterator[dict[str, Any]]:
        """Level changes (and declined steps up) in [first, last], oldest first."""
        sql, params = _date_range("SELECT * FROM level_changes", first, last)
        with self._guard() as conn:
            for row in conn.execute(sql + " ORDER BY at_utc, id", params):
                yield dict(zip(row.keys(), row))

    def update_session(self, session_id: int, *, steps_done: int, active_seconds: int,
                       phase_index: int) -> None:
        """Save progress (called at each step). An 'interrupted' row goes back
        to 'running': that is how a resumed session carries on in its own row."""
        values = [_check_count(n, v) for n, v in (("steps_done", steps_done),
                  ("active_seconds", active_seconds), ("phase_index", phase_index))]
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE sessions SET steps_done = ?, active_seconds = ?, phase_index = ?,"
                " outcome = 'running', ended_utc = NULL, updated_utc = ?"
                " WHERE id = ? AND outcome IN ('running', 'interrupted')",
                (*values, _utc_text(self._now()), session_id))
            self._require_row(cur, session_id)

    def finish_session(self, session_id: int, *, outcome: str, steps_done: int,
                       active_seconds: int, phase_index: int, pain_after: int | None = None,
                       stop_reason: str | None = None, done_percent: int | None = None) -> None:
        """Close a session as 'completed', 'partial' or 'stopped' (with a
        stop_reason); ``done_percent`` is the share of its timed length really done."""
        if outcome not in END_OUTCOMES:
            raise ValueError(f"outcome must be one of {END_OUTCOMES}, not {outcome!r}")
        if done_percent is not None and (_check_count("done_percent", done_percent) > 100):
            raise ValueError(f"done_percent must be 0-100, not {done_percent!r}")
        if stop_reason is not None and (outcome != "stopped" or not isinstance(stop_reason, str)):
            raise ValueError("stop_reason is a string, and only for outcome 'stopped'")
        values = [_check_count(n, v) for n, v in (("steps_done", steps_done),
                  ("active_seconds", active_seconds), ("phase_index", phase_index))]
        _check_pain("pain_after", pain_after)
        now = _utc_text(self._now())
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE sessions SET outcome = ?, steps_done = ?, active_seconds = ?,"
                " phase_index = ?, pain_after = ?, stop_reason = ?, ended_utc = ?,"
                " updated_utc = ?, done_percent = ? WHERE id = ? AND outcome IN ('running', 'interrupted')",
                (outcome, *values, pain_after, stop_reason, now, now, done_percent, session_id))
            self._require_row(cur, session_id)

    # -- each step's fate (v6) -----------------------------------------------
    def record_steps(self, session_id: int, records: Sequence[StepRecord]) -> None:
        """Store (or update) steps' records for a session: one row per playing
        of a step; a step played again (going back) replaces its row."""
        rows = [_step_row(session_id, r) for r in records]
        if not rows:
            return
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO step_records (session_id, step_index, title, kind, modality, planned_seconds,"
                " spent_seconds, done_seconds, fate, skipped_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (session_id, step_index) DO UPDATE SET title = excluded.title,"
                " kind = excluded.kind, modality = excluded.modality,"
                " planned_seconds = excluded.planned_seconds, spent_seconds = excluded.spent_seconds,"
                " done_seconds = excluded.done_seconds, fate = excluded.fate,"
                " skipped_after = excluded.skipped_after", rows)

    def step_records(self, session_id: int) -> list[StepRecord]:
        """A session's step records, in playing order."""
        with self._guard() as conn:
            rows = conn.execute("SELECT * FROM step_records WHERE session_id = ? ORDER BY step_index",
                                (session_id,)).fetchall()
        return [_step_record(r) for r in rows]

    def iter_step_records(self, first: date | None = None,
                          last: date | None = None) -> Iterator[tuple[int, StepRecord]]:
        """(session id, record) of the sessions started in [first, last] (all
        when None), in the order of the sessions, then of their steps."""
        sql, params = _date_range("SELECT id FROM sessions", first, last)
        with self._guard() as conn:
            rows = conn.execute(
                f"SELECT step_records.* FROM step_records JOIN ({sql}) AS chosen ON chosen.id = session_id"
                " JOIN sessions ON sessions.id = session_id"
                " ORDER BY sessions.started_utc, session_id, step_index", params)
            for row in rows:
                yield row["session_id"], _step_record(row)

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
                " GROUP BY session_id, modality", (day_before, _utc_text(since))).fetchall()
        result: dict[int, dict[str, int]] = {}
        for session_id, modality, seconds in rows:
            result.setdefault(int(session_id), {})[modality] = int(seconds)
        return result

    def set_pain_before(self, session_id: int, value: int | None) -> None:
        """Record (or clear) the 0-10 pain rating given before the routine."""
        _check_pain("pain_before", value)
        with self._write() as conn:
            cur = conn.execute("UPDATE sessions SET pain_before = ?, updated_utc = ? WHERE id = ?",
                               (value, _utc_text(self._now()), session_id))
            self._require_row(cur, session_id)

    def _require_row(self, cur: sqlite3.Cursor, session_id: int) -> None:
        if cur.rowcount != 1:  # raising inside _write rolls the change back
            raise StoreError(f"{self.path}: no open session with id {session_id}")

    def mark_interrupted(self, older_than: timedelta = timedelta(0)) -> list[SessionRecord]:
        """Turn 'running' sessions not updated for ``older_than`` (0: all) into
        'interrupted', ended at their last update; return them, oldest first.

        Call at app start: a 'running' row then means a killed app. A positive
        ``older_than`` spares a second Coach that is still running."""
        now = self._now()
        # "9999" sorts after every stored time, so 0 takes all running rows,
        # even one stamped ahead by a clock that was later set back.
        cutoff = _utc_text(now - older_than) if older_than > timedelta(0) else "9999"
        with self._write() as conn:
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM sessions WHERE outcome = 'running' AND updated_utc <= ?", (cutoff,))]
            conn.executemany(
                "UPDATE sessions SET outcome = 'interrupted', ended_utc = updated_utc,"
                " updated_utc = ? WHERE id = ?", [(_utc_text(now), i) for i in ids])
        marks = ",".join("?" * len(ids))
        return self._fetch(f"SELECT * FROM sessions WHERE id IN ({marks}) "
                           "ORDER BY started_utc, id", ids) if ids else []

    def resumable_session(self, max_age: timedelta = timedelta(hours=12)) -> SessionRecord | None:
        """The latest unfinished 'interrupted' session started within ``max_age``
        and not yet offered (see :meth:`mark_resumed`), or None."""
        since = _utc_text(self._now() - max_age)
        rows = self._fetch(
            "SELECT * FROM sessions WHERE outcome = 'interrupted' AND resumed = 0"
            " AND steps_done < steps_total AND started_utc >= ?"
            " ORDER BY started_utc DESC, id DESC LIMIT 1", (since,))
        return rows[0] if rows else None

    def mark_resumed(self, session_id: int) -> None:
        """Note that resuming this session was offered, so it is offered once.
        To carry on in the same row, just call :meth:`update_session`."""
        with self._write() as conn:
            cur = conn.execute("UPDATE sessions SET resumed = 1 WHERE id = ?", (session_id,))
            if cur.rowcount != 1:
                raise StoreError(f"{self.path}: no session with id {session_id}")

    def get_session(self, session_id: int) -> SessionRecord | None:
        """The session with this id, or None."""
        rows = self._fetch("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return rows[0] if rows else None

    def recent_sessions(self, limit: int = 50) -> list[SessionRecord]:
        """The latest ``limit`` sessions, newest first."""
        return self._fetch("SELECT * FROM sessions ORDER BY started_utc DESC, id DESC LIMIT ?",
                           (_check_count("limit", limit),))

    # -- small remembered flags -------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A remembered value (e.g. 'red_flags_confirmed_utc'), or ``default``."""
        with self._guard() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def set_meta(self, key: str, value: str | None) -> None:
        """Remember ``value`` under ``key``; None forgets it."""
        _check_text("key", key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"meta values are strings, not {value!r}")
        with self._write() as conn:
            if value is None:
                conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key)"
                             " DO UPDATE SET value = excluded.value", (key, value))

    # --- breaks (the sit timer) -------------------------------------------------------

    def record_break(self, answer: str, bout_seconds: int, at: datetime, prompted: bool) -> int:
        """Store one prompt answer or break; ``at`` is an aware local datetime.

        The local date and UTC offset are those of ``at`` itself, so a day's
        totals follow the calendar the person lived, across DST changes."""
        if answer not in BREAK_ANSWERS:
            raise ValueError(f"answer must be one of {BREAK_ANSWERS}, not {answer!r}")
        bout = _check_count("bout_seconds", bout_seconds)
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("break times must be aware datetimes")
        offset = int(at.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO breaks (at_utc, local_date, utc_offset_min, answer, bout_seconds, prompted)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (_utc_text(at), at.date().isoformat(), offset, answer, bout, int(bool(prompted))),
            )
            return int(cur.lastrowid)

    # --- flare-ups -------------------------------------------------------------------

    def start_flareup(self, started: datetime, pain: int | None) -> int:
        """Record a flare-up that began at ``started`` (aware, not in the future)."""
        _check_pain("pain", pain)
        if started.tzinfo is None or started.utcoffset() is None:
            raise ValueError("a flare-up's start must be an aware datetime")
        now = self._now()
        if started > now:
            raise ValueError("a flare-up cannot start in the future")
        offset = int(started.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM flareups WHERE ended_utc IS NULL").fetchone():
                raise StoreError("a flare-up is already recorded; say it has settled first")
            last_end = conn.execute("SELECT max(ended_utc) FROM flareups").fetchone()[0]
            if last_end is not None and last_end > _utc_text(started):
                ended = _parse_utc(last_end).astimezone(started.tzinfo)  # type: ignore[union-attr]
                raise StoreError(f"the last flare-up settled at {ended:%a} {ended.day} {ended:%b} {ended:%H:%M};"
                                 " a new one starts after that")
            cur = conn.execute(
                "INSERT INTO flareups (started_utc, local_date, utc_offset_min, recorded_utc) VALUES (?, ?, ?, ?)",
                (_utc_text(started), started.date().isoformat(), offset, _utc_text(now)))
            flareup_id = int(cur.lastrowid)
            if pain is not None:
                conn.execute("INSERT INTO flareup_pain (flareup_id, at_utc, pain, source) VALUES (?, ?, ?, 'start')",
                             (flareup_id, _utc_text(now), pain))
            return flareup_id

    def active_flareup(self) -> FlareUpRecord | None:
        """The flare-up that has not settled yet, if any."""
        with self._guard() as conn:
            row = conn.execute("SELECT * FROM flareups WHERE ended_utc IS NULL ORDER BY id DESC LIMIT 1").fetchone()
        return FlareUpRecord._from_row(row) if row is not None else None

    def end_flareup(self, flareup_id: int) -> None:
        """The flare-up has settled (now)."""
        with self._write() as conn:
            cur = conn.execute("UPDATE flareups SET ended_utc = ? WHERE id = ? AND ended_utc IS NULL",
                               (_utc_text(self._now()), flareup_id))
            if cur.rowcount != 1:
                raise StoreError(f"no flare-up {flareup_id} that has not settled")

    def add_flareup_pain(self, flareup_id: int, pain: int, source: str) -> None:
        """A pain score given now during the flare-up."""
        if source not in PAIN_SOURCES:
            raise ValueError(f"source must be one of {PAIN_SOURCES}, not {source!r}")
        if _check_pain("pain", pain) is None:
            raise ValueError("pain must be a whole number from 0 to 10, not None")
        with self._write() as conn:
            conn.execute("INSERT INTO flareup_pain (flareup_id, at_utc, pain, source) VALUES (?, ?, ?, ?)",
                         (flareup_id, _utc_text(self._now()), pain, source))

    def flareup_pains(self, flareup_id: int) -> list[tuple[datetime, int, str]]:
        """The pain scores given during a flare-up, oldest first."""
        with self._guard() as conn:
            rows = conn.execute("SELECT at_utc, pain, source FROM flareup_pain WHERE flareup_id = ?"
                                " ORDER BY at_utc, id", (flareup_id,)).fetchall()
        return [(_parse_utc(r[0]), r[1], r[2]) for r in rows]  # type: ignore[misc]

    def flareups_between(self, first: date, last: date) -> list[FlareUpRecord]:
        """Flare-ups that overlap the local dates [first, last], oldest first.

        The end is stored in UTC: it is compared with the start of ``first``
        on the clock's own zone (the zone the local dates were written in)."""
        zone = self._now().tzinfo
        start = datetime.combine(first, datetime.min.time()).replace(tzinfo=zone)
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT * FROM flareups WHERE local_date <= ? AND (ended_utc IS NULL OR ended_utc >= ?)"
                " ORDER BY started_utc", (last.isoformat(), _utc_text(start))).fetchall()
        return [FlareUpRecord._from_row(r) for r in rows]

    def sessions_since(self, since: datetime) -> list[SessionRecord]:
        """Sessions started at or after ``since`` (aware), oldest first."""
        day_before = (since.astimezone(timezone.utc) - timedelta(days=1)).date().isoformat()
        return self._fetch("SELECT * FROM sessions WHERE local_date >= ? AND started_utc >= ?"
                           " ORDER BY started_utc, id", (day_before, _utc_text(since)))

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
        sql, params = _date_range("SELECT * FROM sessions", first, last)
        with self._guard() as conn:
            for row in conn.execute(sql + " ORDER BY started_utc, id", params):
                yield SessionRecord._from_row(row)

    def iter_breaks(self, first: date | None = None, last: date | None = None) -> Iterator[BreakRecord]:
        """Breaks and prompt answers in [first, last] (all when None), oldest first."""
        sql, params = _date_range("SELECT * FROM breaks", first, last)
        with self._guard() as conn:
            for row in conn.execute(sql + " ORDER BY at_utc, id", params):
                yield BreakRecord(row["id"], _parse_utc(row["at_utc"]),  # type: ignore[arg-type]
                                  date.fromisoformat(row["local_date"]), row["utc_offset_min"],
                                  row["answer"], row["bout_seconds"], bool(row["prompted"]))

    def close(self) -> None:
        """Close the database (safe to call twice)."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _step_row(session_id: int, r: StepRecord) -> tuple[object, ...]:
    _check_count("step index", r.index)
    _check_text("step title", r.title)
    _check_text("step kind", r.kind)
    for name in ("planned_seconds", "spent_seconds", "done_seconds"):
        _check_count(name, getattr(r, name))
    if r.done_seconds > r.planned_seconds:
        raise ValueError(f"done_seconds {r.done_seconds} is more than planned ({r.planned_seconds})")
    if r.fate is not None and r.fate not in FATES:
        raise ValueError(f"fate must be one of {FATES} (or None while going), not {r.fate!r}")
    if r.skipped_after is not None:
        _check_count("skipped_after", r.skipped_after)
    return (session_id, r.index, r.title, r.kind, r.modality, r.planned_seconds, r.spent_seconds,
            r.done_seconds, r.fate, r.skipped_after)


def _step_record(row: sqlite3.Row) -> StepRecord:
    return StepRecord(row["step_index"], row["title"], row["kind"], row["modality"], row["planned_seconds"],
                      row["spent_seconds"], row["done_seconds"], row["fate"], row["skipped_after"])


def _date_range(sql: str, first: date | None, last: date | None) -> tuple[str, list[str]]:
    clauses, params = [], []
    if first is not None:
        clauses.append("local_date >= ?")
        params.append(first.isoformat())
    if last is not None:
        clauses.append("local_date <= ?")
        params.append(last.isoformat())
    return (f"{sql} WHERE {' AND '.join(clauses)}" if clauses else sql), params


def _aware_now(clock: Clock) -> datetime:
    now = clock()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("the store's clock must return an aware datetime")
    return now


def _check(path: Path, *, readonly: bool = True) -> None:
    """Quick-check the file and its schema version without changing it.

    Read-only on purpose: a read-write connection to a broken file deletes its
    -wal on close, and on a good one may checkpoint; both alter what we keep."""
    if not path.exists() or path.stat().st_size == 0:
        return  # nothing there yet: SQLite makes a fresh database
    uri = f"{path.resolve().as_uri()}?mode=ro" if readonly else str(path)
    conn = sqlite3.connect(uri, uri=readonly, timeout=BUSY_TIMEOUT_S)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            raise _Corrupt(str(rows[0][0]).splitlines()[-1] if rows else "quick_check failed")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        owner = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.OperationalError:
        # A hot rollback journal needs a writer to roll it back (crash recovery).
        if readonly and path.with_name(path.name + "-journal").exists():
            return _check(path, readonly=False)
        raise
    except sqlite3.DatabaseError as exc:
        # Only "not a database"/"malformed" are plain DatabaseError; locked,
        # I/O and disk-full are OperationalError and must not move the file.
        if type(exc) is sqlite3.DatabaseError:
            raise _Corrupt(str(exc)) from exc
        raise
    finally:
        conn.close()
    if not is_coach_history(owner, version, tables):
        raise StoreForeignError(
            f"{path} is not a Coach history but another program's SQLite database"
            f" (application id {owner:#x}, tables: {', '.join(sorted(tables)) or 'none'}); Coach leaves it"
            " as it is. Move it elsewhere (or set COACH_HOME) and Coach starts a new history")
    if version > len(MIGRATIONS):
        raise StoreNewerError(
            f"{path} was written by a newer version of Coach (schema {version}; this version"
            f" knows {len(MIGRATIONS)}); upgrade Coach or move the file aside")


def is_coach_history(owner: int, version: int, tables: set[str]) -> bool:
    """Whether a database with this application id, schema version and
    tables is Coach's: marked as ours, or empty, or an older Coach history
    from before the mark (its first schema's tables, an id of 0)."""
    if owner == APPLICATION_ID:
        return True
    if owner != 0:
        return False
    if not tables:
        return version == 0
    # Unmarked with a schema version and a sessions table: an older Coach's
    # (a newer one is then refused by its version, not as foreign).
    return version >= 1 and "sessions" in tables


def _private_file(path: Path) -> None:
    """Create the history 0600 before SQLite does (its -wal and -shm copy
    the main file's mode), or tighten one of ours that is more open; the
    umask and the folder's mode do not matter."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for suffix in ("", "-wal", "-shm", "-journal"):
            side = path.with_name(path.name + suffix)
            try:
                info = side.stat()
                if (not hasattr(os, "getuid") or info.st_uid == os.getuid()) and info.st_mode & 0o077:
                    os.chmod(side, 0o600)
            except OSError:
                pass  # absent, or not ours to change: left as it is
        return
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _regular_files_only(path: Path) -> None:
    """Refuse a history (or -wal/-shm/-journal) that is a FIFO, a device or a
    folder: SQLite would block on a FIFO forever or read /dev/zero without
    end. Only a stat, so this cannot block either."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        why = regular_or_absent(side)
        if why is not None:
            raise StoreError(f"{side} {why}; move it away and Coach starts a new history")


def _move_aside(path: Path, moment: datetime) -> Path:
    """Rename a broken file (and its -wal/-shm/-journal) out of the way."""
    base = f"{path.name}.broken-{moment.strftime('%Y%m%d-%H%M%S')}"
    target, n = path.with_name(base), 1
    while target.exists():
        n += 1
        target = path.with_name(f"{base}-{n}")
    os.replace(path, target)
    # Same suffixes, so sqlite3 on the moved file still finds its WAL.
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply each missing migration in its own IMMEDIATE transaction.

    A history already at this version is only read: no write lock is taken,
    so another program holding the lock does not stop Coach from opening."""
    if conn.execute("PRAGMA user_version").fetchone()[0] >= len(MIGRATIONS):
        return
    for number, migration in enumerate(MIGRATIONS, start=1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another Coach may have just migrated.
            if conn.execute("PRAGMA user_version").fetchone()[0] < number:
                if callable(migration):
                    migration(conn)
                else:
                    for statement in migration:
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def open_reader(path: Path, *, clock: Clock | None = None, busy_timeout: float = READ_BUSY_TIMEOUT_S) -> Store:
    """A connection for reads only, usable from any thread (one at a time),
    with a short busy timeout. Nothing is created, migrated or moved: a
    history that is not there yet, or not ready, raises StoreError."""
    path = Path(path)
    why = regular_or_absent(path)
    if why is not None:
        raise StoreError(f"{path} {why}")
    if not path.exists():
        raise StoreError(f"{path}: no history yet")
    try:
        conn = _connect_for_reading(path, busy_timeout)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        owner = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        raise StoreError(_one_line(path, "cannot read the history: ", exc)) from exc
    if not is_coach_history(owner, version, tables):
        conn.close()
        raise StoreForeignError(f"{path} is not a Coach history")
    if version != len(MIGRATIONS):
        conn.close()
        raise StoreError(f"{path}: the history is not ready yet (schema {version})")
    return Store(path, conn, clock or _default_clock, None)


def _connect_for_reading(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """A connection that only reads. A history in a read-only file or folder
    cannot get its -shm made by an ordinary connection; then it is opened
    read-only, and at last as immutable (what is in the file is read as it
    is), so progress and export still work where nothing can be written."""
    uri = path.resolve().as_uri()
    last: sqlite3.Error | None = None
    for target, as_uri in ((str(path), False), (f"{uri}?mode=ro", True), (f"{uri}?immutable=1", True)):
        try:
            conn = sqlite3.connect(target, uri=as_uri, timeout=busy_timeout, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA query_only=ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL index too
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            last = exc
            if not is_read_only_error(exc):
                raise
    assert last is not None
    raise last


def is_read_only_error(exc: BaseException) -> bool:
    """Whether SQLite (or the system) refused because nothing may be written here."""
    cause = exc.__cause__ if isinstance(exc, StoreError) and exc.__cause__ is not None else exc
    if isinstance(cause, PermissionError):
        return True
    text = str(cause).lower()
    return any(words in text for words in ("readonly", "read-only", "unable to open database file"))


def open_store(path: Path, *, clock: Clock | None = None, busy_timeout: float = BUSY_TIMEOUT_S) -> Store:
    """Open (creating, migrating or recovering) the history at ``path``.

    Raises StoreNewerError for a newer schema (the file is left untouched) and
    StoreError for anything else that stops it opening. An unreadable file is
    moved aside and ``store.recovered_from`` says where it went."""
    clock = clock or _default_clock
    path = Path(path)
    recovered: Path | None = None
    try:
        _private_folder(path.parent)
        _regular_files_only(path)
        try:
            _check(path)
        except _Corrupt:
            recovered = _move_aside(path, _aware_now(clock))
            _check(path)
        _private_file(path)
        # isolation_level=None: no implicit transactions; we say BEGIN ourselves.
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
    except _Corrupt as exc:
        raise StoreError(_one_line(path, "still unreadable after moving it aside: ", exc)) from exc
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(_one_line(path, "cannot open the history: ", exc)) from exc
    try:
        # Only after the version check: switching to WAL rewrites the header.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        _migrate(conn)
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            # A new history, or one from before the mark: ours from now on.
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
            conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(_one_line(path, "cannot prepare the history: ", exc)) from exc
    return Store(path, conn, clock, recovered)
