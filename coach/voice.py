"""Spoken cues through a text-to-speech command, when one is installed.

Best effort by design: a missing or failing speech program is never an error,
because the bell and the screen still carry every cue.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence

CANDIDATES = (("espeak-ng",), ("spd-say", "--wait"), ("say",))


def find_voice_command(configured: Sequence[str] | None = None) -> tuple[str, ...] | None:
    """The configured command if it exists, else the first installed candidate."""
    if configured:
        return tuple(configured) if shutil.which(configured[0]) else None
    for candidate in CANDIDATES:
        if shutil.which(candidate[0]):
            return candidate
    return None


def speak(command: Sequence[str], text: str) -> subprocess.Popen[bytes] | None:
    """Start speaking ``text`` without waiting; returns the process or None."""
    clean = " ".join(text.split())[:300]
    if not clean:
        return None
    try:
        return subprocess.Popen(
            [*command, "--", clean] if command[0] in ("espeak-ng", "spd-say") else [*command, clean],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return None


def voice_missing(voice_on: bool, configured: Sequence[str] | None = None) -> str | None:
    """When voice cues are on and nothing here can speak: the sentence that
    says so (the app and ``coach watch`` show it once); else None."""
    if not voice_on or find_voice_command(configured) is not None:
        return None
    wanted = f"'{configured[0]}'" if configured else "espeak-ng, spd-say or say"
    return (f"Voice cues are on, but no speech program was found ({wanted}), so nothing will be spoken. "
            "Install one, or set cues.voice to false; 'coach doctor' shows what is there.")
