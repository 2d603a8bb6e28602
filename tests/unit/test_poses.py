"""Poses as data: the built-in library, figure names in steps, users' own poses."""

from __future__ import annotations

from importlib import resources

import pytest

from coach.library import builtin_entries
from coach.model import Step
from coach.poses import (
    ALL_JOINTS,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    JOINTS,
    PoseLibraryError,
    builtin_pose_names,
    builtin_poses,
    parse_pose_library,
)
from coach.routines import RoutineError, parse_routine

HEAD = """\
id: my-physio
title: My physio
summary: Two exercises.
category: strength
"""

OWN_POSE = """\
poses:
  my-hug:
    description: Both knees hugged to your chest.
    joints:
      head: [6, 3.5]
      neck: [10, 2.5]
      hip: [23, 2.5]
      left_elbow: [15, 7]
      left_hand: [19, 12]
      right_elbow: [15, 7]
      right_hand: [19, 12]
      left_knee: [19, 12.5]
      left_foot: [28, 10]
      right_knee: [19, 12.5]
      right_foot: [28, 10]
    props:
      - floor
      - {prop: pillow, at: [1, 0], size: [9, 3]}
"""

STEPS = """\
steps:
  - kind: hold
    title: Knee hug
    figure: FIGURE
    hold: 20s
"""


def routine_text(figure: str = "my-hug", poses: str = OWN_POSE) -> str:
    return HEAD + poses + STEPS.replace("FIGURE", figure)


def problems(text: str) -> list[str]:
    try:
        parse_routine(text, "my-physio.yaml")
    except RoutineError as err:
        return [str(p) for p in err.problems]
    return []


def all_steps(steps: tuple[Step, ...]):
    for step in steps:
        yield step
        yield from all_steps(step.steps)


# --- the built-in library ------------------------------------------------------------


def test_the_library_loads_and_every_pose_is_inside_the_frame() -> None:
    poses = builtin_poses()
    assert len(poses) >= 40
    for pose in poses.values():
        assert pose.description and len(pose.description) <= 120
        assert [name for name, _ in pose.joints] == list(ALL_JOINTS)
        for name, (x, y) in pose.joints:
            assert 0 <= x <= FRAME_WIDTH and 0 <= y <= FRAME_HEIGHT, (pose.name, name)


def test_the_quick_name_list_finds_exactly_the_poses_of_the_full_read() -> None:
    assert builtin_pose_names() == set(builtin_poses())


def test_every_step_of_every_builtin_routine_has_a_figure() -> None:
    entries = builtin_entries()
    assert entries and all(e.ok for e in entries)
    missing = [(e.id, s.title) for e in entries for s in all_steps(e.routine.steps)
               if s.kind.value != "repeat" and not s.figure]
    assert missing == []
    names = {name for e in entries for s in all_steps(e.routine.steps) for name in s.figure}
    assert names <= set(builtin_poses())


def test_the_issue_s_positions_are_all_in_the_library() -> None:
    # The positions the issue names as the ones people must tell apart.
    for name in ("rest-knee-pillows", "rest-legs-on-chair", "knee-to-chest", "bridge-up", "cat", "cow",
                 "pelvic-tilt", "seated-shoulder-squeeze", "fingers-beside-spine"):
        assert name in builtin_poses()


def test_a_broken_library_says_where() -> None:
    text = resources.files("coach").joinpath("poses.yaml").read_text(encoding="utf-8")
    broken = text.replace("      head: [6, 3.5]\n", "      head: [6, 93.5]\n", 1)
    with pytest.raises(PoseLibraryError, match=r"poses\.yaml:\d+:\d+: poses\.lie-knees-bent\.joints\.head: y 93\.5 is outside"):
        parse_pose_library(broken, "<built-in>/poses.yaml")


# --- figures in steps -----------------------------------------------------------------


def test_a_step_names_a_builtin_pose_or_two() -> None:
    routine = parse_routine(routine_text("bridge-up", poses=""), "my-physio.yaml")
    assert routine.steps[0].figure == ("bridge-up",)
    routine = parse_routine(routine_text("[bridge-down, bridge-up]", poses=""), "my-physio.yaml")
    assert routine.steps[0].figure == ("bridge-down", "bridge-up")


def test_an_unknown_figure_is_located_with_a_suggestion() -> None:
    assert problems(routine_text("bridge-upp", poses="")) == [
        "my-physio.yaml:8:13: steps[0].figure: no pose is called 'bridge-upp'; did you mean 'bridge-up'? "
        "(README, 'Figures', lists the built-in poses)"]
    found = problems(routine_text("[bridge-down, brigde-up]", poses=""))
    assert len(found) == 1 and found[0].startswith("my-physio.yaml:8:27: steps[0].figure: no pose is called 'brigde-up'")


@pytest.mark.parametrize("figure", ["[]", "[a, b, c, d, e]", "{name: bridge-up}", "42"])
def test_a_figure_is_one_name_to_four(figure: str) -> None:
    found = problems(routine_text(figure, poses=""))
    assert len(found) == 1 and "steps[0].figure" in found[0]


def test_a_sequence_of_more_than_two_poses_is_for_a_step_to_read() -> None:
    """Getting up or lying down is a sequence, played on an info step; a step
    that counts reps or holds moves between two poses, and a third is refused."""
    three = "[lie-knees-bent, lower-onto-side, push-up-from-side]"
    assert problems(routine_text(three, poses="")) == [
        "my-physio.yaml:8:13: steps[0].figure: 3 poses make a sequence, which only an info step shows; "
        "a movement has 2"]
    text = HEAD + "steps:\n  - kind: info\n    title: Get up\n    figure: " + three + "\n"
    routine = parse_routine(text, "my-physio.yaml")
    assert routine.steps[0].figure == ("lie-knees-bent", "lower-onto-side", "push-up-from-side")
    five = "[lie-knees-bent, lower-onto-side, push-up-from-side, sit-edge, stand]"
    (problem,) = problems(text.replace(three, five))
    assert "or up to 4 for a sequence on an info step" in problem


