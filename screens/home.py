"""Home: routines grouped by category, a detail pane, a filter."""

from __future__ import annotations

from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from coach.durations import format_duration
from coach.flareup import Plan, rest_note
from coach.progression import at_level, describe_level, level_line
from coach.timing_text import timing_lines
from coach.library import LibraryEntry
from coach.model import Category
from coach.timeline import build_timeline
from screens.base import CoachScreen
from screens.messages import StartDeskBreak, StartRoutine
from screens.widgets.now_panel import fit_text, now_panel
from screens.widgets.footer import KeysFooter
from screens.widgets.sit_line import SitLine
from screens.text import join_blocks, literal, section

CATEGORY_TITLES = {
    Category.DESK_BREAK: "Desk breaks",
    Category.MOVEMENT: "Walking and moving",
    Category.REST: "Rest positions",
    Category.STRETCH: "Stretches",
    Category.STRENGTH: "Strength",
    Category.POSTURE: "Posture",
    Category.TECHNIQUE: "Techniques",
    Category.THERAPY: "Ice, heat and water",
}
BROKEN_PREFIX = "broken:"
#: How often the flare-up plan is worked out again while home is open.
NOW_REFRESH_SECONDS = 30.0


def _matches(entry: LibraryEntry, query: str) -> bool:
    if not query:
        return True
    routine = entry.routine
    haystack = [entry.id]
    if routine is not None:
        haystack += [routine.title, routine.category.value, *routine.tags, routine.summary]
    return all(word in " ".join(haystack).lower() for word in query.lower().split())


