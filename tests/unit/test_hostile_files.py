"""Files that try to hang Coach or eat its memory: FIFOs, devices, huge or
slow files, and routines whose plan would explode when expanded.

The commands run as real processes with a time bound (a hang fails the test
instead of hanging the suite) and their peak memory is read from wait4."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import saferead
from coach.config import MAX_CONFIG_BYTES, load_config, save_theme
from coach.library import load_library
from coach.model import Range, Sides, Step, StepKind
from coach.routines import MAX_PLAN_PHASES, RoutineError, parse_routine, read_routine_file
from coach.saferead import ReadRefused, read_bounded
from coach.timeline import build_timeline, pass_size

BOMB = """\
id: bomb
title: Nested repeats
summary: Three nested repeats around one exercise.
category: strength
steps:
  - kind: repeat
    times: 20
    steps:
      - kind: repeat
        times: 20
        steps:
          - kind: repeat
            times: 20
            steps:
              - {kind: exercise, title: Squat, reps: 100, sets: 10, sides: alternate}
"""

TIME_BOUND = 15.0  # seconds; the real figures are well under one
MEMORY_BOUND_KB = 150 * 1024  # peak resident size of a whole coach process


# The child reports its own peak (VmHWM belongs to the process image after
# exec; wait4's ru_maxrss would include the forking test process's size).
_CHILD = """\
import sys
from coach.cli import main
try:
    code = main(sys.argv[1:])
finally:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(sys.argv[0] + ".peak", "w") as out:
        out.write(peak)
