"""Containers that only arrange their children and draw nothing of their own.

Textual renders every container a screen update passes through, line by
line through its styles cache, even when only one small widget changed.
With ``BLANK`` (Textual: "no border, no content") a container's lines are
one blank strip in its background instead. Use them only where the CSS
gives the container no border (padding and background are kept).
"""

from __future__ import annotations

from textual.containers import Horizontal, Vertical, VerticalScroll


class PlainRow(Horizontal):
    """A Horizontal with no border: its own lines are blank."""

    BLANK = True


class PlainColumn(Vertical):
    """A Vertical with no border: its own lines are blank."""

    BLANK = True


class PlainScroll(VerticalScroll):
    """A VerticalScroll with no border: its own lines are blank (its scroll bars are drawn as usual)."""

    BLANK = True
