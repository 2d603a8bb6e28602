"""Textual's footer with its keys in the screen's first frame."""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """A Footer that draws the screen's keys when it is first composed.

    Textual's Footer composes empty and waits for the screen's first
    "bindings updated" signal, then recomposes after the next refresh: its
    keys arrive a frame (about 100 ms at start-up) after the rest of the
    screen. This one composes from the screen's active bindings at once; the
    signal still recomposes it when focus changes what is active.
    (``_bindings_ready`` is Footer's own flag; textual is pinned to 8.2, and a
    pilot test fails if the first frame has no keys.)
    """

    def __init__(self) -> None:
        super().__init__()
        self._bindings_ready = True
