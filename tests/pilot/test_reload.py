"""Routine files added, changed or removed while the app runs show on home
within a couple of seconds; a routine being played is not disturbed."""

from __future__ import annotations

import asyncio

from pilot_helpers import SIZE
from textual.widgets import OptionList

from coach.paths import resolve_paths
from screens.app import ROUTINE_POLL_SECONDS
from screens.player import PlayerScreen

ROUTINE = """\
format: 1
id: {id}
title: {title}
summary: Written while the app runs.
category: stretch
steps:
  - kind: timer
    title: Stretch
    duration: 30s
"""


def titles(app) -> list[str]:
    options = app.screen.query_one("#routines", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def wait_for(pilot, check, seconds: float = 3 * ROUTINE_POLL_SECONDS) -> None:
    """Real time passes here: the app's own interval timer does the polling."""
    for _ in range(int(seconds / 0.1)):
        if check():
            return
        await asyncio.sleep(0.1)
        await pilot.pause()
    raise AssertionError("not seen in time")


async def test_a_file_written_while_the_app_runs_shows_up_and_goes(build, coach_home) -> None:
    folder = resolve_paths().routines_dir
    folder.mkdir(parents=True, exist_ok=True)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not any("Written now" in t for t in titles(app))
        (folder / "written-now.yaml").write_text(ROUTINE.format(id="written-now", title="Written now"))
        await wait_for(pilot, lambda: any(t.startswith("Written now") for t in titles(app)))

        (folder / "written-now.yaml").write_text(ROUTINE.format(id="written-now", title="Renamed stretch"))
        await wait_for(pilot, lambda: any(t.startswith("Renamed stretch") for t in titles(app)))
        assert not any(t.startswith("Written now") for t in titles(app))

        (folder / "written-now.yaml").write_text("id: written-now\ntitle: [broken\n")
        await wait_for(pilot, lambda: any("written-now.yaml" in t and "broken" in t for t in titles(app)))

        (folder / "written-now.yaml").unlink()
        await wait_for(pilot, lambda: not any("written-now" in t.lower() or "Renamed" in t for t in titles(app)))


async def test_a_routine_being_played_is_not_disturbed(build, coach_home, clock) -> None:
    folder = resolve_paths().routines_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.yaml").write_text(ROUTINE.format(id="mine", title="Mine"))
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_routine("mine")
        await pilot.pause()
        await pilot.press("enter")  # cautions: start
        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen))
        player = app.screen
        (folder / "mine.yaml").unlink()
        await wait_for(pilot, lambda: app.services.library.get("mine") is None)
        assert app.screen is player and player.routine.title == "Mine"


async def test_a_fifo_dropped_in_the_folder_never_freezes_the_app(build, coach_home) -> None:
    # The poll used to open it and wait for a writer forever (issue 14).
    import os
    import time

    folder = resolve_paths().routines_dir
    folder.mkdir(parents=True, exist_ok=True)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        os.mkfifo(folder / "pipe.yaml")
        (folder / "zero.yaml").symlink_to("/dev/zero")
        started = time.monotonic()
        await wait_for(pilot, lambda: any("pipe.yaml" in t for t in titles(app))
                       and any("zero.yaml" in t for t in titles(app)))
        assert time.monotonic() - started < 3 * ROUTINE_POLL_SECONDS
        pipe = app.services.library.get("pipe")
        assert pipe is not None and "named pipe" in pipe.problems[0].message
        await pilot.press("down")  # still answering keys
        await pilot.pause()
