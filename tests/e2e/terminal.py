"""Run the installed ``coach`` in a real pseudo-terminal and read its screen with pyte."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte


def coach_command() -> str:
    """The installed console script next to this interpreter (or on PATH)."""
    beside = Path(sys.executable).parent / "coach"
    found = str(beside) if beside.exists() else shutil.which("coach")
    assert found, "the coach command is not installed"
    return found


class Terminal:
    """A pty running one command, with a pyte screen fed from its output."""

    def __init__(self, args: list[str], env: dict[str, str], columns: int = 100, lines: int = 30) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self.history: list[str] = []

    def read(self, timeout: float = 0.1) -> None:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                return
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read(0.1)
            shown = self.text()
            self.history.append(shown)
            if needle in shown:
                return shown
        raise AssertionError(f"{needle!r} did not appear; the screen shows:\n{self.text()}")

    def wait_exit(self, timeout: float) -> int:
        """Wait for the program to end, reading its output all the while: an
        unread pty fills, Textual's writer blocks on it, and the app cannot
        finish shutting down (a real terminal always reads)."""
        deadline = time.monotonic() + timeout
        while True:
            code = self.process.poll()
            if code is not None:
                return code
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(self.process.args, timeout)
            self.read(min(left, 0.1))

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        os.close(self.master)
        return code


def app_env(coach_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "PYTEST"))}
    env.update(COACH_HOME=str(coach_home), TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8")
    return env
