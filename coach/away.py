"""Is the person at the computer? Away sources, each best effort.

Each source answers one question the same way (:meth:`AwaySource.read`
returns a :class:`Reading`: seconds since the last input, and whether the
screen is locked; None where it cannot tell) and raises :class:`SourceError`
when it fails. The sit timer takes them together (:func:`combine`): the
person is away when any source says locked, or when every source that could
tell says idle for ``sitting.away_after``.

Sources call small programs (``tmux``, ``loginctl``, ``gdbus``,
``xprintidle``, ``ioreg``) with a timeout, or read terminal devices' access
times in-process. :class:`AwayWatcher` polls them on its own thread every
10-30 s, so a slow or broken source never stalls a screen or the watcher.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.sitting import Presence, SitSettings

TIMEOUT = 2.0  # seconds any one source may take
SOURCE_NAMES = ("tmux", "terminals", "logind", "gnome", "screensaver", "x11", "macos")


class SourceError(Exception):
    """A source failed this time (a timeout, an error, output it cannot read)."""


@dataclass(frozen=True)
class Reading:
    """What one source says: idle seconds and locked, each None when it cannot tell."""

    idle: float | None = None
    locked: bool | None = None


Runner = Callable[[Sequence[str], float], str]


def run_command(argv: Sequence[str], timeout: float) -> str:
    """Run a program (arguments as a list, never through a shell); its stdout.
    A timeout, a failure to start or a non-zero exit is a SourceError."""
    try:
        done = subprocess.run(list(argv), stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                              text=True, errors="replace", start_new_session=True)
    except subprocess.TimeoutExpired:
        raise SourceError(f"no answer within {timeout:g} s") from None
    except OSError as err:
        raise SourceError(f"cannot run {Path(argv[0]).name}: {err.strerror or err}") from None
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[0][:200]
        raise SourceError(first)
    return done.stdout[:65536]


class AwaySource:
    """One way of telling whether the person is there."""

    name = ""
    description = ""

    def found(self) -> bool:
        """Whether this machine offers it at all (cheap: no program is run)."""
        raise NotImplementedError

    def read(self) -> Reading:
        """Read it now; raises SourceError when it fails."""
        raise NotImplementedError


class _CommandSource(AwaySource):
    program = ""

    def __init__(self, runner: Runner = run_command, environ: Mapping[str, str] | None = None,
                 timeout: float = TIMEOUT) -> None:
        self.runner = runner
        self.environ = os.environ if environ is None else environ
        self.timeout = timeout

    def _path(self) -> str | None:
        return shutil.which(self.program, path=self.environ.get("PATH"))

    def found(self) -> bool:
        return self._path() is not None

    def _run(self, *args: str) -> str:
        path = self._path()
        if path is None:
            raise SourceError(f"{self.program} is not installed")
        return self.runner([path, *args], self.timeout)


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SourceError(f"cannot read {what} from {text[:40]!r}") from None
    if not 0 <= value < 1e15:
        raise SourceError(f"{what} out of range: {text[:40]!r}")
    return value


class TmuxSource(_CommandSource):
    """The last key typed in any of the user's tmux clients (over SSH too)."""

    name, program = "tmux", "tmux"
    description = "tmux clients' last activity"

    def __init__(self, runner: Runner = run_command, environ: Mapping[str, str] | None = None,
                 timeout: float = TIMEOUT, now: Callable[[], float] = time.time) -> None:
        super().__init__(runner, environ, timeout)
        self.now = now

    def server_socket(self) -> str:
        """Where the tmux server this source asks listens: $TMUX's, else the
        default one (``$TMUX_TMPDIR`` or /tmp, ``tmux-UID/default``)."""
        inside = self.environ.get("TMUX", "")
        if inside:
            return inside.split(",", 1)[0]
        uid = os.getuid() if hasattr(os, "getuid") else 0
        return os.path.join(self.environ.get("TMUX_TMPDIR") or "/tmp", f"tmux-{uid}", "default")

    def read(self) -> Reading:
        if not os.path.exists(self.server_socket()):
            return Reading()  # no tmux server: nothing to say, and no program started to learn it
        try:
            out = self._run("list-clients", "-F", "#{client_activity}")
        except SourceError as err:
            if "no server running" in str(err) or "error connecting" in str(err):
                return Reading()  # no tmux running: nothing to say
            raise
        stamps = [_number(line.strip(), "client activity") for line in out.splitlines() if line.strip()]
        if not stamps:
            return Reading()
        return Reading(idle=max(0.0, self.now() - max(stamps)))


