"""Textual's terminal driver, waiting for keys without waking ten times a second.

Textual's ``LinuxDriver`` reads the terminal in a thread that waits at most
0.1 s at a time (``select(0.1)``), so that a lone escape is sent once its
delay is over and the exit flag is seen. Coach is open all day and mostly
idle: those ten wake-ups a second were about 40 % of a bare Textual app's CPU
and a fifth of Coach's while a figure moves (issue 16).

:class:`QuietLinuxDriver` waits for as long as there is nothing to do: with no
timeout while the key parser holds nothing, and until the parser's own
deadline when it does (the escape delay). Leaving is signalled through a pipe
that the exit flag writes to when it is set, so the thread still ends at once.
Everything else is Textual's driver.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from threading import Event
from typing import Callable, Iterable

from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

TEXTUAL_POLL_SECONDS = 0.1  # Textual's own wait, used if its parser ever stops saying when it is due
READ_SIZE = 4096
_MISSING = object()


class WakingEvent(Event):
    """An event that also writes a byte to a pipe when it is set, to wake a ``select``."""

    def __init__(self, wake_fd: int | None = None) -> None:
        super().__init__()
        self.wake_fd = wake_fd  # the pipe's write end; None while there is no pipe

    def set(self) -> None:
        super().set()
        if self.wake_fd is not None:
            try:
                os.write(self.wake_fd, b"\0")
            except BlockingIOError:  # the pipe is full: it is awake already
                pass


def wait_seconds(parser: XTermParser) -> float | None:
    """How long the input thread may wait for the terminal: until the parser's
    deadline if it is partway through a sequence (a lone escape), else for ever."""
    deadline = getattr(parser, "_timeout_time", _MISSING)
    if deadline is _MISSING:  # Textual changed: poll as it does
        return TEXTUAL_POLL_SECONDS
    if deadline is None:
        return None
    return max(0.0, deadline - get_time())


def read_terminal(
    fileno: int,
    wake_fd: int,
    exit_event: Event,
    process: Callable[[Message], None],
    parser: XTermParser | None = None,
) -> None:
    """Read ``fileno`` and hand each event parsed from it to ``process`` until
    ``exit_event`` is set (whose setting writes to ``wake_fd``). The loop of
    Textual's ``LinuxDriver.run_input_thread``, with :func:`wait_seconds` for its
    fixed 0.1 s."""
    parser = parser if parser is not None else XTermParser()
    decode = getincrementaldecoder("utf-8")().decode
    selector = selectors.SelectSelector()  # as Textual: macOS's kqueue and poll do not wait on a tty
    selector.register(fileno, selectors.EVENT_READ)
    selector.register(wake_fd, selectors.EVENT_READ)

    def handle(events: Iterable[Message]) -> None:
        for event in events:
            process(event)

    try:
        while not exit_event.is_set():
            for key, _mask in selector.select(wait_seconds(parser)):
                if key.fd == wake_fd:
                    _drain(wake_fd)
                    continue
                text = decode(os.read(fileno, READ_SIZE))
                if text:  # nothing means the end of a piped stdin, as Textual reads it
                    handle(parser.feed(text))
            handle(parser.tick())
        handle(parser.tick())
    finally:
        selector.close()
        try:
            for _event in parser.feed(""):
                pass
        except (EOFError, ParseError):
            pass


def _drain(fd: int) -> None:
    try:
        while os.read(fd, READ_SIZE):
            pass
    except BlockingIOError:
        pass


class QuietLinuxDriver(LinuxDriver):
    """Textual's Linux (and macOS) driver whose input thread sleeps while there is no input.

    The wake-up pipe lives from the start of application mode to ``close``:
    Textual's suspend (ctrl+z) closes the driver and starts application mode
    again on resume, so each start opens a pipe if there is none.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._wake_read = -1
        self._waking = WakingEvent()
        self.exit_event = self._waking

    def start_application_mode(self) -> None:
        if self._waking.wake_fd is None:  # first start, or a resume after a suspend closed it
            self._wake_read, wake_write = os.pipe()
            os.set_blocking(self._wake_read, False)
            os.set_blocking(wake_write, False)
            self._waking.wake_fd = wake_write
        super().start_application_mode()

    def run_input_thread(self) -> None:
        read_terminal(self.fileno, self._wake_read, self.exit_event, self.process_message,
                      XTermParser(self._debug))

    def close(self) -> None:
        super().close()
        wake_write, self._waking.wake_fd = self._waking.wake_fd, None  # before closing: numbers are reused
        if wake_write is not None:
            os.close(self._wake_read)
            os.close(wake_write)
            self._wake_read = -1
