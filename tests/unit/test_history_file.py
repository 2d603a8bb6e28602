"""The history file is Coach's own and private (issue 14): a foreign SQLite
database is refused untouched, a newer history is refused untouched, and
every file with personal data is created 0600 whatever the umask."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from coach.config import save_theme, write_default_config
from coach.store import APPLICATION_ID, MIGRATIONS, StoreForeignError, StoreNewerError, open_store


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_new_history_carries_coachs_application_id(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


@pytest.mark.parametrize("owner", [0, 0x12345678])
def test_a_foreign_sqlite_file_is_refused_and_left_untouched(tmp_path: Path, owner: int) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA application_id = {owner}")
        db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO photos (name) VALUES ('holiday.jpg')")
    db.close()
    before = digest(folder)
    with pytest.raises(StoreForeignError) as caught:
        open_store(path)
    message = str(caught.value)
    assert "is not a Coach history but another program's SQLite database" in message
    assert "tables: photos" in message and "Move it elsewhere" in message
    assert digest(folder) == before  # no -wal, no migration, not moved


def test_a_foreign_file_with_coach_like_tables_but_another_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA application_id = 7")
        db.execute("CREATE TABLE sessions (id INTEGER)")
        db.execute("PRAGMA user_version = 1")
    with pytest.raises(StoreForeignError):
        open_store(path)


def test_a_history_from_before_the_mark_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with open_store(path) as store:
        store.set_meta("k", "v")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA application_id = 0")
    with open_store(path) as store:
        assert store.get_meta("k") == "v"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_newer_history_is_refused_not_damaged(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "history.sqlite3"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreNewerError, match="newer version of Coach"):
        open_store(path)
    assert path.read_bytes() == before


def test_history_and_its_wal_and_shm_are_private_whatever_the_umask(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    old = os.umask(0)
    try:
        path = folder / "history.sqlite3"
        store = open_store(path)
        store.set_meta("pain", "7")
        for name in ("history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"):
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
        store.close()
    finally:
        os.umask(old)


def test_an_open_history_of_ours_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    open_store(path).close()
    path.chmod(0o644)
    open_store(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_config_is_written_private(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "config.yaml"
        write_default_config(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        path.unlink()
        assert save_theme(path, "nord")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)
