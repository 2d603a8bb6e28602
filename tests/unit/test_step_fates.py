"""Each step's fate and the share done, with a fake clock (coach.step_fates)."""

from __future__ import annotations

import textwrap

import pytest

from coach.engine import Player, Status
from coach.routines import parse_routine
from coach.step_fates import COMPLETE_SHARE, DONE, SKIPPED, StepLog, outcome, percent
from coach.timeline import build_timeline
from fakeclocks import MonotonicClock


ICE = """\
- kind: info
  title: Wrap the pack
- kind: therapy
  title: Ice pack
  modality: cold
  duration: 20m
  max_duration: 20m
- kind: timer
  title: Walk
  duration: 5m
"""


class Screen:
    """Plays a routine the way the player screen feeds the log: a state about
    every second, and the state just before each key that can jump."""

    def __init__(self, steps: str, earlier=()) -> None:  # type: ignore[no-untyped-def]
        text = "id: t\ntitle: T\nsummary: s\ncategory: therapy\nsteps:\n" + textwrap.indent(steps, "  ")
        self.clock = MonotonicClock()
        self.timeline = build_timeline(parse_routine(text, "t.yaml", "t"))
        self.player = Player(self.timeline, self.clock)
        self.log = StepLog(self.timeline, earlier)

    def start(self, at_phase: int = 0) -> None:
        self.player.start(at_phase)
        self.log.observe(self.player.state())

    def run(self, seconds: float, tick: float = 1.0) -> None:
        while seconds > 1e-9:
            step = min(tick, seconds)
            self.clock.advance(step)
            seconds -= step
            self.log.observe(self.player.state())

    def key(self, name: str) -> None:
        if name in ("next", "back"):
            self.log.before_command(self.player.state())
        getattr(self.player, name)()
        self.log.observe(self.player.state())


def test_played_through_is_completed_with_every_step_done() -> None:
    screen = Screen(ICE)
    screen.start()
    screen.run(4)
    screen.key("next")  # read the info step, go on: that is done
    screen.run(25 * 60)
    assert screen.player.state().status is Status.FINISHED
    records = screen.log.records()
    assert [r.fate for r in records] == [DONE, DONE, DONE]
    assert [r.spent_seconds for r in records] == [4, 1200, 300]
    assert [r.done_seconds for r in records] == [0, 1200, 300]
    assert records[1].modality == "cold" and records[1].kind == "therapy" and records[1].planned_seconds == 1200
    assert screen.log.share_done() == 1.0
    assert outcome(Status.FINISHED, screen.log.share_done()) == "completed"


def test_skipped_through_with_n_is_partial_and_says_after_how_long() -> None:
    screen = Screen(ICE)
    screen.start()
    screen.run(2)
    screen.key("next")
    screen.run(7)
    screen.key("next")  # the 20-minute ice pack after 7 seconds
    screen.run(3)
    screen.key("next")
    assert screen.player.state().status is Status.FINISHED
    records = screen.log.records()
    assert [r.fate for r in records] == [DONE, SKIPPED, SKIPPED]
    assert records[1].skipped_after == 7 and records[1].done_seconds == 7
    assert records[2].skipped_after == 3
    assert [r.title for r in screen.log.skipped()] == ["Ice pack", "Walk"]
    share = screen.log.share_done()
    assert share == pytest.approx(10 / 1500)
    assert outcome(Status.FINISHED, share) == "partial"
    assert percent(share) == 0


def test_eighty_percent_is_the_line() -> None:
    """1200 of 1500 s done is exactly 80 %: completed; a second less is partial."""
    for ice_seconds, expected in ((1200, "completed"), (1199, "partial")):
        screen = Screen(ICE)
        screen.start()
        screen.key("next")
        screen.run(ice_seconds)
        if ice_seconds < 1200:
            screen.key("next")  # skip the last second of ice
        screen.key("next")  # and the whole walk
        state = screen.player.state()
        assert state.status is Status.FINISHED
        assert percent(screen.log.share_done()) == (80 if expected == "completed" else 79)
        assert outcome(state.status, screen.log.share_done()) == expected
    assert COMPLETE_SHARE == 0.8


def test_pauses_are_not_time_spent_and_a_stop_skips_the_step_it_was_in() -> None:
    screen = Screen(ICE)
    screen.start()
    screen.key("next")
    screen.run(60)
    screen.key("pause")
    screen.run(3600)
    screen.key("resume")
    screen.run(30)
    screen.key("stop")
    assert screen.player.state().status is Status.STOPPED
    records = screen.log.records()
    assert [(r.title, r.fate, r.skipped_after) for r in records] == [
        ("Wrap the pack", DONE, None), ("Ice pack", SKIPPED, 90)]
    assert outcome(Status.STOPPED, screen.log.share_done()) == "stopped"


