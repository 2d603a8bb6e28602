"""Turning untrusted routine text into something Textual shows literally.

Textual parses markup in plain strings (``[/]`` crashes, ``[@click=...]``
runs actions), so routine text is only ever wrapped in :class:`Content`,
which is never parsed. The loader already refuses control characters; the
CLI's ``printable`` runs here too, as a second guard for text that did not
come through the loader (file names, error messages).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from coach.sanitize import printable


def literal(text: object, style: str = "") -> Content:
    """Routine text as Content, never parsed as markup."""
    content = Content(printable(text, keep_newlines=True))
    return content.stylize(style) if style else content


def bullets(lines: Iterable[str], marker: str = "- ") -> Content:
    """Lines as a bulleted block, literally."""
    return Content("\n").join(literal(marker + line) for line in lines)


def section(title: str, lines: Iterable[str]) -> Content:
    """A bold heading (our own text) over literal lines."""
    items = list(lines)
    if not items:
        return Content("")
    return Content("\n").join([Content.styled(title, "bold"), bullets(items)])


def join_blocks(blocks: Iterable[Content]) -> Content:
    """Blocks separated by a blank line, empty ones dropped."""
    return Content("\n\n").join(b for b in blocks if b.plain)
