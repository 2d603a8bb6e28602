"""The app's history: one background writer, in order, never dropped.

A screen must never wait for SQLite, and a finished session must never be
lost because another program (a backup, ``sqlite3`` open on the file) holds
the database's lock. So the app does not write to :class:`coach.store.Store`
itself; it hands each write to :class:`History`, which

- applies writes on one thread of its own, one at a time, in the order they
  were given (a session's start before its updates before its end);
- retries a write while the database is busy or locked, or the disk is full,
  however long that lasts, and says so once (:attr:`History.on_problem`);
- opens the database on that thread too, so a lock held when Coach starts
  only delays the history, never turns it off;
- is flushed at exit (:meth:`History.close`), and tells the caller what is
  still waiting while it waits.

Each write returns a :class:`concurrent.futures.Future`: code that needs the
result (a new session's id, a flare-up just recorded) waits for it off the
screen's thread (``asyncio.wrap_future`` in a worker); everything else lets
it go. Reads use a connection of their own, with a short busy timeout; the
screens read on threads of their own (:meth:`History.read_when_free`), which
try again while another program holds the file locked so readers are
blocked too (``PRAGMA locking_mode=EXCLUSIVE``; with WAL, an ordinary
writer's lock does not block readers).
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from coach.store_errors import StoreError, StoreNewerError, StoreNotYet

if TYPE_CHECKING:  # the store itself is loaded on the history's threads, when it is first opened
    from coach.store import Clock, Store

T = TypeVar("T")

#: The longest pause between two tries of a write the database refused as busy.
MAX_RETRY_PAUSE = 1.0
#: Busy timeout of the writer's own connection: short, so the loop stays in charge.
WRITER_BUSY_TIMEOUT = 0.5

#: Store methods that only read; :class:`History` answers them on its reader.
READS = frozenset({
    "get_meta", "active_flareup", "sessions_since", "flareup_pains", "resumable_session",
    "get_session", "recent_sessions", "daily_sessions", "daily_breaks", "routine_totals",
    "practice_streaks", "history_span", "flareups_between", "iter_sessions", "iter_breaks",
    "step_records", "iter_step_records", "skin_seconds_since",
    "level_of", "levels", "routine_sessions_after", "iter_level_changes",
})

_STOP = object()


def is_transient(err: BaseException) -> bool:
    """Whether a failed write may succeed later as it is: the database is
    busy or locked by another connection, or the disk is full."""
    cause = err.__cause__ if isinstance(err, StoreError) else err
    if not isinstance(cause, sqlite3.OperationalError):
        return False
    text = str(cause).lower()
    return any(word in text for word in ("locked", "busy", "disk is full", "database or disk is full"))


class History:
    """The history as the app uses it. Writes are queued (see the module's
    docstring); reads run on a separate connection."""

    def __init__(self, path: Path, clock: Clock | None = None, *,
                 on_problem: Callable[[str], None] | None = None,
                 on_written: Callable[[], None] | None = None,
                 opener: Callable[..., Store] | None = None, start: bool = True) -> None:
        self.path = Path(path)
        self._clock = clock
        self._opener = opener
        #: Called (from the writer's thread) with one line when something needs saying.
        self.on_problem = on_problem
        #: Called (from the writer's thread) after each write that landed.
        self.on_written = on_written
        self._queue: queue.Queue[Any] = queue.Queue()
        self._writer: Store | None = None
        self._reader: Store | None = None
        self._read_lock = threading.Lock()
        #: Why history is off for this run (a newer or foreign file), or None.
        self.off_reason: str | None = None
        #: True when the history can be read but not written (a read-only file or folder).
        self.read_only = False
        #: Set while a write waits for the database to be free (what it says).
        self.waiting: str | None = None
        #: Where an unreadable old file was moved, once the writer has opened it.
        self.recovered_from: Path | None = None
        self._said: set[str] = set()
        self._unheard: list[str] = []  # said before anyone listened
        self._say_lock = threading.Lock()
        self._pending = 0
        self._pending_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="coach-history", daemon=True)
        self._ended = threading.Event()  # set as the writer's thread ends, however it ends
        # Open at once, on the writer's thread, so a problem with the file is
        # said at start-up and not at the first write. Done, the file is made
        # and migrated (or history is off): a read before that waits for it.
        self._opened = self.submit(lambda store: None)
        if start:
            self.start()

    def start(self) -> None:
        """Start the writer's thread (once). A History made with ``start=False``
        holds what it is given until then: the app starts it after its first
        frame, so opening the file and loading the store never compete with it."""
        with self._pending_lock:
            if self._thread.ident is None:
                self._thread.start()

    def listen(self, on_problem: Callable[[str], None], on_written: Callable[[], None] | None = None) -> None:
        """Who to tell (from the writer's thread); what was said before is told now."""
        with self._say_lock:
            self.on_problem, self.on_written = on_problem, on_written
            unheard, self._unheard = self._unheard, []
        for message in unheard:
            self._tell(message)

    # --- writes ---------------------------------------------------------------

    def submit(self, job: Callable[[Store], T], *, say_errors: bool = True) -> Future[T]:
        """Queue ``job(store)`` to run on the writer's thread, after every job
        queued before it; its result (or error) comes in the future. A job's
        own error is said through ``on_problem`` unless the caller waits for
        it and says it itself (``say_errors=False``)."""
        future: Future[T] = Future()
        with self._pending_lock:
            self._pending += 1
        self._queue.put((job, future, say_errors))
        return future

    def awaited(self, name: str, *args: Any, **kwargs: Any) -> Future[Any]:
        """Queue the store's write ``name`` for a caller that waits for it
        (off the screen's thread) and shows its error itself."""
        if name not in WRITES:
            raise AttributeError(name)
        return self.submit(lambda store: getattr(store, name)(*args, **kwargs), say_errors=False)

    def __getattr__(self, name: str) -> Any:
        if name in READS:
            return lambda *args, **kwargs: self.read(lambda store: getattr(store, name)(*args, **kwargs))
        if name in WRITES:
            return lambda *args, **kwargs: self.submit(lambda store: getattr(store, name)(*args, **kwargs))
        raise AttributeError(name)

    @property
    def pending(self) -> int:
        """Writes queued or being tried."""
        with self._pending_lock:
            return self._pending

    def flush(self, timeout: float | None = None) -> bool:
        """Wait (off the screen's thread!) until every write queued so far has
        been tried; True when nothing is left."""
        self.start()
        done: Future[None] = self.submit(lambda store: None)
        try:
            done.result(timeout)
        except TimeoutError:
            return False
        except Exception:  # history off: nothing more will land
            pass
        return True

    def close(self, timeout: float | None = None, *, waiting: Callable[[str], None] | None = None) -> bool:
        """Let every queued write land, then close. With ``timeout`` it returns
        False when writes are still waiting then (the writer keeps going until
        the process ends); ``waiting`` is told, once, why it is waiting."""
        self.start()  # what was queued before the start lands too
        self._queue.put(_STOP)
        deadline = None if timeout is None else time.monotonic() + timeout
        told = False
        while self._thread.is_alive():
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            self._thread.join(0.5 if left is None else min(0.5, left))
            if self._thread.is_alive() and waiting is not None and not told and self.waiting:
                waiting(self.waiting)
                told = True
        with self._read_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
        return True

    # --- reads ----------------------------------------------------------------

    def read(self, job: Callable[[Store], T]) -> T:
        """Run a read on the reader connection (any thread, one at a time).
        Raises StoreError when there is no history (yet) or it is busy."""
        with self._read_lock:
            if self._reader is None:
                from coach.store import open_reader

                self._reader = open_reader(self.path, clock=self._clock)
            return job(self._reader)

    def read_when_free(self, job: Callable[[Store], T], *, stop: Callable[[], bool] = lambda: False,
                       waiting: Callable[[str], None] | None = None) -> T:
        """:meth:`read`, for a thread of its own (never the screen's): while
        the history is locked by another program, try again (pausing up to
        :data:`MAX_RETRY_PAUSE`) until it is free. ``waiting`` is told once,
        in a few words, why it waits; when ``stop()`` turns true (the answer
        is no longer wanted) it gives up with :class:`ReadStopped`. A history
        not made yet is waited for while this run's writer is making it (on a
        first run the start-up reads come before it is done). Any other error
        is raised as it is (a :class:`StoreError`, one line)."""
        pause = 0.05
        told = False
        while True:
            if stop():
                raise ReadStopped()
            settled = self._writer_settled()  # asked before the read: it may settle meanwhile
            try:
                return self.read(job)
            except StoreNotYet:
                if settled:  # the writer was done with it, and there is none: say so
                    raise
                self._settled_or_stopped(stop)  # a new history is being made (after the first frame)
                continue
            except StoreError as err:
                if not is_transient(err):
                    raise
                if waiting is not None and not told:
                    told = True
                    waiting(_reason(err))
            deadline = time.monotonic() + pause
            while (left := deadline - time.monotonic()) > 0:
                if stop():
                    raise ReadStopped()
                time.sleep(min(left, 0.05))
            pause = min(pause * 2, MAX_RETRY_PAUSE)

    def _writer_settled(self) -> bool:
        """Whether the writer has opened (made, migrated) the file or given up
        on it, or its thread has ended: nothing more to wait for. (Not
        ``Thread.is_alive``: a thread just starting has an ident and is not
        alive yet, and a read that looked then gave up on a history being made.)"""
        return self._opened.done() or self._ended.is_set()

    def _settled_or_stopped(self, stop: Callable[[], bool]) -> None:
        """Wait until :meth:`_writer_settled`, or raise :class:`ReadStopped`
        once ``stop()`` turns true."""
        while not stop():
            try:
                self._opened.exception(timeout=0.05)
                return
            except FutureTimeout:
                if self._writer_settled():
                    return
        raise ReadStopped()

    # --- the writer's thread --------------------------------------------------

    def _say(self, message: str) -> None:
        with self._say_lock:
            if message in self._said:
                return
            self._said.add(message)
            if self.on_problem is None:
                self._unheard.append(message)
                return
        self._tell(message)

    def _tell(self, message: str) -> None:
        try:
            self.on_problem(message)  # type: ignore[misc]
        except Exception:  # the app is gone; nothing to tell
            pass

    def _open(self) -> Store | None:
        """The writer's store, opened on first use; retried while locked."""
        if self._writer is not None:
            return self._writer
        pause = 0.05
        while self._writer is None and self.off_reason is None:
            try:
                opener = self._opener
                if opener is None:
                    from coach.store import open_store as opener
                self._writer = opener(self.path, clock=self._clock, busy_timeout=WRITER_BUSY_TIMEOUT)
                self.recovered_from = self._writer.recovered_from
                if self.recovered_from is not None:
                    self._say(f"The history file could not be read, so it was moved to {self.recovered_from}"
                              " and a new one was started. Nothing was deleted.")
            except StoreNewerError as err:
                self.off_reason = f"{err}. History is off for this run."
            except StoreError as err:
                from coach.store_files import is_read_only_error

                if is_read_only_error(err):
                    self.read_only = True
                    self.off_reason = (f"The history ({self.path}) is read-only here, so what you do in this run"
                                       " is not saved. Progress and export still show what it holds.")
                    break
                if not is_transient(err):
                    self.off_reason = f"{err}. History is off for this run."
                    break
                self._wait(err, pause)
                pause = min(pause * 2, MAX_RETRY_PAUSE)
        if self.off_reason is not None:
            self._say(self.off_reason)
        self.waiting = None
        return self._writer

    def _wait(self, err: BaseException, pause: float) -> None:
        reason = _reason(err)
        self.waiting = (f"History is waiting: {reason}. Nothing is lost; it is written as soon as it can be"
                        f" ({self.path}).")
        self._say(self.waiting)
        time.sleep(pause)

    def _run(self) -> None:
        try:
            self._serve()
        finally:
            self._ended.set()

    def _serve(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            job, future, say_errors = item
            try:
                self._apply(job, future, say_errors)
            except Exception as err:  # a fault of ours: said, and the writes after it still land
                if not future.done():
                    future.set_exception(err)
                self._say(f"History: {type(err).__name__}: {err}".replace("\n", " "))
            finally:
                with self._pending_lock:
                    self._pending -= 1
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _apply(self, job: Callable[[Store], Any], future: Future[Any], say_errors: bool) -> None:
        if not future.set_running_or_notify_cancel():
            return
        pause = 0.05
        while True:
            store = self._open()
            if store is None:
                future.set_exception(StoreError(self.off_reason or "history is off"))
                return
            try:
                result = job(store)
            except StoreError as err:
                if is_transient(err):
                    self._wait(err, pause)
                    pause = min(pause * 2, MAX_RETRY_PAUSE)
                    continue
                self.waiting = None
                if say_errors:
                    self._say(str(err))
                future.set_exception(err)
                return
            except (ValueError, _Skip) as err:
                self.waiting = None
                if isinstance(err, ValueError) and say_errors:
                    self._say(str(err))
                future.set_exception(err)
                return
            if self.waiting is not None:
                self.waiting = None
                with self._say_lock:
                    self._said = {m for m in self._said if not m.startswith("History is waiting")}
            future.set_result(result)
            if self.on_written is not None:
                try:
                    self.on_written()
                except Exception:
                    pass
            return


def _reason(err: BaseException) -> str:
    """Why a transient error happened, in a few words."""
    return "the disk is full" if "full" in str(err.__cause__ or err).lower() else \
        "another program has the history file locked"


class ReadStopped(Exception):
    """A read given up because its answer is no longer wanted."""


class _Skip(Exception):
    """A write that depends on one that failed (already reported) is skipped."""


def after(first: Future[Any]) -> int:
    """Inside a queued job: the result of a write queued before it (it has
    run by then, the queue being in order), or skip this job if it failed."""
    if first.exception() is not None:
        raise _Skip()
    return first.result()


#: Store methods that write; :class:`History` queues them and returns a future.
WRITES = frozenset({
    "start_session", "update_session", "finish_session", "set_pain_before", "mark_interrupted",
    "mark_resumed", "set_meta", "record_break", "start_flareup", "end_flareup", "add_flareup_pain",
    "record_steps", "record_level_change",
})
