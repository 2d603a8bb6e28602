"""coach autostart with fake systemctl and launchctl; coach doctor."""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from coach.autostart import LABEL, UNIT, Autostart, AutostartError, _systemd_quote

RECORDER = """#!/bin/sh
for arg in "$@"; do printf '%s|' "$arg" >> "$CALLS"; done
echo >> "$CALLS"
case "$*" in *is-active*) echo active;; esac
exit ${FAKE_EXIT:-0}
"""


@pytest.fixture
def machine(tmp_path: Path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("systemctl", "launchctl"):
        (bin_dir / name).write_text(RECORDER)
        (bin_dir / name).chmod(0o755)
    home = tmp_path / "home dir"  # a space: quoting must hold
    env = {"PATH": str(bin_dir), "HOME": str(home), "CALLS": str(tmp_path / "calls")}

    def calls() -> list[list[str]]:
        path = tmp_path / "calls"
        return [line.split("|")[:-1] for line in path.read_text().splitlines()] if path.exists() else []

    return env, home, calls


def test_systemd_on_status_off(machine) -> None:
    env, home, calls = machine
    auto = Autostart(environ={**env, "COACH_HOME": "/data/my coach$HOME"}, platform="linux",
                     python="/opt/py 3/bin/python")
    report = auto.on()
    unit = home / ".config" / "systemd" / "user" / UNIT
    assert report.lines[0] == f"wrote {unit}" and "coach autostart off" in report.lines[-1]
    text = unit.read_text()
    assert 'ExecStart="/opt/py 3/bin/python" -m coach watch' in text
    assert 'Environment="COACH_HOME=/data/my coach$$HOME"' in text
    assert calls() == [["--user", "daemon-reload"], ["--user", "enable", "--now", UNIT]]
    assert auto.status().lines == [f"on: {unit}", "the service is active"]
    off = auto.off()
    assert not unit.exists() and f"removed {unit}" in off.lines
    assert calls()[3:] == [["--user", "disable", "--now", UNIT], ["--user", "daemon-reload"]]
    assert auto.status().lines[0].startswith("off:")


def test_launch_agent_on_and_off(machine) -> None:
    env, home, calls = machine
    auto = Autostart(environ=env, platform="darwin", python="/usr/bin/python3")
    auto.on()
    plist = plistlib.loads((home / "Library" / "LaunchAgents" / f"{LABEL}.plist").read_bytes())
    assert plist["ProgramArguments"] == ["/usr/bin/python3", "-m", "coach", "watch"] and plist["RunAtLoad"]
    uid = os.getuid()
    assert calls()[-1] == ["bootstrap", f"gui/{uid}", str(home / "Library" / "LaunchAgents" / f"{LABEL}.plist")]
    auto.off()
    assert calls()[-1] == ["bootout", f"gui/{uid}/{LABEL}"]


def test_a_failing_systemctl_is_one_clear_error(machine) -> None:
    env, home, calls = machine
    with pytest.raises(AutostartError, match="systemctl --user daemon-reload: exit status 1"):
        Autostart(environ={**env, "FAKE_EXIT": "1"}, platform="linux").on()


def test_no_systemctl_points_to_the_tmux_way(machine, tmp_path: Path) -> None:
    env, home, calls = machine
    (tmp_path / "empty").mkdir()
    with pytest.raises(AutostartError, match="hidden tmux session"):
        Autostart(environ={**env, "PATH": str(tmp_path / "empty")}, platform="linux").on()


def test_text_never_becomes_an_option_or_a_second_line() -> None:
    assert _systemd_quote("--user") == "--user"  # only ever a value after ExecStart=, never argv
    assert _systemd_quote("/a b/%h") == '"/a b/%%h"'
    with pytest.raises(AutostartError):
        _systemd_quote("/a\nExecStartPre=/bin/rm")


def run_coach(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.slow
def test_coach_autostart_command(machine, coach_home: Path) -> None:
    env, home, calls = machine
    result = run_coach("autostart", "on", env={**env, "COACH_HOME": str(coach_home)})
    assert result.returncode == 0, result.stderr
    assert "wrote " in result.stdout and "undo with: coach autostart off" in result.stdout
    result = run_coach("autostart", "on", env={**env, "COACH_HOME": str(coach_home), "FAKE_EXIT": "1"})
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_coach_doctor_says_what_is_there_and_exits_0(coach_home: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "xprintidle").write_text("#!/bin/sh\necho 61000\n")
    (bin_dir / "xprintidle").chmod(0o755)
    coach_home.mkdir()
    (coach_home / "config.yaml").write_text("cues: {voice: true}\nsitting: {away_sources: [x11, tmux]}\n")
    result = run_coach("doctor", env={"PATH": str(bin_dir), "COACH_HOME": str(coach_home), "DISPLAY": ":9"})
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert "away source x11: in use, idle 1m1s" in lines
    assert "away source tmux: not found (tmux clients' last activity)" in lines
    assert "away source terminals: found, not in use (sitting.away_sources)" in lines
    assert any(line.startswith("speech: no program found") and "nothing will be spoken" in line for line in lines)
    assert "sit timer owner: none (start 'coach watch' or the app)" in lines
    assert f"history: {coach_home / 'history.sqlite3'}" in lines
