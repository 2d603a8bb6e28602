"""The start-up cache: the same library and settings as reading the files, only sooner.

A change to any file it came from (edit, replace, add, remove, chmod) reads
again; a cache that is not ours, or broken, is never believed.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from coach import startup_cache
from coach.config import load_config, load_config_cached
from coach.library import load_library, load_library_cached

GOOD = "id: {id}\ntitle: {title}\nsummary: s\ncategory: rest\nsteps:\n  - kind: timer\n    title: Walk\n    duration: 1m\n"


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are seconds old at most: trusted at once here
    (test_a_file_changed_moments_ago_is_not_trusted_yet checks the wait)."""
    monkeypatch.setattr(startup_cache, "SETTLE_NS", 0)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time the library is really read, from the files."""
    import coach.library as library

    seen: list[str] = []
    real = library.load_library

    def counting(folder: Path | None):  # type: ignore[no-untyped-def]
        seen.append(str(folder))
        return real(folder)

    monkeypatch.setattr(library, "load_library", counting)
    return seen


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_the_cached_library_is_the_library(tmp_path: Path, reads: list[str]) -> None:
    folder, cache = tmp_path / "routines", tmp_path / "cache" / "library.pickle"
    write(folder, "mine.yaml", GOOD.format(id="mine", title="Mine"))
    first = load_library_cached(folder, cache)
    second = load_library_cached(folder, cache)
    assert reads == [str(folder)]  # the second came from the cache
    assert first == second == load_library(folder)
    assert cache.stat().st_mode & 0o777 == 0o600
    assert cache.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("change", ["edit", "same size and time", "add", "remove", "chmod", "replace"])
def test_any_change_to_a_routine_file_reads_again(tmp_path: Path, reads: list[str], change: str) -> None:
    folder, cache = tmp_path / "routines", tmp_path / "cache" / "library.pickle"
    path = write(folder, "mine.yaml", GOOD.format(id="mine", title="Mine"))
    load_library_cached(folder, cache)
    before = os.stat(path)
    if change == "edit":
        path.write_text(GOOD.format(id="mine", title="Mine, edited"))
    elif change == "same size and time":  # an editor that keeps the time, same length: the change time moves
        path.write_text(GOOD.format(id="mine", title="Mind"))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif change == "add":
        write(folder, "other.yaml", GOOD.format(id="other", title="Other"))
    elif change == "remove":
        path.unlink()
    elif change == "chmod":
        path.chmod(0o600)
    elif change == "replace":
        other = write(tmp_path, "new.yaml", GOOD.format(id="mine", title="Mind"))
        os.replace(other, path)
    again = load_library_cached(folder, cache)
    assert len(reads) == 2
    assert again == load_library(folder)


def test_a_library_with_a_broken_file_is_not_kept(tmp_path: Path, reads: list[str]) -> None:
    folder, cache = tmp_path / "routines", tmp_path / "cache" / "library.pickle"
    write(folder, "bad.yaml", "id: bad\ntitle: [\n")
    first = load_library_cached(folder, cache)
    assert first.broken
    load_library_cached(folder, cache)
    assert len(reads) == 2  # read again each time: what broke it may not hold next time
    assert not cache.exists()


def test_a_new_coach_reads_again(tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, cache = tmp_path / "routines", tmp_path / "cache" / "library.pickle"
    load_library_cached(folder, cache)
    monkeypatch.setattr(startup_cache, "__version__", "999.0")
    startup_cache.code_key.cache_clear()  # worked out once a process: as a new process would
    try:
        load_library_cached(folder, cache)
    finally:
        startup_cache.code_key.cache_clear()
    assert len(reads) == 2


def test_an_edited_checker_reads_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key holds every file of the coach package (and PyYAML's): a copy of
    it with one file touched gives another key."""
    held = repr(startup_cache.code_key())
    for name in ("routine_checker.py", "model.py", "poses.yaml", "routines.py"):
        assert f"/coach/{name}'" in held, name
    assert "/yaml/__init__.py'" in held
    package = tmp_path / "coach"
    package.mkdir()
    for name in ("routine_checker.py", "model.py", "poses.yaml"):
        (package / name).write_text("# " + name)
    before = startup_cache.folder_key(package, (".py", ".yaml"))
    (package / "routine_checker.py").write_text("# a new rule")
    assert startup_cache.folder_key(package, (".py", ".yaml")) != before


