"""The player's words (coach.player_text) over real timelines, with a fake clock."""

from __future__ import annotations

import textwrap

from coach.engine import Player
from coach.player_text import beat_text, phase_counts, spoken
from coach.routines import parse_routine
from coach.timeline import PhaseKind, build_timeline


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def player_for(steps: str) -> tuple[Player, FakeClock]:
    text = "id: t\ntitle: T\nsummary: s\ncategory: stretch\nsteps:\n" + textwrap.indent(textwrap.dedent(steps), "  ")
    clock = FakeClock()
    return Player(build_timeline(parse_routine(text, "t.yaml", "t")), clock), clock


CURL = """\
- kind: exercise
  title: Curl-up
  reps: {min: 5, max: 10}
  sets: 2
  hold: 4
  pace: 3
  rest_between_reps: 2
  rest_between_sets: 30
  sides: left
"""


def test_counts_name_rep_range_set_and_side() -> None:
    player, _ = player_for(CURL)
    first = player.timeline.phases[0]
    assert phase_counts(first) == "Rep 1 of 5 (work up to 10)  -  Set 1 of 2  -  Left side"
    assert spoken(first) == "Curl-up. Rep 1 of 5 (work up to 10)  -  Set 1 of 2  -  Left side"


def test_counts_name_rounds_and_nothing_for_a_plain_timer() -> None:
    player, _ = player_for("""\
        - kind: repeat
          times: 3
          steps:
            - kind: timer
              title: Warm
              duration: 3m
        - kind: timer
          title: Walk
          duration: 60
        """)
    phases = player.timeline.phases
    assert phase_counts(phases[1]) == "Round 2 of 3"
    assert phase_counts(phases[3]) == ""
    assert spoken(phases[3]) == "Walk"


def test_beats_of_a_rep_with_a_hold() -> None:
    player, clock = player_for(CURL)
    player.start()
    assert beat_text(player.state()) == "Move into position"  # 7 s rep: 2 s move, 4 s hold, 1 s back
    clock.advance(2.5)
    assert beat_text(player.state()) == "Hold 4"
    clock.advance(4)
    assert beat_text(player.state()) == "Relax and come back"
    clock.advance(1)
    state = player.state()
    assert state.phase.kind is PhaseKind.REST and beat_text(state) == "Relax"
    assert spoken(state.phase) == "Relax"
    player.pause()
    assert beat_text(player.state()) == "Paused - press space to carry on"


def test_a_long_hold_counts_only_its_last_seconds() -> None:
    player, clock = player_for("- kind: hold\n  title: Stretch\n  hold: 20\n  sides: both\n")
    player.start()
    assert beat_text(player.state()) == "Hold"
    clock.advance(17.5)
    assert beat_text(player.state()) == "Hold 3"
    clock.advance(3)
    state = player.state()
    assert state.phase.kind is PhaseKind.SWITCH and beat_text(state) == "Switch to your right side"
    assert spoken(state.phase) == "Switch to the right side"


def test_an_info_step_waits_for_next() -> None:
    player, _ = player_for("- kind: info\n  title: Read this\n")
    player.start()
    assert beat_text(player.state()) == "Press n when you are ready to go on"


def test_a_press_at_a_limit_says_which_limit() -> None:
    from coach.player_text import adjust_refused
    from coach.step_limits import Limits

    limits = Limits(shortest=30, longest=180, press=30)
    assert adjust_refused(True, limits) == "This step is already at its longest (3m)."
    assert adjust_refused(False, limits) == "This step is already at its shortest (30s); n skips to the next step."
