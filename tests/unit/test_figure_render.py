"""The braille renderer: every built-in pose at two sizes against stored text.

The stored drawings are in ``tests/unit/figures/`` (one file per pose, both
sizes). After a deliberate change to a pose or to the renderer, rewrite them
with ``COACH_UPDATE_FIGURES=1 python -m pytest tests/unit/test_figure_render.py``
and look at the diff (and at the app) before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coach.figure_render import (
    BRAILLE_BASE,
    EMPTY,
    FIGURE,
    PROP,
    blend,
    figure_box,
    mirror,
    render_movement,
    render_pose,
)
from coach.poses import FRAME_WIDTH, builtin_poses

GOLDEN = Path(__file__).parent / "figures"
SIZES = ((24, 8), (48, 16))
UPDATE = os.environ.get("COACH_UPDATE_FIGURES") == "1"


def drawn(name: str) -> str:
    pose = builtin_poses()[name]
    parts = [f"{pose.name}: {pose.description}"]
    for cols, rows in SIZES:
        grid = render_pose(pose, cols, rows)
        parts.append(f"--- {cols}x{rows}")
        parts.extend(line.rstrip() + "|" for line in grid.lines)  # | marks the end, spaces kept honest
    return "\n".join(parts) + "\n"


@pytest.mark.parametrize("name", sorted(builtin_poses()))
def test_every_builtin_pose_draws_as_stored(name: str) -> None:
    path = GOLDEN / f"{name}.txt"
    text = drawn(name)
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no stored drawing for {name}; run with COACH_UPDATE_FIGURES=1 and look at it"
    assert text == path.read_text(encoding="utf-8")


def test_no_stored_drawing_is_left_over() -> None:
    stored = {p.stem for p in GOLDEN.glob("*.txt")}
    assert stored == set(builtin_poses())


@pytest.mark.parametrize(("cols", "rows"), [(1, 1), (7, 3), (24, 8), (61, 17)])
def test_the_grid_has_exactly_the_size_asked_for(cols: int, rows: int) -> None:
    grid = render_pose(builtin_poses()["stand"], cols, rows)
    assert len(grid.lines) == rows == len(grid.layers)
    assert all(len(line) == cols for line in grid.lines)
    assert all(len(layer) == cols for layer in grid.layers)


def test_cells_are_braille_or_blank_and_layers_say_which_is_which() -> None:
    grid = render_pose(builtin_poses()["rest-knee-pillows"], 40, 12)
    kinds = set()
    for line, layer in zip(grid.lines, grid.layers):
        for char, kind in zip(line, layer):
            kinds.add(kind)
            if char == " ":
                assert kind == EMPTY
            else:
                assert BRAILLE_BASE < ord(char) <= BRAILLE_BASE + 0xFF and kind in (FIGURE, PROP)
    assert kinds == {EMPTY, FIGURE, PROP}  # the pillow and the floor are props


def test_nothing_fits_in_nothing() -> None:
    assert render_pose(builtin_poses()["stand"], 0, 5).lines == ()


def test_mirroring_flips_the_drawing() -> None:
    pose = builtin_poses()["knee-to-chest"]
    flipped = mirror(pose)
    assert flipped.point("head") == (FRAME_WIDTH - pose.point("head")[0], pose.point("head")[1])
    assert mirror(flipped) == pose
    chair = mirror(builtin_poses()["sit-tall"]).props[1]
    assert chair.back == "left" and chair.x == FRAME_WIDTH - 21 - 13
    plain = render_pose(pose, 30, 10).lines
    assert render_movement((pose,), 0.0, True, 30, 10).lines != plain


def test_a_blend_goes_from_the_first_pose_to_the_second() -> None:
    down, up = builtin_poses()["bridge-down"], builtin_poses()["bridge-up"]
    assert blend(down, up, 0) == down and blend(down, up, 1) == up
    halfway = blend(down, up, 0.5)
    assert halfway.point("hip") == ((23 + 21) / 2, (2.5 + 8.5) / 2)
    # Every frame of a movement has one scale, so the floor and the head stay put.
    box = figure_box((down, up))
    frames = [render_movement((down, up), t, False, 40, 12) for t in (0.0, 0.5, 1.0)]
    assert frames[0].lines[-1] == frames[2].lines[-1]
    assert frames[0] != frames[1] != frames[2]
    assert box.width > 0


def test_props_move_with_a_movement_when_they_match() -> None:
    first, second = builtin_poses()["ice-massage-a"], builtin_poses()["ice-massage-b"]
    middle = blend(first, second, 0.5)
    assert middle.props[2].x == (first.props[2].x + second.props[2].x) / 2


def _two_level_legs(front: bool):
    """A pose whose legs are two level lines, the left one above the right, with
    nothing else level near them; ``front`` sets the shoulders apart."""
    from coach.poses import parse_pose_library

    shoulders = "\n      left_shoulder: [28, 30]\n      right_shoulder: [32, 30]" if front else ""
    text = f"""
