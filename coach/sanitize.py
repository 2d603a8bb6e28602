"""Make untrusted text safe to print on a terminal.

Routine files and their names come from other people. Anything printed by the
CLI goes through :func:`printable`, so an escape sequence in a title or a
file name is shown as ``\\x1b`` instead of reaching the terminal.
"""

from __future__ import annotations

import re

# DEL and C1 controls, bidi embeddings, overrides, isolates and marks, line
# and paragraph separators, a stray byte-order mark, lone surrogates.
_NEVER = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"

#: Refused in routine text (coach.yamlsafe): all of the above and C0 but tab and newline.
FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f" + _NEVER + "]")
#: Escaped before printing: all of C0 too (a printed field is one line).
_UNSAFE = re.compile("[\x00-\x1f" + _NEVER + "]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with every control or direction character escaped."""
    value = str(text)
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_escape, line) for line in value.split("\n"))
    return _UNSAFE.sub(_escape, value)
