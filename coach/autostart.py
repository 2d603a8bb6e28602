"""``coach autostart on|off|status``: start ``coach watch`` at login.

Linux: a systemd user unit (``~/.config/systemd/user/coach-watch.service``),
enabled with ``systemctl --user``. macOS: a LaunchAgent
(``~/Library/LaunchAgents/org.coach.watch.plist``) loaded with ``launchctl``.
Programs are run with their arguments as a list, never through a shell, and
the only text that reaches them is a fixed unit name or a path Coach made.
"""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from coach.fileio import atomic_write

UNIT = "coach-watch.service"
LABEL = "org.coach.watch"
TIMEOUT = 20.0


class AutostartError(Exception):
    """Autostart could not be set up; the message says why and what to do."""


@dataclass
class Report:
    """What was done, line by line, for the user."""

    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)


def watch_command(python: str = sys.executable) -> list[str]:
    """The command that starts the watcher: this Python, so a virtualenv is kept."""
    return [python, "-m", "coach", "watch"]


class Autostart:
    """One platform's way of starting ``coach watch`` at login."""

    def __init__(self, environ: Mapping[str, str] | None = None, platform: str = sys.platform,
                 python: str = sys.executable) -> None:
        self.environ = os.environ if environ is None else environ
        self.platform = platform
        self.python = python
        home = self.environ.get("HOME") or str(Path.home())
        self.home = Path(home)

    @property
    def is_mac(self) -> bool:
        return self.platform == "darwin"

    @property
    def path(self) -> Path:
        """The file that autostart writes."""
        if self.is_mac:
            return self.home / "Library" / "LaunchAgents" / f"{LABEL}.plist"
        config = self.environ.get("XDG_CONFIG_HOME") or str(self.home / ".config")
        return Path(config) / "systemd" / "user" / UNIT

    def _program(self, name: str) -> str:
        found = shutil.which(name, path=self.environ.get("PATH"))
        if found is None:
            how = "launchd" if self.is_mac else "a systemd user session"
            raise AutostartError(f"'{name}' was not found, so {how} cannot start coach watch here; "
                                 "run it in a hidden tmux session instead (see the README, 'coach watch')")
        return found

    def _run(self, argv: Sequence[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        try:
            done = subprocess.run(list(argv), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  errors="replace", timeout=TIMEOUT, env=dict(self.environ))
        except subprocess.TimeoutExpired:
            raise AutostartError(f"{Path(argv[0]).name} did not answer within {TIMEOUT:g} s") from None
        except OSError as err:
            raise AutostartError(f"cannot run {Path(argv[0]).name}: {err.strerror or err}") from None
        if check and done.returncode != 0:
            message = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[0][:300]
            raise AutostartError(f"{Path(argv[0]).name} {' '.join(argv[1:3])}: {message}")
        return done

    # --- the file -----------------------------------------------------------------------

    def contents(self) -> str:
        """The unit or plist text for this machine."""
        command = watch_command(self.python)
        coach_home = self.environ.get("COACH_HOME", "").strip()
        if self.is_mac:
            plist: dict[str, object] = {
                "Label": LABEL, "ProgramArguments": command, "RunAtLoad": True,
                "KeepAlive": {"SuccessfulExit": False}, "ProcessType": "Background",
                "StandardOutPath": str(self.home / "Library" / "Logs" / "coach-watch.log"),
                "StandardErrorPath": str(self.home / "Library" / "Logs" / "coach-watch.log"),
            }
            if coach_home:
                plist["EnvironmentVariables"] = {"COACH_HOME": coach_home}
            return plistlib.dumps(plist).decode("utf-8")
        lines = [
            "# Written by 'coach autostart on'; 'coach autostart off' removes it.",
            "[Unit]",
            "Description=Coach sit timer (coach watch)",
            "",
            "[Service]",
            "ExecStart=" + " ".join(_systemd_quote(arg) for arg in command),
            "Restart=on-failure",
            "RestartSec=10",
        ]
        if coach_home:
            lines.append("Environment=" + _systemd_quote(f"COACH_HOME={coach_home}"))
        lines += ["", "[Install]", "WantedBy=default.target", ""]
        return "\n".join(lines)

    # --- on, off, status ---------------------------------------------------------------------

    def on(self) -> Report:
        report = Report()
        program = self._program("launchctl" if self.is_mac else "systemctl")
        atomic_write(self.path, self.contents(), mode=0o644)
        report.say(f"wrote {self.path}")
        if self.is_mac:
            domain = f"gui/{os.getuid()}"
            self._run([program, "bootout", f"{domain}/{LABEL}"], check=False)  # an older copy, if loaded
            self._run([program, "bootstrap", domain, str(self.path)])
            report.say(f"loaded it with: launchctl bootstrap {domain} {self.path}")
        else:
            self._run([program, "--user", "daemon-reload"])
            self._run([program, "--user", "enable", "--now", UNIT])
            report.say(f"started it with: systemctl --user enable --now {UNIT}")
            report.say(f"its log: journalctl --user -u {UNIT}")
        report.say("coach watch now starts at login; undo with: coach autostart off")
        return report

    def off(self) -> Report:
        report = Report()
        program = self._program("launchctl" if self.is_mac else "systemctl")
        if self.is_mac:
            self._run([program, "bootout", f"gui/{os.getuid()}/{LABEL}"], check=False)
        else:
            self._run([program, "--user", "disable", "--now", UNIT], check=False)
        if self.path.exists():
            self.path.unlink()
            report.say(f"removed {self.path}")
        else:
            report.say(f"{self.path} was not there")
        if not self.is_mac:
            self._run([program, "--user", "daemon-reload"], check=False)
        report.say("coach watch no longer starts at login")
        return report

    def status(self) -> Report:
        report = Report()
        if not self.path.exists():
            report.say(f"off: {self.path} does not exist (turn it on with: coach autostart on)")
            return report
        report.say(f"on: {self.path}")
        try:
            program = self._program("launchctl" if self.is_mac else "systemctl")
        except AutostartError as err:
            report.say(str(err))
            return report
        if self.is_mac:
            done = self._run([program, "print", f"gui/{os.getuid()}/{LABEL}"], check=False)
            report.say("loaded in launchd" if done.returncode == 0 else "not loaded in launchd now")
        else:
            done = self._run([program, "--user", "is-active", UNIT], check=False)
            state = done.stdout.strip().splitlines()[0] if done.stdout.strip() else "unknown"
            report.say(f"the service is {_safe(state)}")
        return report


def _systemd_quote(arg: str) -> str:
    """One word of an ExecStart= or Environment= line, quoted for systemd."""
    if "\n" in arg or "\r" in arg:
        raise AutostartError("a path with a line break cannot go into a systemd unit")
    escaped = arg.replace("%", "%%")
    if re.fullmatch(r"[A-Za-z0-9/._+:@=,%-]+", escaped):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"').replace("$", "$$") + '"'


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9 ._-]", "?", text)[:40]