poses:
  two-legs:
    description: Two level legs.
    joints:
      head: [30, 34]
      neck: [30, 30]{shoulders}
      hip: [30, 18]
      left_elbow: [30, 24]
      left_hand: [30, 20]
      right_elbow: [30, 24]
      right_hand: [30, 20]
      left_knee: [40, 12]
      left_foot: [55, 12]
      right_knee: [40, 6]
      right_foot: [55, 6]
"""
    return parse_pose_library(text, "two-legs.yaml")["two-legs"]


def _dots_per_row(grid) -> list[int]:
    """How many braille dots each row of dots holds (4 per row of cells)."""
    counts = []
    for line in grid.lines:
        for bits in ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80)):
            counts.append(sum(bool((ord(c) - BRAILLE_BASE) & b) for c in line if c != " " for b in bits))
    return counts


def test_in_a_side_view_the_far_leg_is_dotted_and_from_the_front_both_are_solid() -> None:
    """A figure-4 or a step was a knot of two legs alike; the far ("right_")
    limbs are drawn lighter, every other dot, in a side view only."""
    for front, lighter in ((False, True), (True, False)):
        counts = sorted(_dots_per_row(render_pose(_two_level_legs(front), 30, 12)), reverse=True)
        near, far = counts[0], counts[1]
        assert near >= 12
        assert (0.35 <= far / near <= 0.65) is lighter, (front, near, far)
        if not lighter:
            assert far / near > 0.85


def test_the_other_side_of_a_figure_seen_from_above_keeps_the_head_in_place() -> None:
    """Knee rolls seen from above: mirrored left to right the head jumped across
    the screen at every rep; flipped top to bottom the knees go the other way."""
    rolled = builtin_poses()["knees-rolled"]
    other = mirror(rolled)
    hip_y = rolled.point("hip")[1]
    assert other.point("head") == rolled.point("head")
    knee_x, knee_y = rolled.point("left_knee")
    assert knee_y > hip_y and other.point("left_knee") == (knee_x, 2 * hip_y - knee_y)
    assert mirror(other) == rolled
    assert mirror(builtin_poses()["stand-front"]).point("head")[0] == FRAME_WIDTH - 30  # a front view: left to right
    # A prop beside a figure seen from above goes to the other side with it.
    from dataclasses import replace

    from coach.poses import Prop

    pillow = Prop(kind="pillow", x=30.0, y=16.0, width=6.0, height=3.0)
    flipped = mirror(replace(rolled, props=(pillow,))).props[0]
    assert (flipped.x, flipped.y, flipped.height) == (30.0, 2 * hip_y - 19.0, 3.0)


def test_a_sequence_is_drawn_pose_by_pose_at_one_scale() -> None:
    """t counts poses: 1.5 is half way from the second pose of a sequence to the third."""
    p = builtin_poses()
    seq = (p["lie-knees-bent"], p["lower-onto-side"], p["push-up-from-side"])
    box = figure_box(seq)
    assert render_movement(seq, 1.5, False, 40, 12) == render_pose(blend(seq[1], seq[2], 0.5), 40, 12, box)
    assert render_movement(seq, 2.0, False, 40, 12) == render_pose(seq[2], 40, 12, box)
    assert render_movement(seq, 0.0, False, 40, 12) == render_pose(seq[0], 40, 12, box)
