"""The terminal driver whose input thread sleeps while there is no input
(screens.quiet_driver, issue 16): keys, a lone escape, a paste and the mouse
still come through, leaving is at once, and idle it does not wake ten times
a second as Textual's own driver does. The e2e tests drive it in a real
pseudo-terminal."""

from __future__ import annotations

import os
import selectors
import signal
import threading
import time
from collections.abc import Iterator

import pytest
from textual import constants, events
from textual.drivers.linux_driver import LinuxDriver

from screens.quiet_driver import QuietLinuxDriver, WakingEvent, read_terminal, wait_seconds


class Terminal:
    """A pipe for the terminal and read_terminal on a thread of its own."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_read, False)
        os.set_blocking(self.wake_write, False)
        self.exit = WakingEvent(self.wake_write)
        self.events: list[object] = []
        self.thread = threading.Thread(
            target=read_terminal, args=(self.read_fd, self.wake_read, self.exit, self.events.append), daemon=True)
        self.thread.start()

    def type(self, text: str) -> None:
        os.write(self.write_fd, text.encode())

    def until(self, wanted, seconds: float = 2.0) -> list[object]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [event for event in self.events if wanted(event)]
            if found:
                return found
            time.sleep(0.01)
        return []

    def close(self) -> None:
        self.exit.set()
        self.thread.join(2)
        self.exit.wake_fd = None
        for fd in (self.read_fd, self.write_fd, self.wake_read, self.wake_write):
            os.close(fd)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal()
    yield term
    term.close()


def keys(terminal: Terminal) -> list[str]:
    return [event.key for event in terminal.events if isinstance(event, events.Key)]


def test_keys_come_through(terminal: Terminal) -> None:
    terminal.type("ab\r")
    assert terminal.until(lambda e: isinstance(e, events.Key) and e.key == "enter")
    assert keys(terminal) == ["a", "b", "enter"]


def test_a_lone_escape_comes_through_once_its_delay_is_over(terminal: Terminal) -> None:
    """The parser holds a lone escape until its delay: the thread waits just
    that long instead of for ever."""
    started = time.monotonic()
    terminal.type("\x1b")
    assert terminal.until(lambda e: isinstance(e, events.Key) and e.key == "escape")
    assert time.monotonic() - started < constants.ESCAPE_DELAY + 0.5
    terminal.type("\x1b[A")  # an arrow is one key, not an escape and letters
    assert terminal.until(lambda e: isinstance(e, events.Key) and e.key == "up")
    assert keys(terminal) == ["escape", "up"]


def test_a_paste_and_the_mouse_come_through(terminal: Terminal) -> None:
    terminal.type("\x1b[200~two words\x1b[201~")
    [paste] = terminal.until(lambda e: isinstance(e, events.Paste))
    assert paste.text == "two words"
    terminal.type("\x1b[<0;10;5M")
    [press] = terminal.until(lambda e: isinstance(e, events.MouseDown))
    assert (press.x, press.y) == (9, 4)


def test_setting_the_exit_flag_ends_the_thread_at_once(terminal: Terminal) -> None:
    time.sleep(0.2)  # waiting, with no timeout
    started = time.monotonic()
    terminal.exit.set()
    terminal.thread.join(2)
    assert not terminal.thread.is_alive()
    assert time.monotonic() - started < 0.5


def test_after_a_suspend_a_new_thread_reads_on(terminal: Terminal) -> None:
    """Textual's suspend (ctrl+z) sets the flag, joins the thread, clears the
    flag and later starts a new thread: the wake-up left in the pipe does
    not end the new one."""
    terminal.exit.set()
    terminal.thread.join(2)
    os.write(terminal.wake_write, b"\0")  # one more, as a second set would leave
    terminal.exit.clear()
    terminal.events.clear()
    terminal.thread = threading.Thread(target=read_terminal, daemon=True, args=(
        terminal.read_fd, terminal.wake_read, terminal.exit, terminal.events.append))
    terminal.thread.start()
    time.sleep(0.2)
    assert terminal.thread.is_alive()
    terminal.type("z")
    assert terminal.until(lambda e: isinstance(e, events.Key) and e.key == "z")


def test_idle_it_does_not_wake(monkeypatch) -> None:
    """Textual's driver selects with a 0.1 s timeout: ten wake-ups a second.
    Idle for a second, this one waits once (the first select), however long."""
    waits: list[float | None] = []
    select = selectors.SelectSelector.select

    def counted(self, timeout=None):
        waits.append(timeout)
        return select(self, timeout)

    monkeypatch.setattr(selectors.SelectSelector, "select", counted)
    term = Terminal()
    try:
        time.sleep(1.0)
        assert waits == [None]
        term.type("x")
        assert term.until(lambda e: isinstance(e, events.Key))
    finally:
        term.close()
    assert len(waits) <= 4  # the key, and the exit


def test_the_wait_follows_the_parser() -> None:
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    assert wait_seconds(parser) is None  # holding nothing: wait for ever
    list(parser.feed("\x1b"))
    assert 0 < wait_seconds(parser) <= constants.ESCAPE_DELAY  # a lone escape: until its delay
    del parser._timeout_time  # a Textual without the attribute: poll as Textual does
    assert wait_seconds(parser) == 0.1


def test_the_app_runs_on_it_unless_a_driver_is_named(build, monkeypatch) -> None:
    assert build().driver_class is QuietLinuxDriver
    monkeypatch.setattr(constants, "DRIVER", "")  # TEXTUAL_DRIVER= (Textual itself would fail on it)
    assert build().driver_class is QuietLinuxDriver
    monkeypatch.setattr(constants, "DRIVER", "textual.drivers.linux_driver:LinuxDriver")
    assert build().driver_class.__name__ == "LinuxDriver"


def made_driver(app) -> QuietLinuxDriver:
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTSTP, signal.SIGCONT)}
    try:
        return QuietLinuxDriver(app)  # (Textual's driver sets its ctrl+z handlers)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


async def test_a_suspend_and_resume_reads_on(build, monkeypatch) -> None:
    """Textual's suspend (ctrl+z) stops application mode and closes the
    driver; resume starts application mode again. The pipe is opened again
    with it: the new thread reads keys (it failed on the closed pipe, and the
    app ended with a traceback, found in review with SIGTSTP and SIGCONT)."""

    def start_reading(self) -> None:  # the part of Textual's start that concerns input
        self._key_thread = threading.Thread(target=self._run_input_thread, daemon=True)
        self._key_thread.start()

    monkeypatch.setattr(LinuxDriver, "start_application_mode", start_reading)
    driver = made_driver(build())
    read_fd, write_fd = os.pipe()
    driver.fileno = read_fd
    got: list[object] = []
    driver.process_message = got.append  # type: ignore[method-assign]
    try:
        for key in "ab":  # started, suspended (stopped and closed), resumed
            driver.start_application_mode()
            os.write(write_fd, key.encode())
            deadline = time.monotonic() + 2
            while not any(isinstance(e, events.Key) and e.key == key for e in got):
                assert time.monotonic() < deadline, f"{key!r} never came through"
                time.sleep(0.01)
            driver.exit_event.set()  # Textual's disable_input: set, join, clear
            driver._key_thread.join(2)
            assert not driver._key_thread.is_alive()
            driver.exit_event.clear()
            wake_fds = (driver._wake_read, driver._waking.wake_fd)
            driver.close()
            for fd in wake_fds:
                with pytest.raises(OSError):
                    os.fstat(fd)
    finally:
        os.close(read_fd)
        os.close(write_fd)
    driver.exit_event.set()  # after close: no write to a number that may be reused
    driver.close()  # twice is harmless
