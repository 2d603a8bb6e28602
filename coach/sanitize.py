"""Make untrusted text safe to print on a terminal.

Routine files and their names come from other people. Anything printed by the
CLI goes through :func:`printable`, so an escape sequence in a title or a
file name is shown as ``\\x1b`` instead of reaching the terminal.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, bidi controls, line separators, BOM, lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with every control or direction character escaped."""
    value = str(text)
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_escape, line) for line in value.split("\n"))
    return _UNSAFE.sub(_escape, value)
