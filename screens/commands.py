"""Command palette entries: every routine, by title.

Routine titles are untrusted: the palette parses a plain-string prompt as
markup, and so does ``Matcher.highlight``. Prompts here are always
:class:`Content`, highlighted on the literal text.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from screens.text import literal

if TYPE_CHECKING:
    from screens.app import CoachApp


def highlighted(matcher: Matcher, text: str) -> tuple[float, Content]:
    """The match score and the literal text with the matched letters marked."""
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    content = literal(text)
    for offset in offsets if score else ():
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return score, content


class RoutineCommands(Provider):
    """Start any routine from the palette (ctrl+p)."""

    def _commands(self):  # type: ignore[no-untyped-def]
        app: CoachApp = self.app  # type: ignore[assignment]
        for routine in app.services.library.routines:
            yield f"Start: {routine.title}", partial(app.start_routine, routine.id), f"{routine.category.value} routine"

    async def discover(self) -> Hits:
        for text, start, help_text in self._commands():
            yield DiscoveryHit(literal(text), start, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, start, help_text in self._commands():
            score, prompt = highlighted(matcher, text)
            if score > 0:
                yield Hit(score, prompt, start, text=text, help=help_text)
