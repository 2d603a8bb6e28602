"""Desktop notifications, best effort: notify-send on Linux, osascript on macOS.

Never an error when missing: the prompt and the bell carry the message anyway.
"""

from __future__ import annotations

import shutil
import subprocess
import sys


def notification_command(title: str, body: str) -> list[str] | None:
    """The command that would show a notification here, or None."""
    if sys.platform == "darwin" and shutil.which("osascript"):
        def quoted(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

        return ["osascript", "-e", f"display notification {quoted(body)} with title {quoted(title)}"]
    if shutil.which("notify-send"):
        return ["notify-send", "--app-name=Coach", "--", title, body]
    return None


def notify_desktop(title: str, body: str) -> bool:
    """Show a notification without waiting; False if there is no way to."""
    command = notification_command(title, body)
    if command is None:
        return False
    try:
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return False
    return True
