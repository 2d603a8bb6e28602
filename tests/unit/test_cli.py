"""The command line: output, errors, sanitizing, and no Textual import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach import __version__
from coach.cli import main

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's --help / --version / usage errors
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_the_builtins(capsys) -> None:
    code, out, err = run(capsys, "list")
    assert code == 0 and not err
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "CATEGORY", "LENGTH"]
    assert len(lines) >= 13
    assert any(line.startswith("contrast-shower ") and line.rstrip().endswith("10m30s") for line in lines)


def test_list_json(capsys) -> None:
    code, out, _ = run(capsys, "list", "--json")
    data = json.loads(out)
    shower = next(d for d in data if d["id"] == "contrast-shower")
    assert shower["length_seconds"] == 630 and shower["category"] == "therapy" and shower["ok"]


def test_show_contrast_shower_prints_three_rounds_and_total(capsys) -> None:
    code, out, _ = run(capsys, "show", "contrast-shower")
    assert code == 0
    rounds = [line.strip().split(":")[0] for line in out.splitlines() if line.strip().startswith("Round")]
    assert rounds == ["Round 1 of 3", "Round 2 of 3", "Round 3 of 3"]
    assert out.count("[3m]") == 3 and out.count("[30s]") == 3
    assert "Total: 10m30s" in out


def test_show_unknown_routine_is_one_line(capsys) -> None:
    code, out, err = run(capsys, "show", "no-such-thing")
    assert code == 1 and not out
    assert err.count("\n") == 1 and "no routine called 'no-such-thing'" in err


def test_show_a_broken_file_prints_one_line_per_problem(capsys, coach_home: Path) -> None:
    folder = coach_home / "routines"
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text(FIVE_MISTAKES.replace("my-routine", "broken"))
    code, out, err = run(capsys, "show", "broken")
    assert code == 1 and not out
    lines = err.splitlines()
    assert len(lines) >= 5 and all(line.startswith(f"coach: {folder / 'broken.yaml'}:") for line in lines)
    assert "\\x0a" not in err


FIVE_MISTAKES = """\
id: my-routine
title: My routine
summary: Five mistakes.
category: strech
steps:
  - kind: hold
    title: Knee hug
    hold: 1:30
  - kind: timer
    title: Walk
    duraton: 2m
  - kind: therapy
    title: Ice
    modality: cold
    duration: 30m
  - kind: exercise
    title: Bridge
    reps: {min: 8, max: 5}
"""


def test_validate_reports_five_mistakes_and_nothing_else(capsys, tmp_path: Path) -> None:
    path = tmp_path / "my-routine.yaml"
    path.write_text(FIVE_MISTAKES)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert all(line.startswith(f"{path}:") for line in lines)
    located = [line[len(f"{path}:"):].split(": ")[:2] for line in lines]
    # The misspelt 'duraton' is two findings: an unknown key, and no duration.
    assert located == [
        ["4:11", "category"], ["8:11", "steps[0].hold"], ["9:5", "steps[1]"],
        ["11:5", "steps[1].duraton"], ["15:15", "steps[2].duration"], ["18:11", "steps[3].reps"],
    ]


def test_validate_good_files(capsys) -> None:
    files = sorted(str(p) for p in (REPO / "routines").glob("*.yaml"))
    code, out, err = run(capsys, "validate", *files)
    assert code == 0 and not err and out.strip() == f"{len(files)} routine files OK"


def test_validate_without_files_checks_the_user_folder(capsys, coach_home: Path) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0 and "No routine files" in out
    (coach_home / "routines").mkdir(parents=True)
    (coach_home / "routines" / "x.yaml").write_text("id: y\n")
    code, out, err = run(capsys, "validate")
    assert code == 1 and "x.yaml:1:1" in err


def test_validate_missing_file(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and "cannot read the file" in err


def test_text_from_routines_and_file_names_is_sanitized(capsys, coach_home: Path) -> None:
    folder = coach_home / "routines"
    folder.mkdir(parents=True)
    evil_name = folder / "evil\x1b]0;pwned\x07.yaml"
    evil_name.write_text("id: x\n")
    code, out, err = run(capsys, "validate")
    assert "\x1b" not in err and "\x07" not in err and "\\x1b" in err
    code, out, _ = run(capsys, "list")
    assert "\x1b" not in out
    (folder / "rtl\u202etxt.yaml").write_text("id: y\n")
    code, out, _ = run(capsys, "list", "--json")
    assert "\u202e" not in out and "\x1b" not in out
    assert any("rtl\u202etxt.yaml" in entry["path"] for entry in json.loads(out))  # exact once decoded


def test_paths_follow_coach_home(capsys, coach_home: Path) -> None:
    code, out, _ = run(capsys, "paths")
    assert code == 0
    rows = dict(line.split(None, 1) for line in out.splitlines())
    assert rows["config"] == str(coach_home / "config.yaml")
    assert rows["routines"] == str(coach_home / "routines")
    assert rows["history"] == str(coach_home / "history.sqlite3")


def test_schema_is_json(capsys) -> None:
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "steps" in schema["required"]


def test_version_and_help(capsys) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"coach {__version__}"
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "validate" in out and "schema" in out


def test_usage_error_is_one_line_exit_1(capsys) -> None:
    code, out, err = run(capsys, "frobnicate")
    assert code == 1 and err.count("\n") == 1 and "invalid choice" in err


CHECK_NO_TEXTUAL = """
import importlib, pkgutil, sys, io, contextlib
import coach
for info in pkgutil.walk_packages(coach.__path__, "coach."):
    if info.name != "coach.__main__":  # running it is the CLI itself
        importlib.import_module(info.name)
from coach.cli import main
for argv in (["list"], ["list", "--json"], ["validate"], ["show", "desk-break"], ["schema"], ["paths"], ["status"],
             ["doctor"], ["autostart", "status"], ["break", "already"]):
    with contextlib.redirect_stdout(io.StringIO()):
        main(argv)
try:
    with contextlib.redirect_stdout(io.StringIO()):
        main(["--version"])
except SystemExit:
    pass
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich", "screens"))
print("LOADED:" + ",".join(bad))
"""


def test_core_and_plain_commands_never_import_textual(coach_home: Path) -> None:
    result = subprocess.run([sys.executable, "-c", CHECK_NO_TEXTUAL], capture_output=True, text=True, timeout=60,
                            env={"COACH_HOME": str(coach_home), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "LOADED:"
