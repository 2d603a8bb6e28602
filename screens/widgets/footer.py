"""Textual's footer with its keys in the screen's first frame, rebuilt only when they change."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """A Footer that draws the screen's keys when it is first composed, and
    composes them again only when what it shows has changed.

    Textual's Footer composes empty and waits for the screen's first
    "bindings updated" signal, then recomposes after the next refresh: its
    keys arrive a frame (about 100 ms at start-up) after the rest of the
    screen. This one composes from the screen's active bindings at once.

    Textual's Footer also rebuilds all its keys at every "bindings updated"
    signal, which fires whenever focus moves, the list's highlight changes a
    binding's state or a screen is mounted: home's first frame paid for nine
    rebuilds of identical keys (a third of its drawing time), and each
    rebuild left a row of detached widgets for the collector. This one
    compares what it would show (keys, labels, enabled) with what it shows.

    (``_bindings_ready`` is Footer's own flag; textual is pinned to 8.2, and
    pilot tests fail if the first frame has no keys or a key's change is not
    shown.)
    """

    def __init__(self) -> None:
        super().__init__()
        self._bindings_ready = True
        self._shown: Hashable = None  # what the last compose showed

    def shown_keys(self) -> Hashable:
        """What this footer would show now: each shown binding's key, label
        and state, in order, and the command palette's key."""
        app = self.app
        return (
            tuple(
                (binding.key, app.get_key_display(binding), binding.description, binding.action,
                 enabled, tooltip, binding.group)
                for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
                if binding.show
            ),
            self.show_command_palette and app.ENABLE_COMMAND_PALETTE,
        )

    def compose(self) -> ComposeResult:
        self._shown = self.shown_keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if not screen.app.app_focus:
            return  # as Footer: nothing is redrawn while the terminal has no focus
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self.shown_keys() != self._shown:
            await self.recompose()
