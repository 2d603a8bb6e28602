"""The figure beside a step: a braille drawing and the pose's one-line description.

Only shows what :mod:`coach.figure_motion` and :mod:`coach.figure_render`
compute. It has no timer of its own: the player wakes it (with its own
countdown) at most ``FRAME_RATE`` times a second while the figure moves, and
only once a second, for the countdown, while it is still.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static
from rich.segment import Segment
from rich.style import Style

from coach.engine import PlayerState
from coach.figure_motion import FigureFrame, figure_caption, frame_at
from coach.figure_render import EMPTY, FIGURE, figure_box, mirror, render_movement
from coach.poses import Pose
from screens.text import literal

CAPTION_ROWS = 5  # kept free under the drawing for its caption (3 lines and a gap)


class FigureCanvas(Widget):
    """Draws one frame, sized to the widget, line by line.

    The Line API with cached strips: a movement repeats the same few frames,
    so after its first round a new frame costs a dictionary lookup and the
    compositor's work, not a redraw.
    """

    COMPONENT_CLASSES = {"figure-canvas--figure", "figure-canvas--prop"}
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.frame: FigureFrame | None = None
        self._strips: dict[tuple[object, ...], tuple[Strip, ...]] = {}
        self._shown: tuple[tuple[object, ...], tuple[Strip, ...]] | None = None
        self._styles: tuple[Style, Style, Style] | None = None

    def show(self, frame: FigureFrame | None) -> None:
        """Show ``frame``; redraws only when it differs from the one shown."""
        if frame == self.frame:
            return
        # A new figure may need another height; a new frame of the same one does not,
        # and only the rows that differ are drawn again (fewer bytes to the terminal).
        resized = self.frame is None or frame is None or frame.poses != self.frame.poses \
            or frame.mirrored != self.frame.mirrored
        before = () if resized else self._frame_strips()
        self.frame = frame
        if resized:
            self.refresh(layout=True)
            return
        after = self._frame_strips()
        changed = [y for y, (old, new) in enumerate(zip(before, after)) if old.text != new.text]
        if changed:
            self.refresh(Region(0, changed[0], self.size.width, changed[-1] - changed[0] + 1))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as the drawing needs at this width (the panel centres it)."""
        if self.frame is None or width < 1:
            return 0
        poses = tuple(mirror(p) for p in self.frame.poses) if self.frame.mirrored else self.frame.poses
        box = figure_box(poses)
        rows = math.ceil(box.height * (width * 2 / box.width) / 4)
        captioned = self.parent is not None and any(w.display for w in self.parent.query("#figure-caption"))
        return max(1, min(rows, container.height - (CAPTION_ROWS if captioned else 0)))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None  # a new theme: colours looked up again, frames drawn again
        self._strips.clear()
        self._shown = None

    def _frame_strips(self) -> tuple[Strip, ...]:
        width, height = self.size
        if self.frame is None or width < 1 or height < 1:
            return ()
        if self._shown is not None and self._shown[0] == (self.frame, width, height):
            return self._shown[1]  # asked once per line: the same frame as a moment ago
        if self._styles is None:
            base = self.rich_style  # the background and colours around the drawing
            self._styles = (base, base + self.get_component_rich_style("figure-canvas--figure", partial=True),
                            base + self.get_component_rich_style("figure-canvas--prop", partial=True))
        base, figure, prop = self._styles
        key = (self.frame, width, height)
        strips = self._strips.get(key)
        if strips is None:
            if len(self._strips) > 64:  # a new figure or size: the old frames go
                self._strips.clear()
            grid = render_movement(self.frame.poses, self.frame.t, self.frame.mirrored, width, height)
            strips = self._strips[key] = tuple(
                Strip(_segments(text, layers, base, figure, prop), width) for text, layers in zip(grid.lines, grid.layers))
        self._shown = (key, strips)
        return strips

    def render_line(self, y: int) -> Strip:
        strips = self._frame_strips()
        if y < len(strips):
            return strips[y]
        return Strip.blank(self.size.width, self._styles[0] if self._styles else self.rich_style)


def _segments(text: str, layers: str, base: Style, figure: Style, prop: Style) -> list[Segment]:
    segments = []
    start = 0
    for end in range(1, len(text) + 1):
        if end == len(text) or layers[end] != layers[start]:
            kind = layers[start]
            style = figure if kind == FIGURE else prop if kind != EMPTY else base
            segments.append(Segment(text[start:end], style))
            start = end
    return segments


class FigurePanel(Vertical):
    """A step's figure with its description; follows the player's state."""

    def __init__(self, *, animate: Callable[[], bool], id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="empty")  # nothing to show until a figure comes
        self._animate = animate
        self._poses: tuple[Pose, ...] = ()

    def compose(self) -> ComposeResult:
        yield FigureCanvas(id="figure-canvas")
        yield Static(id="figure-caption")

    @property
    def moving(self) -> bool:
        """Whether the frame shown will change as time passes (the player wakes sooner)."""
        frame = self.query_one(FigureCanvas).frame
        return frame is not None and frame.moving

    def follow(self, poses: tuple[Pose, ...], state: PlayerState) -> None:
        """Show ``poses`` (a step's figure), at ``state`` now and at each update after."""
        if poses != self._poses:
            self._poses = poses
            self.query_one("#figure-caption", Static).update(literal(figure_caption(poses)))
        self.set_class(not poses, "empty")
        self.update_frame(state)

    def update_frame(self, state: PlayerState) -> None:
        """Show the frame for ``state``."""
        self.query_one(FigureCanvas).show(frame_at(self._poses, state, animate=self._animate()))

    def still(self, poses: tuple[Pose, ...]) -> None:
        """Show ``poses`` still (the position to reach), with the descriptions (the editor's preview)."""
        self._poses = poses
        self.set_class(not poses, "empty")
        self.query_one("#figure-caption", Static).update(literal(figure_caption(poses)))
        self.query_one(FigureCanvas).show(FigureFrame(poses, 1.0, False, False) if poses else None)


class PlainFigurePanel(FigurePanel):
    """The player's FigurePanel: no border, so its own lines are blank (see screens.widgets.layout)."""

    BLANK = True