def test_going_back_does_not_count_a_phase_twice() -> None:
    screen = Screen("- kind: timer\n  title: Walk\n  duration: 100\n- kind: timer\n  title: Breathe\n  duration: 100\n")
    screen.start()
    screen.run(50)
    screen.key("back")  # restart the walk
    screen.run(100)  # the whole walk
    screen.key("next")  # skip breathing at once
    records = screen.log.records()
    assert records[0].fate == DONE and records[0].done_seconds == 100 and records[0].spent_seconds == 150
    assert records[1].fate == SKIPPED and records[1].skipped_after == 0
    assert screen.log.share_done() == pytest.approx(0.5)


def test_a_step_that_auto_advances_between_two_looks_is_done() -> None:
    """The screen may look rarely (a busy machine): time passed is still played."""
    screen = Screen(ICE)
    screen.start()
    screen.key("next")
    screen.run(1500, tick=700)
    assert [r.fate for r in screen.log.records()] == [DONE, DONE, DONE]
    assert screen.log.share_done() == 1.0


def test_manual_step_waiting_at_its_end_is_done_when_you_go_on() -> None:
    screen = Screen("- kind: position\n  title: Lie down\n  duration: 30\n  advance: manual\n"
                    "- kind: timer\n  title: Walk\n  duration: 30\n")
    screen.start()
    screen.run(45)  # 30 s of it, then 15 s waiting at its end
    assert screen.player.state().status is Status.WAITING
    screen.key("next")
    record = screen.log.records()[0]
    assert record.fate == DONE and record.done_seconds == 30 and record.spent_seconds == 45


def test_rounds_of_a_repeat_each_have_a_fate() -> None:
    screen = Screen("- kind: repeat\n  title: Contrast\n  times: 2\n  steps:\n"
                    "    - kind: therapy\n      title: Warm\n      modality: warm-water\n      duration: 60\n"
                    "    - kind: therapy\n      title: Cool\n      modality: cool-water\n      duration: 20\n")
    screen.start()
    screen.run(60)
    screen.key("next")  # skip the first cool at once
    screen.run(80)
    records = screen.log.records()
    assert [(r.index, r.title, r.fate) for r in records] == [
        (0, "Warm, round 1 of 2", DONE), (1, "Cool, round 1 of 2", SKIPPED),
        (2, "Warm, round 2 of 2", DONE), (3, "Cool, round 2 of 2", DONE)]
    assert screen.log.share_done() == pytest.approx(140 / 160)


def test_resumed_session_counts_the_time_before_the_interruption() -> None:
    first = Screen(ICE)
    first.start()
    first.key("next")
    first.run(1000)
    first.key("next")  # ice skipped after 1000 s, then the app is killed in the walk
    first.run(100)
    earlier = first.log.records()
    second = Screen(ICE, earlier)
    second.start(at_phase=2)  # the walk again, from its start
    second.run(300)
    records = second.log.records()
    assert [r.fate for r in records] == [DONE, SKIPPED, DONE]
    assert records[1].done_seconds == 1000
    assert second.log.share_done() == pytest.approx(1300 / 1500)
    assert outcome(Status.FINISHED, second.log.share_done()) == "completed"


def test_take_changed_hands_each_settled_record_once() -> None:
    screen = Screen(ICE)
    screen.start()
    screen.key("next")
    assert [r.title for r in screen.log.take_changed()] == ["Wrap the pack"]
    screen.run(10)
    assert screen.log.take_changed() == []  # the ice pack is still going
    screen.key("next")
    assert [(r.title, r.fate) for r in screen.log.take_changed()] == [("Ice pack", SKIPPED)]
    assert screen.log.take_changed() == []


def test_untimed_routine_counts_its_steps() -> None:
    screen = Screen("- kind: info\n  title: One\n- kind: info\n  title: Two\n")
    screen.start()
    screen.key("next")
    screen.key("next")
    assert screen.log.share_done() == 1.0


def test_the_step_still_going_is_kept_and_a_resume_counts_it() -> None:
    """Killed 15 minutes into a 20-minute ice pack: the heartbeat kept the ice
    as still going; resumed (the ice starts again), 5 more minutes make it
    done in full, so the session is completed, not partial."""
    first = Screen(ICE)
    first.start()
    first.key("next")
    first.run(900)
    going = first.log.in_progress(first.player.state())
    assert going is not None and going.fate is None and going.done_seconds == 900 and going.index == 1
    assert first.log.in_progress(first.player.state()) == going  # asking changes nothing
    second = Screen(ICE, [*first.log.records(), going])
    second.start(at_phase=1)
    second.run(300)
    second.key("next")  # the ice is done enough; on to the walk
    second.run(300)
    records = second.log.records()
    assert records[1].done_seconds == 1200 and records[1].spent_seconds == 1200
    assert second.log.share_done() == 1.0  # 1200 + 300 of 1500
    assert outcome(Status.FINISHED, second.log.share_done()) == "completed"


def test_a_stop_settles_steps_gone_back_from() -> None:
    screen = Screen(ICE)
    screen.start()
    screen.key("next")
    screen.run(30)
    screen.key("back")
    screen.key("back")  # back to the info step
    screen.key("stop")
    records = screen.log.records()
    assert [(r.title, r.fate) for r in records] == [("Wrap the pack", DONE), ("Ice pack", SKIPPED)]
    assert screen.log.in_progress(screen.player.state()) is None
