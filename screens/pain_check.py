"""A 0-10 pain score before or after a routine."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Static

from coach.model import Routine
from screens.text import literal
from screens.widgets.footer import KeysFooter

WORDS = {0: "no pain", 2: "mild", 5: "moderate", 7: "severe", 10: "worst imaginable"}


#: Said when enter comes before any number was chosen.
CHOOSE_FIRST = "Choose a number first: 0-9 or the arrows (s skips)."


class PainScale(Static):
    """0 to 10, the chosen one highlighted; None: nothing chosen yet, so that
    enter alone never records a number the person did not pick."""

    value: reactive[int | None] = reactive(None)

    def render(self) -> Content:
        cells = []
        for n in range(11):
            cell = f" {n} "
            cells.append(Content.styled(cell, "reverse bold" if n == self.value else ""))
        if self.value is None:
            return Content.assemble(*cells, "\n", Content.styled("not chosen yet", "italic"))
        word = next(WORDS[k] for k in sorted(WORDS, reverse=True) if k <= self.value)
        return Content.assemble(*cells, "\n", Content.styled(f"{self.value}: {word}", "bold"))

    def step(self, delta: int) -> None:
        """An arrow: from nothing chosen, right starts at 0 and left at 10."""
        if self.value is None:
            self.value = 0 if delta > 0 else 10
        else:
            self.value = max(0, min(10, self.value + delta))


class PainCheckScreen(ModalScreen["int | None"]):
    """Asks for a pain score; ``s`` skips (None)."""

    BINDINGS = [
        Binding("left,minus", "change(-1)", "Less", id="pain.less"),
        Binding("right,plus", "change(1)", "More", id="pain.more"),
        Binding("enter", "choose", "Save", id="pain.choose"),
        Binding("s,escape", "skip", "Skip", id="pain.skip"),
    ] + [Binding(str(n), f"set({n})", show=False) for n in range(10)]

    def __init__(self, routine: Routine, before: bool, start: int | None = None) -> None:
        """``start``: the last score given (this session's "before", else the
        flare-up's latest), shown chosen; None shows nothing chosen."""
        super().__init__()
        self.routine = routine
        self.before = before
        self.start = start

    def compose(self) -> ComposeResult:
        question = "How bad is your pain right now?" if self.before else "How is your pain now, after the routine?"
        with Vertical(id="dialog", classes="pain"):
            yield Static(literal(self.routine.title, "bold"), classes="dialog-title")
            yield Static(Content(f"{question}\n0 is no pain, 10 the worst imaginable. Arrows or 0-9, then enter."))
            yield PainScale(id="scale")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(PainScale).value = self.start

    def action_change(self, delta: int) -> None:
        self.query_one(PainScale).step(delta)

    def action_set(self, value: int) -> None:
        self.query_one(PainScale).value = value

    def action_choose(self) -> None:
        value = self.query_one(PainScale).value
        if value is None:
            self.notify(CHOOSE_FIRST, title="Pain", severity="warning", markup=False)
            return
        self.dismiss(value)

    def action_skip(self) -> None:
        self.dismiss(None)
