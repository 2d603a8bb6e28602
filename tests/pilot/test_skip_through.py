"""Issue 15 part 1: a routine skipped through with `n` is partial, everywhere it is told."""

from __future__ import annotations

import csv
import io
import json

from textual.widgets import Static

from coach.cli import main
from coach.paths import resolve_paths
from coach.store import open_store
from screens.finish import FinishScreen
from screens.home import HomeScreen
from screens.player import PlayerScreen

from pilot_helpers import SIZE, fixed_wall, play_desk_break_to_the_end, tick


async def skip_through_desk_break(pilot, clock) -> None:
    await pilot.press("b")
    await pilot.pause()
    await pilot.press("enter")  # its cautions: start
    await pilot.pause()
    assert isinstance(pilot.app.screen, PlayerScreen)
    for _ in range(6):
        await tick(pilot, clock, 1)
        await pilot.press("n")
        await pilot.pause()
    for _ in range(200):
        if isinstance(pilot.app.screen, FinishScreen):
            break
        await pilot.pause(0.01)


async def test_skipped_through_desk_break_is_partial_on_screen_in_history_and_export(build, clock, capsys) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await tick(pilot, clock, 600)  # ten minutes sitting
        app.sit_poll()
        await skip_through_desk_break(pilot, clock)
        assert isinstance(app.screen, FinishScreen)
        text = str(app.screen.query_one("#finish-text", Static).render())
        assert "routine complete" not in text
        assert "Partly done: 5% of its timed length (complete from 80%)." in text
        assert "Skipped: Stand up (after 1s), Walk (after 1s), Gentle back bend (after 1s)" in text
        assert "Steps reached: 6 of 6" in text and "Steps done" not in text  # skipped steps are not "done"
        assert app.screen.sub_title == "Partly done"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # Not a desk break: the sitting bout goes on.
        app.sit_poll()
        assert app.sit_text.startswith("sitting 10:06")
    with open_store(resolve_paths().history_file, clock=fixed_wall) as store:
        (row,) = store.recent_sessions()
        steps = store.step_records(row.id)
        assert [b.answer for b in store.iter_breaks()] == []
    assert row.outcome == "partial" and row.done_percent == 5 and row.steps_done == row.steps_total == 6
    assert [s.fate for s in steps] == ["skipped"] * 6
    assert [s.skipped_after for s in steps] == [1] * 6
    assert sum(s.done_seconds for s in steps) == 6

    capsys.readouterr()
    assert main(["export"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    (session,) = [r for r in rows if r["record"] == "session"]
    assert session["outcome"] == "partial" and session["done_percent"] == "5"
    assert main(["export", "--format", "json"]) == 0
    (exported,) = json.loads(capsys.readouterr().out)["sessions"]
    assert exported["outcome"] == "partial" and exported["done_percent"] == 5


async def test_desk_break_played_through_is_completed_and_a_break(build, clock) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await play_desk_break_to_the_end(pilot, clock)
        text = str(app.screen.query_one("#finish-text", Static).render())
        assert "Well done: routine complete." in text and "Skipped" not in text
        assert app.sit_text.startswith("sitting 0:0")
    with open_store(resolve_paths().history_file, clock=fixed_wall) as store:
        (row,) = store.recent_sessions()
        steps = store.step_records(row.id)
        assert [b.answer for b in store.iter_breaks()] == ["taken"]
    assert row.outcome == "completed" and row.done_percent == 100
    assert [s.fate for s in steps] == ["done"] * 6
    assert sum(s.done_seconds for s in steps) == sum(s.planned_seconds for s in steps) == 120


async def test_the_step_being_played_is_kept_with_the_heartbeat(build, clock) -> None:
    """A killed app loses none of the step it was in: its record (fate still
    empty) is written with the session's heartbeat."""
    import asyncio

    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(8):
            await tick(pilot, clock, 5)  # 5 s standing up, then 35 s of the 1-minute walk
        await asyncio.to_thread(app.services.store.flush, 5.0)
        with open_store(resolve_paths().history_file, clock=fixed_wall) as store:
            (row,) = store.recent_sessions()
            steps = store.step_records(row.id)
        assert row.outcome == "running"
        assert [(s.title, s.fate) for s in steps] == [("Stand up", "done"), ("Walk", None)]
        assert steps[1].spent_seconds >= 30 and steps[1].done_seconds == steps[1].spent_seconds
