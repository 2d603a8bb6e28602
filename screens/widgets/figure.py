"""The figure beside a step: a braille drawing and the pose's one-line description.

Only shows what :mod:`coach.figure_motion` and :mod:`coach.figure_render`
compute. It has no timer of its own: the player shows its frame with
everything else when the countdown changes, once a second (a moving figure's
frame changes on the same whole seconds).
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
from coach.figure_render import EMPTY, FIGURE, FigureGrid, figure_box, mirror, render_movement
from coach.poses import Pose
from screens.text import literal

CAPTION_ROWS = 5  # kept free under the drawing for its caption (3 lines and a gap)
# A figure this many times wider than tall (in cells) is given more of a roomy
# player's width (the "wide" class): lying down it was a strip 7 rows tall at 120x40.
WIDE_RATIO = 4.0


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
        # The frames of the figure shown, by (t, mirrored, width, height): its drawing and its lines.
        # Kept for one figure at a time (a new figure starts again), so a key is a few numbers, not poses.
        self._poses: tuple[Pose, ...] = ()
        self._drawn: dict[tuple[float, bool, int, int], tuple[FigureGrid, tuple[Strip, ...]]] = {}
        self._changes: dict[tuple[object, object], tuple[Region, ...]] = {}  # (from, to) -> cells to redraw
        self._styles: tuple[Style, Style, Style] | None = None

    def show(self, frame: FigureFrame | None) -> None:
        """Show ``frame``; redraws only when it differs from the one shown."""
        if frame == self.frame:
            return
        # A new figure may need another height; a new frame of the same one does not,
        # and only the rows that differ are drawn again, each from its first changed cell
        # to the end of the row: the screen update writes the canvas's part of those rows,
        # whole (a region that ended inside the row would have Textual cut its braille
        # text at that cell, which costs more than writing the rest of the row).
        resized = self.frame is None or frame is None or frame.poses != self.frame.poses \
            or frame.mirrored != self.frame.mirrored
        before = None if resized else self._key()
        self.frame = frame
        after = self._key()
        if before is None or after is None:
            self.refresh(layout=resized)
            return
        regions = self._changes.get((before, after))
        if regions is None:
            old, new = self._drawing(before)[0], self._drawing(after)[0]
            regions = self._changes[(before, after)] = tuple(
                Region(start, y, len(new.lines[y]) - start, 1)
                for y, (start, end) in enumerate(changed_spans(old, new)) if end > start)
        if regions:
            self.refresh(*regions)

    def _key(self) -> tuple[float, bool, int, int] | None:
        """The frame shown at the widget's size, as a key of the drawings (None: nothing to draw)."""
        width, height = self.size
        if self.frame is None or width < 1 or height < 1:
            return None
        if self.frame.poses is not self._poses:
            self._poses = self.frame.poses
            self._drawn.clear()
            self._changes.clear()
        return (self.frame.t, self.frame.mirrored, width, height)  # not whether it moves

    def _drawing(self, key: tuple[float, bool, int, int]) -> tuple[FigureGrid, tuple[Strip, ...]]:
        """The drawing of the shown figure for ``key``, and its lines: drawn once, then looked up."""
        drawn = self._drawn.get(key)
        if drawn is None:
            if self._styles is None:
                base = self.rich_style  # the background and colours around the drawing
                self._styles = (base, base + self.get_component_rich_style("figure-canvas--figure", partial=True),
                                base + self.get_component_rich_style("figure-canvas--prop", partial=True))
            base, figure, prop = self._styles
            if len(self._drawn) > 64:  # a new size again and again: the old frames go
                self._drawn.clear()
                self._changes.clear()
            t, mirrored, width, height = key
            grid = render_movement(self._poses, t, mirrored, width, height)
            drawn = self._drawn[key] = (grid, tuple(
                Strip(_segments(text, layers, base, figure, prop), width) for text, layers in zip(grid.lines, grid.layers)))
        return drawn

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
        self._drawn.clear()

    def render_line(self, y: int) -> Strip:
        key = self._key()
        strips = self._drawing(key)[1] if key is not None else ()
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


def changed_spans(before: FigureGrid, after: FigureGrid) -> list[tuple[int, int]]:
    """Per row of ``after``, the columns [start, end) from its first cell that differs
    from ``before`` (a character or its layer) to its last; (0, 0) for a row that is the same."""
    spans = []
    for y, (line, layers) in enumerate(zip(after.lines, after.layers)):
        if y >= len(before.lines) or len(before.lines[y]) != len(line):
            spans.append((0, len(line)))
            continue
        old_line, old_layers = before.lines[y], before.layers[y]
        if old_line == line and old_layers == layers:
            spans.append((0, 0))
            continue
        differs = [x for x in range(len(line)) if line[x] != old_line[x] or layers[x] != old_layers[x]]
        spans.append((differs[0], differs[-1] + 1))
    return spans


def _wide(poses: tuple[Pose, ...]) -> bool:
    """Whether a figure is much wider than tall (lying down): in cells, as wide
    as WIDE_RATIO times its height or more, since a cell holds 2 x 4 square dots."""
    box = figure_box(poses)
    return box.width * 2 >= box.height * WIDE_RATIO


class FigurePanel(Vertical):
    """A step's figure with its description; follows the player's state."""

    def __init__(self, *, animate: Callable[[], bool], id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="empty")  # nothing to show until a figure comes
        self._animate = animate
        self._poses: tuple[Pose, ...] = ()
        self._canvas: FigureCanvas | None = None
        self._described = -1  # which pose the caption describes (see FigureFrame.described)

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
            self._caption(-1)
            self.set_class(bool(poses) and _wide(poses), "wide")
        self.set_class(not poses, "empty")
        self.update_frame(state)

    def update_frame(self, state: PlayerState) -> None:
        """Show the frame for ``state`` (every second while a step plays)."""
        if self._canvas is None:
            self._canvas = self.query_one(FigureCanvas)  # looked up once
        frame = frame_at(self._poses, state, animate=self._animate())
        if frame is not None and frame.described != self._described:
            self._caption(frame.described)  # a sequence says each pose as it shows it
        self._canvas.show(frame)

    def _caption(self, described: int) -> None:
        self._described = described
        self.query_one("#figure-caption", Static).update(literal(figure_caption(self._poses, described)))

    def still(self, poses: tuple[Pose, ...]) -> None:
        """Show ``poses`` still (the position to reach), with the descriptions (the editor's preview)."""
        self._poses = poses
        self.set_class(not poses, "empty")
        self._caption(-1)
        self.query_one(FigureCanvas).show(FigureFrame(poses, float(len(poses) - 1), False, False) if poses else None)


class PlainFigurePanel(FigurePanel):
    """The player's FigurePanel: no border, so its own lines are blank (see screens.widgets.layout)."""

    BLANK = True
