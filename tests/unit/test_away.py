"""Away sources with fakes: found, missing, failing, slow, garbage; and how they combine."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from coach.away import (
    AwayWatcher, GnomeSource, LogindSource, MacSource, Reading, ScreenSaverSource, SourceError, SourceState,
    TerminalsSource, TmuxSource, X11Source, chosen_sources, combine, read_sources,
)
from coach.sitting import Presence, SitSettings

NOW = 1_800_000_000.0


def fake(bin_dir: Path, name: str, body: str) -> dict[str, str]:
    """A fake program on a PATH of its own; returns the environment to find it."""
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return {"PATH": str(bin_dir), "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nowhere", "DISPLAY": ":0"}


def make(kind: str, env: dict[str, str], timeout: float = 2.0):
    if kind == "tmux":  # a server's socket beside the fake program: the source asks only when one is there
        socket = Path(env["PATH"]) / "tmux-socket"
        socket.touch()
        return TmuxSource(environ={**env, "TMUX": f"{socket},1234,0"}, timeout=timeout, now=lambda: NOW)
    if kind == "logind":
        return LogindSource(environ={**env, "XDG_SESSION_ID": "c7"}, timeout=timeout, monotonic=lambda: 5000.0,
                            systemd_dir=Path(env["PATH"]))  # a folder that is there: "booted with systemd"
    if kind == "gnome":
        return GnomeSource(environ=env, timeout=timeout)
    if kind == "screensaver":
        return ScreenSaverSource(environ=env, timeout=timeout)
    if kind == "x11":
        return X11Source(environ=env, timeout=timeout)
    return MacSource(environ=env, timeout=timeout, platform="darwin")


PROGRAMS = {"tmux": "tmux", "logind": "loginctl", "gnome": "gdbus", "screensaver": "gdbus", "x11": "xprintidle",
            "macos": "ioreg"}

FOUND = {
    "tmux": ('printf "%s\\n%s\\n" 1799999000 1799999880', Reading(idle=120.0)),
    "logind": ('printf "LockedHint=yes\\nIdleHint=yes\\nIdleSinceHintMonotonic=4400000000\\n"',
               Reading(idle=600.0, locked=True)),
    "gnome": ('case "$*" in *GetIdletime*) echo "(uint64 42000,)";; *) echo "(false,)";; esac',
              Reading(idle=42.0, locked=False)),
    "screensaver": ('case "$*" in *GetSessionIdleTime*) echo "(uint32 75,)";; *) echo "(true,)";; esac',
                    Reading(idle=75.0, locked=True)),
    "x11": ("echo 90500", Reading(idle=90.5)),
    "macos": ('echo \'    | |   "HIDIdleTime" = 30000000000\'', Reading(idle=30.0)),
}


@pytest.mark.parametrize("kind", sorted(FOUND))
def test_found(kind: str, tmp_path: Path) -> None:
    body, expected = FOUND[kind]
    source = make(kind, fake(tmp_path / "bin", PROGRAMS[kind], body))
    assert source.found()
    assert source.read() == expected


@pytest.mark.parametrize("kind", sorted(FOUND))
def test_missing(kind: str, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    source = make(kind, {"PATH": str(tmp_path / "empty"), "DBUS_SESSION_BUS_ADDRESS": "x", "DISPLAY": ":0"})
    assert not source.found()
    with pytest.raises(SourceError):
        source.read()


@pytest.mark.parametrize("kind", sorted(FOUND))
def test_failing(kind: str, tmp_path: Path) -> None:
    source = make(kind, fake(tmp_path / "bin", PROGRAMS[kind], "echo 'it broke' >&2; exit 3"))
    with pytest.raises(SourceError, match="it broke"):
        source.read()


@pytest.mark.parametrize("kind", sorted(FOUND))
def test_slow(kind: str, tmp_path: Path) -> None:
    source = make(kind, fake(tmp_path / "bin", PROGRAMS[kind], "exec sleep 5"), timeout=0.3)
    started = time.monotonic()
    with pytest.raises(SourceError, match="no answer within"):
        source.read()
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("kind", sorted(FOUND))
@pytest.mark.parametrize("garbage", ["", "(uint64 -5,)", "nan", "LockedHint=maybe", "\x1b]0;evil\x07", "9" * 40])
def test_garbage(kind: str, garbage: str, tmp_path: Path) -> None:
    env = fake(tmp_path / "bin", PROGRAMS[kind], f"printf '%s\\n' '{garbage}'")
    source = make(kind, env)
    try:
        reading = source.read()
    except SourceError:
        return  # refused: fine
    # Accepted only as "nothing to say" (an empty tmux client list, say), never as a made-up number.
    assert reading == Reading(), (kind, garbage, reading)


def test_macos_reads_the_screen_lock_of_the_console_session(tmp_path: Path) -> None:
    idle = 'echo \'"HIDIdleTime" = 5000000000\''
    locked = 'echo \'"IOConsoleUsers" = ({"CGSSessionScreenIsLocked"=Yes,"kCGSSessionOnConsoleKey"=Yes})\''
    unlocked = 'echo \'"IOConsoleUsers" = ({"kCGSSessionOnConsoleKey"=Yes})\''
    for root, expected in ((locked, True), (unlocked, False), ("exit 1", None)):
        env = fake(tmp_path / "bin", "ioreg", f'case "$*" in *HIDIdleTime*) {idle};; *) {root};; esac')
        assert make("macos", env).read() == Reading(idle=5.0, locked=expected)


def test_tmux_without_a_server_has_nothing_to_say(tmp_path: Path) -> None:
    env = fake(tmp_path / "bin", "tmux", "echo 'no server running on /tmp/tmux-1000/default' >&2; exit 1")
    assert make("tmux", env).read() == Reading()


def test_logind_believes_idle_only_when_it_says_idle(tmp_path: Path) -> None:
    env = fake(tmp_path / "bin", "loginctl", 'printf "LockedHint=no\\nIdleHint=no\\nIdleSinceHintMonotonic=0\\n"')
    assert make("logind", env).read() == Reading(idle=None, locked=False)


def test_logind_finds_the_graphical_session_of_the_user(tmp_path: Path) -> None:
    env = fake(tmp_path / "bin", "loginctl",
               'case "$1" in show-user) echo 4;; show-session) [ "$2" = 4 ] && echo LockedHint=yes;; esac')
    source = LogindSource(environ=env)
    assert source.read() == Reading(locked=True)
    env = fake(tmp_path / "bin", "loginctl", 'echo "--help; rm"')  # a session id that is not one
    with pytest.raises(SourceError, match="no graphical session"):
        LogindSource(environ=env).read()


def test_logind_needs_a_system_booted_with_systemd(tmp_path: Path) -> None:
    env = fake(tmp_path / "bin", "loginctl", "echo LockedHint=no")
    assert not LogindSource(environ=env, systemd_dir=tmp_path / "no-systemd").found()


def test_desktop_sources_need_their_session(tmp_path: Path) -> None:
    env = fake(tmp_path / "bin", "gdbus", "echo '(true,)'")
    assert not GnomeSource(environ={"PATH": env["PATH"]}).found()  # no session bus
    env = fake(tmp_path / "bin", "xprintidle", "echo 5")
    assert not X11Source(environ={"PATH": env["PATH"]}).found()  # no DISPLAY
    env = fake(tmp_path / "bin", "ioreg", "echo 5")
    assert not MacSource(environ=env, platform="linux").found()


def test_terminals_read_the_users_devices_access_times(tmp_path: Path) -> None:
    dev = tmp_path / "dev"
    (dev / "pts").mkdir(parents=True)
    for name, idle in (("pts/0", 300), ("pts/3", 45), ("tty2", 900), ("ptmx", 1), ("pts/notdigits", 0)):
        (dev / name).write_text("")
        os.utime(dev / name, (NOW - idle, NOW - idle))
    source = TerminalsSource(dev=dev, uid=os.getuid(), now=lambda: NOW)
    assert source.found() and source.read() == Reading(idle=45.0)
    assert TerminalsSource(dev=dev, uid=os.getuid() + 1, now=lambda: NOW).read() == Reading()  # not theirs
    assert not TerminalsSource(dev=tmp_path / "none").found()
    assert TerminalsSource(dev=tmp_path / "none").read() == Reading()


# --- together -------------------------------------------------------------------------------


def test_every_source_must_say_idle_and_any_lock_counts() -> None:
    states = [SourceState("tmux", Reading(idle=400), None), SourceState("x11", Reading(idle=20), None)]
    assert combine(states) == Presence(locked=False, idle=20)
    states.append(SourceState("logind", Reading(locked=True), None))
    assert combine(states) == Presence(locked=True, idle=20)
    failing = [SourceState("gnome", None, "no answer"), SourceState("tmux", Reading(), None)]
    assert combine(failing) is None  # nobody could tell: no news


def test_a_source_that_raises_anything_is_kept_as_a_problem() -> None:
    class Broken:
        name = "broken"

        def read(self):
            raise RuntimeError("bug")

    states = read_sources([Broken()])
    assert states == [SourceState("broken", None, "failed: RuntimeError")]


def test_away_sources_setting_picks_among_those_found(tmp_path: Path) -> None:
    env = fake(tmp_path / "bin", "xprintidle", "echo 1")
    fake(tmp_path / "bin", "tmux", "echo 1")
    sources = [TmuxSource(environ=env), X11Source(environ=env), GnomeSource(environ={"PATH": env["PATH"]})]
    assert [s.name for s in chosen_sources(SitSettings(), sources)] == ["tmux", "x11"]
    assert [s.name for s in chosen_sources(SitSettings(away_sources=("x11", "gnome")), sources)] == ["x11"]
    assert chosen_sources(SitSettings(away_sources=()), sources) == []


def test_the_watcher_polls_off_the_callers_thread_and_a_slow_source_never_stalls_it(tmp_path: Path) -> None:
    env = fake(tmp_path / "bin", "xprintidle", "exec sleep 5")
    watcher = AwayWatcher([X11Source(environ=env, timeout=0.5)], interval=1.0).start()
    try:
        # Answered while the source is still running (it sleeps 5 s, gives up at 0.5 s):
        assert watcher.latest() is None and not watcher.states  # the caller never waits for a source
        deadline = time.monotonic() + 5
        while not watcher.states and time.monotonic() < deadline:
            time.sleep(0.05)
        assert watcher.states[0].problem == "no answer within 0.5 s"
    finally:
        watcher.stop()


def test_tmux_is_not_asked_when_no_server_is_listening(tmp_path: Path) -> None:
    """The away watcher reads its sources every 15 s all day: with no tmux
    server there is nothing to ask, and starting tmux to hear so cost the app
    a process start each time."""
    asked = tmp_path / "asked"
    env = fake(tmp_path / "bin", "tmux", f"touch {asked}; echo 'no server running on /tmp/x' >&2; exit 1")
    source = TmuxSource(environ={**env, "TMUX_TMPDIR": str(tmp_path / "nowhere")}, now=lambda: NOW)
    assert source.found()
    assert source.read() == Reading()
    assert not asked.exists()
    (tmp_path / "nowhere" / f"tmux-{os.getuid()}").mkdir(parents=True)
    (tmp_path / "nowhere" / f"tmux-{os.getuid()}" / "default").touch()  # a server now
    assert source.read() == Reading()  # it says "no server running" after all: still nothing to say
    assert asked.exists()
