"""Draw a pose as a grid of braille characters.

Each terminal cell holds a 2x4 braille dot matrix, and a terminal cell is
about twice as tall as it is wide, so dots are close to square: a pose is
scaled by one factor both ways to fit the grid it is given, centred. The
result keeps the figure and the props apart (``layers``), so a screen can
colour them differently; it is plain text, never markup.

Pure and deterministic: the same pose and size give the same text, which the
golden tests in ``tests/unit/figures/`` pin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from coach.poses import FRAME_HEIGHT, FRAME_WIDTH, HEAD_RADIUS, Pose, Prop, same_props

BRAILLE_BASE = 0x2800
# DOT_BITS[row][column] for the dot at that place in a cell.
DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
MARGIN = 1.5  # frame units kept clear around what is drawn
BACKREST = 11.0  # how far a chair's back rises above its seat
FIGURE, PROP, EMPTY = "f", "p", " "
# In a side view the far arm and leg (the pose's "right_" limbs) are drawn thin
# and dotted, lighter than the near ones, so two limbs that cross or lie side by
# side can be told apart. A pose whose left and right shoulders or hips are apart
# is seen from the front, behind or above, and both sides are drawn alike.
DASH_ON, DASH_OFF = 1, 1  # one dot drawn, one left out: a dotted line


@dataclass(frozen=True)
class Box:
    """A rectangle in frame units (y up)."""

    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    def union(self, other: Box) -> Box:
        return Box(min(self.left, other.left), min(self.bottom, other.bottom),
                   max(self.right, other.right), max(self.top, other.top))


@dataclass(frozen=True)
class FigureGrid:
    """A drawn figure: ``lines`` of braille text and, per cell, which layer it shows."""

    lines: tuple[str, ...]
    layers: tuple[str, ...]  # FIGURE, PROP or EMPTY per cell, same shape as lines

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# --- geometry of poses ------------------------------------------------------------


def seen_from_above(pose: Pose) -> bool:
    """Whether the pose is drawn from above: its shoulders apart up and down the frame."""
    (lx, ly), (rx, ry) = pose.point("left_shoulder"), pose.point("right_shoulder")
    return abs(ly - ry) > abs(lx - rx)


def mirror(pose: Pose) -> Pose:
    """The pose on the other side: x flipped, chair backs swapped. Seen from
    above, it is flipped top to bottom about the hips instead, so the head
    stays where it is and the knees (say) go to the other side."""
    if seen_from_above(pose):
        axis = 2 * pose.point("hip")[1]
        joints = tuple((name, (x, axis - y)) for name, (x, y) in pose.joints)
        props = tuple(p if p.kind == "floor" else replace(p, y=axis - p.y - p.height) for p in pose.props)
        return replace(pose, joints=joints, props=props)
    joints = tuple((name, (FRAME_WIDTH - x, y)) for name, (x, y) in pose.joints)
    swap = {"left": "right", "right": "left"}
    props = tuple(replace(p, x=FRAME_WIDTH - p.x - p.width, back=swap.get(p.back, p.back)) for p in pose.props)
    return replace(pose, joints=joints, props=props)


def blend(first: Pose, second: Pose, t: float) -> Pose:
    """The pose ``t`` of the way from ``first`` (0) to ``second`` (1).

    Props move too when both poses have the same kinds of props in the same
    order; otherwise the nearer pose's props are shown.
    """
    if t <= 0:
        return first
    if t >= 1:
        return second
    joints = tuple((name, (ax + (bx - ax) * t, ay + (by - ay) * t))
                   for (name, (ax, ay)), (_, (bx, by)) in zip(first.joints, second.joints))
    if same_props(first, second):
        props = tuple(replace(a, x=a.x + (b.x - a.x) * t, y=a.y + (b.y - a.y) * t,
                              width=a.width + (b.width - a.width) * t, height=a.height + (b.height - a.height) * t)
                      for a, b in zip(first.props, second.props))
    else:
        props = first.props if t < 0.5 else second.props
    return replace(first, joints=joints, props=props)


def pose_box(pose: Pose) -> Box:
    """What a pose draws, in frame units, with a margin (floors and walls span it)."""
    xs = [x for _, (x, _) in pose.joints]
    ys = [y for _, (_, y) in pose.joints]
    hx, hy = pose.point("head")
    box = Box(min(xs), min(ys), max(xs), max(ys)).union(
        Box(hx - HEAD_RADIUS, hy - HEAD_RADIUS, hx + HEAD_RADIUS, hy + HEAD_RADIUS))
    for prop in pose.props:
        if prop.kind == "floor":
            box = box.union(Box(box.left, prop.y, box.right, prop.y))
        else:
            top = prop.y + prop.height + (BACKREST if prop.kind == "chair" and prop.back != "none" else 0)
            box = box.union(Box(prop.x, prop.y, prop.x + prop.width, top))
    return Box(box.left - MARGIN, box.bottom - MARGIN, box.right + MARGIN, box.top + MARGIN)


def figure_box(poses: tuple[Pose, ...]) -> Box:
    """One box for all the poses of a movement, so every frame has the same scale."""
    box = pose_box(poses[0])
    for pose in poses[1:]:
        box = box.union(pose_box(pose))
    return box


# --- the dot canvas ------------------------------------------------------------------


class _Canvas:
    def __init__(self, cols: int, rows: int, box: Box) -> None:
        self.cols, self.rows = cols, rows
        self.width, self.height = cols * 2, rows * 4
        self.scale = min(self.width / max(box.width, 1.0), self.height / max(box.height, 1.0))
        self.x0 = (self.width - box.width * self.scale) / 2 - box.left * self.scale
        self.y0 = (self.height - box.height * self.scale) / 2 + box.top * self.scale
        self.layers = {FIGURE: bytearray(cols * rows), PROP: bytearray(cols * rows)}
        self.layer = self.layers[FIGURE]

    def to_dots(self, x: float, y: float) -> tuple[float, float]:
        return self.x0 + x * self.scale, self.y0 - y * self.scale

    def dot(self, dx: int, dy: int) -> None:
        if 0 <= dx < self.width and 0 <= dy < self.height:
            self.layer[(dy >> 2) * self.cols + (dx >> 1)] |= DOT_BITS[dy & 3][dx & 1]

    def stamp(self, fx: float, fy: float, radius: float) -> None:
        cx, cy = round(fx), round(fy)
        if radius < 1:
            self.dot(cx, cy)
            return
        r = int(radius)
        for j in range(-r, r + 1):
            for i in range(-r, r + 1):
                if i * i + j * j <= radius * radius:
                    self.dot(cx + i, cy + j)

    def segment(self, a: tuple[float, float], b: tuple[float, float], radius: float = 0.0,
                dashed: bool = False) -> None:
        """A line between two frame points, ``radius`` dots thick either side;
        ``dashed`` draws DASH_ON dots of every DASH_ON + DASH_OFF along it."""
        (ax, ay), (bx, by) = self.to_dots(*a), self.to_dots(*b)
        along_x = abs(bx - ax) >= abs(by - ay)
        steps = max(1, math.ceil(max(abs(bx - ax), abs(by - ay)) * 2))
        for k in range(steps + 1):
            t = k / steps
            x, y = ax + (bx - ax) * t, ay + (by - ay) * t
            # Dashes counted in whole dots along the line's main direction, the
            # same dots stamp() rounds to, so every segment is dashed alike.
            if dashed and round(x if along_x else y) % (DASH_ON + DASH_OFF) >= DASH_ON:
                continue
            self.stamp(x, y, radius)

    def disc(self, centre: tuple[float, float], radius_units: float) -> None:
        cx, cy = self.to_dots(*centre)
        r = radius_units * self.scale
        for dy in range(math.floor(cy - r), math.ceil(cy + r) + 1):
            for dx in range(math.floor(cx - r), math.ceil(cx + r) + 1):
                if (dx + 0.5 - cx) ** 2 + (dy + 0.5 - cy) ** 2 <= r * r:
                    self.dot(dx, dy)

    def ellipse(self, box: Box, filled: bool = False) -> None:
        cx, cy = (box.left + box.right) / 2, (box.bottom + box.top) / 2
        rx, ry = box.width / 2, box.height / 2
        if filled:  # a soft, light fill: every other dot inside the outline
            (dcx, dcy), drx, dry = self.to_dots(cx, cy), rx * self.scale, ry * self.scale
            for dy in range(math.floor(dcy - dry), math.ceil(dcy + dry) + 1):
                for dx in range(math.floor(dcx - drx), math.ceil(dcx + drx) + 1):
                    inside = ((dx - dcx) / max(drx, 1e-9)) ** 2 + ((dy - dcy) / max(dry, 1e-9)) ** 2 <= 1
                    if inside and (dx + dy) % 2 == 0:
                        self.dot(dx, dy)
        steps = max(16, int((rx + ry) * self.scale * 4))
        for k in range(steps):
            angle = 2 * math.pi * k / steps
            px, py = self.to_dots(cx + rx * math.cos(angle), cy + ry * math.sin(angle))
            self.dot(round(px), round(py))

    def rect(self, box: Box, fill: str = "") -> None:
        corners = [(box.left, box.bottom), (box.right, box.bottom), (box.right, box.top), (box.left, box.top)]
        for a, b in zip(corners, corners[1:] + corners[:1]):
            self.segment(a, b)
        if not fill:
            return
        (lx, ty), (rx, by) = self.to_dots(box.left, box.top), self.to_dots(box.right, box.bottom)
        for dy in range(round(ty) + 2, round(by) - 1):
            for dx in range(round(lx) + 2, round(rx) - 1):
                if (fill == "checks" and (dx + dy) % 2 == 0) or (fill == "stripes" and dy % 2 == 0 and dx % 3 != 0):
                    self.dot(dx, dy)

    def grid(self) -> FigureGrid:
        figure, props = self.layers[FIGURE], self.layers[PROP]
        lines, layers = [], []
        for row in range(self.rows):
            chars, kinds = [], []
            for col in range(row * self.cols, (row + 1) * self.cols):
                bits = figure[col] | props[col]
                chars.append(chr(BRAILLE_BASE | bits) if bits else " ")
                kinds.append(FIGURE if figure[col] else PROP if bits else EMPTY)
            lines.append("".join(chars))
            layers.append("".join(kinds))
        return FigureGrid(tuple(lines), tuple(layers))


# --- drawing -----------------------------------------------------------------------------


def _draw_prop(canvas: _Canvas, prop: Prop) -> None:
    box = Box(prop.x, prop.y, prop.x + prop.width, prop.y + prop.height)
    left_edge = (0 - canvas.x0) / canvas.scale
    right_edge = (canvas.width - canvas.x0) / canvas.scale
    if prop.kind == "floor":
        canvas.segment((left_edge, prop.y), (right_edge, prop.y))
    elif prop.kind == "wall":
        top = prop.y + prop.height if prop.height else FRAME_HEIGHT + BACKREST
        canvas.segment((prop.x, prop.y), (prop.x, top), radius=0.5 * canvas.scale)
    elif prop.kind == "pillow":
        canvas.ellipse(box, filled=True)
    elif prop.kind == "chair":
        seat = box.top
        canvas.segment((box.left, seat), (box.right, seat), radius=0.4 * canvas.scale)
        canvas.segment((box.left + 0.5, box.bottom), (box.left + 0.5, seat))
        canvas.segment((box.right - 0.5, box.bottom), (box.right - 0.5, seat))
        if prop.back != "none":
            x = box.left if prop.back == "left" else box.right
            canvas.segment((x, seat), (x, seat + BACKREST), radius=0.4 * canvas.scale)
    elif prop.kind == "desk":
        canvas.segment((box.left, box.top), (box.right, box.top), radius=0.4 * canvas.scale)
        canvas.segment((box.left + 1, box.bottom), (box.left + 1, box.top))
        canvas.segment((box.right - 1, box.bottom), (box.right - 1, box.top))
    elif prop.kind == "screen":
        panel = Box(box.left, box.bottom + box.height * 0.3, box.right, box.top)
        canvas.rect(panel)
        middle = (box.left + box.right) / 2
        canvas.segment((middle, box.bottom), (middle, panel.bottom))
        canvas.segment((box.left + box.width * 0.25, box.bottom), (box.right - box.width * 0.25, box.bottom))
    elif prop.kind == "towel":
        canvas.rect(box)
    elif prop.kind == "ice-pack":
        canvas.rect(box, fill="checks")
    elif prop.kind == "heat-pad":
        canvas.rect(box, fill="stripes")
    elif prop.kind == "shower":
        head_left, head_right = box.left + box.width * 0.3, box.right - box.width * 0.3
        canvas.segment(((head_left + head_right) / 2, box.top), ((head_left + head_right) / 2, FRAME_HEIGHT + BACKREST))
        canvas.segment((head_left, box.top), (head_right, box.top), radius=0.4 * canvas.scale)
        (sx, sy), (ex, ey) = canvas.to_dots(box.left, box.top - 1), canvas.to_dots(box.right, box.bottom)
        spread = (ex - sx)
        for k in range(5):  # falling drops: dotted lines fanning out from the head
            start = sx + spread * (0.3 + 0.1 * k)
            end = sx + spread * k / 4
            length = max(1, round(ey - sy))
            for step in range(0, length, 3):
                canvas.dot(round(start + (end - start) * step / length), round(sy + step))


def _draw_figure(canvas: _Canvas, pose: Pose) -> None:
    p = dict(pose.joints)
    limb = 0.4 * canvas.scale
    trunk = 0.75 * canvas.scale
    canvas.segment(p["neck"], p["spine"], trunk)
    canvas.segment(p["spine"], p["hip"], trunk)
    canvas.segment(p["neck"], p["head"], limb)
    side_view = p["left_shoulder"] == p["right_shoulder"] and p["left_hip"] == p["right_hip"]
    for side, far in (("right", side_view), ("left", False)):
        width = 0.0 if far else limb  # the far limbs: thin and dotted
        shoulder, hip = p[f"{side}_shoulder"], p[f"{side}_hip"]
        canvas.segment(p["neck"], shoulder, limb)
        canvas.segment(shoulder, p[f"{side}_elbow"], width, far)
        canvas.segment(p[f"{side}_elbow"], p[f"{side}_hand"], width, far)
        canvas.segment(p["hip"], hip, limb)
        canvas.segment(hip, p[f"{side}_knee"], width, far)
        canvas.segment(p[f"{side}_knee"], p[f"{side}_foot"], width, far)
        if p[f"{side}_toe"] != p[f"{side}_foot"]:
            canvas.segment(p[f"{side}_foot"], p[f"{side}_toe"], width, far)
    canvas.disc(p["head"], HEAD_RADIUS)


def render_pose(pose: Pose, cols: int, rows: int, box: Box | None = None) -> FigureGrid:
    """Draw ``pose`` into a grid of ``cols`` x ``rows`` cells, scaled to fit ``box``
    (by default the pose's own box) and centred."""
    if cols < 1 or rows < 1:
        return FigureGrid((), ())
    canvas = _Canvas(cols, rows, box or pose_box(pose))
    canvas.layer = canvas.layers[PROP]
    for prop in pose.props:
        _draw_prop(canvas, prop)
    canvas.layer = canvas.layers[FIGURE]
    _draw_figure(canvas, pose)
    return canvas.grid()


@lru_cache(maxsize=512)
def render_movement(poses: tuple[Pose, ...], t: float, mirrored: bool, cols: int, rows: int) -> FigureGrid:
    """One frame of a figure: ``t`` of the way from its first pose to its second
    (a one-pose figure ignores ``t``; in a sequence of more, 1.5 is half way
    from the second to the third), mirrored for the other side. Cached: a
    movement repeats the same few frames."""
    if mirrored:
        poses = tuple(mirror(p) for p in poses)
    box = figure_box(poses)
    at = min(max(int(t), 0), len(poses) - 2)  # the pair of poses t is between
    pose = blend(poses[at], poses[at + 1], t - at) if len(poses) > 1 else poses[0]
    return render_pose(pose, cols, rows, box)
