"""Spoken cues through a text-to-speech command, when one is installed.

Best effort by design: a missing or failing speech program is never an error,
because the bell and the screen still carry every cue.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

CANDIDATES = (("espeak-ng",), ("spd-say", "--wait"), ("say",))


def find_voice_command(configured: Sequence[str] | None = None) -> tuple[str, ...] | None:
    """The configured command if it exists, else the first installed candidate."""
    if configured:
        return tuple(configured) if shutil.which(configured[0]) else None
    for candidate in CANDIDATES:
        if shutil.which(candidate[0]):
            return candidate
    return None


#: Programs that end their options at ``--`` (getopt_long): the text goes after it.
DASH_DASH = frozenset({"espeak-ng", "espeak", "spd-say"})


def speech_argv(command: Sequence[str], text: str) -> tuple[list[str], bytes | None]:
    """How to run ``command`` so ``text`` can never be read as an option:
    after ``--`` for the programs known to honour it, otherwise on standard
    input (macOS ``say`` and any ``voice_command`` of the user's own read
    the text there when no message is given). Returns (argv, stdin bytes)."""
    program = Path(command[0]).name
    if program in DASH_DASH:
        return [*command, "--", text], None
    return list(command), (text + "\n").encode("utf-8")


def speak(command: Sequence[str], text: str) -> subprocess.Popen[bytes] | None:
    """Start speaking ``text`` without waiting; returns the process or None."""
    clean = " ".join(text.split())[:300]
    if not clean:
        return None
    argv, given = speech_argv(command, clean)
    try:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL if given is None else subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
    except OSError:
        return None
    if given is not None and process.stdin is not None:
        try:  # a few hundred bytes: the pipe takes them without waiting
            process.stdin.write(given)
            process.stdin.close()
        except OSError:
            pass
    return process


def voice_missing(voice_on: bool, configured: Sequence[str] | None = None) -> str | None:
    """When voice cues are on and nothing here can speak: the sentence that
    says so (the app and ``coach watch`` show it once); else None."""
    if not voice_on or find_voice_command(configured) is not None:
        return None
    wanted = f"'{configured[0]}'" if configured else "espeak-ng, spd-say or say"
    return (f"Voice cues are on, but no speech program was found ({wanted}), so nothing will be spoken. "
            "Install one, or set cues.voice to false; 'coach doctor' shows what is there.")
