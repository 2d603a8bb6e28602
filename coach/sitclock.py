"""One sit timer per person: the owner keeps it, everybody else views it.

Exactly one process owns the sit timer at a time, the one holding the
instance lock: the full-screen app or ``coach watch``. :class:`SitClock` is
what both use. The owner runs the :class:`~coach.sitting.SitTimer`, takes the
answers other processes queue (``coach.sitanswers``), records breaks, and
writes the state file (``coach.sitstate``) that viewers read. A viewer shows
the owner's state, sends its answers to the owner, and tries the lock each
tick, so when the owner ends, a viewer takes over within a tick or two and
continues the same bout.

The rules for the prompt live here, not in a screen: :meth:`SitClock.tick`
returns a :class:`SitView` (what to show) and :class:`SitNews` (what happened,
one line each, for the watcher's log and the app's bell). Nothing here sleeps
or starts threads; the caller ticks about once a second.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coach.durations import format_duration
from coach.instance import InstanceLock
from coach.paths import Paths
from coach.sitanswers import PROMPT_KINDS, SitAnswer, send_answer, take_answers
from coach.sitstate import HEARTBEAT, SitSnapshot, read_snapshot, status_line, write_snapshot
from coach.sitting import Answer, BreakEvent, Mode, Presence, SitSettings, SitTimer

@dataclass(frozen=True)
class SitView:
    """What a window or a status line shows now."""

    mode: Mode
    line: str
    sitting: float
    prompt_open: bool
    prompt_for: float  # seconds the prompt has been open (0 when closed)
    can_snooze: bool
    nudges: int
    owner: str | None  # "app", "watch", or None (nobody: starting up)
    is_owner: bool


@dataclass(frozen=True)
class SitNews:
    """Something that happened: one line of the watcher's log."""

    kind: str  # owner, prompt, nudge, withdrawn, answer, ignored, break, away, back, rest, counting
    text: str


def _default_pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, not ours to signal
    return True


