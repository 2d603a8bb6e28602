"""Movement in time with the count, pinned with a fake clock."""

from __future__ import annotations

import pytest

from coach.engine import Beat, Player, Status
from fakeclocks import MonotonicClock

from coach.figure_motion import FRAME_RATE, STEPS, figure_at_line, figure_caption, frame_at, step_poses
from coach.routines import parse_routine
from coach.timeline import PhaseKind, build_timeline

ROUTINE = """\
id: moves
title: Moves
summary: One of each kind of movement.
category: strength
steps:
  - kind: exercise
    title: Bridge
    figure: [bridge-down, bridge-up]
    reps: 2
    pace: 3s
    hold: 3s
    rest_between_reps: 2s
  - kind: exercise
    title: Knee rolls
    figure: [knees-up-from-above, knees-rolled]
    reps: 1
    pace: 4s
  - kind: hold
    title: Knee to chest
    figure: [lie-knees-bent, knee-to-chest]
    sides: alternate
    hold: 6s
    rest_between_reps: 3s
  - kind: timer
    title: Walk
    figure: [walk-a, walk-b]
    duration: 10s
  - kind: position
    title: Rest
    figure: rest-knee-pillows
    duration: 10s
  - kind: info
    title: Plain
  - kind: info
    title: Get up
    figure: [lower-onto-side, push-up-from-side]
  - kind: info
    title: Lie down
    figure: [sit-edge, lower-onto-side, lie-knees-bent, rest-knee-pillows]
"""


def Clock() -> MonotonicClock:  # noqa: N802 - read as the clock it makes
    return MonotonicClock(100.0)


@pytest.fixture
def played():
    routine = parse_routine(ROUTINE, "moves.yaml")
    clock = Clock()
    player = Player(build_timeline(routine), clock=clock)
    player.start()
    return routine, player, clock


def frames(routine, player, clock, seconds: float, every: float = 0.25, animate: bool = True):
    """(t, moving, mirrored) every ``every`` seconds for ``seconds``."""
    seen = []
    for _ in range(round(seconds / every)):
        state = player.state()
        frame = frame_at(step_poses(routine, state.phase.step), state, animate)
        seen.append((frame.t, frame.moving, frame.mirrored))
        clock.now += every
    return seen


def test_a_rep_moves_up_holds_still_and_comes_back_down(played) -> None:
    routine, player, clock = played
    # Pace 3s around a 3s hold: 2s moving up, 3s holding, 1s coming down (the engine's split),
    # one frame a second: where the movement is by the end of that second.
    seen = frames(routine, player, clock, 6.0, every=1.0)
    assert [t for t, _, _ in seen] == [3 / 6, 1.0,  # moving into position: half way, there
                                       1.0, 1.0, 1.0,  # the 3s hold
                                       0.0]  # back down by the end of the rep
    assert [m for _, m, _ in seen] == [True, True, False, False, False, True]


def test_frames_change_only_when_the_count_does(played) -> None:
    """One frame per whole second of the phase: the same frame from one change
    of the countdown to the next, so the screen draws both in one update."""
    routine, player, clock = played
    shown: dict[tuple[int, int], set] = {}
    for _ in range(8 * 20):  # 20 s of the routine, every 1/8 s: reps, a hold, rests, the next step
        state = player.state()
        frame = frame_at(step_poses(routine, state.phase.step), state)
        shown.setdefault((state.index, state.countdown), set()).add(frame)
        clock.now += 0.125
    assert all(len(frames) == 1 for frames in shown.values())  # one frame per number on the countdown
    assert len({frame.t for frames in shown.values() for frame in frames}) >= 3  # and it moved


def test_the_figure_holds_exactly_when_the_engine_says_hold(played) -> None:
    routine, player, clock = played
    for _ in range(48):
        state = player.state()
        frame = frame_at(step_poses(routine, state.phase.step), state)
        if state.beat is Beat.HOLD:
            assert frame.t == 1.0 and not frame.moving
        clock.now += 0.125


def test_rests_between_reps_are_still_in_the_first_pose(played) -> None:
    routine, player, clock = played
    clock.now += 6.0  # past rep 1
    state = player.state()
    assert state.phase.kind is PhaseKind.REST
    frame = frame_at(step_poses(routine, state.phase.step), state)
    assert (frame.t, frame.moving) == (0.0, False)


def test_a_rep_without_a_hold_goes_there_and_back(played) -> None:
    routine, player, clock = played
    player.next()
    ts = [t for t, _, _ in frames(routine, player, clock, 4.0, every=1.0)]
    assert ts == [3 / 6, 1.0, 3 / 6, 0.0]  # pace 4s: 2s there, 2s back


