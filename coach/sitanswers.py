"""Answers to the sit timer from other processes: a small queue of files.

A viewer (a second app window, ``coach break ...``, ``coach run``) writes one
file per answer into the data folder's ``answers/``, whole or not at all. The
owner of the sit timer takes them about once a second: it removes a file
before applying it, so an answer is applied at most once, and since only the
lock holder takes answers, exactly once. Answers older than :data:`ANSWER_TTL`
are dropped unapplied: nobody was there to take them in time.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from coach.fileio import atomic_write, read_regular
from coach.sitting import Answer

KINDS = ("snooze", "skip", "already", "routine-started", "routine-ended", "pause", "resume")
ANSWER_TTL = timedelta(minutes=2)
MAX_BYTES = 4096
MAX_FILES = 100  # taken per tick; a flood waits for the next
#: The prompt's answers as they are sent (the kinds `coach break` takes too).
PROMPT_KINDS = {Answer.SNOOZED: "snooze", Answer.SKIPPED: "skip", Answer.ALREADY: "already"}


@dataclass(frozen=True)
class SitAnswer:
    """One answer as sent."""

    kind: str
    sent: datetime
    pid: int | None = None
    active_seconds: float = 0.0  # routine-ended
    completed: bool = False  # routine-ended
    until: datetime | None = None  # pause


def send_answer(folder: Path, answer: SitAnswer) -> str:
    """Queue an answer for the owner; returns the file name."""
    if answer.kind not in KINDS:
        raise ValueError(f"unknown answer {answer.kind!r}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{os.getpid()}-{os.urandom(4).hex()}.json"  # not secrets: it loads OpenSSL
    data = {
        "kind": answer.kind, "sent": answer.sent.isoformat(), "pid": answer.pid,
        "active_seconds": answer.active_seconds, "completed": answer.completed,
        "until": None if answer.until is None else answer.until.isoformat(),
    }
    atomic_write(folder / name, json.dumps(data), mode=0o600, durable=False)
    return name


def take_answers(folder: Path, now: datetime) -> tuple[list[SitAnswer], list[str]]:
    """Claim the queued answers, oldest first: (answers, problems). Each file is
    removed before it is read, so no answer is taken twice."""
    try:
        names = sorted(e.name for e in os.scandir(folder)
                       if e.name.endswith(".json") and not e.name.startswith("."))[:MAX_FILES]
    except OSError:
        return [], []
    answers: list[SitAnswer] = []
    problems: list[str] = []
    for name in names:
        path = folder / name
        try:
            # Read first (a symlink or a FIFO is refused and left alone), then
            # claim it: whoever removes the file applies the answer.
            raw = read_regular(path, MAX_BYTES, follow=False)
        except (OSError, ValueError) as err:
            if path.is_file() and not path.is_symlink():  # a regular file too large: drop it, say so
                try:
                    os.unlink(path)
                    problems.append(f"{name}: ignored: {err}")
                except OSError:
                    pass
            continue
        try:
            os.unlink(path)
        except OSError:
            continue  # taken by someone else
        try:
            answer = _parse(raw)
        except (OSError, ValueError, TypeError, KeyError) as err:
            problems.append(f"{name}: ignored: {err}")
            continue
        if now - answer.sent > ANSWER_TTL or answer.sent - now > ANSWER_TTL:
            problems.append(f"{name}: ignored: sent at {answer.sent:%H:%M:%S}, too long ago")
            continue
        answers.append(answer)
    return answers, problems


def _parse(raw: bytes) -> SitAnswer:
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        raise ValueError("not an answer")
    sent = datetime.fromisoformat(data["sent"])
    until = datetime.fromisoformat(data["until"]) if data.get("until") else None
    if sent.tzinfo is None or (until is not None and until.tzinfo is None):
        raise ValueError("times without a zone")
    pid = data.get("pid")
    if pid is not None and (not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0):
        raise ValueError("bad pid")
    active = float(data.get("active_seconds") or 0.0)
    if not 0 <= active < 86400:
        raise ValueError("bad active_seconds")
    return SitAnswer(data["kind"], sent, pid, active, bool(data.get("completed")), until)
