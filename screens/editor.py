"""Edit a routine's YAML in the app, checked as you type.

The text area owns every plain key while it has focus; the screen's keys are
``ctrl+s``, ``f8`` and ``escape`` only. Checking, where a save goes and the
writing itself live in :mod:`coach.authoring`; this screen shows them.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from coach.authoring import EditTarget
from coach.durations import format_duration
from coach.figure_motion import figure_at_line
from coach.model import Routine
from coach.plan_text import render_plan
from coach.routines import Problem
from coach.timeline import build_timeline
from screens.base import CoachScreen
from screens.confirm import ConfirmScreen
from screens.messages import RoutineSaved
from screens.text import literal
from screens.widgets.code_area import CodeArea
from screens.widgets.figure import FigurePanel
from screens.widgets.sit_line import SitLine
from screens.widgets.footer import KeysFooter

#: Seconds of quiet typing before the text is checked again.
CHECK_DELAY = 0.3


class EditorScreen(CoachScreen[None]):
    """A routine's YAML, its problems as you type, and the plan it gives."""

    AUTO_FOCUS = "#yaml"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="editor.save", priority=True),
        Binding("f8", "next_problem", "Next problem", id="editor.next_problem", priority=True),
        # Priority: the text area would otherwise take escape to move focus.
        Binding("escape", "leave", "Back", id="editor.leave", priority=True),
    ]

    def __init__(self, target: EditTarget) -> None:
        super().__init__()
        self.target = target
        self.saved_text = target.text  # what is on disk (or would be copied) now
        self.loaded_disk = target.on_disk()  # to notice a change made elsewhere
        self.problems: tuple[Problem, ...] = ()
        self._check_timer: Timer | None = None
        self._plan_shown = False
        self._routine: Routine | None = None  # the last text without problems, for the figure


    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._where(), id="editor-where")
        with Horizontal(id="editor"):
            yield CodeArea.code_editor(
                self.target.text, language="yaml", theme=self._text_theme(), soft_wrap=True, id="yaml")
            with Vertical(id="editor-side"):
                yield OptionList(id="problems", markup=False)
                yield FigurePanel(animate=lambda: False, id="editor-figure")
                with VerticalScroll(id="preview"):
                    yield Static(id="preview-text")
        yield SitLine()
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = self.target.path.name
        self.query_one("#problems", OptionList).border_title = "Problems"
        self.query_one("#preview", VerticalScroll).border_title = "Plan"
        self.query_one("#editor-figure", FigurePanel).border_title = "Figure"
        self.check()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def on_unmount(self) -> None:
        self.app.theme_changed_signal.unsubscribe(self)

    @property
    def shown_path(self) -> str:
        """The file, with ``~`` for the home folder (the line is short)."""
        path = self.target.path
        try:
            return str(Path("~") / path.relative_to(Path.home()))
        except ValueError:
            return str(path)

    def _where(self) -> Content:
        if self.target.from_builtin:
            return Content.assemble(
                Content.styled("Built-in routine. ", "bold"),
                literal(f"Saving writes your own copy to {self.shown_path}; the built-in one stays as it is."))
        return literal(f"Editing {self.shown_path}")

    def _text_theme(self) -> str:
        return "vscode_dark" if self.app.current_theme.dark else "github_light"

    def _theme_changed(self, _theme: object) -> None:
        self.query_one("#yaml", TextArea).theme = self._text_theme()

    # --- checking as you type -----------------------------------------------------

    @property
    def text(self) -> str:
        return self.query_one("#yaml", TextArea).text

    @property
    def modified(self) -> bool:
        return self.text != self.saved_text

    @on(TextArea.Changed, "#yaml")
    def text_changed(self) -> None:
        self._show_modified()
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(CHECK_DELAY, self.check)

    def _show_modified(self) -> None:
        self.sub_title = self.target.path.name + ("  (modified)" if self.modified else "")

    def check(self) -> None:
        """Check the text now; list its problems, or show the plan it gives."""
        self._check_timer = None
        routine, self.problems = self.target.check(self.text)
        problems = self.query_one("#problems", OptionList)
        problems.clear_options()
        if self.problems:
            problems.add_options(Option(self._problem_line(p), id=str(i)) for i, p in enumerate(self.problems))
            count = len(self.problems)
            problems.border_title = f"{count} problem{'s' if count != 1 else ''} · f8 next"
            problems.add_class("has-problems")
        else:
            problems.add_option(Option(Content("No problems."), disabled=True))
            problems.border_title = "Problems"
            problems.remove_class("has-problems")
        if routine is not None:
            self._routine = routine
            self._show_plan(routine)
            self.show_figure()
        elif not self._plan_shown:
            self.query_one("#preview-text", Static).update(
                Content("The plan and its length show here once the file has no problems."))
        else:
            self.query_one("#preview", VerticalScroll).add_class("stale")
            self.query_one("#preview", VerticalScroll).border_title = "Last plan without problems"

    @on(TextArea.SelectionChanged, "#yaml")
    def show_figure(self) -> None:
        """The figure of the step (or pose) under the cursor, from the last text without problems."""
        if self._routine is None:
            return
        line = self.query_one("#yaml", TextArea).cursor_location[0] + 1
        poses = figure_at_line(self._routine, line)
        self.query_one("#editor-figure", FigurePanel).still(poses)

    @staticmethod
    def _problem_line(problem: Problem) -> Content:
        where = Content.styled(f"{problem.line}:{problem.column}", "bold $text-error")
        what = f"{problem.field}: {problem.message}" if problem.field else problem.message
        return Content.assemble(where, "  ", literal(what))

    def _show_plan(self, routine: Routine) -> None:
        timeline = build_timeline(routine, self.coach.services.config.config.first_side)
        self._plan_shown = True
        preview = self.query_one("#preview", VerticalScroll)
        preview.remove_class("stale")
        preview.border_title = f"Plan · {format_duration(timeline.total)}"
        self.query_one("#preview-text", Static).update(literal("\n".join(render_plan(routine, timeline))))

    @on(OptionList.OptionSelected, "#problems")
    def problem_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.go_to(self.problems[int(event.option.id)])

    def go_to(self, problem: Problem) -> None:
        """Put the cursor where the problem is and give the text area the keys."""
        area = self.query_one("#yaml", TextArea)
        area.cursor_location = (problem.line - 1, problem.column - 1)
        area.scroll_cursor_visible(center=True, animate=False)
        self.set_focus(area)

    def action_next_problem(self) -> None:
        if not self.problems:
            self.notify("No problems.", timeout=2)
            return
        here = self.query_one("#yaml", TextArea).cursor_location
        after = [p for p in self.problems if (p.line - 1, p.column - 1) > here]
        problem = after[0] if after else self.problems[0]
        self.query_one("#problems", OptionList).highlighted = self.problems.index(problem)
        self.go_to(problem)

    # --- saving and leaving ---------------------------------------------------------

    @work(exclusive=True, group="editor-save")
    async def action_save(self) -> None:
        await self.save()

    async def save(self) -> bool:
        """Write the text whole; True when it was written."""
        text = self.text
        now = self.target.on_disk()
        if now is not None and now != self.loaded_disk and now != text:
            if not await self.app.push_screen_wait(ChangedOnDiskScreen(self.shown_path)):
                return False
        try:
            self.target = self.target.save(text)
        except OSError as err:
            self.notify(f"Not saved: cannot write {self.shown_path}: {err.strerror or err}",
                        title="Save", severity="error", markup=False, timeout=12)
            return False
        self.saved_text = self.loaded_disk = text
        self._show_modified()
        self.query_one("#editor-where", Static).update(self._where())
        self.check()  # now, not after the delay: the message below depends on it
        if self.problems:
            count = len(self.problems)
            self.notify(f"Saved to {self.shown_path}, with {count} problem{'s' if count != 1 else ''}: "
                        "the routine cannot be used until they are fixed.",
                        title="Saved", severity="warning", markup=False, timeout=8)
        else:
            self.notify(f"Saved to {self.shown_path}.", title="Saved", markup=False, timeout=4)
        self.post_message(RoutineSaved())  # home shows it now, not at the next poll
        return True

    @work(exclusive=True, group="editor-leave")
    async def action_leave(self) -> None:
        if await self.may_close():
            self.dismiss()

    async def may_close(self) -> bool:
        """Ask what to do with unsaved changes (leaving, or quitting the app
        with ctrl+q): True once they are saved or thrown away on purpose."""
        if not self.modified:
            return True
        answer = await self.app.push_screen_wait(UnsavedScreen())
        if answer is Unsaved.KEEP or (answer is Unsaved.SAVE and not await self.save()):
            return False
        return True

    def save_recovery_copy(self) -> Path | None:
        """When Coach must end without asking (the terminal was closed): keep
        the unsaved text beside the file as ``<name>.recovered-<date>``, which
        is never read as a routine. None when there was nothing to keep."""
        if not self.modified:
            return None
        from datetime import datetime

        from coach.fileio import atomic_write

        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.target.path.with_name(f"{self.target.path.name}.recovered-{stamp}")
        atomic_write(path, self.text)
        return path


