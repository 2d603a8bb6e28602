"""The history's schema: each migration, in order, and how a file is known as Coach's.

The schema version is ``len(MIGRATIONS)``; a migration is a list of SQL
statements or a function of the connection, run in one transaction by
:func:`coach.store.open_store`. Only ever append.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Union

from coach.sitting import Answer

Migration = Union[Sequence[str], Callable[[sqlite3.Connection], None]]

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


#: ``PRAGMA application_id`` of a Coach history ("Coac" in ASCII): a file
#: without it that is not an older Coach history is never migrated into.
APPLICATION_ID = 0x436F6163


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


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration]) -> None:
    """Apply each missing migration in its own IMMEDIATE transaction.

    A history already at this version is only read: no write lock is taken,
    so another program holding the lock does not stop Coach from opening."""
    if conn.execute("PRAGMA user_version").fetchone()[0] >= len(migrations):
        return
    for number, migration in enumerate(migrations, start=1):
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
