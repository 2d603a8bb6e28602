"""Text from routines never becomes an option of a program Coach starts
(issue 14): speech, notifications and the editor."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.authoring import Editor
from coach.desktop import notification_command
from coach.voice import speak

HOSTILE = "-wsome-file.wav"


def recorder(folder: Path, name: str) -> Path:
    """A program called ``name`` that logs each argument and its stdin."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{name}.log"
    script = folder / name
    script.write_text(f'#!/bin/sh\nfor a in "$@"; do echo "arg:$a" >> "{log}"; done\n'
                      f'while IFS= read -r line; do echo "stdin:$line" >> "{log}"; done\n')
    script.chmod(0o755)
    return log


@pytest.mark.parametrize("name", ["espeak-ng", "espeak", "spd-say"])
def test_known_speech_programs_get_the_text_after_dash_dash(tmp_path: Path, name: str) -> None:
    log = recorder(tmp_path, name)
    speak((str(tmp_path / name), "-s", "150"), HOSTILE).wait(5)
    assert log.read_text().splitlines() == ["arg:-s", "arg:150", "arg:--", f"arg:{HOSTILE}"]


@pytest.mark.parametrize("name", ["say", "my-tts", "festival"])
def test_any_other_speech_program_gets_the_text_on_stdin(tmp_path: Path, name: str) -> None:
    log = recorder(tmp_path, name)
    speak((str(tmp_path / name), "-v", "Alex"), HOSTILE).wait(5)
    assert log.read_text().splitlines() == ["arg:-v", "arg:Alex", f"stdin:{HOSTILE}"]


def test_notify_send_ends_its_options_before_the_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    recorder(tmp_path, "notify-send")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    command = notification_command(HOSTILE, HOSTILE)
    assert command is not None and command[command.index("--") + 1:] == [HOSTILE, HOSTILE]


def test_the_editor_gets_an_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for line in (None, 3):
        for argv in (("vi",), ("code", "--wait"), ("nano",)):
            command = Editor(argv).command(Path("-rf.yaml"), line)
            assert not any(part.startswith("-rf") for part in command)
            assert any(part.startswith(str(tmp_path / "-rf.yaml")) for part in command)
