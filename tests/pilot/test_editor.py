"""The editor screen: `e` on home, live problems, ctrl+s, and leaving safely."""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path

import pytest
from pilot_helpers import SIZE
from textual.widgets import OptionList, TextArea

from coach.paths import resolve_paths
from coach.routines import read_routine_file
from screens.editor import CHECK_DELAY, ChangedOnDiskScreen, EditorScreen, UnsavedScreen
from screens.home import HomeScreen

PHYSIO = """\
format: 1
id: physio
title: Physio plan
summary: Three exercises from my physiotherapist.
category: stretch
steps:
  - kind: hold
    title: Knee to chest
    sides: both
    reps: 2
    hold: 10s
"""
HOLD_LINE = 10  # 0-based row of "    hold: 10s"


@pytest.fixture
def folder(coach_home: Path) -> Path:
    path = resolve_paths().routines_dir
    path.mkdir(parents=True, exist_ok=True)
    (path / "physio.yaml").write_text(PHYSIO)
    return path


def titles(app) -> list[str]:
    options = app.screen.query_one("#routines", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def open_editor(app, pilot, option_id: str) -> EditorScreen:
    options = app.screen.query_one("#routines", OptionList)
    options.highlighted = options.get_option_index(option_id)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, EditorScreen)
    return app.screen


async def checked(pilot) -> None:
    """Let the debounced check run (real time: it is the screen's own timer),
    however slow the machine is."""
    await asyncio.sleep(CHECK_DELAY)
    for _ in range(100):
        await pilot.pause()
        if pilot.app.screen._check_timer is None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the check did not run")


def problem_lines(screen: EditorScreen) -> list[str]:
    options = screen.query_one("#problems", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_a_mistake_is_listed_with_its_line_then_fixed_saved_and_shown_on_home(build, folder) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = await open_editor(app, pilot, "physio")
        area = editor.query_one("#yaml", TextArea)
        assert area.has_focus
        assert problem_lines(editor) == ["No problems."]

        # The mistake: "10s" becomes "10 s". Typed keys; nothing is checked until typing pauses.
        area.cursor_location = (HOLD_LINE, len("    hold: 10"))
        await pilot.press("space")
        if editor._check_timer is not None:  # still waiting for the pause (a loaded machine may be past it)
            assert problem_lines(editor) == ["No problems."]
        await checked(pilot)
        [line] = problem_lines(editor)
        assert line.startswith("11:11  steps[0].hold:") and "10 s" in line

        # Selecting the problem puts the cursor on it and gives the keys back to the text.
        area.cursor_location = (0, 0)
        problems = editor.query_one("#problems", OptionList)
        problems.focus()
        await pilot.pause()
        problems.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert area.cursor_location == (HOLD_LINE, len("    hold: "))
        assert area.has_focus

        # Fix it, rename the routine, save.
        area.cursor_location = (HOLD_LINE, len("    hold: 10 "))
        await pilot.press("backspace")
        area.cursor_location = (2, len("title: Physio plan"))
        await pilot.press(*" two")
        await checked(pilot)
        assert problem_lines(editor) == ["No problems."]
        assert editor.sub_title.endswith("(modified)")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not editor.sub_title.endswith("(modified)")
        saved = folder / "physio.yaml"
        assert saved.read_text() == PHYSIO.replace("Physio plan", "Physio plan two")
        assert read_routine_file(saved).title == "Physio plan two"

        await pilot.press("escape")  # saved: no question
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any(t.startswith("Physio plan two") for t in titles(app))
        assert not any(t.startswith("Physio plan\n") for t in titles(app))


async def test_f8_goes_from_problem_to_problem(build, folder) -> None:
    (folder / "physio.yaml").write_text(PHYSIO.replace("reps: 2", "reps: two").replace("10s", "10 s"))
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = await open_editor(app, pilot, "broken:" + str(folder / "physio.yaml"))
        assert [line.split("  ")[0] for line in problem_lines(editor)] == ["10:11", "11:11"]
        area = editor.query_one("#yaml", TextArea)
        await pilot.press("f8")
        assert area.cursor_location == (9, 10)
        await pilot.press("f8")
        assert area.cursor_location == (10, 10)
        await pilot.press("f8")  # round again
        assert area.cursor_location == (9, 10)


async def test_plain_letters_go_into_the_text(build, folder) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = await open_editor(app, pilot, "physio")
        area = editor.query_one("#yaml", TextArea)
        area.cursor_location = (0, 0)
        await pilot.press(*"# bpe qsdo")  # home's keys, the dialog's keys: all text here
        assert app.screen is editor
        assert area.text.startswith("# bpe qsdo")


async def test_a_built_in_routine_is_saved_as_a_copy_and_never_overwritten(build, folder) -> None:
    builtin = resources.files("routines").joinpath("knee-pillow-rest.yaml").read_text(encoding="utf-8")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = await open_editor(app, pilot, "knee-pillow-rest")
        assert "Built-in routine" in str(editor.query_one("#editor-where").render())
        area = editor.query_one("#yaml", TextArea)
        row = next(i for i, line in enumerate(area.text.splitlines()) if line.startswith("title:"))
        area.cursor_location = (row, len(area.document.get_line(row)))
        await pilot.press(*" (mine)")
        await pilot.press("ctrl+s")
        await pilot.pause()
        copy = folder / "knee-pillow-rest.yaml"
        assert read_routine_file(copy).title.endswith("(mine)")
        assert (folder / "coach-routine.schema.json").is_file()  # the copy's first line points at it
        assert resources.files("routines").joinpath("knee-pillow-rest.yaml").read_text(encoding="utf-8") == builtin
        await pilot.press("escape")
        await pilot.pause()
        assert any(t.startswith("Short rest with pillows under your knees (mine)  (yours)") for t in titles(app))


async def test_leaving_with_changes_asks_first(build, folder) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = await open_editor(app, pilot, "physio")
        await pilot.press(*"# note", "enter")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen)
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen is editor and editor.text.startswith("# note\n")

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")  # discard
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert (folder / "physio.yaml").read_text() == PHYSIO

        editor = await open_editor(app, pilot, "physio")
        await pilot.press(*"# kept", "enter", "escape")
        await pilot.pause()
        await pilot.press("s")  # save and leave
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert (folder / "physio.yaml").read_text() == "# kept\n" + PHYSIO