class TerminalsSource(AwaySource):
    """The access times of the user's terminal devices: what ``w`` shows as IDLE."""

    name = "terminals"
    description = "terminal devices' last input (console, SSH)"

    def __init__(self, dev: Path = Path("/dev"), uid: int | None = None,
                 now: Callable[[], float] = time.time) -> None:
        self.dev = dev
        self.uid = os.getuid() if uid is None and hasattr(os, "getuid") else uid
        self.now = now

    def _devices(self) -> list[Path]:
        found: list[Path] = []
        pts = self.dev / "pts"
        try:
            if pts.is_dir():
                found += [p for p in pts.iterdir() if p.name.isdigit()]
            found += [p for p in self.dev.iterdir() if re.fullmatch(r"tty[0-9]+", p.name)]
        except OSError:
            pass
        return found

    def found(self) -> bool:
        return sys.platform != "win32" and (self.dev / "pts").is_dir()

    def read(self) -> Reading:
        latest: float | None = None
        for device in self._devices():
            try:
                info = device.stat()
            except OSError:
                continue
            if self.uid is not None and info.st_uid != self.uid:
                continue
            latest = info.st_atime if latest is None else max(latest, info.st_atime)
        if latest is None:
            return Reading()
        return Reading(idle=max(0.0, self.now() - latest))


class LogindSource(_CommandSource):
    """systemd-logind: the graphical session's LockedHint and IdleHint."""

    name, program = "logind", "loginctl"
    description = "logind session lock and idle hints"

    def __init__(self, runner: Runner = run_command, environ: Mapping[str, str] | None = None,
                 timeout: float = TIMEOUT, monotonic: Callable[[], float] = time.monotonic,
                 systemd_dir: Path = Path("/run/systemd/system")) -> None:
        super().__init__(runner, environ, timeout)
        self.monotonic = monotonic
        self.systemd_dir = systemd_dir
        self._session: str | None = None

    def found(self) -> bool:
        return super().found() and self.systemd_dir.is_dir()  # booted with systemd (sd_booted)

    def _session_id(self) -> str:
        if self._session is None:
            session = self.environ.get("XDG_SESSION_ID", "").strip()
            if not session:
                uid = str(os.getuid()) if hasattr(os, "getuid") else ""
                session = self._run("show-user", uid, "--property=Display", "--value").strip()
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", session):
                raise SourceError("no graphical session found")
            self._session = session
        return self._session

    def read(self) -> Reading:
        out = self._run("show-session", self._session_id(), "--property=LockedHint", "--property=IdleHint",
                        "--property=IdleSinceHintMonotonic")
        values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        if "LockedHint" not in values or values["LockedHint"] not in ("yes", "no"):
            raise SourceError(f"unexpected answer: {out.strip()[:60]!r}")
        idle = None
        # Many desktops never set IdleHint, so "no" says nothing; only "yes" is believed.
        if values.get("IdleHint") == "yes":
            since = _number(values.get("IdleSinceHintMonotonic", ""), "IdleSinceHintMonotonic") / 1e6
            idle = max(0.0, self.monotonic() - since) if since > 0 else None
        return Reading(idle=idle, locked=values["LockedHint"] == "yes")


_GVARIANT_NUMBER = re.compile(r"^\((?:u?int(?:32|64) )?(\d+),\)$")
_GVARIANT_BOOL = re.compile(r"^\((true|false),\)$")


class _BusSource(_CommandSource):
    program = "gdbus"

    def found(self) -> bool:
        return super().found() and bool(self.environ.get("DBUS_SESSION_BUS_ADDRESS"))

    def _call(self, dest: str, path: str, method: str) -> str:
        return self._run("call", "--session", "--dest", dest, "--object-path", path, "--method", method).strip()

    @staticmethod
    def _number(out: str, what: str) -> float:
        match = _GVARIANT_NUMBER.match(out)
        if match is None:
            raise SourceError(f"cannot read {what} from {out[:40]!r}")
        return float(match.group(1))

    @staticmethod
    def _bool(out: str, what: str) -> bool:
        match = _GVARIANT_BOOL.match(out)
        if match is None:
            raise SourceError(f"cannot read {what} from {out[:40]!r}")
        return match.group(1) == "true"


class GnomeSource(_BusSource):
    """GNOME: Mutter's idle monitor, and GNOME's screen shield for the lock."""

    name = "gnome"
    description = "GNOME idle monitor and screen lock (D-Bus)"

    def read(self) -> Reading:
        idle_ms = self._number(self._call("org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core",
                                          "org.gnome.Mutter.IdleMonitor.GetIdletime"), "idle time")
        try:
            locked: bool | None = self._bool(self._call("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver",
                                                        "org.gnome.ScreenSaver.GetActive"), "lock")
        except SourceError:
            locked = None
        return Reading(idle=idle_ms / 1000, locked=locked)


class ScreenSaverSource(_BusSource):
    """org.freedesktop.ScreenSaver (KDE and others): active (locked) and session idle time."""

    name = "screensaver"
    description = "org.freedesktop.ScreenSaver (KDE and others, D-Bus)"
    DEST, PATH = "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"

    def read(self) -> Reading:
        locked = self._bool(self._call(self.DEST, self.PATH, "org.freedesktop.ScreenSaver.GetActive"), "active")
        try:
            idle: float | None = self._number(
                self._call(self.DEST, self.PATH, "org.freedesktop.ScreenSaver.GetSessionIdleTime"), "idle time")
        except SourceError:
            idle = None  # not every implementation has it
        return Reading(idle=idle, locked=locked)