sys.exit(code)
"""


def run_coach(home: Path, *args: str) -> tuple[int, str, str, float, int]:
    """Run the CLI in a process of its own; (status, stdout, stderr, seconds,
    peak resident KiB). Killed after TIME_BOUND, which fails the test."""
    env = dict(os.environ, COACH_HOME=str(home), NO_COLOR="1")
    script = home.parent / "child.py"
    script.write_text(_CHILD)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, text=True)
    try:
        out, err = proc.communicate(timeout=TIME_BOUND)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"coach {' '.join(args)} hung (killed after {TIME_BOUND} s)")
    elapsed = time.monotonic() - started
    peak = int((home.parent / "child.py.peak").read_text())
    return proc.returncode, out, err, elapsed, peak


# --- every read is bounded ------------------------------------------------------


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(ReadRefused, match="named pipe"):
        read_bounded(fifo, 1024)
    assert time.monotonic() - started < 1.0


def test_a_device_behind_a_link_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(ReadRefused, match="a device"):
        read_bounded(link, 1024)


def test_a_folder_and_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadRefused, match="a folder"):
        read_bounded(tmp_path, 1024)
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "none.yaml", 1024)


def test_a_file_over_the_cap_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2048)
    with pytest.raises(ReadRefused, match="at most 1 KiB"):
        read_bounded(big, 1024)
    assert read_bounded(big, 4096) == b"#" * 2048


def test_a_read_that_never_answers_is_given_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A hung network mount cannot be made here; an os.read that blocks until
    # the test ends stands in for it. The caller must get an answer in time.
    path = tmp_path / "slow.yaml"
    path.write_text("id: x\n")
    release = threading.Event()
    real_read = os.read

    def stuck(fd: int, n: int) -> bytes:
        release.wait(30)
        return real_read(fd, n)

    monkeypatch.setattr(saferead.os, "read", stuck)
    started = time.monotonic()
    try:
        with pytest.raises(ReadRefused, match="did not answer within 0.3 s"):
            read_bounded(path, 1024, timeout=0.3)
        assert time.monotonic() - started < 2.0
    finally:
        release.set()


def test_routine_reader_names_the_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(RoutineError) as caught:
        read_routine_file(fifo)
    (problem,) = caught.value.problems
    assert str(problem) == f"{fifo}:1:1: cannot read the file: is a named pipe (FIFO), not a regular file"


def test_the_library_lists_a_fifo_and_dev_zero_as_broken(coach_home: Path) -> None:
    folder = coach_home / "routines"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    library = load_library(folder)
    broken = {e.id: e.problems[0].message for e in library.broken}
    assert broken == {"pipe": "cannot read the file: is a named pipe (FIFO), not a regular file",
                      "zero": "cannot read the file: is a device, not a regular file"}
    assert library.get("desk-break") is not None and library.get("desk-break").ok


@pytest.mark.parametrize("make", ["fifo", "zero", "huge"])
def test_config_that_is_not_a_settings_file(coach_home: Path, make: str) -> None:
    coach_home.mkdir(parents=True)
    path = coach_home / "config.yaml"
    if make == "fifo":
        os.mkfifo(path)
    elif make == "zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_bytes(b"# " + b"x" * MAX_CONFIG_BYTES + b"\n")
    started = time.monotonic()
    loaded = load_config(path)
    assert time.monotonic() - started < 1.0
    (problem,) = loaded.problems
    assert problem.startswith(f"{path}: cannot read the settings: ") and problem.endswith("using defaults")
    assert loaded.config.bell is True
    assert not save_theme(path, "nord")  # and nothing is written over it
    assert path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_CONFIG_BYTES


@pytest.mark.parametrize("command", [["list"], ["validate"], ["show", "pipe"], ["show", "zero"]])
def test_commands_do_not_hang_on_a_fifo_or_dev_zero(coach_home: Path, command: list[str]) -> None:
    folder = coach_home / "routines"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(coach_home / "config.yaml")
    code, out, err, elapsed, peak = run_coach(coach_home, *command)
    assert peak < MEMORY_BOUND_KB
    if command == ["list"]:
        assert code == 0 and "desk-break" in out and "BROKEN" in out
    else:
        assert code == 1
        assert "not a regular file" in err and "Traceback" not in err


def test_validate_fails_when_it_cannot_read_the_folder(coach_home: Path) -> None:
    coach_home.mkdir(parents=True)
    (coach_home / "routines").write_text("not a folder\n")  # root can read any folder; not this
    code, out, err, _, _ = run_coach(coach_home, "validate")
    assert code == 1 and not out
    assert err.strip() == f"coach: {coach_home / 'routines'}: cannot read the routine folder: Not a directory"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_validate_fails_on_an_unreadable_folder(coach_home: Path) -> None:
    folder = coach_home / "routines"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text("id: a\n")
    folder.chmod(0)
    try:
        code, _, err, _, _ = run_coach(coach_home, "validate")
    finally:
        folder.chmod(0o700)
    assert code == 1 and "cannot read the routine folder: Permission denied" in err


def test_validate_with_no_folder_is_not_an_error(coach_home: Path) -> None:
    code, out, _, _, _ = run_coach(coach_home, "validate")
    assert code == 0 and out.startswith("No routine files")


# --- the plan is bounded before it is built ---------------------------------------


def test_nested_repeats_are_refused_where_the_plan_goes_over(coach_home: Path) -> None:
    with pytest.raises(RoutineError) as caught:
        parse_routine(BOMB, "bomb.yaml", expect_id="bomb")
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "bomb.yaml:15:17: steps[0].steps[0].steps[0].steps[0]: the plan has 31,992,000 phases by here (repeats,"
        " sets, reps and sides multiplied out); a routine may have at most 5,000, so use fewer rounds or reps",
        "bomb.yaml:15:17: steps[0].steps[0].steps[0].steps[0]: the plan lasts 36044h26m40s by here (repeats,"
        " sets, reps and sides multiplied out); a routine may last at most 4h",
    ]


@pytest.mark.parametrize("command", [["validate"], ["list"], ["show", "bomb"]])
def test_the_nested_repeat_file_costs_little_time_and_memory(coach_home: Path, command: list[str]) -> None:
    folder = coach_home / "routines"
    folder.mkdir(parents=True)
    (folder / "bomb.yaml").write_text(BOMB)
    code, out, err, elapsed, peak = run_coach(coach_home, *command)
    assert peak < MEMORY_BOUND_KB, f"{peak} KiB"
    assert "Traceback" not in err
    if command == ["list"]:
        assert code == 0 and "bomb" in out and "BROKEN" in out
    else:
        assert code == 1 and "5,000" in err


def _routine(step_yaml: str) -> str:
    return f"id: r\ntitle: R\nsummary: S.\ncategory: strength\nsteps:\n{step_yaml}"


def test_the_caps_themselves_are_allowed() -> None:
    # 4h exactly is allowed; one second more is not.
    ok = _routine("  - kind: repeat\n    times: 2\n    steps:\n      - {kind: timer, title: T, duration: 2h}\n")
    assert build_timeline(parse_routine(ok, "r.yaml", "r")).total == 4 * 3600
    over = _routine("  - {kind: timer, title: T, duration: 2h}\n  - {kind: timer, title: U, duration: 2h}\n"
                    "  - {kind: timer, title: V, duration: 1s}\n")
    with pytest.raises(RoutineError, match="may last at most 4h"):
        parse_routine(over, "r.yaml", "r")
    # 5,000 phases exactly: 20 x 5 x 50 timers
    fifty = "".join(f"          - {{kind: info, title: I{i}}}\n" for i in range(50))
    edge = _routine("  - kind: repeat\n    times: 20\n    steps:\n      - kind: repeat\n        times: 5\n"
                    "        steps:\n" + fifty)
    assert len(build_timeline(parse_routine(edge, "r.yaml", "r")).phases) == MAX_PLAN_PHASES
    with pytest.raises(RoutineError, match="at most 5,000"):
        parse_routine(edge + "  - {kind: info, title: One more}\n", "r.yaml", "r")


def test_every_builtin_is_measured_exactly() -> None:
    for routine in load_library(None).routines:
        for side in ("left", "right"):
            timeline = build_timeline(routine, side)
            assert _measure(routine.steps) == (len(timeline.phases), timeline.total), routine.id


def _measure(steps: tuple[Step, ...], times: int = 1) -> tuple[int, int]:
    phases = seconds = 0
    for step in steps:
        if step.kind is StepKind.REPEAT:
            p, s = _measure(step.steps, step.times)
        else:
            p, s = pass_size(step)
        phases, seconds = phases + p, seconds + s
    return phases * times, seconds * times


_kinds = st.sampled_from([StepKind.INFO, StepKind.POSITION, StepKind.REST, StepKind.HOLD, StepKind.EXERCISE])


@st.composite
def _steps(draw: st.DrawFn) -> Step:
    kind = draw(_kinds)
    sides = draw(st.sampled_from(list(Sides))) if kind in (StepKind.HOLD, StepKind.EXERCISE) else \
        draw(st.sampled_from([Sides.NONE, Sides.BOTH, Sides.LEFT]))
    if kind in (StepKind.INFO, StepKind.REST):
        sides = Sides.NONE
    low = draw(st.integers(1, 6))
    return Step(kind=kind, title="T", sides=sides, switch_time=draw(st.integers(0, 5)),
                duration=draw(st.integers(1, 90)), hold=draw(st.one_of(st.none(), st.integers(1, 9))),
                reps=Range(low, low + 2), sets=draw(st.integers(1, 3)), pace=draw(st.integers(1, 4)),
                rest_between_reps=draw(st.integers(0, 3)), rest_between_sets=draw(st.integers(0, 9)))


@settings(max_examples=300, deadline=None)
@given(st.lists(_steps(), min_size=1, max_size=4), st.integers(1, 3))
def test_measuring_agrees_with_building(inner: list[Step], times: int) -> None:
    from coach.model import Category, Routine

    inner = [replace(s, hold=3) if s.kind is StepKind.HOLD and s.hold is None else s for s in inner]
    steps = (Step(kind=StepKind.REPEAT, title="", times=times, steps=tuple(inner)),) if times > 1 else tuple(inner)
    routine = Routine(id="r", title="R", summary="S", category=Category.STRENGTH, steps=steps)
    timeline = build_timeline(routine)
    assert _measure(steps) == (len(timeline.phases), timeline.total)


@pytest.mark.parametrize("what", ["fifo", "zero", "wal-fifo"])
def test_a_history_that_is_not_a_file_is_refused_at_once(tmp_path: Path, what: str) -> None:
    from coach.store import StoreError, open_store

    path = tmp_path / "history.sqlite3"
    if what == "fifo":
        os.mkfifo(path)
    elif what == "zero":
        path.symlink_to("/dev/zero")
    else:
        open_store(path).close()
        os.mkfifo(tmp_path / "history.sqlite3-wal")
    started = time.monotonic()
    with pytest.raises(StoreError, match="not a regular file; move it away"):
        open_store(path)
    assert time.monotonic() - started < 1.0
    assert path.exists() or path.is_symlink()  # left where it was


def test_stats_and_export_do_not_hang_on_a_fifo_history(coach_home: Path) -> None:
    coach_home.mkdir(parents=True)
    os.mkfifo(coach_home / "history.sqlite3")
    for command in (["stats"], ["export"]):
        code, out, err, _, _ = run_coach(coach_home, *command)
        assert code == 1 and "named pipe (FIFO), not a regular file" in err and "Traceback" not in err


def test_the_readme_states_the_caps_in_force() -> None:
    from coach.routines import MAX_PLAN_SECONDS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"has at most {MAX_PLAN_PHASES:,} phases and lasts at most {MAX_PLAN_SECONDS // 3600} hours" in \
        " ".join(readme.split())
    assert f"`config.yaml` (at most {MAX_CONFIG_BYTES // 1024} KiB)" in " ".join(readme.split())
    assert f"more than {saferead.READ_TIMEOUT:g} seconds to read" in " ".join(readme.split())
