"""The history store: sessions round-trip, WAL, migrations, recovery, time zones."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fakeclocks import WallClock

from coach import store as store_mod
from coach.store import SessionRecord, Store, StoreError, StoreNewerError, open_store

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
UTC = timezone.utc


FakeClock = WallClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 5, 4, 9, 15, 30, 999_000, tzinfo=LONDON))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def store(db_path: Path, clock: FakeClock):
    with open_store(db_path, clock=clock) as s:
        yield s


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def user_version(path: Path) -> int:
    conn = raw(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def tables(path: Path) -> set[str]:
    conn = raw(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


# -- round trip --------------------------------------------------------------

def test_session_round_trip_with_exact_columns(store: Store, clock: FakeClock) -> None:
    sid = store.start_session("cat-cow", "Cat-cow warm-up", 6, pain_before=4)
    row = store.get_session(sid)
    assert row == SessionRecord(
        id=sid, routine_id="cat-cow", routine_title="Cat-cow warm-up",
        started_utc=datetime(2026, 5, 4, 8, 15, 30, tzinfo=UTC), local_date=date(2026, 5, 4),
        utc_offset_min=60, ended_utc=None, steps_done=0, steps_total=6, active_seconds=0,
        pain_before=4, pain_after=None, outcome="running", stop_reason=None, phase_index=0,
        resumed=False, updated_utc=datetime(2026, 5, 4, 8, 15, 30, tzinfo=UTC))
    assert row.started_local == datetime(2026, 5, 4, 9, 15, 30, tzinfo=timezone(timedelta(hours=1)))

    clock.advance(seconds=40)
    store.update_session(sid, steps_done=1, active_seconds=40, phase_index=2)
    clock.advance(seconds=40)
    store.update_session(sid, steps_done=2, active_seconds=80, phase_index=4)
    row = store.get_session(sid)
    assert (row.steps_done, row.active_seconds, row.phase_index, row.outcome) == (2, 80, 4, "running")
    assert row.updated_utc == datetime(2026, 5, 4, 8, 16, 50, tzinfo=UTC)

    clock.advance(minutes=5)
    store.finish_session(sid, outcome="completed", steps_done=6, active_seconds=380,
                         phase_index=11, pain_after=2)
    end = datetime(2026, 5, 4, 8, 21, 50, tzinfo=UTC)
    assert store.get_session(sid) == SessionRecord(
        id=sid, routine_id="cat-cow", routine_title="Cat-cow warm-up",
        started_utc=datetime(2026, 5, 4, 8, 15, 30, tzinfo=UTC), local_date=date(2026, 5, 4),
        utc_offset_min=60, ended_utc=end, steps_done=6, steps_total=6, active_seconds=380,
        pain_before=4, pain_after=2, outcome="completed", stop_reason=None, phase_index=11,
        resumed=False, updated_utc=end)
    # The text on disk is the documented format, not just whatever parses back.
    conn = raw(store.path)
    assert conn.execute("SELECT started_utc, local_date, ended_utc FROM sessions").fetchone() == (
        "2026-05-04T08:15:30Z", "2026-05-04", "2026-05-04T08:21:50Z")
    conn.close()


def test_stopped_session_keeps_reason_and_finished_rows_are_closed(store: Store) -> None:
    sid = store.start_session("bridge", "Bridge", 3)
    store.set_pain_before(sid, 6)
    store.finish_session(sid, outcome="stopped", steps_done=1, active_seconds=30,
                         phase_index=1, pain_after=8, stop_reason="pain-worse")
    row = store.get_session(sid)
    assert (row.outcome, row.stop_reason, row.pain_before, row.pain_after) == ("stopped", "pain-worse", 6, 8)
    with pytest.raises(StoreError, match="no open session"):
        store.update_session(sid, steps_done=2, active_seconds=40, phase_index=2)
    with pytest.raises(StoreError, match="no open session"):
        store.finish_session(sid, outcome="completed", steps_done=3, active_seconds=60, phase_index=3)
    assert store.get_session(sid) == row
    assert store.get_session(9999) is None


def test_bad_arguments_are_refused_before_sql(store: Store) -> None:
    sid = store.start_session("bridge", "Bridge", 3)
    for bad in (-1, 11, True, 3.5, "5"):
        with pytest.raises(ValueError, match="0 to 10"):
            store.start_session("bridge", "Bridge", 3, pain_before=bad)
        with pytest.raises(ValueError, match="0 to 10"):
            store.set_pain_before(sid, bad)
        with pytest.raises(ValueError, match="0 to 10"):
            store.finish_session(sid, outcome="completed", steps_done=3, active_seconds=9,
                                 phase_index=3, pain_after=bad)
    with pytest.raises(ValueError):
        store.finish_session(sid, outcome="interrupted", steps_done=3, active_seconds=9, phase_index=3)
    with pytest.raises(ValueError):
        store.finish_session(sid, outcome="completed", steps_done=3, active_seconds=9,
                             phase_index=3, stop_reason="pain-worse")
    with pytest.raises(ValueError):
        store.update_session(sid, steps_done=-1, active_seconds=0, phase_index=0)
    with pytest.raises(ValueError):
        store.start_session("", "Bridge", 3)
    store.set_pain_before(sid, 0)
    store.set_pain_before(sid, 10)
    assert [(r.id, r.pain_before, r.outcome) for r in store.recent_sessions()] == [(sid, 10, "running")]


def test_schema_checks_pain_range_too(store: Store) -> None:
    conn = raw(store.path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO sessions (routine_id, routine_title, started_utc, local_date,"
                     " utc_offset_min, steps_total, pain_before, outcome, updated_utc)"
                     " VALUES ('a', 'A', 'x', 'x', 0, 1, 11, 'running', 'x')")
    conn.close()


def test_meta_and_recent_sessions(store: Store, clock: FakeClock) -> None:
    assert store.get_meta("red_flags_confirmed_utc") is None
    assert store.get_meta("missing", "dflt") == "dflt"
    store.set_meta("red_flags_confirmed_utc", "2026-05-04T08:15:30Z")
    store.set_meta("red_flags_confirmed_utc", "2026-05-05T08:00:00Z")
    assert store.get_meta("red_flags_confirmed_utc") == "2026-05-05T08:00:00Z"
    store.set_meta("red_flags_confirmed_utc", None)
    assert store.get_meta("red_flags_confirmed_utc") is None
    ids = []
    for _ in range(3):
        ids.append(store.start_session("r", "R", 1))
        clock.advance(minutes=1)
    assert [r.id for r in store.recent_sessions()] == ids[::-1]
    assert [r.id for r in store.recent_sessions(limit=2)] == ids[:0:-1]


# -- opening -------------------------------------------------------------------

def test_pragmas_wal_synchronous_normal_busy_timeout(store: Store) -> None:
    conn = store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.isolation_level is None
    assert user_version(store.path) == len(store_mod.MIGRATIONS) == 7
    assert {"sessions", "meta"} <= tables(store.path)
    other = raw(store.path)  # WAL is a property of the file, seen by anyone
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def test_store_open_is_open_store(db_path: Path, clock: FakeClock) -> None:
    with Store.open(db_path, clock=clock) as s:
        assert s.recovered_from is None and s.path == db_path


def test_data_folder_is_created_private(tmp_path: Path, clock: FakeClock) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "a" / "b" / "history.sqlite3"
        open_store(path, clock=clock).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_existing_open_folder_of_ours_is_tightened(tmp_path: Path, clock: FakeClock) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o755)
    open_store(folder / "history.sqlite3", clock=clock).close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_reopening_keeps_data(db_path: Path, clock: FakeClock) -> None:
    with open_store(db_path, clock=clock) as s:
        sid = s.start_session("r", "R", 2)
    with open_store(db_path, clock=clock) as s:
        assert s.get_session(sid).routine_id == "r"
        assert s.recovered_from is None


def test_naive_clock_is_refused(db_path: Path) -> None:
    with open_store(db_path, clock=lambda: datetime(2026, 1, 1, 12, 0)) as s:
        with pytest.raises(ValueError, match="aware"):
            s.start_session("r", "R", 1)


def test_closed_store_raises_store_error(db_path: Path, clock: FakeClock) -> None:
    s = open_store(db_path, clock=clock)
    s.close()
    s.close()
    with pytest.raises(StoreError):
        s.recent_sessions()


# -- time zones ----------------------------------------------------------------

@pytest.mark.parametrize(("local", "utc_text", "local_date", "offset"), [
    # London springs forward at 01:00 GMT on 2026-03-29.
    (datetime(2026, 3, 29, 0, 30, tzinfo=LONDON), "2026-03-29T00:30:00Z", "2026-03-29", 0),
    (datetime(2026, 3, 29, 2, 30, tzinfo=LONDON), "2026-03-29T01:30:00Z", "2026-03-29", 60),
    # ...and falls back on 2026-10-25: 01:30 happens twice.
    (datetime(2026, 10, 25, 1, 30, fold=0, tzinfo=LONDON), "2026-10-25T00:30:00Z", "2026-10-25", 60),
    (datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON), "2026-10-25T01:30:00Z", "2026-10-25", 0),
    # Late evening stays on its local date even though UTC is already tomorrow.
    (datetime(2026, 3, 28, 23, 50, tzinfo=NEW_YORK), "2026-03-29T03:50:00Z", "2026-03-28", -240),
    (datetime(2026, 1, 10, 23, 50, tzinfo=NEW_YORK), "2026-01-11T04:50:00Z", "2026-01-10", -300),
    (datetime(2026, 3, 28, 23, 50, tzinfo=LONDON), "2026-03-28T23:50:00Z", "2026-03-28", 0),
])
def test_local_date_and_offset_from_the_clock(db_path: Path, local: datetime, utc_text: str,
                                              local_date: str, offset: int) -> None:
    with open_store(db_path, clock=lambda: local) as s:
        sid = s.start_session("r", "R", 1)
        row = s.get_session(sid)
    conn = raw(db_path)
    assert conn.execute("SELECT started_utc, local_date, utc_offset_min FROM sessions").fetchone() == (
        utc_text, local_date, offset)
    conn.close()
    assert row.started_utc == local.astimezone(UTC)
    assert row.local_date == date.fromisoformat(local_date)
    assert row.started_local.replace(tzinfo=None) == local.replace(tzinfo=None, fold=0)


# -- interrupted sessions --------------------------------------------------------

def test_mark_interrupted_then_resume_offered_once(store: Store, clock: FakeClock) -> None:
    done = store.start_session("done", "Done", 2)
    store.finish_session(done, outcome="completed", steps_done=2, active_seconds=60, phase_index=3)
    sid = store.start_session("cat-cow", "Cat-cow", 6)
    clock.advance(seconds=90)
    store.update_session(sid, steps_done=2, active_seconds=90, phase_index=4)
    last_seen = datetime(2026, 5, 4, 8, 17, 0, tzinfo=UTC)
    assert store.resumable_session() is None  # still running: nothing to offer yet

    clock.advance(hours=1)  # the app was killed; this is the next start
    marked = store.mark_interrupted()
    assert [(r.id, r.outcome, r.ended_utc) for r in marked] == [(sid, "interrupted", last_seen)]
    assert store.get_session(done).outcome == "completed"
    assert store.mark_interrupted() == []

    offer = store.resumable_session()
    assert offer is not None and (offer.id, offer.phase_index, offer.steps_done) == (sid, 4, 2)
    store.mark_resumed(sid)
    assert store.resumable_session() is None
    assert store.get_session(sid).resumed is True

    # Carrying on in the same row makes it running again, then it can finish.
    store.update_session(sid, steps_done=3, active_seconds=120, phase_index=5)
    row = store.get_session(sid)
    assert (row.outcome, row.ended_utc) == ("running", None)
    store.finish_session(sid, outcome="completed", steps_done=6, active_seconds=300, phase_index=11)
    assert store.get_session(sid).outcome == "completed"


def test_not_offered_when_complete_or_too_old(store: Store, clock: FakeClock) -> None:
    full = store.start_session("a", "A", 3)
    store.update_session(full, steps_done=3, active_seconds=60, phase_index=5)
    store.mark_interrupted()
    assert store.get_session(full).outcome == "interrupted"
    assert store.resumable_session() is None  # every step was done

    old = store.start_session("b", "B", 3)
    store.mark_interrupted()
    assert store.resumable_session().id == old
    clock.advance(hours=12, seconds=1)
    assert store.resumable_session() is None
    assert store.resumable_session(max_age=timedelta(days=1)).id == old


def test_latest_interrupted_is_offered(store: Store, clock: FakeClock) -> None:
    first = store.start_session("a", "A", 3)
    clock.advance(minutes=5)
    second = store.start_session("b", "B", 3)
    assert [r.id for r in store.mark_interrupted()] == [first, second]
    assert store.resumable_session().id == second
    store.mark_resumed(second)
    assert store.resumable_session().id == first


def test_mark_interrupted_spares_fresh_rows(store: Store, clock: FakeClock) -> None:
    stale = store.start_session("a", "A", 3)
    clock.advance(minutes=30)
    fresh = store.start_session("b", "B", 3)
    clock.advance(minutes=1)
    assert [r.id for r in store.mark_interrupted(older_than=timedelta(minutes=10))] == [stale]
    assert store.get_session(fresh).outcome == "running"


# -- broken, newer and locked files ----------------------------------------------

BROKEN_NAME = re.compile(r"history\.sqlite3\.broken-20260504-091530(-\d+)?")


def test_garbage_file_is_moved_aside(db_path: Path, clock: FakeClock) -> None:
    db_path.parent.mkdir(parents=True)
    junk = b"not sqlite at all\n" + os.urandom(5000)
    db_path.write_bytes(junk)
    (db_path.parent / "history.sqlite3-wal").write_bytes(b"wal junk")
    with open_store(db_path, clock=clock) as s:
        moved = s.recovered_from
        assert moved is not None and moved.parent == db_path.parent
        assert BROKEN_NAME.fullmatch(moved.name)
        assert moved.read_bytes() == junk
        assert (moved.parent / (moved.name + "-wal")).read_bytes() == b"wal junk"
        sid = s.start_session("r", "R", 1)
        assert s.get_session(sid).outcome == "running"
    # A second broken file in the same second gets a counter, not an overwrite.
    db_path.unlink()
    for side in ("-wal", "-shm"):
        db_path.with_name(db_path.name + side).unlink(missing_ok=True)
    db_path.write_bytes(b"more junk" * 100)
    with open_store(db_path, clock=clock) as s:
        assert s.recovered_from.name == moved.name + "-2"
    assert moved.read_bytes() == junk


def test_corrupt_database_is_moved_aside(db_path: Path, clock: FakeClock) -> None:
    with open_store(db_path, clock=clock) as s:
        for i in range(300):
            s.start_session(f"routine-{i}", "A fairly long routine title " * 4, 5)
    assert not db_path.with_name(db_path.name + "-wal").exists()  # checkpointed at close
    data = db_path.read_bytes()
    assert len(data) > 4 * 4096
    truncated = data[: len(data) // 2]
    db_path.write_bytes(truncated)
    with open_store(db_path, clock=clock) as s:
        assert s.recovered_from is not None
        assert s.recovered_from.read_bytes() == truncated
        assert s.recent_sessions() == []


def test_damaged_pages_fail_quick_check(db_path: Path, clock: FakeClock) -> None:
    with open_store(db_path, clock=clock) as s:
        for i in range(300):
            s.start_session(f"routine-{i}", "A fairly long routine title " * 4, 5)
    data = bytearray(db_path.read_bytes())
    data[3 * 4096: 5 * 4096] = b"\xa5" * (2 * 4096)  # header intact, b-tree pages not
    db_path.write_bytes(bytes(data))
    with open_store(db_path, clock=clock) as s:
        assert s.recovered_from is not None
        assert s.recovered_from.read_bytes() == bytes(data)


def test_newer_schema_is_refused_untouched(db_path: Path, clock: FakeClock) -> None:
    db_path.parent.mkdir(parents=True)
    conn = raw(db_path)
    conn.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, future TEXT)")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreNewerError) as info:
        open_store(db_path, clock=clock)
    assert str(info.value) == (
        f"{db_path} was written by a newer version of Coach (schema 99; this version knows {len(store_mod.MIGRATIONS)});"
        " upgrade Coach or move the file aside")
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["history.sqlite3"]


def test_foreign_database_is_not_overwritten(db_path: Path, clock: FakeClock) -> None:
    # A real SQLite file with a clashing table is not corrupt: refuse, don't move.
    db_path.parent.mkdir(parents=True)
    conn = raw(db_path)
    conn.execute("CREATE TABLE sessions (x)")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="is not a Coach history but another program's SQLite database"):
        open_store(db_path, clock=clock)
    assert user_version(db_path) == 0 and db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir() if "broken" in p.name) == []


def test_locked_database_is_an_error_not_corruption(db_path: Path, clock: FakeClock,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.05)
    db_path.parent.mkdir(parents=True)
    holder = raw(db_path)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked") as info:
            open_store(db_path, clock=clock)
        assert str(db_path) in str(info.value) and "\n" not in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not any("broken" in p.name for p in db_path.parent.iterdir())


def test_write_lock_held_too_long_is_store_error(db_path: Path, clock: FakeClock) -> None:
    with open_store(db_path, clock=clock, busy_timeout=0.05) as s:
        sid = s.start_session("r", "R", 3)
        holder = raw(db_path)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError, match="locked"):
                s.update_session(sid, steps_done=1, active_seconds=5, phase_index=1)
            assert s.get_session(sid).steps_done == 0  # WAL: reads still work
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        s.update_session(sid, steps_done=1, active_seconds=5, phase_index=1)  # and it recovers
        assert s.get_session(sid).steps_done == 1


# -- migrations ------------------------------------------------------------------

def test_failing_migration_changes_nothing(db_path: Path, clock: FakeClock,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    open_store(db_path, clock=clock).close()
    current = len(store_mod.MIGRATIONS)
    assert user_version(db_path) == current
    broken = ("CREATE TABLE extra (id INTEGER PRIMARY KEY)", "ALTER TABLE nowhere ADD COLUMN x")
    monkeypatch.setattr(store_mod, "MIGRATIONS", [*store_mod.MIGRATIONS, broken])
    with pytest.raises(StoreError, match="nowhere"):
        open_store(db_path, clock=clock)
    assert user_version(db_path) == current
    assert "extra" not in tables(db_path)


def test_failing_first_migration_leaves_empty_database(db_path: Path, clock: FakeClock,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "MIGRATIONS", [("CREATE TABLE a (x)", "NOT SQL")])
    with pytest.raises(StoreError):
        open_store(db_path, clock=clock)
    assert user_version(db_path) == 0
    assert tables(db_path) == set()


def test_migrations_apply_in_order_and_once(db_path: Path, clock: FakeClock,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def later(conn: sqlite3.Connection) -> None:
        calls.append(1)
        assert conn.in_transaction
        conn.execute("ALTER TABLE sessions ADD COLUMN note TEXT")

    open_store(db_path, clock=clock).close()
    monkeypatch.setattr(store_mod, "MIGRATIONS", [*store_mod.MIGRATIONS, later])
    open_store(db_path, clock=clock).close()
    open_store(db_path, clock=clock).close()
    assert calls == [1] and user_version(db_path) == len(store_mod.MIGRATIONS)


# -- layering --------------------------------------------------------------------

def test_import_does_not_load_textual() -> None:
    code = ("import sys, coach.store; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


# -- crash leftovers that are not corruption ---------------------------------------

def test_wal_left_by_a_crash_is_read_not_lost(db_path: Path, clock: FakeClock, tmp_path: Path) -> None:
    with open_store(db_path, clock=clock) as s:
        s._conn.execute("PRAGMA wal_autocheckpoint = 0")
        sid = s.start_session("r", "R", 3)
        s.update_session(sid, steps_done=2, active_seconds=50, phase_index=3)
        copy = tmp_path / "copy" / "history.sqlite3"
        copy.parent.mkdir()
        for side in ("", "-wal"):  # what a power cut leaves: no clean close
            copy.with_name(copy.name + side).write_bytes(db_path.with_name(db_path.name + side).read_bytes())
    with open_store(copy, clock=clock) as s:
        assert s.recovered_from is None
        assert s.get_session(sid).steps_done == 2


def test_hot_rollback_journal_is_rolled_back_not_moved(db_path: Path, clock: FakeClock,
                                                       tmp_path: Path) -> None:
    with open_store(db_path, clock=clock) as s:
        sid = s.start_session("r", "R", 3)
    conn = raw(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA cache_size = 1")  # spill to the file mid-transaction
    conn.execute("BEGIN")
    conn.execute("DELETE FROM sessions")
    conn.executemany("INSERT INTO sessions (routine_id, routine_title, started_utc, local_date,"
                     " utc_offset_min, steps_total, outcome, updated_utc)"
                     " VALUES (?, 'T', 'x', 'x', 0, 1, 'running', 'x')",
                     [("x" * 2000,)] * 100)
    copy = tmp_path / "copy" / "history.sqlite3"
    copy.parent.mkdir()
    for side in ("", "-journal"):
        copy.with_name(copy.name + side).write_bytes(db_path.with_name(db_path.name + side).read_bytes())
    conn.execute("ROLLBACK")
    conn.close()
    with open_store(copy, clock=clock) as s:
        assert s.recovered_from is None
        assert [r.id for r in s.recent_sessions()] == [sid]


def test_breaks_are_stored_by_their_own_local_date_across_dst(tmp_path) -> None:
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from coach.store import DayBreaks, open_store

    london = ZoneInfo("Europe/London")
    with open_store(tmp_path / "h.sqlite3") as store:
        # 2026-03-29: the clocks go forward at 01:00 UTC
        store.record_break("taken", 1800, datetime(2026, 3, 29, 0, 30, tzinfo=london), prompted=True)
        store.record_break("snoozed", 1900, datetime(2026, 3, 29, 2, 30, tzinfo=london), prompted=True)
        store.record_break("snoozed", 2000, datetime(2026, 3, 29, 23, 50, tzinfo=london), prompted=True)
        store.record_break("natural", 600, datetime(2026, 3, 30, 0, 10, tzinfo=london), prompted=False)
        days = store.daily_breaks(date(2026, 3, 29), date(2026, 3, 30))
        rows = store._conn.execute("SELECT utc_offset_min FROM breaks ORDER BY id").fetchall()
    assert days[date(2026, 3, 29)] == {"taken": DayBreaks(1, 1800, 1800), "snoozed": DayBreaks(2, 2000, 3900)}
    assert days[date(2026, 3, 30)] == {"natural": DayBreaks(1, 600, 600)}
    assert [r[0] for r in rows] == [0, 60, 60, 60]


def test_break_answers_are_checked(tmp_path) -> None:
    from datetime import datetime, timezone

    import pytest

    from coach.store import open_store

    with open_store(tmp_path / "h.sqlite3") as store:
        with pytest.raises(ValueError):
            store.record_break("napped", 10, datetime(2026, 1, 1, tzinfo=timezone.utc), prompted=False)
        with pytest.raises(ValueError):
            store.record_break("taken", 10, datetime(2026, 1, 1), prompted=False)


def test_a_version_1_history_upgrades_and_keeps_its_sessions(db_path: Path, clock: FakeClock,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
    with open_store(db_path, clock=clock) as s:
        sid = s.start_session("desk-break", "Desk break", 6)
    assert user_version(db_path) == 1
    monkeypatch.undo()
    with open_store(db_path, clock=clock) as s:
        assert s.get_session(sid).routine_id == "desk-break"
        s.record_break("already", 60, clock(), prompted=False)
    assert user_version(db_path) == len(store_mod.MIGRATIONS)
    assert {"breaks", "flareups", "flareup_pain", "step_records"} <= tables(db_path)


def test_close_dead_sessions_trusts_the_instance_lock(db_path: Path, clock: FakeClock) -> None:
    from coach.recorder import STALE_AFTER, close_dead_sessions

    with open_store(db_path, clock=clock) as s:
        fresh = s.start_session("a", "A", 3)
        assert close_dead_sessions(s, holds_instance_lock=False) == []  # another app may be playing it
        clock.advance(seconds=STALE_AFTER + 1)
        (stale,) = close_dead_sessions(s, holds_instance_lock=False)
        assert stale.id == fresh and s.get_session(fresh).outcome == "interrupted"
        other = s.start_session("b", "B", 3)
        (dead,) = close_dead_sessions(s, holds_instance_lock=True)  # we are the only app
        assert dead.id == other


# -- flare-ups (v4) ------------------------------------------------------------

def test_a_flare_up_from_start_to_settled(store: Store, clock: FakeClock) -> None:
    assert store.active_flareup() is None
    started = clock.now - timedelta(hours=30)
    flareup_id = store.start_flareup(started, 6)
    active = store.active_flareup()
    assert active is not None and active.id == flareup_id and active.ended_utc is None
    assert active.started_utc == started.replace(microsecond=0).astimezone(UTC)
    assert active.local_date == started.date() and active.utc_offset_min == 60  # BST
    with pytest.raises(StoreError, match="already recorded"):
        store.start_flareup(clock.now, 3)
    clock.advance(hours=2)
    store.add_flareup_pain(flareup_id, 7, "before")
    clock.advance(minutes=20)
    store.add_flareup_pain(flareup_id, 5, "after")
    assert [(p, s) for _, p, s in store.flareup_pains(flareup_id)] == [(6, "start"), (7, "before"), (5, "after")]
    store.end_flareup(flareup_id)
    assert store.active_flareup() is None
    with pytest.raises(StoreError):
        store.end_flareup(flareup_id)
    with pytest.raises(StoreError, match="the last flare-up settled at Mon 4 May 11:35"):
        store.start_flareup(clock.now - timedelta(hours=1), 4)  # inside the one that settled
    [past] = store.flareups_between(started.date(), clock.now.date())
    assert past.id == flareup_id and past.ended_utc == clock.now.replace(microsecond=0).astimezone(UTC)
    assert store.flareups_between(clock.now.date() + timedelta(days=1), clock.now.date() + timedelta(days=9)) == []


def test_flare_up_input_is_checked(store: Store, clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="future"):
        store.start_flareup(clock.now + timedelta(minutes=1), 5)
    with pytest.raises(ValueError, match="aware"):
        store.start_flareup(datetime(2026, 5, 4, 8, 0), 5)
    with pytest.raises(ValueError):
        store.start_flareup(clock.now, 11)
    flareup_id = store.start_flareup(clock.now, None)
    assert store.flareup_pains(flareup_id) == []
    with pytest.raises(ValueError):
        store.add_flareup_pain(flareup_id, 4, "guess")


def test_sessions_since(store: Store, clock: FakeClock) -> None:
    first = store.start_session("ice-pack", "Ice pack", 3)
    clock.advance(hours=3)
    second = store.start_session("ice-pack", "Ice pack", 3)
    assert [r.id for r in store.sessions_since(clock.now - timedelta(hours=1))] == [second]
    assert [r.id for r in store.sessions_since(clock.now - timedelta(days=2))] == [first, second]


def test_a_flare_up_ending_just_after_midnight_east_of_utc_is_in_that_day(db_path: Path) -> None:
    helsinki = ZoneInfo("Europe/Helsinki")
    now = [datetime(2026, 11, 17, 9, 0, tzinfo=helsinki)]
    with open_store(db_path, clock=lambda: now[0]) as s:
        flareup_id = s.start_flareup(now[0], 5)
        now[0] = datetime(2026, 11, 19, 1, 30, tzinfo=helsinki)  # 23:30 UTC on the 18th
        s.end_flareup(flareup_id)
        assert [f.id for f in s.flareups_between(date(2026, 11, 19), date(2026, 11, 20))] == [flareup_id]
        assert s.flareups_between(date(2026, 11, 20), date(2026, 11, 21)) == []


def test_version_4_breaks_move_to_version_5_whole_and_gaps_are_kept(tmp_path: Path) -> None:
    """The breaks table is rebuilt for 'gap' (issue 13): every old row survives."""
    db_path = tmp_path / "history.sqlite3"
    monkey = list(store_mod.MIGRATIONS)
    store_mod.MIGRATIONS[:] = monkey[:4]
    try:
        with open_store(db_path) as s:
            when = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
            s.record_break("natural", 900, when, prompted=False)
            s.record_break("taken", 1800, when, prompted=True)
            with pytest.raises(Exception):
                s.record_break("gap", 60, when, prompted=False)
    finally:
        store_mod.MIGRATIONS[:] = monkey
    assert user_version(db_path) == 4
    with open_store(db_path) as s:
        s.record_break("gap", 60, datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc), prompted=False)
        rows = s._conn.execute("SELECT answer, bout_seconds FROM breaks ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [("natural", 900), ("taken", 1800), ("gap", 60)]
    assert user_version(db_path) == len(store_mod.MIGRATIONS)


# -- each step's fate, partial sessions (v6, issue 15) ----------------------------------

def test_version_5_sessions_move_to_version_6_untouched_in_meaning(tmp_path: Path) -> None:
    """The sessions table is rebuilt for 'partial': every old row and column
    survives as it was, the share done is unknown (None), not guessed."""
    db_path = tmp_path / "history.sqlite3"
    monkey = list(store_mod.MIGRATIONS)
    store_mod.MIGRATIONS[:] = monkey[:5]
    when = [datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)]
    try:
        with open_store(db_path, clock=lambda: when[0]) as s:
            # Ended as a v5 Coach ended them (this version's finish_session writes done_percent).
            done = s.start_session("ice-pack", "Ice pack", 3, pain_before=6)
            s._conn.execute("UPDATE sessions SET outcome = 'completed', steps_done = 3, active_seconds = 1210,"
                            " pain_after = 4, ended_utc = updated_utc WHERE id = ?", (done,))
            stopped = s.start_session("cat-cow", "Cat-cow", 5)
            s._conn.execute("UPDATE sessions SET outcome = 'stopped', steps_done = 1, active_seconds = 80,"
                            " stop_reason = 'pain-worse', ended_utc = updated_utc WHERE id = ?", (stopped,))
            killed = s.start_session("cat-cow", "Cat-cow", 5)
            s.update_session(killed, steps_done=2, active_seconds=90, phase_index=4)
            s.mark_interrupted()
            before = [tuple(r) for r in s._conn.execute("SELECT * FROM sessions ORDER BY id")]
            with pytest.raises(Exception):
                s._conn.execute("UPDATE sessions SET outcome = 'partial' WHERE id = ?", (done,))
    finally:
        store_mod.MIGRATIONS[:] = monkey
    assert user_version(db_path) == 5
    with open_store(db_path, clock=lambda: when[0]) as s:
        after = [tuple(r) for r in s._conn.execute("SELECT * FROM sessions ORDER BY id")]
        width = len(before[0])
        assert [row[:width] for row in after] == before
        assert [row[width:] for row in after] == [(None, None)] * 3  # done_percent (v6), level (v7): unknown
        assert [r.done_percent for r in s.recent_sessions()] == [None, None, None]
        assert s.resumable_session().id == killed  # still offered as it was
        indexes = {r[0] for r in s._conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"sessions_by_day", "sessions_routine", "sessions_outcome"} <= indexes
        assert s.daily_sessions(date(2026, 11, 23), date(2026, 11, 23))[date(2026, 11, 23)].completed == 1
        partial = s.start_session("ice-pack", "Ice pack", 3)
        s.finish_session(partial, outcome="partial", steps_done=3, active_seconds=12, phase_index=3,
                         done_percent=1)
        assert s.get_session(partial).outcome == "partial" and s.get_session(partial).done_percent == 1
    assert user_version(db_path) == len(store_mod.MIGRATIONS)


def test_step_records_round_trip_and_update_in_place(store: Store) -> None:
    from coach.step_fates import StepRecord

    sid = store.start_session("ice-pack", "Ice pack", 3)
    wrap = StepRecord(0, "Wrap the pack", "info", None, 0, 12, 0, "done", None)
    ice = StepRecord(1, "Ice pack", "therapy", "cold", 1200, 7, 7, "skipped", 7)
    store.record_steps(sid, [wrap, ice])
    assert store.step_records(sid) == [wrap, ice]
    again = StepRecord(1, "Ice pack", "therapy", "cold", 1200, 1210, 1200, "done", None)  # went back, did it all
    store.record_steps(sid, [again])
    assert store.step_records(sid) == [wrap, again]
    assert list(store.iter_step_records()) == [(sid, wrap), (sid, again)]
    assert store.skin_seconds_since(store._now() - timedelta(hours=1)) == {sid: {"cold": 1210}}
    with pytest.raises(ValueError, match="fate"):
        store.record_steps(sid, [StepRecord(2, "Walk", "timer", None, 60, 1, 1, "maybe", None)])
    with pytest.raises(ValueError, match="more than planned"):
        store.record_steps(sid, [StepRecord(2, "Walk", "timer", None, 60, 90, 61, "done", None)])
    with pytest.raises(ValueError, match="outcome"):
        store.finish_session(sid, outcome="half", steps_done=1, active_seconds=1, phase_index=1)
    with pytest.raises(ValueError, match="done_percent"):
        store.finish_session(sid, outcome="partial", steps_done=1, active_seconds=1, phase_index=1,
                             done_percent=101)


def test_a_resumed_session_is_offered_with_its_step_records(store: Store) -> None:
    from coach.recorder import resumable_with_steps
    from coach.step_fates import StepRecord

    assert resumable_with_steps(store) == (None, ())
    sid = store.start_session("ice-pack", "Ice pack", 3)
    ice = StepRecord(1, "Ice pack", "therapy", "cold", 1200, 1000, 1000, "skipped", 1000)
    store.record_steps(sid, [ice])
    store.update_session(sid, steps_done=2, active_seconds=1010, phase_index=2)
    store.mark_interrupted()
    record, steps = resumable_with_steps(store)
    assert record.id == sid and steps == (ice,)


def test_version_6_step_records_move_to_version_7_and_a_step_still_going_is_kept(tmp_path: Path) -> None:
    from coach.step_fates import StepRecord

    db_path = tmp_path / "history.sqlite3"
    monkey = list(store_mod.MIGRATIONS)
    store_mod.MIGRATIONS[:] = monkey[:6]
    wrap = StepRecord(0, "Wrap the pack", "info", None, 0, 12, 0, "done", None)
    try:
        with open_store(db_path) as s:
            sid = s.start_session("ice-pack", "Ice pack", 3)
            s.record_steps(sid, [wrap])
            with pytest.raises(StoreError):  # v6 knows no step still going
                s.record_steps(sid, [StepRecord(1, "Ice pack", "therapy", "cold", 1200, 900, 900, None, None)])
    finally:
        store_mod.MIGRATIONS[:] = monkey
    assert user_version(db_path) == 6
    with open_store(db_path) as s:
        assert s.step_records(sid) == [wrap]
        going = StepRecord(1, "Ice pack", "therapy", "cold", 1200, 900, 900, None, None)
        s.record_steps(sid, [going])
        assert s.step_records(sid) == [wrap, going]
        assert s.skin_seconds_since(s._now() - timedelta(hours=1)) == {sid: {"cold": 900}}
    assert user_version(db_path) == len(store_mod.MIGRATIONS)


def test_a_history_being_made_is_never_read_half_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader on a first run looked at the version, then the tables, one
    statement at a time. The writer committed its first tables in between, so
    the file looked like another program's ('is not a Coach history'; seen
    once in CI). Read in one transaction, it is a history not ready yet."""
    from coach.store import StoreNotYet, open_reader

    path = tmp_path / "history.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY)")
    writer.execute("PRAGMA user_version = 1")
    real = store_mod._connect_for_reading

    class CommitAfterTheVersion:
        """The reader's connection; the writer commits right after the reader reads the version."""

        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def execute(self, sql: str, *args):
            result = self.conn.execute(sql, *args)
            if "user_version" in sql and writer.in_transaction:
                writer.execute("COMMIT")
            return result

        def close(self) -> None:
            self.conn.close()

    monkeypatch.setattr(store_mod, "_connect_for_reading", lambda p, t: CommitAfterTheVersion(real(p, t)))
    try:
        with pytest.raises(StoreNotYet):
            open_reader(path)
        assert not writer.in_transaction  # the commit did come in between
    finally:
        writer.close()
