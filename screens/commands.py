"""Command palette entries: every routine, by title."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from screens.app import CoachApp


class RoutineCommands(Provider):
    """Start any routine from the palette (ctrl+p)."""

    def _routines(self):  # type: ignore[no-untyped-def]
        app: CoachApp = self.app  # type: ignore[assignment]
        return app.services.library.routines

    async def discover(self) -> Hits:
        app: CoachApp = self.app  # type: ignore[assignment]
        for routine in self._routines():
            yield DiscoveryHit(f"Start: {routine.title}", partial(app.start_routine, routine.id),
                               help=f"{routine.category.value} routine")

    async def search(self, query: str) -> Hits:
        app: CoachApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for routine in self._routines():
            text = f"Start: {routine.title}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(app.start_routine, routine.id),
                          help=f"{routine.category.value} routine")