class X11Source(_CommandSource):
    """The X11 screensaver extension's idle time, through xprintidle."""

    name, program = "x11", "xprintidle"
    description = "X11 idle time (xprintidle)"

    def found(self) -> bool:
        return super().found() and bool(self.environ.get("DISPLAY"))

    def read(self) -> Reading:
        return Reading(idle=_number(self._run().strip(), "idle milliseconds") / 1000)


class MacSource(_CommandSource):
    """macOS: HIDIdleTime from the I/O registry (nanoseconds since the last
    input), and the console session's CGSSessionScreenIsLocked for the lock."""

    name, program = "macos", "ioreg"
    description = "macOS HIDIdleTime and screen lock (ioreg)"

    def __init__(self, runner: Runner = run_command, environ: Mapping[str, str] | None = None,
                 timeout: float = TIMEOUT, platform: str = sys.platform) -> None:
        super().__init__(runner, environ, timeout)
        self.platform = platform

    def found(self) -> bool:
        return self.platform == "darwin" and super().found()

    def read(self) -> Reading:
        out = self._run("-c", "IOHIDSystem", "-d", "4", "-r", "-k", "HIDIdleTime")
        match = re.search(r'"HIDIdleTime"\s*=\s*(\d+)', out)
        if match is None:
            raise SourceError("no HIDIdleTime in the answer")
        idle = _number(match.group(1), "HIDIdleTime") / 1e9
        locked: bool | None = None
        try:
            root = self._run("-n", "Root", "-d", "1")
        except SourceError:
            root = ""
        if "IOConsoleUsers" in root:
            locked = re.search(r'"CGSSessionScreenIsLocked"\s*=\s*Yes', root) is not None
        return Reading(idle=idle, locked=locked)


def all_sources(environ: Mapping[str, str] | None = None, runner: Runner = run_command) -> list[AwaySource]:
    """Every kind of source, found or not, in SOURCE_NAMES order."""
    return [TmuxSource(runner, environ), TerminalsSource(), LogindSource(runner, environ),
            GnomeSource(runner, environ), ScreenSaverSource(runner, environ), X11Source(runner, environ),
            MacSource(runner, environ)]


def chosen_sources(settings: SitSettings, sources: list[AwaySource] | None = None) -> list[AwaySource]:
    """The sources in use: those found, narrowed by ``sitting.away_sources``."""
    sources = all_sources() if sources is None else sources
    wanted = settings.away_sources
    return [s for s in sources if (wanted is None or s.name in wanted) and s.found()]


@dataclass(frozen=True)
class SourceState:
    """A source's last reading or failure, for ``coach doctor``."""

    name: str
    reading: Reading | None
    problem: str | None


def read_sources(sources: Sequence[AwaySource]) -> list[SourceState]:
    """Read each once; a failure is kept as its message, never raised."""
    states = []
    for source in sources:
        try:
            states.append(SourceState(source.name, source.read(), None))
        except SourceError as err:
            states.append(SourceState(source.name, None, str(err)))
        except Exception as err:  # a source must never take the timer down
            states.append(SourceState(source.name, None, f"failed: {type(err).__name__}"))
    return states


def combine(states: Sequence[SourceState]) -> Presence | None:
    """Locked if any source says so; idle is the least idle time any source
    gives (every one must say idle). None when no source could say anything."""
    readings = [s.reading for s in states if s.reading is not None]
    idles = [r.idle for r in readings if r.idle is not None]
    locks = [r.locked for r in readings if r.locked is not None]
    if not idles and not locks:
        return None
    return Presence(locked=any(locks), idle=min(idles) if idles else None)


class AwayWatcher:
    """Polls the chosen sources on a thread of its own; :meth:`latest` is instant."""

    def __init__(self, sources: Sequence[AwaySource], interval: float = 15.0) -> None:
        if not 1.0 <= interval <= 60.0:
            raise ValueError("interval must be 1 to 60 seconds")
        self.sources = list(sources)
        self.interval = interval
        self._latest: Presence | None = None
        self.states: list[SourceState] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="coach-away", daemon=True)

    def start(self) -> AwayWatcher:
        self._thread.start()
        return self

    def latest(self) -> Presence | None:
        """The last combined reading (None: nothing known)."""
        return self._latest

    def poll_once(self) -> Presence | None:
        self.states = read_sources(self.sources)
        self._latest = combine(self.states)
        return self._latest

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_once()
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()


def start_away_watcher(settings: SitSettings, interval: float = 15.0,
                       sources: list[AwaySource] | None = None) -> AwayWatcher | None:
    """Start polling the sources in use; None when there are none."""
    chosen = chosen_sources(settings, sources)
    if not chosen:
        return None
    return AwayWatcher(chosen, interval).start()
