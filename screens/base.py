"""What every Coach screen shares: the app, typed as :class:`CoachApp`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen, ScreenResultType

if TYPE_CHECKING:
    from screens.app import CoachApp


class CoachScreen(Screen[ScreenResultType]):
    """A full screen of Coach. ``self.coach`` is the app with its services
    (config, library, history, sit timer) and the calls screens make."""

    @property
    def coach(self) -> CoachApp:
        return cast("CoachApp", self.app)
