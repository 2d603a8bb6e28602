"""Poses: the figures drawn for routine steps, as data.

A pose is a stick figure's named joints and the props around it (floor,
pillow, chair, wall, towel, ice pack, heat pad, shower, desk, screen) in a
fixed frame: ``x`` from 0 (left) to 60 (right), ``y`` from 0 (the floor) up
to 40, in the same units both ways. Each pose has a one-line description,
shown under the figure and used instead of it where there is no room.

The built-in library is ``coach/poses.yaml``; a routine file may define its
own poses under ``poses:`` in the same format. Both are read by
:class:`PoseChecker`, which reports every problem with its line and column
through a callback, so the routine validator and the library share one set
of rules. Nothing here draws: see :mod:`coach.figure_render`.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # YAML is loaded when poses are read, not when a Pose is (the start-up cache)
    from coach.yamlsafe import Mark, Node

FRAME_WIDTH = 60
FRAME_HEIGHT = 40
HEAD_RADIUS = 2.5
MAX_POSES = 60  # in one routine file
MAX_PROPS = 8
MAX_DESCRIPTION = 120
MAX_NAME = 40
NAME_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

#: Joints every pose gives. In a side view "left" is one limb and "right"
#: the other (they may overlap); in a front or back view they are the
#: person's left and right as drawn.
JOINTS = (
    "head", "neck", "hip",
    "left_elbow", "left_hand", "right_elbow", "right_hand",
    "left_knee", "left_foot", "right_knee", "right_foot",
)
#: Joints a pose may give; each defaults to another point (see README).
OPTIONAL_JOINTS = (
    "spine", "left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_toe", "right_toe",
)
ALL_JOINTS = JOINTS + OPTIONAL_JOINTS
POSE_KEYS = ("description", "joints", "props")
PROP_KEYS = ("prop", "at", "size", "back")
PROP_KINDS = (
    "floor", "wall", "pillow", "chair", "desk", "screen", "towel", "ice-pack", "heat-pad", "shower",
)
CHAIR_BACKS = ("left", "right", "none")

Point = tuple[float, float]


@dataclass(frozen=True)
class Prop:
    """A thing drawn with the figure, in its box (``x``, ``y`` is the bottom-left corner)."""

    kind: str
    x: float = 0.0
    y: float = 0.0
    width: float = FRAME_WIDTH
    height: float = 0.0
    back: str = "none"  # chairs: which side the backrest is on


@dataclass(frozen=True)
class Pose:
    """A named position: every joint resolved to a point, and its props."""

    name: str
    description: str
    joints: tuple[tuple[str, Point], ...]  # in ALL_JOINTS order, optional ones filled in
    props: tuple[Prop, ...] = ()
    line: int = 0  # where the pose starts in its file (1-based)

    def point(self, joint: str) -> Point:
        """Where a joint is (any name in :data:`ALL_JOINTS`)."""
        return dict(self.joints)[joint]


def complete_joints(given: dict[str, Point]) -> tuple[tuple[str, Point], ...]:
    """Fill in the optional joints: spine halfway between neck and hip,
    shoulders at the neck, hips at the hip, toes at the feet (not drawn)."""
    joints = dict(given)
    neck, hip = joints["neck"], joints["hip"]
    defaults = {
        "spine": ((neck[0] + hip[0]) / 2, (neck[1] + hip[1]) / 2),
        "left_shoulder": neck, "right_shoulder": neck,
        "left_hip": hip, "right_hip": hip,
        "left_toe": joints["left_foot"], "right_toe": joints["right_foot"],
    }
    for name, point in defaults.items():
        joints.setdefault(name, point)
    return tuple((name, joints[name]) for name in ALL_JOINTS)


Report = Callable[["Mark", str, str], None]


def did_you_mean(word: str, known: tuple[str, ...] | list[str]) -> str:
    """"; did you mean 'x'?" or an empty string."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class _Skip(Exception):
    """Internal: the value was reported; leave it out."""


