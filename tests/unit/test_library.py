"""The routine library: built-ins, the user folder, overrides and broken files."""

from __future__ import annotations

from pathlib import Path

from coach.library import BUILTIN, USER, load_library

GOOD = "id: {id}\ntitle: {title}\nsummary: s\ncategory: rest\nsteps:\n  - kind: timer\n    title: Walk\n    duration: 1m\n"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_builtins_load_without_a_user_folder(tmp_path: Path) -> None:
    library = load_library(tmp_path / "missing")
    assert len(library.routines) >= 12
    assert not library.broken
    assert all(e.origin == BUILTIN for e in library.entries)


def test_user_routine_replaces_builtin_and_says_so(tmp_path: Path) -> None:
    write(tmp_path, "desk-break.yaml", GOOD.format(id="desk-break", title="My own break"))
    library = load_library(tmp_path)
    entry = library.get("desk-break")
    assert entry is not None and entry.origin == USER and entry.replaces_builtin
    assert entry.routine.title == "My own break"
    assert [e.id for e in library.entries].count("desk-break") == 1
    assert any("replaces the built-in 'desk-break'" in n for n in library.notices)


def test_broken_file_is_listed_and_others_still_load(tmp_path: Path) -> None:
    write(tmp_path, "mine.yaml", GOOD.format(id="mine", title="Mine"))
    write(tmp_path, "broken.yaml", "id: broken\ntitle: [unclosed\n")
    write(tmp_path, "notes.txt", "not a routine")
    library = load_library(tmp_path)
    assert library.get("mine").ok
    broken = library.get("broken")
    assert broken is not None and not broken.ok and broken.problems
    assert str(broken.problems[0]).startswith(str(tmp_path / "broken.yaml") + ":")
    assert "notes" not in [e.id for e in library.entries]


def test_broken_override_keeps_the_builtin_usable(tmp_path: Path) -> None:
    write(tmp_path, "desk-break.yaml", "id: desk-break\ntitle: x\n")
    library = load_library(tmp_path)
    entry = library.get("desk-break")
    assert entry.ok and entry.origin == BUILTIN
    assert any(e.origin == USER and not e.ok for e in library.entries if e.id == "desk-break")


def test_two_user_files_with_one_id_are_both_errors(tmp_path: Path) -> None:
    write(tmp_path, "twin.yaml", GOOD.format(id="twin", title="One"))
    write(tmp_path, "twin.yml", GOOD.format(id="twin", title="Two"))
    library = load_library(tmp_path)
    twins = [e for e in library.entries if e.id == "twin"]
    assert len(twins) == 2 and not any(e.ok for e in twins)
    assert all("is also the id of" in str(e.problems[-1]) for e in twins)
    assert library.get("twin").ok is False


def test_folder_signature_changes_when_a_routine_file_does(tmp_path) -> None:
    import os

    from coach.library import folder_signature

    assert folder_signature(tmp_path / "missing") == ()
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".hidden.yaml").write_text("x")
    assert folder_signature(tmp_path) == ()
    (tmp_path / "a.yaml").write_text("id: a\n")
    first = folder_signature(tmp_path)
    assert [name for name, *_ in first] == ["a.yaml"]
    os.utime(tmp_path / "a.yaml", ns=(1, 1))
    assert folder_signature(tmp_path) != first
    (tmp_path / "b.yml").write_text("id: b\n")
    assert [name for name, *_ in folder_signature(tmp_path)] == ["a.yaml", "b.yml"]
    (tmp_path / "a.yaml").unlink()
    assert [name for name, *_ in folder_signature(tmp_path)] == ["b.yml"]