@pytest.mark.parametrize("harm", ["garbage", "truncated", "not a pair", "group writable", "a folder", "a symlink"])
def test_a_cache_that_is_not_sound_is_never_believed(tmp_path: Path, reads: list[str], harm: str) -> None:
    folder, cache = tmp_path / "routines", tmp_path / "cache" / "library.pickle"
    write(folder, "mine.yaml", GOOD.format(id="mine", title="Mine"))
    load_library_cached(folder, cache)
    good = cache.read_bytes()
    if harm == "garbage":
        cache.write_bytes(b"\x00not a pickle")
    elif harm == "truncated":
        cache.write_bytes(good[: len(good) // 2])
    elif harm == "not a pair":
        cache.write_bytes(pickle.dumps(["a list"]))
    elif harm == "group writable":
        cache.chmod(0o620)
    elif harm == "a folder":
        cache.unlink()
        cache.mkdir()
    elif harm == "a symlink":
        target = tmp_path / "elsewhere.pickle"
        target.write_bytes(good)
        cache.unlink()
        cache.symlink_to(target)
    library = load_library_cached(folder, cache)
    assert len(reads) == 2  # read from the files
    assert library == load_library(folder)


def test_a_cache_folder_that_cannot_be_written_is_no_cache(tmp_path: Path, reads: list[str]) -> None:
    folder = tmp_path / "routines"
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    library = load_library_cached(folder, blocked / "library.pickle")
    assert library == load_library(folder) and reads == [str(folder)]


def test_settings_are_cached_only_without_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import coach.config as config

    seen: list[Path] = []
    real = config.load_config

    def counting(path: Path, known_bindings=()):  # type: ignore[no-untyped-def]
        seen.append(path)
        return real(path, known_bindings)

    monkeypatch.setattr(config, "load_config", counting)
    path, cache = tmp_path / "config.yaml", tmp_path / "cache" / "config.pickle"
    path.write_text("cues:\n  bell: false\n")
    assert load_config_cached(path, cache).config.bell is False
    assert load_config_cached(path, cache) == load_config(path)
    assert len(seen) == 1
    path.write_text("cues:\n  bell: maybe\n")  # a mistake: said at every start, so read every start
    assert load_config_cached(path, cache).problems
    assert load_config_cached(path, cache).problems
    assert len(seen) == 3
    path.write_text("cues:\n  bell: true\n")
    assert load_config_cached(path, cache, known_bindings=("home.start",)).config.bell is True
    assert load_config_cached(path, cache, known_bindings=("home.start", "home.edit")).config.bell is True
    assert len(seen) == 5  # other binding ids: another key


def test_the_app_s_start_up_does_not_load_the_yaml_reader_when_the_cache_answers(tmp_path: Path) -> None:
    """What the cache is for: a start-up served from it imports neither YAML
    nor the routine checker. (Nor, before the first frame, the history's store:
    the app starts it after that frame.)"""
    env = {**os.environ, "COACH_HOME": str(tmp_path)}
    config = tmp_path / "config.yaml"
    config.write_text("cues:\n  bell: false\n")
    os.utime(config, (1_700_000_000, 1_700_000_000))  # written long ago, as a person's settings are
    probe = ("import sys; from coach.paths import resolve_paths; from screens.app import make_app; "
             "import screens.home; app = make_app(resolve_paths()); app.services.sit.close(); "
             "print(sorted(m for m in ('yaml', 'coach.yamlsafe', 'coach.routine_checker', 'coach.routines', "
             "'coach.store', 'coach.engine', 'coach.recorder') if m in sys.modules))")
    first = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    second = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "yaml" in first.stdout  # the first start reads the files
    assert second.stdout.strip() == "[]"


def test_a_file_changed_moments_ago_is_not_trusted_yet(tmp_path: Path, reads: list[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Within one tick of the file system's clock, an edit of the same size
    leaves every stat as it was: what was read from a file changed in the last
    two seconds is not kept."""
    monkeypatch.setattr(startup_cache, "SETTLE_NS", 2_000_000_000)
    folder, cache = tmp_path / "routines", tmp_path / "cache" / "library.pickle"
    path = write(folder, "mine.yaml", GOOD.format(id="mine", title="Mine"))
    load_library_cached(folder, cache)
    assert not cache.exists()
    os.utime(path, (1_700_000_000, 1_700_000_000))
    os.utime(folder, (1_700_000_000, 1_700_000_000))
    load_library_cached(folder, cache)
    load_library_cached(folder, cache)
    assert cache.exists() and len(reads) == 2  # kept once it had settled, then used


def test_a_pickle_that_would_run_code_is_refused(tmp_path: Path, reads: list[str]) -> None:
    """A cache copied from elsewhere (a shared COACH_HOME, an unpacked archive)
    is the user's file but not the user's content: loading it builds Coach's
    own dataclasses and enums, never calls anything else."""
    folder, cache = tmp_path / "routines", tmp_path / "cache" / "library.pickle"
    write(folder, "mine.yaml", GOOD.format(id="mine", title="Mine"))
    load_library_cached(folder, cache)
    key = pickle.loads(cache.read_bytes())  # the key comes first: this cache matches it
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, (f"touch {marker}",))

    cache.write_bytes(pickle.dumps(key) + pickle.dumps(Payload()))
    cache.chmod(0o600)
    library = load_library_cached(folder, cache)
    assert not marker.exists()
    assert library == load_library(folder) and len(reads) == 2
    cache.write_bytes(pickle.dumps(Payload()))  # and in the key's place
    cache.chmod(0o600)
    load_library_cached(folder, cache)
    assert not marker.exists()