class HomeScreen(CoachScreen[None]):
    """Pick a routine and start it."""

    AUTO_FOCUS = "#routines"  # arrows move through routines; "/" goes to the filter

    plan: Plan | None = None  # the flare-up plan, when a flare-up is recorded

    BINDINGS = [
        Binding("enter", "start", "Start", id="home.start", priority=True),
        # Priority: the app runs it as the key arrives, so keys typed right
        # after "/" are sent to the filter box, not to the list.
        Binding("slash", "filter", "Filter", id="home.filter", priority=True),
        Binding("b", "desk_break", "Desk break", id="home.desk_break"),
        Binding("p", "progress", "Progress", id="home.progress"),
        Binding("e", "edit", "Edit", id="home.edit"),
        Binding("f", "flareup", "Flare-up", id="home.flareup"),
        Binding("escape", "clear_filter", "Clear filter", id="home.clear_filter", show=False),
    ]


    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home"):
            with Vertical(id="routine-pane"):
                yield Input(placeholder="/ filter routines", id="filter", compact=True)
                yield OptionList(id="routines", markup=False)
            with Vertical(id="side"):
                yield Static(id="now", classes="hidden")
                with VerticalScroll(id="detail"):
                    yield Static(id="detail-text")
        yield SitLine()
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Routines"
        # The first frame has the list and the sit line; the flare-up is read
        # off the screen's thread and fills in when it lands (show_flareup).
        self.plan = self.coach.flareup_plan()  # as last read: nothing is read here
        self.show_now()
        self.fill_list("")
        self.call_after_refresh(self._read_history)  # after the first frame (CoachApp._after_first_frame)
        self.set_interval(NOW_REFRESH_SECONDS, self.refresh_now)
        coach = self.coach
        coach.library_changed.subscribe(self, lambda _library: self.routines_changed())
        # immediate: called as it is published, not posted to home as a message
        # (a message to home while the player is on top made Textual draw the
        # screen again at every history write, every rep: issue 16's CPU)
        coach.history_changed.subscribe(self, self._history_changed, immediate=True)
        coach.flareup_read.subscribe(self, lambda _state: self.show_flareup())
        coach.levels_read.subscribe(self, lambda _levels: self.levels_changed())

    def _read_history(self) -> None:
        self.coach.read_flareup()
        self.coach.read_levels()

    def on_unmount(self) -> None:
        # A signal's subscriber list holds the screen through its callbacks: let go.
        coach = self.coach
        for signal in (coach.library_changed, coach.history_changed, coach.flareup_read, coach.levels_read):
            signal.unsubscribe(self)

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.flareup_changed()  # a routine was done, or a flare-up recorded
            self.coach.read_levels()  # a level may have changed with it

    def levels_changed(self) -> None:
        """The levels were read again: show the highlighted routine's."""
        option = self.query_one("#routines", OptionList).highlighted_option
        if option is not None:
            self.show_detail(option.id)

    # --- the list -------------------------------------------------------------------

    def fill_list(self, query: str) -> None:
        option_list = self.query_one("#routines", OptionList)
        library = self.coach.services.library
        options: list[Option] = []
        for category, heading in CATEGORY_TITLES.items():
            entries = [e for e in library.entries if e.ok and e.routine and e.routine.category is category and _matches(e, query)]
            if not entries:
                continue
            options.append(Option(Content.styled(heading, "bold $text-secondary"), disabled=True))
            options += [Option(self._prompt(entry), id=entry.id) for entry in entries]
        broken = [e for e in library.broken if _matches(e, query)]
        if broken:
            options.append(Option(Content.styled("Needs fixing", "bold $text-error"), disabled=True))
            options += [Option(Content.assemble(literal(e.path), Content.styled("  broken", "$text-error")),
                               id=BROKEN_PREFIX + e.path) for e in broken]
        option_list.clear_options()
        option_list.add_options(options)
        if not options:
            option_list.add_option(Option(Content("No routine matches the filter."), disabled=True))
            self.show_detail(None)
            return
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        option_list.highlighted = first

    def _history_changed(self, _: None) -> None:
        if self.app.screen is self:  # otherwise it reads again when it comes back into view
            self.flareup_changed()

    def refresh_now(self) -> None:
        """Every NOW_REFRESH_SECONDS: the plan's times move on. Only while home
        is on top: under the player, Textual still counts home as visible, and
        each refresh laid it out and drew the whole player again; coming back
        reads it anyway (on_screen_resume)."""
        if self.app.screen is self:
            self.flareup_changed()

    def flareup_changed(self) -> None:
        """Read the flare-up again (off the screen's thread); what is shown
        stays until it lands, then show_flareup shows it."""
        self.coach.read_flareup()

    def show_flareup(self) -> None:
        """Work out the plan from the flare-up as last read and show it
        (times move on too). Nothing is read here."""
        plan = self.coach.flareup_plan()
        if plan is None and self.plan is None:
            return
        self.plan = plan
        self.show_now()
        self.routines_changed()

    def show_now(self) -> None:
        now = self.query_one("#now", Static)
        now.set_class(self.plan is None, "hidden")
        if self.plan is not None:
            now.border_title = "Now"
            now.update(now_panel(self.plan, self.coach.flareup_pain_now(), self.coach.services.tz))

    def routines_changed(self) -> None:
        """The library was reloaded: refill the list, keeping the filter and,
        when it is still there, the highlighted routine."""
        option_list = self.query_one("#routines", OptionList)
        highlighted = option_list.highlighted_option
        keep = highlighted.id if highlighted is not None else None
        self.fill_list(self.query_one("#filter", Input).value)
        if keep is None:
            return
        # A routine that broke (or was fixed) changes its option id between
        # "physio" and "broken:/path/physio.yaml": follow it by file name.
        if keep.startswith(BROKEN_PREFIX):
            candidates = [keep, Path(keep[len(BROKEN_PREFIX):]).stem]
        else:
            candidates = [keep] + [BROKEN_PREFIX + e.path for e in self.coach.services.library.broken
                                   if Path(e.path).stem == keep]
        for candidate in candidates:
            try:
                option_list.highlighted = option_list.get_option_index(candidate)
                return
            except OptionDoesNotExist:  # removed, or its id changed
                continue

    def _prompt(self, entry: LibraryEntry) -> Content:
        routine = entry.routine
        assert routine is not None
        facts = format_duration(build_timeline(routine).total)
        mark = "  (yours)" if entry.origin == "user" else ""
        advice = self.plan.of(routine.id) if self.plan is not None else None
        if advice is not None:  # in a flare-up, the second line says whether it fits now
            return Content.assemble(literal(routine.title), mark, "\n", literal(f"  {facts}  ", "$text-muted"),
                                    fit_text(advice, short=True))
        if routine.tags:
            facts += "  " + " ".join(f"#{t}" for t in routine.tags[:2])
        return Content.assemble(literal(routine.title), mark, "\n", literal(f"  {facts}", "$text-muted"))

    # --- the detail pane ------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#routines")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_detail(event.option.id)

    def show_detail(self, option_id: str | None) -> None:
        detail = self.query_one("#detail-text", Static)
        if option_id is None:
            detail.update("")
            return
        library = self.coach.services.library
        if option_id.startswith(BROKEN_PREFIX):
            path = option_id[len(BROKEN_PREFIX):]
            entry = next(e for e in library.broken if e.path == path)
            detail.update(join_blocks([
                literal(f"{entry.path} has problems and cannot be used until they are fixed:", "bold"),
                Content("\n").join(literal(str(p)) for p in entry.problems),
                Content("Press e to fix it here, or change the file in any editor: Coach notices."),
            ]))
            return
        entry = library.get(option_id)
        if entry is None or entry.routine is None:
            return
        routine = entry.routine
        level = self.coach.levels.get(routine.id, 0)
        timeline = build_timeline(at_level(routine, level))  # as it plays at your level
        origin = f"Your routine ({entry.path}), replacing the built-in one." if entry.replaces_builtin else (
            f"Your routine ({entry.path})." if entry.origin == "user" else "Built-in routine.")
        facts = f"{CATEGORY_TITLES[routine.category]} - {format_duration(timeline.total)} timed, {timeline.step_count} steps"
        advice = self.plan.of(routine.id) if self.plan is not None else None
        level_text = describe_level(routine, level)
        detail.update(join_blocks([
            literal(routine.title, "bold"),
            Content.styled(facts, "$text-muted"),
            Content.assemble(Content.styled("Your level: ", "bold"), level_text.removeprefix("level "),
                             f" ({level_line(routine, level)})") if level_text else Content(""),
            Content.assemble(Content.styled("In this flare-up: ", "bold"), fit_text(advice),
                             Content(f"; {rest_note(advice)}" if rest_note(advice) else "")) if advice else Content(""),
            literal(routine.summary),
            section("You need", routine.equipment),
            section("When and how often", timing_lines(routine)),
            section("Cautions", routine.cautions),
            section("Do not use if", routine.do_not_use_if),
            section("Where it comes from", routine.sources),
            Content.styled(origin, "$text-muted"),
        ]))

    # --- actions ----------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#routines")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self._start(event.option.id)

    def action_start(self) -> None:
        box = self.query_one("#filter", Input)
        if self.focused is box:
            # enter is a priority binding, so it can overtake keys typed just
            # before it that are still queued for the box ("/ice pack" and
            # enter, fast). Queued behind them, it starts what they filter to.
            box.call_later(self._start_first_match)
            return
        self._start_highlighted()

    def _start_first_match(self) -> None:
        self.fill_list(self.query_one("#filter", Input).value.strip())
        self._start_highlighted()

    def _start_highlighted(self) -> None:
        option_list = self.query_one("#routines", OptionList)
        option_list.focus()  # enter in the filter box starts the first match
        if option_list.highlighted is not None:
            self._start(option_list.get_option_at_index(option_list.highlighted).id)

    def _start(self, option_id: str | None) -> None:
        if self.coach.start_routine_id:
            # `coach run ROUTINE`: home is only the backdrop while that routine's
            # cautions come up; an early enter must not start another one.
            return
        if option_id is None or option_id.startswith(BROKEN_PREFIX):
            self.notify("This routine file has problems; they are listed on the right. Press e to fix them.", severity="warning")
            return
        self.post_message(StartRoutine(option_id))

    def action_desk_break(self) -> None:
        """The configured break routine (sitting.break_routine), as the prompt
        and the palette start it."""
        self.post_message(StartDeskBreak())

    def action_edit(self) -> None:
        option_list = self.query_one("#routines", OptionList)
        option = option_list.highlighted_option
        if option is None or option.id is None:
            self.notify("Pick a routine to edit first.", severity="warning")
            return
        library = self.coach.services.library
        if option.id.startswith(BROKEN_PREFIX):
            path = option.id[len(BROKEN_PREFIX):]
            entry = next((e for e in library.broken if e.path == path), None)
        else:
            entry = library.get(option.id)
        if entry is not None:
            self.coach.edit_routine(entry)

    def action_flareup(self) -> None:
        self.coach.flareup_dialog()

    def action_progress(self) -> None:
        self.coach.show_progress()

    def action_filter(self) -> None:
        # Screen.set_focus acts at once (Widget.focus is deferred).
        self.set_focus(self.query_one("#filter", Input))

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one("#routines", OptionList).focus()

    def on_paste(self, event: events.Paste) -> None:
        # Keys that arrive in one burst ("/hip" typed fast, or pasted) come as a
        # paste; send them to the filter rather than lose them on the list.
        box = self.query_one("#filter", Input)
        if self.focused is not box:
            self.set_focus(box)
            box.insert_text_at_cursor(event.text.removeprefix("/").splitlines()[0] if event.text.strip() else "")
            event.stop()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.fill_list(event.value.strip())

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.query_one("#routines", OptionList).focus()