def test_a_repeat_has_no_figure() -> None:
    text = HEAD + "steps:\n  - kind: repeat\n    times: 2\n    figure: stand\n    steps:\n      - {kind: timer, title: A, duration: 5s}\n"
    assert problems(text) == ["my-physio.yaml:8:5: steps[0].figure: 'figure' does not apply to a repeat step"]


# --- a user's own poses -----------------------------------------------------------------


def test_a_routine_uses_its_own_pose() -> None:
    routine = parse_routine(routine_text(), "my-physio.yaml")
    assert routine.steps[0].figure == ("my-hug",)
    (pose,) = routine.poses
    assert pose.name == "my-hug" and pose.line == 6
    assert pose.point("left_knee") == (19.0, 12.5)
    assert pose.point("spine") == (16.5, 2.5)  # an optional joint: halfway from neck to hip
    assert [p.kind for p in pose.props] == ["floor", "pillow"]


@pytest.mark.parametrize(("change", "expected"), [
    (("      right_foot: [28, 10]\n", ""), "8:5: poses.my-hug.joints: missing joint: right_foot"),
    (("left_knee: [19, 12.5]", "left_knee: [19, 42.5]"), "16:23: poses.my-hug.joints.left_knee: y 42.5 is outside the frame (0 to 40)"),
    (("hip: [23, 2.5]", "hip: [-1, 2.5]"), "11:13: poses.my-hug.joints.hip: x -1 is outside the frame (0 to 60)"),
    (("left_elbow:", "left_elbw:"), "12:7: poses.my-hug.joints.left_elbw: unknown joint 'left_elbw'; did you mean 'left_elbow'?"),
    (("hip: [23, 2.5]", "hip: [23]"), "11:12: poses.my-hug.joints.hip: expected a point [x, y], two numbers in brackets"),
    (("hip: [23, 2.5]", "hip: [23, high]"), "11:17: poses.my-hug.joints.hip: y must be a number, not 'high'"),
    (("prop: pillow", "prop: pilow"), "22:16: poses.my-hug.props[1].prop: 'pilow' is not one of:"),
    (("size: [9, 3]", "size: [70, 3]"), "22:43: poses.my-hug.props[1].size: x 70 is outside the frame"),
    (("at: [1, 0], size: [9, 3]", "at: [55, 0], size: [9, 3]"), "22:43: poses.my-hug.props[1].size: the pillow reaches outside the frame"),
    (("      - floor\n", "      - flor\n"), "21:9: poses.my-hug.props[0]: 'flor': only 'floor' may stand alone"),
    (("{prop: pillow, at: [1, 0], size: [9, 3]}", "{prop: pillow, at: [1, 0]}"), "22:9: poses.my-hug.props[1]: a pillow needs 'size'"),
    (("{prop: pillow, at: [1, 0], size: [9, 3]}", "{prop: pillow, at: [1, 0], size: [9, 3], back: left}"),
     "22:56: poses.my-hug.props[1].back: only a chair has a back"),
    (("    description: Both knees hugged to your chest.\n", ""), "6:3: poses.my-hug: missing required field 'description'"),
    (("    description: Both knees hugged to your chest.\n", "    description: Both knees.\n    colour: red\n"),
     "8:5: poses.my-hug.colour: unknown field 'colour'"),
    (("  my-hug:", "  My Hug:"), "6:3: poses.My Hug: 'My Hug': a pose name is lowercase letters"),
    (("  my-hug:", "  bridge-up:"), "6:3: poses.bridge-up: 'bridge-up' is a built-in pose; give yours another name"),
])
def test_a_broken_own_pose_is_reported_where_it_is(change: tuple[str, str], expected: str) -> None:
    old, new = change
    text = routine_text()
    assert old in text
    found = problems(text.replace(old, new, 1))
    assert any(p.startswith("my-physio.yaml:" + expected) for p in found), found


def test_a_step_naming_a_broken_own_pose_is_not_told_it_does_not_exist() -> None:
    found = problems(routine_text().replace("hip: [23, 2.5]", "hip: [99, 2.5]"))
    assert len(found) == 1 and "outside the frame" in found[0]


def test_every_joint_name_is_documented_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for name in ALL_JOINTS:
        assert f"`{name}`" in readme, name
    for name in builtin_poses():
        assert f"`{name}`" in readme, name
    assert JOINTS[0] == "head"


def test_every_movement_of_every_builtin_routine_is_seen_to_move() -> None:
    """A step with two poses shows a movement: its two ends, drawn at the
    player's sizes, must differ (a walk whose second pose only swapped left
    and right limbs drew the same picture twice: the figure stood still for
    two minutes; found trying the routines by the figures alone)."""
    from coach.figure_render import render_movement

    poses = builtin_poses()
    still = set()
    for entry in builtin_entries():
        for step in all_steps(entry.routine.steps):
            figure = tuple(poses[name] for name in step.figure)
            for at in range(len(figure) - 1):  # each pose of a movement or sequence to the next
                for cols, rows in ((32, 12), (50, 24)):
                    if (render_movement(figure, float(at), False, cols, rows)
                            == render_movement(figure, float(at + 1), False, cols, rows)):
                        still.add((entry.id, step.title, step.figure, at, (cols, rows)))
    assert sorted(still) == []
