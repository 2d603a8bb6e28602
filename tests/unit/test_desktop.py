"""Desktop notifications: used when notify-send exists, silently skipped when not."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from coach.desktop import notify_desktop


def test_notify_send_gets_title_and_body_as_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "calls.txt"
    fake = tmp_path / "notify-send"
    fake.write_text(f'#!/bin/sh\nfor a in "$@"; do echo "$a" >> "{log}"; done\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    monkeypatch.setattr("sys.platform", "linux")
    assert notify_desktop("Time for a break", "You have been sitting for 31m; $(reboot)")
    for _ in range(50):
        if log.exists() and len(log.read_text().splitlines()) >= 4:
            break
        time.sleep(0.05)
    assert log.read_text().splitlines() == ["--app-name=Coach", "--", "Time for a break",
                                            "You have been sitting for 31m; $(reboot)"]


def test_no_notifier_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert notify_desktop("t", "b") is False
