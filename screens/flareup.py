"""Recording a flare-up, giving a pain score during it, and saying it has settled.

The rules (phases, what fits when, parsing the start time) are in
:mod:`coach.flareup`; these dialogs ask and show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import Enum

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from coach.flareup import MAX_DAYS_BACK, local, parse_start
from coach.safety import in_brief
from screens.pain_check import CHOOSE_FIRST, PainScale
from screens.widgets.footer import KeysFooter

#: The red flags in brief (coach.safety): when a flare-up is not a home treatment.
GET_HELP = "Not a home treatment if any of these came with it.\n" + "\n".join(in_brief())


@dataclass(frozen=True)
class FlareUpAnswer:
    """A flare-up recorded: when it started, and how bad it is."""

    started: datetime
    pain: int


class Update(Enum):
    """What was said about a flare-up under way."""

    PAIN = "pain"  # a pain score now
    SETTLED = "settled"


@dataclass(frozen=True)
class FlareUpdate:
    what: Update
    pain: int | None = None  # with PAIN


class FocusablePainScale(PainScale, can_focus=True):
    """The 0-10 scale as a field of a form: arrows or a digit change it."""

    BINDINGS = [
        Binding("left,minus", "change(-1)", "Less", show=False),
        Binding("right,plus", "change(1)", "More", show=False),
    ] + [Binding(str(n), f"set({n})", show=False) for n in range(10)]

    def action_change(self, delta: int) -> None:
        self.step(delta)

    def action_set(self, value: int) -> None:
        self.value = value


class FlareUpScreen(ModalScreen["FlareUpAnswer | None"]):
    """'My back went into spasm': when it started and how bad it is."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="flareup.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="flareup.cancel"),
    ]

    def __init__(self, now: datetime, tz: tzinfo | None) -> None:
        super().__init__()
        self.now = now
        self.tz = tz

    def compose(self) -> ComposeResult:
        today = local(self.now, self.tz).date()
        days = [("Today", 0), ("Yesterday", 1)] + [
            (f"{day:%A} {day.day} {day:%b}", n)
            for n in range(2, MAX_DAYS_BACK + 1) for day in [today - timedelta(days=n)]]
        with VerticalScroll(id="dialog", classes="flareup"):
            yield Static(Content.styled("My back went into spasm", "bold"), classes="dialog-title")
            yield Static(Content.styled(GET_HELP, "$text-warning"), classes="flareup-help")
            yield Static("When did it start?", classes="flareup-label")
            with Horizontal(classes="flareup-when"):
                yield Select(days, value=0, allow_blank=False, compact=True, id="flareup-day")
                yield Input(placeholder="now, or a time like 14:30", compact=True, id="flareup-time")
            yield Static("How bad is it (0-10)? Arrows or a digit.", classes="flareup-label")
            yield FocusablePainScale(id="flareup-pain")
            yield Static("", id="flareup-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#flareup-pain", FocusablePainScale).value = None  # the person picks it
        self.query_one("#flareup-time", Input).focus()

    @on(Input.Submitted, "#flareup-time")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        days = self.query_one("#flareup-day", Select).value
        clock = self.query_one("#flareup-time", Input).value
        try:
            started = parse_start(int(days) if isinstance(days, int) else 0, clock, self.now, self.tz)
        except ValueError as err:
            self.query_one("#flareup-error", Static).update(Content.styled(str(err), "bold $text-error"))
            self.query_one("#flareup-time", Input).focus()
            return
        pain = self.query_one("#flareup-pain", FocusablePainScale).value
        if pain is None:
            self.query_one("#flareup-error", Static).update(
                Content.styled("How bad is it? Choose 0-10 (a digit or the arrows).", "bold $text-error"))
            self.query_one("#flareup-pain", FocusablePainScale).focus()
            return
        self.dismiss(FlareUpAnswer(started, pain))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class FlareUpUpdateScreen(ModalScreen["FlareUpdate | None"]):
    """During a flare-up: a pain score now, or 'it has settled'.

    Dismisses a :class:`FlareUpdate`, or None (back)."""

    BINDINGS = [
        Binding("enter", "pain", "Save pain score", id="flareup.pain"),
        Binding("s", "settled", "It has settled", id="flareup.settled"),
        Binding("escape", "back", "Back", id="flareup.back"),
    ]
    AUTO_FOCUS = "#flareup-pain"  # arrows and digits go to the scale

    def __init__(self, headline: str, last_pain: int | None) -> None:
        super().__init__()
        self.headline = headline
        self.last_pain = last_pain

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="flareup"):
            yield Static(Content.styled(self.headline, "bold"), classes="dialog-title")
            said = "" if self.last_pain is None else f" (last time: {self.last_pain})"
            yield Static(f"How bad is it now{said}? Arrows or 0-9, then enter.", classes="flareup-label")
            yield FocusablePainScale(id="flareup-pain")
            with Horizontal(classes="buttons"):
                yield Button("Save pain score", id="pain", variant="primary", compact=True)
                yield Button("It has settled", id="settled", variant="success", compact=True)
                yield Button("Back", id="back", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(PainScale).value = self.last_pain  # None: nothing chosen yet

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"pain": self.action_pain, "settled": self.action_settled}.get(event.button.id or "", self.action_back)()

    def action_pain(self) -> None:
        value = self.query_one(PainScale).value
        if value is None:
            self.notify(CHOOSE_FIRST, title="Pain", severity="warning", markup=False)
            return
        self.dismiss(FlareUpdate(Update.PAIN, value))

    def action_settled(self) -> None:
        self.dismiss(FlareUpdate(Update.SETTLED))

    def action_back(self) -> None:
        self.dismiss(None)