class Unsaved(Enum):
    """What to do with unsaved changes on the way out."""

    SAVE = "save"
    DISCARD = "discard"
    KEEP = "keep"  # keep editing: do not leave


class UnsavedScreen(ModalScreen[Unsaved]):
    """Leaving with unsaved changes: save, throw them away, or keep editing."""

    BINDINGS = [
        Binding("s", f"answer('{Unsaved.SAVE.value}')", "Save and leave", id="unsaved.save"),
        Binding("d", f"answer('{Unsaved.DISCARD.value}')", "Discard changes", id="unsaved.discard"),
        Binding("escape", f"answer('{Unsaved.KEEP.value}')", "Keep editing", id="unsaved.keep"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="unsaved"):
            yield Static(Content.styled("This routine has changes that are not saved.", "bold"),
                         classes="dialog-title")
            with Horizontal(classes="buttons"):
                yield Button("Save and leave", id="save", variant="primary", compact=True)
                yield Button("Discard changes", id="discard", variant="error", compact=True)
                yield Button("Keep editing", id="keep", compact=True)
        yield KeysFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id or Unsaved.KEEP.value)

    def action_answer(self, answer: str) -> None:
        self.dismiss(Unsaved(answer))


class ChangedOnDiskScreen(ConfirmScreen):
    """The file was changed by something else since the editor opened it."""

    YES_LABEL = "Overwrite"
    NO_LABEL = "Cancel"
    BINDINGS = [
        Binding("o", "yes", "Overwrite"),
        Binding("escape", "no", "Cancel"),
    ]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def body(self) -> ComposeResult:
        yield Static(Content.assemble(
            literal(f"{self.path} was changed by another program since you opened it here.", "bold"), "\n\n",
            Content("Overwrite it with the text in this editor? Cancel keeps both as they are; "
                    "copy what you need, then leave without saving to see the other version.")))
