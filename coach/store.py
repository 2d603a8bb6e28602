"""The history store: sessions, breaks, flare-ups and levels in SQLite.

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
This file opens the history and writes to it; the schema and its migrations
are in ``store_schema``, the records and errors in ``store_records``, the
reads in ``store_queries``, the file's own care in ``store_files``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from coach.progression import CHANGE_REASONS
from coach.saferead import regular_or_absent
from coach.step_fates import StepRecord
from coach.store_errors import StoreError, StoreForeignError, StoreNewerError, StoreNotYet
from coach.store_files import is_read_only_error, move_aside, private_file, private_folder, regular_files_only
from coach.store_queries import Queries
from coach.store_records import (
    BreakRecord, DayBreaks, DaySessions, FlareUpRecord, RoutineTotals, SessionRecord, check_count, check_pain,
    check_text, parse_utc, step_row, utc_text,
)
from coach.store_schema import (
    APPLICATION_ID, BREAK_ANSWERS, END_OUTCOMES, MIGRATIONS, PAIN_SOURCES, is_coach_history, migrate,
)

Clock = Callable[[], datetime]

BUSY_TIMEOUT_S = 5.0
#: Reads made for a screen give up quickly rather than hold it (see coach.history).
READ_BUSY_TIMEOUT_S = 0.25


class _Corrupt(Exception):
    """Internal: the file is not a usable SQLite database."""


def _one_line(path: Path, what: str, exc: BaseException) -> str:
    return f"{path}: {what}" + " ".join(str(exc).split())


def _default_clock() -> datetime:
    return datetime.now().astimezone()


class Store(Queries):
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
        check_text("routine_id", routine_id)
        check_text("routine_title", routine_title)
        check_count("steps_total", steps_total)
        check_pain("pain_before", pain_before)
        if level is not None:
            check_count("level", level)
        now = self._now()
        offset = now.utcoffset() or timedelta(0)
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (routine_id, routine_title, started_utc, local_date,"
                " utc_offset_min, steps_total, pain_before, outcome, updated_utc)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)",
                (routine_id, routine_title, utc_text(now), now.date().isoformat(),
                 int(offset.total_seconds() // 60), steps_total, pain_before, utc_text(now)))
            session_id = int(cur.lastrowid)
            if level is not None:
                conn.execute("UPDATE sessions SET level = ? WHERE id = ?", (level, session_id))
            return session_id

    # -- levels (v7, coach.progression) ---------------------------------------
    def record_level_change(self, routine_id: str, level_from: int, level_to: int, reason: str) -> None:
        """A routine's level changed now (or a step up was declined: same level)."""
        check_text("routine_id", routine_id)
        check_count("level_from", level_from)
        check_count("level_to", level_to)
        if reason not in CHANGE_REASONS:
            raise ValueError(f"reason must be one of {CHANGE_REASONS}, not {reason!r}")
        now = self._now()
        offset = int((now.utcoffset() or timedelta(0)).total_seconds() // 60)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO level_changes (routine_id, at_utc, local_date, utc_offset_min, level_from, level_to,"
                " reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (routine_id, utc_text(now), now.date().isoformat(), offset, level_from, level_to, reason))

    def update_session(self, session_id: int, *, steps_done: int, active_seconds: int,
                       phase_index: int) -> None:
        """Save progress (called at each step). An 'interrupted' row goes back
        to 'running': that is how a resumed session carries on in its own row."""
        values = [check_count(n, v) for n, v in (("steps_done", steps_done),
                  ("active_seconds", active_seconds), ("phase_index", phase_index))]
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE sessions SET steps_done = ?, active_seconds = ?, phase_index = ?,"
                " outcome = 'running', ended_utc = NULL, updated_utc = ?"
                " WHERE id = ? AND outcome IN ('running', 'interrupted')",
                (*values, utc_text(self._now()), session_id))
            self._require_row(cur, session_id)

    def finish_session(self, session_id: int, *, outcome: str, steps_done: int,
                       active_seconds: int, phase_index: int, pain_after: int | None = None,
                       stop_reason: str | None = None, done_percent: int | None = None) -> None:
        """Close a session as 'completed', 'partial' or 'stopped' (with a
        stop_reason); ``done_percent`` is the share of its timed length really done."""
        if outcome not in END_OUTCOMES:
            raise ValueError(f"outcome must be one of {END_OUTCOMES}, not {outcome!r}")
        if done_percent is not None and (check_count("done_percent", done_percent) > 100):
            raise ValueError(f"done_percent must be 0-100, not {done_percent!r}")
        if stop_reason is not None and (outcome != "stopped" or not isinstance(stop_reason, str)):
            raise ValueError("stop_reason is a string, and only for outcome 'stopped'")
        values = [check_count(n, v) for n, v in (("steps_done", steps_done),
                  ("active_seconds", active_seconds), ("phase_index", phase_index))]
        check_pain("pain_after", pain_after)
        now = utc_text(self._now())
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
        rows = [step_row(session_id, r) for r in records]
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

    def set_pain_before(self, session_id: int, value: int | None) -> None:
        """Record (or clear) the 0-10 pain rating given before the routine."""
        check_pain("pain_before", value)
        with self._write() as conn:
            cur = conn.execute("UPDATE sessions SET pain_before = ?, updated_utc = ? WHERE id = ?",
                               (value, utc_text(self._now()), session_id))
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
        cutoff = utc_text(now - older_than) if older_than > timedelta(0) else "9999"
        with self._write() as conn:
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM sessions WHERE outcome = 'running' AND updated_utc <= ?", (cutoff,))]
            conn.executemany(
                "UPDATE sessions SET outcome = 'interrupted', ended_utc = updated_utc,"
                " updated_utc = ? WHERE id = ?", [(utc_text(now), i) for i in ids])
        marks = ",".join("?" * len(ids))
        return self._fetch(f"SELECT * FROM sessions WHERE id IN ({marks}) "
                           "ORDER BY started_utc, id", ids) if ids else []

    def mark_resumed(self, session_id: int) -> None:
        """Note that resuming this session was offered, so it is offered once.
        To carry on in the same row, just call :meth:`update_session`."""
        with self._write() as conn:
            cur = conn.execute("UPDATE sessions SET resumed = 1 WHERE id = ?", (session_id,))
            if cur.rowcount != 1:
                raise StoreError(f"{self.path}: no session with id {session_id}")

    def set_meta(self, key: str, value: str | None) -> None:
        """Remember ``value`` under ``key``; None forgets it."""
        check_text("key", key)
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
        bout = check_count("bout_seconds", bout_seconds)
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("break times must be aware datetimes")
        offset = int(at.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO breaks (at_utc, local_date, utc_offset_min, answer, bout_seconds, prompted)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (utc_text(at), at.date().isoformat(), offset, answer, bout, int(bool(prompted))),
            )
            return int(cur.lastrowid)

    # --- flare-ups -------------------------------------------------------------------

    def start_flareup(self, started: datetime, pain: int | None) -> int:
        """Record a flare-up that began at ``started`` (aware, not in the future)."""
        check_pain("pain", pain)
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
            if last_end is not None and last_end > utc_text(started):
                ended = parse_utc(last_end).astimezone(started.tzinfo)  # type: ignore[union-attr]
                raise StoreError(f"the last flare-up settled at {ended:%a} {ended.day} {ended:%b} {ended:%H:%M};"
                                 " a new one starts after that")
            cur = conn.execute(
                "INSERT INTO flareups (started_utc, local_date, utc_offset_min, recorded_utc) VALUES (?, ?, ?, ?)",
                (utc_text(started), started.date().isoformat(), offset, utc_text(now)))
            flareup_id = int(cur.lastrowid)
            if pain is not None:
                conn.execute("INSERT INTO flareup_pain (flareup_id, at_utc, pain, source) VALUES (?, ?, ?, 'start')",
                             (flareup_id, utc_text(now), pain))
            return flareup_id

    def end_flareup(self, flareup_id: int) -> None:
        """The flare-up has settled (now)."""
        with self._write() as conn:
            cur = conn.execute("UPDATE flareups SET ended_utc = ? WHERE id = ? AND ended_utc IS NULL",
                               (utc_text(self._now()), flareup_id))
            if cur.rowcount != 1:
                raise StoreError(f"no flare-up {flareup_id} that has not settled")

    def add_flareup_pain(self, flareup_id: int, pain: int, source: str) -> None:
        """A pain score given now during the flare-up."""
        if source not in PAIN_SOURCES:
            raise ValueError(f"source must be one of {PAIN_SOURCES}, not {source!r}")
        if check_pain("pain", pain) is None:
            raise ValueError("pain must be a whole number from 0 to 10, not None")
        with self._write() as conn:
            conn.execute("INSERT INTO flareup_pain (flareup_id, at_utc, pain, source) VALUES (?, ?, ?, ?)",
                         (flareup_id, utc_text(self._now()), pain, source))

    def close(self) -> None:
        """Close the database (safe to call twice)."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
        version, owner, tables = _identity(conn)
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


def open_reader(path: Path, *, clock: Clock | None = None, busy_timeout: float = READ_BUSY_TIMEOUT_S) -> Store:
    """A connection for reads only, usable from any thread (one at a time),
    with a short busy timeout. Nothing is created, migrated or moved: a
    history that is not there yet, or not ready, raises StoreError."""
    path = Path(path)
    why = regular_or_absent(path)
    if why is not None:
        raise StoreError(f"{path} {why}")
    if not path.exists():
        raise StoreNotYet(f"{path}: no history yet")
    try:
        conn = _connect_for_reading(path, busy_timeout)
        version, owner, tables = _identity(conn)
    except sqlite3.Error as exc:
        raise StoreError(_one_line(path, "cannot read the history: ", exc)) from exc
    if not is_coach_history(owner, version, tables):
        conn.close()
        raise StoreForeignError(f"{path} is not a Coach history")
    if version > len(MIGRATIONS):
        conn.close()
        raise StoreNewerError(
            f"{path} was written by a newer version of Coach (schema {version}; this version"
            f" knows {len(MIGRATIONS)}); upgrade Coach or move the file aside")
    if version != len(MIGRATIONS):
        conn.close()
        raise StoreNotYet(f"{path}: the history is not ready yet (schema {version})")
    return Store(path, conn, clock or _default_clock, None)


def _identity(conn: sqlite3.Connection) -> tuple[int, int, set[str]]:
    """The schema version, application id and tables, read in one transaction.

    Read one statement at a time, a history being made by another connection
    could be seen half way: its first tables made, its version still 0. Then
    it looked like another program's database, and a first run said "is not a
    Coach history" (seen once in CI)."""
    conn.execute("BEGIN")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        owner = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.execute("COMMIT")
    return version, owner, tables


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


