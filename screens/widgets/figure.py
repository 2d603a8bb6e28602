"""The figure beside a step: a braille drawing and the pose's one-line description.

Only shows what :mod:`coach.figure_motion` and :mod:`coach.figure_render`
compute. While a figure moves, a timer asks for the next frame at most
``FRAME_RATE`` times a second; it is paused whenever the figure is still
(holds, rests, a paused player, animations off), so a still figure costs
nothing between the player's own updates.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from coach.engine import PlayerState
from coach.figure_motion import FRAME_RATE, FigureFrame, figure_caption, frame_at
from coach.figure_render import EMPTY, FIGURE, figure_box, mirror, render_movement
from coach.poses import Pose
from screens.text import literal

FIGURE_STYLE = "$text-accent"
PROP_STYLE = "$text-muted"
CAPTION_ROWS = 5  # kept free under the drawing for its caption (3 lines and a gap)


def grid_content(frame: FigureFrame, width: int, height: int) -> Content:
    """The frame drawn to ``width`` x ``height`` cells, figure and props in two colours."""
    grid = render_movement(frame.poses, frame.t, frame.mirrored, width, height)
    lines = []
    for text, layers in zip(grid.lines, grid.layers):
        parts: list[Content] = []
        start = 0
        for end in range(1, len(text) + 1):
            if end == len(text) or layers[end] != layers[start]:
                run = text[start:end]
                kind = layers[start]
                parts.append(Content(run) if kind == EMPTY else
                             Content.styled(run, FIGURE_STYLE if kind == FIGURE else PROP_STYLE))
                start = end
        lines.append(Content.assemble(*parts))
    return Content("\n").join(lines)


class FigureCanvas(Widget):
    """Draws one frame, sized to the widget."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.frame: FigureFrame | None = None

    def show(self, frame: FigureFrame | None) -> None:
        """Show ``frame``; redraws only when it differs from the one shown."""
        if frame != self.frame:
            # A new figure may need another height; a new frame of the same one does not.
            resized = self.frame is None or frame is None or frame.poses != self.frame.poses \
                or frame.mirrored != self.frame.mirrored
            self.frame = frame
            self.refresh(layout=resized)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as the drawing needs at this width (the panel centres it)."""
        if self.frame is None or width < 1:
            return 0
        poses = tuple(mirror(p) for p in self.frame.poses) if self.frame.mirrored else self.frame.poses
        box = figure_box(poses)
        rows = math.ceil(box.height * (width * 2 / box.width) / 4)
        return max(1, min(rows, container.height - CAPTION_ROWS))

    def render(self) -> Content:
        width, height = self.content_size
        if self.frame is None or width < 1 or height < 1:
            return Content("")
        return grid_content(self.frame, width, height)


class FigurePanel(Vertical):
    """A step's figure with its description; follows the player's state."""

    def __init__(self, *, animate: Callable[[], bool], id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._animate = animate
        self._poses: tuple[Pose, ...] = ()
        self._state: Callable[[], PlayerState] | None = None
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield FigureCanvas(id="figure-canvas")
        yield Static(id="figure-caption")

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1 / FRAME_RATE, self._tick, pause=True)

    def follow(self, poses: tuple[Pose, ...], state: Callable[[], PlayerState]) -> None:
        """Show ``poses`` (a step's figure) as ``state()`` says, from now on."""
        self._state = state
        if poses != self._poses:
            self._poses = poses
            self.query_one("#figure-caption", Static).update(literal(figure_caption(poses)))
        self.set_class(not poses, "empty")
        self.update_frame(state())

    def update_frame(self, state: PlayerState) -> None:
        """Show the frame for ``state``; run the frame timer only while it moves."""
        frame = frame_at(self._poses, state, animate=self._animate())
        self.query_one(FigureCanvas).show(frame)
        if self._ticker is None:
            return
        if frame is not None and frame.moving:
            self._ticker.resume()
        else:
            self._ticker.pause()

    def _tick(self) -> None:
        if self._state is not None:
            self.update_frame(self._state())

    def still(self, poses: tuple[Pose, ...]) -> None:
        """Show ``poses`` still (the position to reach), with the descriptions (the editor's preview)."""
        self._state = None
        if self._ticker is not None:
            self._ticker.pause()
        self._poses = poses
        self.set_class(not poses, "empty")
        self.query_one("#figure-caption", Static).update(literal(figure_caption(poses)))
        self.query_one(FigureCanvas).show(FigureFrame(poses, 1.0, False, False) if poses else None)
