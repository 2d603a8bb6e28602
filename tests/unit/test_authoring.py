"""`coach new` and `coach edit`, with a fake editor that writes known content."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from coach.authoring import SCHEMA_FILE, SCHEMA_LINE, Editor, find_editor
from coach.cli import main
from coach.library import load_library
from coach.paths import resolve_paths
from coach.routines import read_routine_file

GOOD = """\
format: 1
id: {id}
title: Physio plan
summary: Three exercises from my physiotherapist.
category: stretch
steps:
  - kind: hold
    title: Knee to chest
    sides: both
    reps: 2
    hold: 10s
"""
BROKEN = GOOD.replace("hold: 10s", "hold: 10 seconds")  # line 11: not a duration

FAKE_EDITOR = """\
#!{python}
# Each run: log argv, then replace the file with the next prepared content.
import json, pathlib, sys
folder = pathlib.Path({folder!r})
log = folder / "log.json"
calls = json.loads(log.read_text()) if log.exists() else []
calls.append(sys.argv[1:])
log.write_text(json.dumps(calls))
contents = sorted(folder.glob("edit-*.yaml"))
if len(calls) <= len(contents):
    pathlib.Path(sys.argv[-1]).write_text(contents[len(calls) - 1].read_text())
"""


def run(capsys, *args: str, stdin: str = "") -> tuple[int, str, str]:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fake 'vim' (so it is given +LINE) that writes edit-1.yaml, edit-2.yaml... in turn."""
    folder = tmp_path / "fake-editor"
    folder.mkdir()
    script = folder / "vim"
    script.write_text(FAKE_EDITOR.format(python=sys.executable, folder=str(folder)))
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)

    class Fake:
        def edits(self, *texts: str) -> None:
            for n, text in enumerate(texts, start=1):
                (folder / f"edit-{n}.yaml").write_text(text)

        @property
        def calls(self) -> list[list[str]]:
            log = folder / "log.json"
            return json.loads(log.read_text()) if log.exists() else []

    return Fake()


def test_new_writes_a_valid_template_with_the_schema_beside_it(capsys, coach_home: Path) -> None:
    code, out, err = run(capsys, "new", "my-physio-plan")
    folder = resolve_paths().routines_dir
    path = folder / "my-physio-plan.yaml"
    assert code == 0 and out == f"{path}\n" and "coach edit my-physio-plan" in err
    text = path.read_text()
    assert text.splitlines()[0] == SCHEMA_LINE == f"# yaml-language-server: $schema=./{SCHEMA_FILE}"
    assert json.loads((folder / SCHEMA_FILE).read_text())["$schema"].startswith("https://json-schema.org/")
    routine = read_routine_file(path)
    assert routine.id == "my-physio-plan"
    assert load_library(folder).get("my-physio-plan").ok


def test_new_from_a_routine_copies_it_under_the_new_id(capsys, coach_home: Path) -> None:
    code, out, _ = run(capsys, "new", "my-desk-break", "--from", "desk-break")
    path = Path(out.strip())
    assert code == 0
    routine = read_routine_file(path)
    original = load_library(None).get("desk-break").routine
    assert routine.id == "my-desk-break"
    assert [s.title for s in routine.steps] == [s.title for s in original.steps]
    assert (routine.title, routine.length) == (original.title, original.length)
    assert path.read_text().startswith(SCHEMA_LINE + "\n")


@pytest.mark.parametrize(("new_id", "message"), [
    ("desk-break", "'desk-break' is already the id of a built-in routine"),
    ("My Plan", "'My Plan' is not a valid id"),
    ("plan--two", "'plan--two' is not a valid id"),
])
def test_new_refuses_taken_or_malformed_ids(capsys, coach_home: Path, new_id: str, message: str) -> None:
    code, out, err = run(capsys, "new", new_id)
    assert code == 1 and out == "" and err.startswith(f"coach: {message}") and len(err.splitlines()) == 1
    assert not any(resolve_paths().routines_dir.glob("*.yaml")) if resolve_paths().routines_dir.exists() else True


def test_new_refuses_an_existing_file(capsys, coach_home: Path) -> None:
    assert run(capsys, "new", "mine")[0] == 0
    before = (resolve_paths().routines_dir / "mine.yaml").read_text()
    code, _, err = run(capsys, "new", "mine")
    assert code == 1 and "mine.yaml already exists" in err
    assert (resolve_paths().routines_dir / "mine.yaml").read_text() == before
    code, _, err = run(capsys, "new", "other", "--from", "nope")
    assert code == 1 and "no routine called 'nope'" in err


def test_edit_checks_and_reopens_at_the_first_problem_until_it_is_right(capsys, coach_home, editor) -> None:
    run(capsys, "new", "physio")
    path = resolve_paths().routines_dir / "physio.yaml"
    editor.edits(BROKEN.format(id="physio"), GOOD.format(id="physio"))
    code, out, err = run(capsys, "edit", "physio", stdin="\n")  # enter: yes, reopen
    assert code == 0
    assert out == f"{path}: ok (Physio plan, 55s)\n"
    assert f"{path}:11:11: steps[0].hold:" in err and "Open it again at line 11? [Y/n]" in err
    assert editor.calls == [[str(path)], ["+11", str(path)]]
    assert read_routine_file(path).title == "Physio plan"