def open_store(path: Path, *, clock: Clock | None = None, busy_timeout: float = BUSY_TIMEOUT_S) -> Store:
    """Open (creating, migrating or recovering) the history at ``path``.

    Raises StoreNewerError for a newer schema (the file is left untouched) and
    StoreError for anything else that stops it opening. An unreadable file is
    moved aside and ``store.recovered_from`` says where it went."""
    clock = clock or _default_clock
    path = Path(path)
    recovered: Path | None = None
    try:
        private_folder(path.parent)
        regular_files_only(path)
        try:
            _check(path)
        except _Corrupt:
            recovered = move_aside(path, _aware_now(clock))
            _check(path)
        private_file(path)
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
        migrate(conn, MIGRATIONS)  # this module's list: tests put their own here
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            # A new history, or one from before the mark: ours from now on.
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
            conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(_one_line(path, "cannot prepare the history: ", exc)) from exc
    return Store(path, conn, clock, recovered)


#: What the rest of Coach takes from here; the records and the schema live in
#: coach.store_records and coach.store_schema, the reads in coach.store_queries.
__all__ = [
    "APPLICATION_ID", "MIGRATIONS", "BreakRecord", "Clock", "DayBreaks", "DaySessions", "FlareUpRecord",
    "RoutineTotals", "SessionRecord", "Store", "StoreError", "StoreForeignError", "StoreNewerError",
    "StoreNotYet",
    "is_read_only_error", "open_reader", "open_store",
]