class PoseChecker:
    """Checks pose definitions in a :class:`Node` tree, reporting through ``report``."""

    def __init__(self, report: Report) -> None:
        self._report = report
        self.count = 0  # problems reported so far

    def report(self, mark: Mark, field: str, message: str) -> None:
        self.count += 1
        self._report(mark, field, message)

    def fail(self, node: Node, field: str, message: str) -> _Skip:
        self.report(node.mark, field, message)
        return _Skip()

    def poses(self, node: Node, field: str, reserved: tuple[str, ...] = (),
              max_poses: int = MAX_POSES) -> tuple[Pose, ...]:
        """A mapping of pose name to pose. ``reserved`` names may not be reused."""
        if not isinstance(node.value, dict):
            self.report(node.mark, field, "expected a mapping of pose names to poses")
            return ()
        if len(node.value) > max_poses:
            self.report(node.mark, field, f"too many poses ({len(node.value)}); at most {max_poses}")
            return ()
        result = []
        for name, pose_node in node.value.items():
            where = f"{field}.{name}"
            mark = node.key_marks[name]
            if len(name) > MAX_NAME or not re.match(NAME_PATTERN, name):
                self.report(mark, where, f"{name!r}: a pose name is lowercase letters, digits and single dashes (like 'my-stretch'), at most {MAX_NAME}")
                continue
            if name in reserved:
                self.report(mark, where, f"'{name}' is a built-in pose; give yours another name")
                continue
            try:
                result.append(self.pose(pose_node, where, name, mark))
            except _Skip:
                continue
        return tuple(result)

    def pose(self, node: Node, field: str, name: str, name_mark: Mark) -> Pose:
        if not isinstance(node.value, dict):
            raise self.fail(node, field, "expected a pose (description, joints, props)")
        before = self.count
        keys = node.value
        for key, mark in node.key_marks.items():
            if key not in POSE_KEYS:
                self.report(mark, f"{field}.{key}", f"unknown field '{key}'{did_you_mean(key, POSE_KEYS)}")
        for key in ("description", "joints"):
            if key not in keys:
                self.report(name_mark, field, f"missing required field '{key}'")
        description = self._description(keys["description"], f"{field}.description") if "description" in keys else ""
        joints = self._joints(keys["joints"], f"{field}.joints", node.key_marks.get("joints")) if "joints" in keys else {}
        props = self._props(keys["props"], f"{field}.props") if "props" in keys else ()
        if self.count > before:
            raise _Skip()
        return Pose(name, description, complete_joints(joints), props, name_mark.line)

    def _description(self, node: Node, field: str) -> str:
        value = node.value
        if not isinstance(value, str) or not value.strip():
            self.report(node.mark, field, "expected one line of text")
            return ""
        value = value.strip()
        if "\n" in value:
            self.report(node.mark, field, "must be a single line")
        elif len(value) > MAX_DESCRIPTION:
            self.report(node.mark, field, f"too long ({len(value)} characters); at most {MAX_DESCRIPTION}")
        return value

    def _joints(self, node: Node, field: str, key_mark: Mark | None = None) -> dict[str, Point]:
        if not isinstance(node.value, dict):
            self.report(node.mark, field, "expected a mapping of joint names to [x, y]")
            return {}
        result: dict[str, Point] = {}
        for name, mark in node.key_marks.items():
            if name not in ALL_JOINTS:
                self.report(mark, f"{field}.{name}", f"unknown joint '{name}'{did_you_mean(name, ALL_JOINTS)}")
                continue
            point = self._point(node.value[name], f"{field}.{name}")
            if point is not None:
                result[name] = point
        missing = [j for j in JOINTS if j not in node.value]
        if missing:
            self.report(key_mark or node.mark, field, f"missing joint{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
        return result

    def _point(self, node: Node, field: str, *, low: Point = (0, 0), high: Point = (FRAME_WIDTH, FRAME_HEIGHT),
               what: str = "a point [x, y]") -> Point | None:
        items = node.value
        if not isinstance(items, list) or len(items) != 2:
            self.report(node.mark, field, f"expected {what}, two numbers in brackets")
            return None
        values = []
        for axis, item, lo, hi in zip("xy", items, low, high):
            value = item.value
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                self.report(item.mark, field, f"{axis} must be a number, not {value!r}")
                return None
            if not lo <= value <= hi:
                self.report(item.mark, field, f"{axis} {value:g} is outside the frame ({lo:g} to {hi:g})")
                return None
            values.append(float(value))
        return (values[0], values[1])

    def _props(self, node: Node, field: str) -> tuple[Prop, ...]:
        if not isinstance(node.value, list):
            self.report(node.mark, field, "expected a list of props")
            return ()
        if len(node.value) > MAX_PROPS:
            self.report(node.mark, field, f"too many props ({len(node.value)}); at most {MAX_PROPS}")
            return ()
        result = []
        for i, item in enumerate(node.value):
            prop = self._prop(item, f"{field}[{i}]")
            if prop is not None:
                result.append(prop)
        return tuple(result)

    def _prop(self, node: Node, field: str) -> Prop | None:
        if node.value == "floor":
            return Prop("floor")
        if isinstance(node.value, str):
            self.report(node.mark, field, f"{node.value!r}: only 'floor' may stand alone; other props are "
                                          "{prop: NAME, at: [x, y], size: [w, h]}" + did_you_mean(node.value, PROP_KINDS))
            return None
        if not isinstance(node.value, dict):
            self.report(node.mark, field, "expected 'floor' or {prop: NAME, at: [x, y], size: [w, h]}")
            return None
        keys = node.value
        bad = False
        for key, mark in node.key_marks.items():
            if key not in PROP_KEYS:
                self.report(mark, f"{field}.{key}", f"unknown field '{key}'{did_you_mean(key, PROP_KEYS)}")
                bad = True
        kind_node = keys.get("prop")
        if kind_node is None:
            self.report(node.mark, field, f"missing required field 'prop' (one of: {', '.join(PROP_KINDS)})")
            return None
        kind = kind_node.value
        if kind not in PROP_KINDS:
            self.report(kind_node.mark, f"{field}.prop", f"{kind!r} is not one of: {', '.join(PROP_KINDS)}{did_you_mean(str(kind), PROP_KINDS)}")
            return None
        if kind == "floor" and set(keys) == {"prop"}:
            return None if bad else Prop("floor")
        for key in ("at", "size"):
            if key not in keys:
                self.report(node.mark, field, f"a {kind} needs '{key}'")
                bad = True
        if bad:
            return None
        at = self._point(keys["at"], f"{field}.at")
        size = self._point(keys["size"], f"{field}.size", what="a size [width, height]")
        back = "none"
        if "back" in keys:
            value = keys["back"].value
            if kind != "chair":
                self.report(keys["back"].mark, f"{field}.back", "only a chair has a back")
                return None
            if value not in CHAIR_BACKS:
                self.report(keys["back"].mark, f"{field}.back", f"expected one of: {', '.join(CHAIR_BACKS)}")
                return None
            back = value
        if at is None or size is None:
            return None
        if at[0] + size[0] > FRAME_WIDTH or at[1] + size[1] > FRAME_HEIGHT:
            self.report(keys["size"].mark, f"{field}.size", f"the {kind} reaches outside the frame "
                                                             f"({FRAME_WIDTH:g} wide, {FRAME_HEIGHT:g} high)")
            return None
        return Prop(kind, at[0], at[1], size[0], size[1], back)


# --- the built-in library ---------------------------------------------------------

LIBRARY_FILE = "poses.yaml"
LIBRARY_KEYS = ("format", "poses")


class PoseLibraryError(Exception):
    """The built-in pose library is broken (a packaging or editing mistake)."""


@lru_cache(maxsize=1)
def builtin_poses() -> dict[str, Pose]:
    """The built-in poses by name, read once from ``coach/poses.yaml``."""
    data = resources.files("coach").joinpath(LIBRARY_FILE).read_bytes()
    return parse_pose_library(data, f"<built-in>/{LIBRARY_FILE}")


@lru_cache(maxsize=1)
def builtin_pose_names() -> frozenset[str]:
    """The built-in poses' names, without reading the poses themselves.

    The validator needs only the names, and reading the whole library costs
    about 18 ms at every start; this finds the ``  name:`` lines under
    ``poses:`` in a fraction of a millisecond. ``tests/unit/test_poses.py``
    pins that it finds exactly the names the full read does.
    """
    text = resources.files("coach").joinpath(LIBRARY_FILE).read_text(encoding="utf-8")
    return frozenset(re.findall(r"^  ([a-z0-9]+(?:-[a-z0-9]+)*):[ \t]*$", text, re.M))


def parse_pose_library(data: bytes | str, shown_as: str) -> dict[str, Pose]:
    """Read a pose library file; raises :class:`PoseLibraryError` listing every problem."""
    from coach.yamlsafe import YamlProblem, load_yaml

    problems: list[str] = []

    def report(mark: Mark, field: str, message: str) -> None:
        problems.append(f"{shown_as}:{mark.line}:{mark.column}: {field}: {message}")

    try:
        root = load_yaml(data)
    except YamlProblem as problem:
        raise PoseLibraryError(f"{shown_as}:{problem}") from None
    if not isinstance(root.value, dict) or "poses" not in root.value:
        raise PoseLibraryError(f"{shown_as}:1:1: expected 'poses:'")
    for key, mark in root.key_marks.items():
        if key not in LIBRARY_KEYS:
            report(mark, key, f"unknown field '{key}'{did_you_mean(key, LIBRARY_KEYS)}")
    poses = PoseChecker(report).poses(root.value["poses"], "poses", max_poses=500)
    if problems:
        raise PoseLibraryError("\n".join(problems))
    return {pose.name: pose for pose in poses}


def same_props(first: Pose, second: Pose) -> bool:
    """Whether two poses have the same kinds of props in the same order (so a
    figure can move from one to the other, props and all)."""
    return [p.kind for p in first.props] == [p.kind for p in second.props]


#: Poses in a step's figure: one (still), two (a movement), or up to
#: MAX_SEQUENCE on a step to read (a sequence: lying down, getting up).
MAX_MOVEMENT = 2
MAX_SEQUENCE = 4


def figure_poses(names: tuple[str, ...], own: tuple[Pose, ...]) -> tuple[Pose, ...]:
    """The poses a step's ``figure`` names: the routine's own first, then built-in ones.

    The validator has checked every name, so a name that is not found here
    (a pose library changed under a loaded routine) is left out.
    """
    mine = {pose.name: pose for pose in own}
    found = []
    for name in names:
        pose = mine[name] if name in mine else builtin_poses().get(name)  # the library is read on first use
        if pose is not None:
            found.append(pose)
    return tuple(found)


def check_figure_names(names: tuple[str, ...], own: tuple[Pose, ...],
                       declared: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """(index, message) for every name in a step's ``figure`` that no pose has.

    ``declared`` are the routine's own pose names, broken ones included (their
    problems are reported where they are defined)."""
    known = list(dict.fromkeys([pose.name for pose in own] + list(declared) + sorted(builtin_pose_names())))
    problems = []
    for i, name in enumerate(names):
        if name not in known:
            problems.append((i, f"no pose is called '{name}'{did_you_mean(name, known)} "
                                "(README, 'Figures', lists the built-in poses)"))
    return problems