async def test_a_file_changed_elsewhere_is_not_overwritten_without_asking(build, folder) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = await open_editor(app, pilot, "physio")
        elsewhere = PHYSIO.replace("Physio plan", "Changed in vim")
        (folder / "physio.yaml").write_text(elsewhere)
        await pilot.press(*"# mine", "enter", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChangedOnDiskScreen)
        await pilot.press("escape")  # cancel
        await pilot.pause()
        assert app.screen is editor and editor.modified
        assert (folder / "physio.yaml").read_text() == elsewhere

        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("o")  # overwrite
        await pilot.pause()
        assert (folder / "physio.yaml").read_text() == "# mine\n" + PHYSIO


async def test_a_file_that_is_not_text_gets_one_message(build, folder) -> None:
    (folder / "binary.yaml").write_bytes(b"id: binary\ntitle: \xff\xfe\n")
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#routines", OptionList)
        options.highlighted = options.get_option_index("broken:" + str(folder / "binary.yaml"))
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        [message] = [n.message for n in app._notifications]
        assert "binary.yaml is not UTF-8 text (byte 19)" in message


async def test_home_keeps_the_routine_highlighted_when_a_save_breaks_or_fixes_it(build, folder) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = await open_editor(app, pilot, "physio")
        area = editor.query_one("#yaml", TextArea)
        area.cursor_location = (HOLD_LINE, len("    hold: 10"))
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        options = app.screen.query_one("#routines", OptionList)
        assert options.highlighted_option.id == "broken:" + str(folder / "physio.yaml")

        editor = await open_editor(app, pilot, "broken:" + str(folder / "physio.yaml"))
        editor.query_one("#yaml", TextArea).cursor_location = (HOLD_LINE, len("    hold: 10 "))
        await pilot.press("backspace", "ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#routines", OptionList).highlighted_option.id == "physio"


async def test_ctrl_q_with_unsaved_text_asks_as_escape_does(build, folder) -> None:
    # Issue 14: ctrl+q used to quit at once and throw the text away.
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = await open_editor(app, pilot, "physio")
        await pilot.press(*"# mine", "enter")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen) and app.is_running
        await pilot.press("ctrl+q")  # again, while asked: still the one question
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen) and len(app.screen_stack) == 3
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen is editor and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("s")  # save, then quit
        await pilot.pause()
        await pilot.pause()
    assert not app.is_running
    assert (folder / "physio.yaml").read_text() == "# mine\n" + PHYSIO


async def test_ctrl_q_discard_quits_and_a_saved_editor_quits_at_once(build, folder) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_editor(app, pilot, "physio")
        await pilot.press(*"# gone", "enter", "ctrl+q")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.pause()
    assert not app.is_running and (folder / "physio.yaml").read_text() == PHYSIO
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_editor(app, pilot, "physio")
        await pilot.press("ctrl+q")  # nothing changed: no question
        await pilot.pause()
    assert not app.is_running


async def test_a_hangup_keeps_unsaved_text_as_a_recovery_copy(build, folder) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_editor(app, pilot, "physio")
        await pilot.press(*"# not saved yet", "enter")
        app._hung_up()  # what SIGHUP calls: the terminal is gone, nobody can be asked
        await pilot.pause()
    assert not app.is_running
    (copy,) = folder.glob("physio.yaml.recovered-*")
    assert copy.read_text() == "# not saved yet\n" + PHYSIO
    assert (folder / "physio.yaml").read_text() == PHYSIO
    from coach.library import load_library

    assert load_library(folder).get("physio").ok  # the copy is never read as a routine


async def test_ctrl_c_in_the_editor_never_loses_the_text(build, folder) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = await open_editor(app, pilot, "physio")
        await pilot.press(*"# mine", "enter", "ctrl+c")
        await pilot.pause()
        assert app.is_running and app.screen is editor and editor.text.startswith("# mine\n")
