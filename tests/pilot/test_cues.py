"""Cues at every phase change: the bell, and a voice when one is configured."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pilot_helpers import SIZE, tick

from coach.voice import find_voice_command, speak
from screens.player import PlayerScreen

ROUTINE = """\
id: two-timers
title: Two timers
summary: s
category: stretch
steps:
  - {kind: timer, title: Reach up, duration: 5s}
  - {kind: timer, title: Walk about, duration: 5s}
"""


def fake_speaker(folder: Path) -> Path:
    """An 'espeak-ng' that appends what it was asked to say to a file."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "spoken.txt"
    script = folder / "espeak-ng"
    script.write_text(f'#!/bin/sh\nshift  # the "--"\necho "$*" >> "{log}"\n')
    script.chmod(0o755)
    return log


def test_speak_passes_text_as_one_argument(tmp_path: Path, monkeypatch) -> None:
    log = fake_speaker(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    command = find_voice_command()
    assert command == ("espeak-ng",)
    speak(command, "--help; rm -rf /   and   more").wait()
    assert log.read_text() == "--help; rm -rf / and more\n"


def test_no_voice_program_is_not_an_error(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert find_voice_command() is None
    assert find_voice_command(["my-tts"]) is None


async def test_bell_and_voice_at_each_phase_change(coach_home: Path, tmp_path: Path, build, clock, monkeypatch) -> None:
    log = fake_speaker(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    (coach_home / "routines").mkdir(parents=True)
    (coach_home / "routines" / "two-timers.yaml").write_text(ROUTINE)
    (coach_home / "config.yaml").write_text("cues:\n  bell: true\n  voice: true\n")
    app = build()
    bells = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_routine("two-timers")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        await tick(pilot, clock, 6)
        assert len(bells) == 2
        await tick(pilot, clock, 1)
        assert len(bells) == 2  # no new phase, no new bell
    for _ in range(50):
        if log.exists() and len(log.read_text().splitlines()) >= 2:
            break
        time.sleep(0.05)
    assert log.read_text().splitlines()[:2] == ["Reach up", "Walk about"]
