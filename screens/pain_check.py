"""A 0-10 pain score before or after a routine."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from coach.model import Routine
from screens.text import literal

WORDS = {0: "no pain", 2: "mild", 5: "moderate", 7: "severe", 10: "worst imaginable"}


class PainScale(Static):
    """0 to 10, the chosen one highlighted."""

    value: reactive[int] = reactive(3)

    def render(self) -> Content:
        cells = []
        for n in range(11):
            cell = f" {n} "
            cells.append(Content.styled(cell, "reverse bold" if n == self.value else ""))
        word = next(WORDS[k] for k in sorted(WORDS, reverse=True) if k <= self.value)
        return Content.assemble(*cells, "\n", Content.styled(f"{self.value}: {word}", "bold"))


class PainCheckScreen(ModalScreen["int | None"]):
    """Asks for a pain score; ``s`` skips (None)."""

    BINDINGS = [
        Binding("left,minus", "change(-1)", "Less", id="pain.less"),
        Binding("right,plus", "change(1)", "More", id="pain.more"),
        Binding("enter", "choose", "Save", id="pain.choose"),
        Binding("s,escape", "skip", "Skip", id="pain.skip"),
    ] + [Binding(str(n), f"set({n})", show=False) for n in range(10)]

    def __init__(self, routine: Routine, before: bool) -> None:
        super().__init__()
        self.routine = routine
        self.before = before

    def compose(self) -> ComposeResult:
        question = "How bad is your pain right now?" if self.before else "How is your pain now, after the routine?"
        with Vertical(id="dialog", classes="pain"):
            yield Static(literal(self.routine.title, "bold"), classes="dialog-title")
            yield Static(Content(f"{question}\n0 is no pain, 10 the worst imaginable. Arrows or 0-9, then enter."))
            yield PainScale(id="scale")
        yield Footer()

    def action_change(self, delta: int) -> None:
        scale = self.query_one(PainScale)
        scale.value = max(0, min(10, scale.value + delta))

    def action_set(self, value: int) -> None:
        self.query_one(PainScale).value = value

    def action_choose(self) -> None:
        self.dismiss(self.query_one(PainScale).value)

    def action_skip(self) -> None:
        self.dismiss(None)
