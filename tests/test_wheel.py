"""The built wheel ships the routines and the stylesheet, and runs from itself."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_data_and_runs_coach_list(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(dist.glob("coach-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {Path(n).name for n in names if n.startswith("routines/") and n.endswith(".yaml")}
    assert shipped == {p.name for p in (REPO / "routines").glob("*.yaml")}
    assert "screens/coach.tcss" in names
    assert "coach/poses.yaml" in names  # the built-in poses every routine's figures name

    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr
    env = dict(os.environ, PYTHONPATH=str(target), COACH_HOME=str(tmp_path / "home"))
    # Run from elsewhere, so the source tree cannot stand in for the wheel.
    where = subprocess.run([sys.executable, "-c", "import coach, routines; print(coach.__file__); print(routines.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert all(line.startswith(str(target)) for line in where.stdout.split()), where.stdout
    listed = subprocess.run([str(target / "bin" / "coach"), "list"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    ids = {line.split()[0] for line in listed.stdout.splitlines()[1:]}
    assert {p.stem for p in (REPO / "routines").glob("*.yaml")} <= ids