class SitClock:
    """The sit timer as one process sees it: owner or viewer."""

    def __init__(
        self,
        kind: str,
        paths: Paths,
        settings: SitSettings,
        *,
        monotonic: Callable[[], float],
        wall: Callable[[], datetime],
        boottime: Callable[[], float] | None = None,
        boot_id: str | None = None,
        record: Callable[[BreakEvent], None] | None = None,
        presence: Callable[[], Presence | None] | None = None,
        pid: int | None = None,
        pid_alive: Callable[[int], bool] = _default_pid_alive,
    ) -> None:
        self.kind = kind
        self.paths = paths
        self.settings = settings
        self.monotonic = monotonic
        self.wall = wall
        self.boottime = boottime
        self.boot_id = boot_id
        self.record = record or (lambda event: None)
        # No sources at all: nobody can tell they are away, so they are not. A
        # caller whose sources have not answered yet passes one returning None.
        self.presence = presence or Presence
        self.pid = os.getpid() if pid is None else pid
        self.pid_alive = pid_alive
        self.lock = InstanceLock(paths.lock_file)
        self.timer: SitTimer | None = None
        self._written: SitSnapshot | None = None
        self._written_at = 0.0
        self._seen: SitSnapshot | None = None  # a viewer's last read of the owner's state
        self._last_view: SitView | None = None
        self._my_routine = False  # this process plays a routine now
        self._viewer_routine: int | None = None  # pid of a viewer playing a routine, when owner
        self._answered: datetime | None = None  # a viewer: the prompt it answered (until the owner has)
        self.lock_problem: str | None = None  # why the lock could not even be tried (a folder not writable)

    # --- owning ------------------------------------------------------------------------

    @property
    def is_owner(self) -> bool:
        return self.timer is not None

    @property
    def answers_dir(self) -> Path:
        return self.paths.data_dir / "answers"

    def try_to_own(self) -> list[SitNews]:
        """Take the lock if nobody holds it; continue the last owner's bout."""
        if self.timer is not None:
            return []
        try:
            if not self.lock.acquire():
                return []
        except OSError as err:
            self.lock_problem = f"{self.paths.lock_file}: {err.strerror or err}"
            return []
        self.lock_problem = None
        timer = SitTimer(self.settings, self.monotonic, self.wall, self.boottime)
        self.timer = timer
        previous = read_snapshot(self.paths.state_file)
        news: list[SitNews] = []
        if previous is None or not previous.timer:
            news.append(SitNews("owner", f"keeping the sit timer ({self.kind}); a new bout starts now"))
        else:
            gap = self._gap_since(previous)
            event = timer.restore(previous.timer, gap, self.wall())
            later = self._poll()  # a prompt restored may have gone missed meanwhile
            if event is not None:
                self.record(event)
                news.append(SitNews("owner", f"keeping the sit timer ({self.kind}); nobody kept it for "
                                              f"{_length(gap)}, so a new bout starts (recorded as an unknown gap)"))
            else:
                news.append(SitNews("owner", f"keeping the sit timer ({self.kind}); the bout goes on: "
                                              f"{status_line(self._snapshot(), True, self.wall())}"))
            news += later
        if self._my_routine:
            timer.routine_started()
        self._written = None
        return news

    def _gap_since(self, previous: SitSnapshot) -> float | None:
        """Seconds since the last owner wrote its state: on the boot clock when
        it is the same boot (suspend included, wall steps not), else the wall."""
        if (previous.boot is not None and self.boottime is not None and previous.boot_id is not None
                and previous.boot_id == self.boot_id):
            return self.boottime() - previous.boot
        if previous.seen is not None:
            return (self.wall() - previous.seen).total_seconds()
        return None

    def close(self) -> None:
        """Write the state one last time and let another process take over."""
        if self.timer is not None:
            try:
                self._poll()
                self._write(self._snapshot(), force=True)
            except OSError:
                pass
            self.timer = None
        self.lock.release()

    # --- the tick ------------------------------------------------------------------------

    def tick(self) -> tuple[SitView, list[SitNews]]:
        """About once a second: own if possible, move on, say what to show."""
        news = self.try_to_own()
        if self.timer is not None:
            news += self._owner_tick()
            snapshot = self._snapshot()
        else:
            snapshot = read_snapshot(self.paths.state_file)
            self._seen = snapshot
        view = self._view(snapshot)
        news += self._changes(self._last_view, view)
        self._last_view = view
        return view, news

    def _owner_tick(self) -> list[SitNews]:
        assert self.timer is not None
        timer = self.timer
        news: list[SitNews] = []
        answers, problems = take_answers(self.answers_dir, self.wall())
        news += [SitNews("ignored", problem) for problem in problems]
        for answer in answers:
            news += self._apply(answer)
        if self._viewer_routine is not None and not self.pid_alive(self._viewer_routine):
            self._viewer_routine = None
            timer.routine_ended(0, completed=False)
            news.append(SitNews("answer", "the routine's window closed before it ended"))
        news += self._poll()
        try:
            self._write(self._snapshot())
        except OSError:
            pass  # viewers and coach status are a convenience; the timer goes on
        return news

    def _poll(self) -> list[SitNews]:
        """Move the timer to now and record what happened."""
        assert self.timer is not None
        news: list[SitNews] = []
        for event in self.timer.poll(self.presence()):
            news += self._recorded(event)
        return news

    def _snapshot(self) -> SitSnapshot:
        assert self.timer is not None
        return SitSnapshot.of(self.timer.status(), self.wall())

    def _write(self, snapshot: SitSnapshot, force: bool = False) -> None:
        now = self.monotonic()
        if not force and not snapshot.moved_since(self._written) and now - self._written_at < HEARTBEAT:
            return
        assert self.timer is not None
        signed = snapshot.signed(self.kind, self.pid, self.wall(), self.boot_id,
                                 self.boottime() if self.boottime is not None else None, self.timer.export())
        write_snapshot(self.paths.state_file, signed)
        self._written, self._written_at = snapshot, now

    def _recorded(self, event: BreakEvent) -> list[SitNews]:
        self.record(event)
        words = {
            "taken": "break taken", "already": "break already taken", "natural": "natural break (away or asleep)",
            "snoozed": "snoozed", "skipped": "skipped", "missed": "prompt missed (no answer)", "gap": "unknown gap",
        }
        return [SitNews("break", f"{words[event.answer.value]} after sitting {_length(event.bout_seconds)}")]

    def _apply(self, answer: SitAnswer) -> list[SitNews]:
        """An answer from a viewer, applied by the owner."""
        assert self.timer is not None
        timer = self.timer
        news = self._poll()  # the state as of now, not as of the last tick
        event: BreakEvent | None = None
        if answer.kind == "snooze":
            event = timer.snooze()
        elif answer.kind == "skip":
            event = timer.skip()
        elif answer.kind == "already":
            event = timer.already()
        elif answer.kind == "routine-started":
            timer.routine_started()
            self._viewer_routine = answer.pid if answer.pid != self.pid else None
            return news + [SitNews("answer", "a routine started" + (" in another window" if self._viewer_routine else ""))]
        elif answer.kind == "routine-ended":
            self._viewer_routine = None
            event = timer.routine_ended(answer.active_seconds, answer.completed)
            if event is None:
                return news + [SitNews("answer", "a routine ended, too short to count as a break")]
        elif answer.kind == "pause" and answer.until is not None:
            timer.pause(answer.until)
            return news + [SitNews("answer", f"paused until {answer.until.astimezone(self.wall().tzinfo):%H:%M}")]
        elif answer.kind == "resume":
            timer.resume()
            return news + [SitNews("answer", "resumed: a new bout starts now")]
        if event is None:
            return news + [SitNews("ignored", f"'{answer.kind}' came when it did not apply (no prompt open)")]
        return news + self._recorded(event)

    # --- what to show ------------------------------------------------------------------------

    def _view(self, snapshot: SitSnapshot | None) -> SitView:
        now = self.wall()
        if self.timer is not None:
            status = self.timer.status()
            line = status_line(snapshot, True, now)
            return SitView(status.mode, line, status.sitting, status.mode is Mode.DUE, status.prompt_for or 0.0,
                           status.can_snooze, status.nudges, self.kind, True)
        running = snapshot is not None  # a viewer reads only while someone holds the lock
        line = status_line(snapshot, running, now) if snapshot is not None else "coach: starting"
        if snapshot is None:
            return SitView(Mode.SITTING, line, 0.0, False, 0.0, False, 0, None, False)
        prompt_for = (now - snapshot.prompt_since).total_seconds() if snapshot.prompt_since else 0.0
        # Answered here and sent: not shown again while the owner catches up.
        due = snapshot.mode is Mode.DUE and (self._answered is None or snapshot.prompt_since != self._answered)
        if not due:
            self._answered = None if snapshot.mode is not Mode.DUE else self._answered
        nudges = int(max(0.0, prompt_for) // self.settings.nudge_every) if due else 0
        return SitView(snapshot.mode, line, snapshot.sitting(now), due, max(0.0, prompt_for), snapshot.can_snooze,
                       nudges, snapshot.owner, False)

    def _changes(self, before: SitView | None, after: SitView) -> list[SitNews]:
        news: list[SitNews] = []
        was_open = before is not None and before.prompt_open
        if after.prompt_open and not was_open:
            news.append(SitNews("prompt", f"time for a break: sitting for {_length(after.sitting)}"))
        elif was_open and not after.prompt_open and after.mode is Mode.AWAY:
            news.append(SitNews("withdrawn", "prompt withdrawn: you are away"))
        elif after.prompt_open and before is not None and after.nudges > before.nudges:
            news.append(SitNews("nudge", f"still time for a break: sitting for {_length(after.sitting)}"))
        resting = (Mode.PAUSED, Mode.OFF_HOURS)
        if after.mode in resting and (before is None or before.mode is not after.mode):
            news.append(SitNews("rest", after.line))
        elif before is not None and before.mode in resting and after.mode not in resting:
            news.append(SitNews("counting", after.line))
        if after.mode is Mode.AWAY and (before is None or before.mode is not Mode.AWAY):
            news.append(SitNews("away", "screen locked or nobody at the keys: no prompts until you are back"))
        elif before is not None and before.mode is Mode.AWAY and after.mode is not Mode.AWAY:
            news.append(SitNews("back", after.line))
        return news

    # --- answers, wherever they come from ------------------------------------------------------

    @property
    def prompt_open(self) -> bool:
        """Whether the break prompt was open at the last tick."""
        return self._last_view is not None and self._last_view.prompt_open

    def answer(self, answer: Answer) -> bool:
        """Snoozed, skipped or already taken: applied here when owner, else
        sent to the owner. (Taking the break is starting its routine.)"""
        kind = PROMPT_KINDS[answer]
        if self.timer is None and self._seen is not None and self._seen.mode is Mode.DUE:
            self._answered = self._seen.prompt_since
        return self._send(SitAnswer(kind, self.wall(), self.pid))

    def routine_started(self) -> None:
        self._my_routine = True
        self._send(SitAnswer("routine-started", self.wall(), self.pid))

    def routine_ended(self, active_seconds: float, completed: bool) -> None:
        self._my_routine = False
        self._send(SitAnswer("routine-ended", self.wall(), self.pid, active_seconds, completed))

    def pause(self, until: datetime) -> None:
        self._send(SitAnswer("pause", self.wall(), self.pid, until=until))

    def resume(self) -> None:
        self._send(SitAnswer("resume", self.wall(), self.pid))

    def _send(self, answer: SitAnswer) -> bool:
        if self.timer is not None:
            news = self._apply(answer)
            try:
                self._write(self._snapshot())
            except OSError:
                pass
            return not any(n.kind == "ignored" for n in news)
        try:
            send_answer(self.answers_dir, answer)
        except OSError:
            return False
        return True


def _length(seconds: float | None) -> str:
    if seconds is None:
        return "an unknown time"
    return format_duration(max(0, round(seconds)))