def test_a_hold_moves_in_then_stays_still_and_the_right_side_is_mirrored(played) -> None:
    routine, player, clock = played
    player.next()
    player.next()
    seen = frames(routine, player, clock, 9.0, every=0.5)
    assert [(t, moving) for t, moving, _ in seen[:4]] == [(3 / 6, True)] * 2 + [(1.0, True)] * 2  # 2s into position
    assert all(t == 1.0 and not moving for t, moving, _ in seen[4:12])  # then still for the hold
    assert [mirrored for _, _, mirrored in seen[:12]] == [False] * 12  # left side first
    assert all(mirrored for _, _, mirrored in seen[12:])  # the switch and the right side


def test_a_timed_step_swings_between_its_poses(played) -> None:
    routine, player, clock = played
    for _ in range(3):
        player.next()
    seen = frames(routine, player, clock, 4.0, every=0.5)
    assert [t for t, _, _ in seen] == [1.0, 1.0, 0.0, 0.0] * 2  # a step a second
    assert all(moving for _, moving, _ in seen)


def test_one_pose_is_always_still_and_no_figure_is_none(played) -> None:
    routine, player, clock = played
    for _ in range(4):
        player.next()
    state = player.state()
    frame = frame_at(step_poses(routine, state.phase.step), state)
    assert frame.poses[0].name == "rest-knee-pillows" and not frame.moving
    player.next()
    state = player.state()
    assert frame_at(step_poses(routine, state.phase.step), state) is None


def test_a_step_to_read_shows_its_two_poses_in_turn(played) -> None:
    """Getting up is a sequence (onto your side, then up on your arms): a step
    to read with two poses plays it, one way only (lying down is the same two
    poses the other way round), for as long as it is read."""
    routine, player, clock = played
    for _ in range(6):
        player.next()
    state = player.state()
    assert state.phase.kind is PhaseKind.READ and state.phase.step.title == "Get up"
    seen = frames(routine, player, clock, 12.0, every=1.0)
    assert [t for t, _, _ in seen] == [0.0, 0.0, 0.5, 1.0, 1.0, 1.0] * 2
    assert all(moving for _, moving, _ in seen)
    still = frames(routine, player, clock, 6.0, every=1.0, animate=False)
    assert all(t == 1.0 and not moving for t, moving, _ in still)  # still: where it ends


def test_a_sequence_plays_pose_by_pose_and_only_blends_poses_that_share_their_props(played) -> None:
    """Lying down: from sitting on the bed edge to lying with pillows. Half way
    from the bed edge to lying on your side would be no position at all (the
    props differ), so that second shows the bed edge still."""
    routine, player, clock = played
    for _ in range(7):
        player.next()
    assert player.state().phase.step.title == "Lie down"
    said = []
    for _ in range(12):  # the line under the figure says each pose as it shows it
        state = player.state()
        said.append(frame_at(step_poses(routine, state.phase.step), state).described)
        clock.now += 1.0
    assert said == [0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3]
    seen = frames(routine, player, clock, 12.0, every=1.0)
    assert [t for t, _, _ in seen] == [0.0, 0.0, 0.0, 1.0, 1.0, 1.5, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0]
    assert all(moving for _, moving, _ in seen)
    assert figure_caption(step_poses(routine, player.state().phase.step)).startswith("Lying flat on your back, pillows")


def test_paused_the_frame_stands_where_it_was(played) -> None:
    routine, player, clock = played
    clock.now += 0.5
    player.pause()
    before = frame_at(step_poses(routine, player.state().phase.step), player.state())
    clock.now += 30.0
    state = player.state()
    after = frame_at(step_poses(routine, state.phase.step), state)
    assert state.status is Status.PAUSED
    assert after.t == before.t == 3 / 6 and not after.moving


def test_animations_off_show_the_position_to_reach_still(played) -> None:
    routine, player, clock = played
    seen = frames(routine, player, clock, 6.0, every=0.5, animate=False)
    assert all(t == 1.0 and not moving for t, moving, _ in seen)
    clock.now += 0.5  # into the rest between reps
    state = player.state()
    assert frame_at(step_poses(routine, state.phase.step), state, animate=False).t == 0.0


def test_one_frame_a_second_at_most() -> None:
    assert FRAME_RATE == 1 and STEPS <= 8


def test_the_editor_finds_the_figure_of_the_line_under_the_cursor() -> None:
    routine = parse_routine(ROUTINE, "moves.yaml")
    assert figure_at_line(routine, 1) == ()
    assert [p.name for p in figure_at_line(routine, 9)] == ["bridge-down", "bridge-up"]
    assert [p.name for p in figure_at_line(routine, 16)] == ["knees-up-from-above", "knees-rolled"]
    plain = ROUTINE.splitlines().index("    title: Plain") + 1
    assert figure_at_line(routine, plain) == ()  # the info step has no figure
    assert [p.name for p in figure_at_line(routine, plain + 2)] == ["lower-onto-side", "push-up-from-side"]