def test_edit_declined_keeps_the_file_and_says_so(capsys, coach_home, editor) -> None:
    run(capsys, "new", "physio")
    path = resolve_paths().routines_dir / "physio.yaml"
    editor.edits(BROKEN.format(id="physio"))
    code, out, err = run(capsys, "edit", "physio", stdin="n\n")
    assert code == 1 and out == ""
    assert "still has problems" in err and path.read_text() == BROKEN.format(id="physio")
    assert len(editor.calls) == 1
    # End of input (not a terminal, nothing typed) is a no, not a loop.
    editor.edits(BROKEN.format(id="physio"), BROKEN.format(id="physio"))
    code, _, _ = run(capsys, "edit", "physio", stdin="")
    assert code == 1


def test_edit_a_builtin_copies_it_first(capsys, coach_home, editor) -> None:
    editor.edits(GOOD.format(id="desk-break").replace("Physio plan", "My desk break"))
    code, out, err = run(capsys, "edit", "desk-break")
    path = resolve_paths().routines_dir / "desk-break.yaml"
    assert code == 0 and f"copied the built-in 'desk-break' to {path}; your copy replaces it" in err
    assert editor.calls == [[str(path)]]
    entry = load_library(resolve_paths().routines_dir).get("desk-break")
    assert entry.replaces_builtin and entry.routine.title == "My desk break"


def test_edit_errors_are_one_line(capsys, coach_home, monkeypatch) -> None:
    code, _, err = run(capsys, "edit", "no-such-routine")
    assert code == 1 and "no routine called 'no-such-routine'" in err
    run(capsys, "new", "physio")
    monkeypatch.setenv("EDITOR", "/no/such/editor")
    code, _, err = run(capsys, "edit", "physio")
    assert code == 1 and err.startswith("coach: cannot run the editor '/no/such/editor'")
    assert len(err.splitlines()) == 1


def test_editor_choice_and_line_arguments(monkeypatch) -> None:
    assert find_editor({"VISUAL": "code -w", "EDITOR": "nano"}).argv == ("code", "-w")
    assert find_editor({"EDITOR": "nano"}).argv == ("nano",)
    monkeypatch.chdir("/tmp")
    assert Editor(("nano",)).command(Path("r.yaml"), 7) == ["nano", "+7", "/tmp/r.yaml"]
    assert Editor(("code", "-w")).command(Path("r.yaml"), 7) == ["code", "-w", "--goto", "/tmp/r.yaml:7"]
    assert Editor(("gedit",)).command(Path("r.yaml"), 7) == ["gedit", "/tmp/r.yaml"]
    assert Editor(("/usr/bin/vim",)).command(Path("/x/r.yaml")) == ["/usr/bin/vim", "/x/r.yaml"]


# --- the app editor's target (coach.authoring.EditTarget) -----------------------


def test_a_built_in_with_a_user_file_of_its_id_opens_the_user_file(coach_home: Path) -> None:
    from coach.authoring import copy_builtin, edit_target

    folder = resolve_paths().routines_dir
    folder.mkdir(parents=True)
    (folder / "ice-pack.yaml").write_text("id: ice-pack\ntitle: [mine, broken\n")
    builtin = next(e for e in load_library(None).entries if e.id == "ice-pack")
    target = edit_target(builtin, folder)
    assert not target.from_builtin and target.text == "id: ice-pack\ntitle: [mine, broken\n"
    assert copy_builtin(builtin, folder) == folder / "ice-pack.yaml"
    assert (folder / "ice-pack.yaml").read_text() == "id: ice-pack\ntitle: [mine, broken\n"


def test_crlf_survives_and_is_not_taken_for_a_change_elsewhere(tmp_path: Path) -> None:
    from coach.authoring import edit_target
    from coach.library import USER, LibraryEntry

    path = tmp_path / "physio.yaml"
    path.write_bytes(GOOD.format(id="physio").replace("\n", "\r\n").encode())
    target = edit_target(LibraryEntry("physio", USER, str(path), None), tmp_path)
    assert "\r\n" in target.text and target.on_disk() == target.text
    saved = target.save(target.text.replace("Physio plan", "Plan"))
    assert saved.on_disk() == saved.text and path.read_bytes().count(b"\r\n") == GOOD.count("\n")


def test_saving_through_a_symlink_keeps_the_link_and_the_mode(tmp_path: Path) -> None:
    from coach.authoring import edit_target
    from coach.library import USER, LibraryEntry

    real = tmp_path / "shared" / "physio.yaml"
    real.parent.mkdir()
    real.write_text(GOOD.format(id="physio"))
    real.chmod(0o600)
    folder = tmp_path / "routines"
    folder.mkdir()
    link = folder / "physio.yaml"
    link.symlink_to(real)
    target = edit_target(LibraryEntry("physio", USER, str(link), None), folder)
    target.save(target.text.replace("Physio plan", "Plan"))
    assert link.is_symlink() and "title: Plan" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o600
