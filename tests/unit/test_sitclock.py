"""One sit timer per person: owner and viewers, answers, handoff, restarts (fake clocks)."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach.paths import Paths
from coach.sitanswers import SitAnswer, send_answer, take_answers
from fakeclocks import Clocks as FakeClocks

from coach.sitclock import SitClock
from coach.sitstate import read_snapshot, status_line
from coach.sitting import Answer, Mode, Presence, SitSettings

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def Clocks() -> FakeClocks:  # noqa: N802 - read as the clocks it makes
    return FakeClocks(1000.0, 5000.0, START)


@pytest.fixture
def setup(tmp_path: Path):
    paths = Paths(tmp_path, tmp_path)
    clocks = Clocks()
    recorded: dict[str, list] = {}

    def make(kind: str = "app", pid: int = 1, **settings) -> SitClock:
        events = recorded.setdefault(f"{kind}{pid}", [])
        return SitClock(kind, paths, SitSettings(**{"limit": 600, "snooze": 120, **settings}),
                        monotonic=clocks.monotonic, wall=clocks.wall, boottime=clocks.boottime, boot_id="boot-1",
                        record=events.append, pid=pid, pid_alive=lambda pid: pid in alive)

    alive: set[int] = {1, 2, 3}
    return paths, clocks, make, recorded, alive


def run(clocks: Clocks, seconds: int, *sits: SitClock) -> list:
    views = []
    for _ in range(seconds):
        clocks.advance(1)
        views = [sit.tick() for sit in sits]
    return views


def test_two_windows_one_owner_the_same_sitting_time(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    first, second = make(pid=1), make(pid=2)
    first.tick()
    second.tick()
    assert first.is_owner and not second.is_owner
    (v1, _), (v2, _) = run(clocks, 200, first, second)
    assert v1.line == v2.line == "sitting 3:20 - break in 6:40"
    assert abs(v1.sitting - v2.sitting) < 1.0 and v2.owner == "app" and not v2.is_owner


def test_a_viewers_answer_is_applied_once_within_a_tick(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    owner, viewer = make("watch", 1), make("app", 2)
    owner.tick()
    run(clocks, 601, owner, viewer)
    assert owner.prompt_open
    viewer.tick()
    assert viewer.prompt_open
    assert viewer.answer(Answer.SNOOZED)
    assert not viewer.tick()[0].prompt_open  # answered here: not shown again while the owner catches up
    assert len(os.listdir(paths.data_dir / "answers")) == 1
    clocks.advance(0.5)
    view, news = owner.tick()
    assert not view.prompt_open and [n.kind for n in news] == ["break"]
    assert [e.answer for e in recorded["watch1"]] == [Answer.SNOOZED]
    assert os.listdir(paths.data_dir / "answers") == []
    run(clocks, 5, owner, viewer)
    assert [e.answer for e in recorded["watch1"]] == [Answer.SNOOZED]  # once
    assert "break in 1:5" in viewer.tick()[0].line


def test_quit_the_owner_and_the_viewer_carries_on_without_a_reset(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    first, second = make(pid=1), make(pid=2)
    first.tick()
    run(clocks, 300, first, second)
    first.close()
    clocks.advance(1)
    view, news = second.tick()
    assert second.is_owner and [n.kind for n in news] == ["owner"]
    assert "the bout goes on" in news[0].text
    assert view.sitting == pytest.approx(301, abs=0.01) and view.line == "sitting 5:01 - break in 4:59"
    assert recorded["app2"] == []


def test_a_killed_owner_is_replaced_from_its_heartbeat(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    first, second = make(pid=1), make(pid=2)
    first.tick()
    run(clocks, 100, first, second)
    first.lock.release()  # kill -9: no last word; the heartbeat is at most 10 s old
    first.timer = None
    run(clocks, 3, second)
    assert second.is_owner and second.tick()[0].sitting == pytest.approx(103, abs=0.01)


def test_a_restart_within_a_minute_continues_and_the_due_prompt_comes_back(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    app = make(pid=1)
    app.tick()
    run(clocks, 610, app)
    assert app.prompt_open
    app.close()
    clocks.advance(45)
    again = make(pid=3)
    view, news = again.tick()
    assert view.prompt_open and view.sitting == pytest.approx(655, abs=0.01)
    assert [n.kind for n in news] == ["owner", "prompt"]


def test_a_gap_with_no_owner_longer_than_away_after_starts_fresh_as_unknown(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    app = make(pid=1, away_after=300)
    app.tick()
    run(clocks, 400, app)
    app.close()
    clocks.advance(301)
    again = make(pid=2, away_after=300)
    view, news = again.tick()
    assert view.sitting == 0 and "unknown gap" in news[0].text
    assert [(e.answer, e.bout_seconds) for e in recorded["app2"]] == [(Answer.GAP, 400)]


def test_the_gap_is_measured_on_the_boot_clock_not_the_wall(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    app = make(pid=1)
    app.tick()
    run(clocks, 100, app)
    app.close()
    clocks.now += timedelta(hours=3)  # the wall clock stepped; 10 s passed
    clocks.advance(10)
    again = make(pid=2)
    assert again.tick()[0].sitting == pytest.approx(110, abs=0.01)
    assert recorded["app2"] == []


def test_a_routine_in_a_viewer_says_in_a_routine_and_counts_as_taken(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    watch, run_app = make("watch", 1), make("app", 2)
    watch.tick()
    run(clocks, 600, watch, run_app)
    run_app.routine_started()
    run(clocks, 1, watch)
    snapshot = read_snapshot(paths.state_file)
    assert status_line(snapshot, True, clocks.now) == "in a routine"  # not "break due"
    run(clocks, 120, watch, run_app)
    run_app.routine_ended(120, completed=True)
    run(clocks, 1, watch, run_app)
    assert [(e.answer, e.prompted) for e in recorded["watch1"]] == [(Answer.TAKEN, True)]
    assert run_app.tick()[0].line.startswith("sitting 0:0")


def test_a_viewer_that_dies_in_a_routine_does_not_hold_the_timer_forever(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    watch, viewer = make("watch", 1), make("app", 2)
    watch.tick()
    run(clocks, 10, watch, viewer)
    viewer.routine_started()
    run(clocks, 2, watch)
    assert watch.tick()[0].mode is Mode.IN_ROUTINE
    alive.discard(2)
    view, news = run(clocks, 1, watch)[0]
    assert view.mode is Mode.SITTING and any("closed" in n.text for n in news)


def test_a_viewer_that_takes_over_during_its_own_routine_keeps_it(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    watch, viewer = make("watch", 1), make("app", 2)
    watch.tick()
    viewer.routine_started()
    run(clocks, 5, watch, viewer)
    watch.close()
    view, _ = run(clocks, 1, viewer)[0]
    assert viewer.is_owner and view.mode is Mode.IN_ROUTINE


def test_away_through_the_clock_withdraws_the_prompt_and_says_so(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    presence = {"now": None}
    owner = make("watch", 1, away_after=300)
    owner.presence = lambda: presence["now"]
    owner.tick()
    run(clocks, 600, owner)
    assert owner.prompt_open
    presence["now"] = Presence(locked=True)
    view, news = run(clocks, 1, owner)[0]
    assert [n.kind for n in news] == ["withdrawn", "away"] and view.line == "away since 09:10"
    run(clocks, 400, owner)
    presence["now"] = Presence(locked=False, idle=1)
    view, news = run(clocks, 1, owner)[0]
    assert [n.kind for n in news] == ["back"]
    assert [e.answer for e in recorded["watch1"]] == [Answer.NATURAL]


# --- the answers queue ---------------------------------------------------------------------


def test_stale_and_garbage_answers_are_dropped_and_never_applied(tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    send_answer(folder, SitAnswer("snooze", START - timedelta(minutes=10)))
    send_answer(folder, SitAnswer("skip", START))
    (folder / "0000-garbage.json").write_text("{not json")
    (folder / "0001-big.json").write_text(json.dumps({"kind": "skip", "sent": START.isoformat(), "x": "y" * 9000}))
    (folder / "0002-kind.json").write_text(json.dumps({"kind": "rm -rf", "sent": START.isoformat()}))
    (folder / "0003-naive.json").write_text(json.dumps({"kind": "skip", "sent": "2026-11-23T09:00:00"}))
    os.symlink("/etc/passwd", folder / "0004-link.json")
    answers, problems = take_answers(folder, START)
    assert [a.kind for a in answers] == ["skip"]
    assert len(problems) == 5 and os.listdir(folder) == ["0004-link.json"]  # a symlink is not even opened
    assert take_answers(folder, START) == ([], [])


def test_an_unknown_answer_is_refused_at_the_sender(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        send_answer(tmp_path, SitAnswer("--help", START))


def test_what_happens_while_taking_over_or_applying_an_answer_is_recorded(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    app = make(pid=1, missed_after=300)
    app.tick()
    run(clocks, 600 + 280, app)  # the prompt has been open 280 s
    app.close()
    clocks.advance(40)  # missed meanwhile, at 300 s
    again = make(pid=2, missed_after=300)
    again.tick()
    assert [e.answer for e in recorded["app2"]] == [Answer.MISSED]
    watch = make("watch", 3, missed_after=300)
    run(clocks, 300, again)  # the next prompt comes 120 s (the snooze) after the missed one
    assert again.prompt_open
    clocks.advance(299)
    send_answer(paths.data_dir / "answers", SitAnswer("already", clocks.now))
    clocks.advance(2)  # missed at 300 s, then "already" is applied
    again.tick()
    assert [e.answer for e in recorded["app2"]] == [Answer.MISSED, Answer.MISSED, Answer.ALREADY]
    assert not watch.is_owner


def test_pause_and_resume_from_a_viewer_and_the_log_says_so(setup) -> None:
    paths, clocks, make, recorded, alive = setup
    watch, app = make("watch", 1), make("app", 2)
    watch.tick()
    run(clocks, 100, watch, app)
    app.pause(clocks.now + timedelta(minutes=30))
    view, news = run(clocks, 1, watch)[0]
    assert view.line == "sit timer paused until 09:31" and [n.kind for n in news] == ["answer", "rest"]
    app.resume()
    view, news = run(clocks, 1, watch)[0]
    assert view.line.startswith("sitting 0:0") and [n.kind for n in news] == ["answer", "counting"]
