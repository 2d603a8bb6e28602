"""The player: one phase at a time, a big countdown, hands-free where it can be."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual import events
from textual.widgets import Header, Static

from coach.durations import format_clock, format_duration
from coach.engine import Player, PlayerState, Status, steps_done
from coach.figure_motion import figure_caption, step_poses
from coach.model import Routine
from coach.player_text import adjust_refused, beat_text, phase_counts, spoken
from coach.progression import at_level
from coach.recorder import SessionRecorder
from coach.step_fates import StepRecord
from coach.safety import PAIN_STOP_REASONS
from coach.store import SessionRecord
from coach.timeline import PhaseKind, TimelinePhase, build_timeline
from coach.voice import find_voice_command, speak
from screens.base import CoachScreen
from screens.widgets.sit_line import SitLine
from screens.widgets.text_line import TextLine
from screens.text import bullets, literal
from screens.widgets.countdown import Countdown
from screens.widgets.figure import FigurePanel, PlainFigurePanel
from screens.widgets.layout import PlainColumn, PlainRow, PlainScroll
from screens.widgets.progress import RoutineProgress
from screens.widgets.footer import KeysFooter

#: Below this terminal size the figure is left out and its description is
#: shown as a line of text instead (the countdown and instructions need the room).
FIGURE_MIN_WIDTH = 70
FIGURE_MIN_HEIGHT = 20
# From this size a figure lying down takes more of the width than the text
# (lower, the text it squeezes would need more rows than there are).
WIDE_FIGURE_MIN_WIDTH, WIDE_FIGURE_MIN_HEIGHT = 100, 30
#: Said when ctrl+q comes while the stop's question, or its pain advice, is open.
QUIT_AFTER_THE_REASON = "Coach quits once you say why you stopped (escape carries on instead)."
QUIT_AFTER_THIS = "Coach quits once this is closed."
#: Lines one row high across the player (coach.tcss): a new text never changes their size, so no layout pass.
ONE_LINE = frozenset({"beat", "cue", "up-next"})
#: Lines as wide as their text (coach.tcss: width auto): a text of another length needs a layout pass.
SIZED_BY_TEXT = frozenset({"routine-position"})


_TIME_KEYS = Binding.Group("Time", compact=True)


@dataclass(frozen=True)
class PlayerResult:
    """How a routine ended, for the finish screen."""

    completed: bool
    steps_done: int
    steps_total: int
    active_seconds: float
    pain_before: int | None = None
    pain_after: int | None = None
    stop_reason: str | None = None
    quit: bool = False  # stopped on the way out of the app (ctrl+q, ctrl+c): no finish screen
    outcome: str = "completed"  # completed, partial or stopped (coach.step_fates)
    done_percent: int = 100  # the share of the timed length really done
    skipped: tuple[StepRecord, ...] = ()  # the steps skipped, in order
    level: int | None = None  # the level played at (coach.progression), for a routine with ranges
    level_change: tuple[int, int, str] | None = None  # (from, to, reason) when it stepped back


class PlayerScreen(CoachScreen[PlayerResult]):
    """Plays one routine. The engine does the timing; this only shows it."""

    BLANK = True  # the screen draws no border or content of its own (see screens.widgets.layout)

    BINDINGS = [
        Binding("space", "toggle_pause", "Pause/resume", id="player.pause"),
        Binding("n", "next_step", "Next step", id="player.next"),
        Binding("b", "previous_step", "Previous step", id="player.back"),
        Binding("escape", "stop", "Stop", id="player.stop"),
        # A therapy step's time within its limits (coach.step_limits); shown only when the step has them,
        # as one short footer entry ("+- Time") after the others, so at 80 columns "esc Stop" stays in sight.
        Binding("plus,equals_sign", "adjust(1)", "Longer", id="player.longer", key_display="+", group=_TIME_KEYS),
        Binding("minus", "adjust(-1)", "Shorter", id="player.shorter", key_display="-", group=_TIME_KEYS),
        # ctrl+c is a way out too: it stops like escape (the app's ctrl+q does, then quits).
        Binding("ctrl+c", "stop", "Stop", id="player.stop_ctrl_c", show=False),
    ]

    def __init__(self, routine: Routine, pain_before: int | None = None, resume: SessionRecord | None = None,
                 resume_steps: tuple[StepRecord, ...] = (), level: int | None = None) -> None:
        super().__init__()
        self.routine = routine
        self.level = level  # played at this level (coach.progression); None: no ranges
        self.pain_before = resume.pain_before if resume is not None else pain_before
        self.resume_record = resume
        self.resume_steps = resume_steps  # the resumed session's step records so far
        self._wake: asyncio.TimerHandle | None = None  # the next refresh_state
        self._shown_index = -1
        self._shown_step: object = None  # the step whose instructions are on screen
        self._shown_reminders = 0
        self._ending = False
        self.quit_after = False  # the app asked to quit: end the app once the stop is recorded
        self._shown_text: dict[str, tuple[object, ...]] = {}
        self._lines_for: tuple[object, object] | None = None  # the phase (and the next) whose lines are shown
        self._adjustable = False  # whether the +/- keys are in the footer

    def compose(self) -> ComposeResult:
        yield Header()
        # Plain containers (no border): a screen update does not redraw their lines.
        with PlainColumn(id="player"):
            with PlainRow(id="player-top"):
                yield Static(literal(self.routine.title, "bold"), id="routine-title")
                yield TextLine(id="routine-position")
            with PlainRow(id="player-body"):
                with PlainColumn(id="player-main"):
                    yield Static(id="phase-label")
                    yield TextLine(id="phase-counts")
                    yield Countdown("0:00", id="countdown")
                    yield TextLine(id="beat")
                    with PlainScroll(id="instructions-box"):
                        yield Static(id="instructions")
                        yield Static(id="figure-text")  # the figure in words, when it is left out
                yield PlainFigurePanel(animate=self._figures_move, id="figure-panel")
            yield TextLine(id="cue")
            yield RoutineProgress(id="routine-progress")
            yield TextLine(id="up-next")
        yield SitLine()
        yield KeysFooter()

    def _figures_move(self) -> bool:
        """Figures move unless the config says still (or off) or Textual's animations are off."""
        return self.coach.services.config.config.figures == "on" and self.app.animation_level != "none"

    def _figure_room(self, width: int, height: int) -> bool:
        return (self.coach.services.config.config.figures != "off"
                and width >= FIGURE_MIN_WIDTH and height >= FIGURE_MIN_HEIGHT)

    def _fit_figure(self, width: int, height: int) -> None:
        self.set_class(not self._figure_room(width, height), "no-figure")
        self.set_class(width >= WIDE_FIGURE_MIN_WIDTH and height >= WIDE_FIGURE_MIN_HEIGHT, "roomy")

    def on_resize(self, event: events.Resize) -> None:
        self._fit_figure(event.size.width, event.size.height)

    def on_mount(self) -> None:
        services = self.coach.services
        config = services.config.config
        self._fit_figure(self.app.size.width, self.app.size.height)
        played = at_level(self.routine, self.level) if self.level is not None else self.routine
        self.timeline = build_timeline(played, first_side=config.first_side)
        self.player = Player(self.timeline, clock=services.monotonic)
        self.recorder = SessionRecorder(services.store, self.routine, self.timeline, earlier=self.resume_steps,
                                        level=self.level)
        self.voice = find_voice_command(config.voice_command) if config.voice else None
        # Looked up once: the player updates them every second.
        self._lines = {widget.id: widget for widget in self.query(Static) if widget.id}
        self._countdown = self.query_one(Countdown)
        self._figure = self.query_one(FigurePanel)
        self._progress = self.query_one(RoutineProgress)
        self._progress.total = max(1, self.timeline.total)
        resume_at = self.resume_record.phase_index if self.resume_record is not None else 0
        self.recorder.begin(self.pain_before, resume_id=self.resume_record.id if self.resume_record else None)
        self.player.start(at_phase=resume_at,
                          active_before=self.resume_record.active_seconds if self.resume_record is not None else 0.0)
        self.sub_title = self.routine.title
        self.refresh_state()

    # --- showing the state ----------------------------------------------------------

    def refresh_state(self) -> None:
        """Show the engine's state now, and schedule the next change."""
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None
        state = self.player.state()
        if state.status is Status.FINISHED:
            self.finish()
            return
        if state.index != self._shown_index:
            self._phase_changed(state)
        elif state.reminders > self._shown_reminders and state.phase and state.phase.step.remind:
            self._shown_reminders = state.reminders
            self._cue(state.phase.step.remind.text)
            self.notify(state.phase.step.remind.text, title="Reminder", markup=False, timeout=8)
        self._show(state)
        adjustable = state.phase is not None and not state.done and self.player.limits(state.phase) is not None
        if adjustable != self._adjustable:
            self._adjustable = adjustable
            self.refresh_bindings()
        self.recorder.observe(state)
        if state.status is Status.RUNNING or state.status is Status.WAITING:
            self._wake_in(self._delay_to_next_change(state))

    def _wake_in(self, delay: float) -> None:
        """Call refresh_state in ``delay`` seconds.

        Not set_timer (nor call_next): each wraps the callback in a new
        functools.partial, whose parameters Textual counts with
        inspect.signature at every call (the count is cached on a function,
        never on a partial) - a cost paid every second here. The event loop's
        own timer calls it directly, in the context it was scheduled from.
        """
        self._wake = asyncio.get_running_loop().call_later(delay, self._woken)

    def _woken(self) -> None:
        self._wake = None
        try:
            self.refresh_state()
        except Exception as error:  # noqa: BLE001 - handed on, not swallowed
            failure = error  # (Python unbinds ``error`` when the except block ends: fail() runs later)

            def fail() -> None:
                raise failure

            self.call_next(fail)  # to Textual's error handling, as a timer's callback error would go

    def _delay_to_next_change(self, state: PlayerState) -> float:
        # Wake when the shown second changes (the countdown rounds up), so the
        # display is never a tick behind and the app sleeps in between. A moving
        # figure's frame changes on the same whole seconds (coach.figure_motion):
        # one screen update a second shows the count, the figure and the rest.
        if state.status is Status.WAITING and self._figure.moving:
            # A sequence on a step to read: its frames change on whole seconds of the step's time.
            fraction = state.elapsed - math.floor(state.elapsed)
            return max(0.02, 1.0 - fraction + 0.005)
        if state.remaining is None or state.status is not Status.RUNNING:
            return 1.0
        fraction = state.remaining - math.floor(state.remaining)
        return min(1.0, max(0.02, fraction + 0.005 if fraction > 0.001 else 1.0))

    def _phase_changed(self, state: PlayerState) -> None:
        self._shown_index = state.index
        self._shown_reminders = state.reminders
        phase = state.phase
        if phase is None:
            return
        self._cue(spoken(phase))
        step = phase.step
        if step is self._shown_step:
            return  # the next rep, side or round of the same step: its words and figure are up already
        self._shown_step = step
        poses = step_poses(self.routine, step)
        self._figure.follow(poses, state)
        # Where there is no room for the figure (or no pictures), its description says it in words.
        described = figure_caption(poses)
        self._lines["figure-text"].update(literal(described))
        self._lines["figure-text"].set_class(not described, "empty")
        blocks = [literal(line) for line in step.instructions]
        if step.cautions:
            blocks.append(Content.styled("Careful:", "bold $warning"))
            blocks.append(bullets(step.cautions))
        self._lines["instructions"].update(Content("\n").join(blocks))

    def _set(self, widget_id: str, content: Content) -> None:
        """Update a Static only when its text or style changed.

        Most lines change once per phase, not once per second; re-rendering
        them every second (with a layout pass) was most of the player's CPU.
        """
        key = (content.plain, tuple(content.spans))  # cheaper than its markup, as telling
        previous = self._shown_text.get(widget_id)
        if key == previous:
            return
        self._shown_text[widget_id] = key
        widget = self._lines[widget_id]
        if widget_id in ONE_LINE:
            same_size = True
        elif previous is None or widget_id in SIZED_BY_TEXT:
            same_size = previous is not None and cell_len(previous[0]) == cell_len(key[0])
        else:  # a line across the player: the same height as long as the old and new text fit on one line
            width = widget.content_size.width
            same_size = all("\n" not in text and cell_len(text) <= width for text in (previous[0], key[0]))
        widget.update(content, layout=not same_size)

    def _show(self, state: PlayerState) -> None:
        phase = state.phase
        if phase is None:
            return
        left = format_clock(state.routine_remaining)
        self._set("routine-position", Content(f"Step {state.step_number} of {state.step_count}  -  {left} left"))
        if (phase, state.next_phase) != self._lines_for:  # these lines change with the phase only
            self._lines_for = (phase, state.next_phase)
            self._show_phase(phase, state.next_phase)
        self._countdown.update(format_clock(state.countdown) if state.countdown is not None else "--:--")
        self._countdown.set_class(state.status is Status.PAUSED, "paused")
        self._set("beat", Content(beat_text(state)))
        self._figure.update_frame(state)
        self._set("cue", literal(f"> {state.cue}") if state.cue else Content(""))
        progress = self._progress
        progress.total = max(1.0, self.player.total)  # a step made longer or shorter moves the total
        # In whole seconds, like the countdown: the bar moves on with it, in the same screen update.
        progress.set_progress(self.player.total - math.ceil(state.routine_remaining - 1e-9))

    def _show_phase(self, phase: TimelinePhase, upcoming: TimelinePhase | None) -> None:
        """The lines that follow the phase: its title, its counts and what comes next."""
        # Reps, sides and rounds go on the line below; rests and switches say what they are.
        headline = phase.step.title if phase.kind in (PhaseKind.REP, PhaseKind.HOLD, PhaseKind.WORK) else phase.label
        self._set("phase-label", literal(headline, "bold"))
        self._set("phase-counts", Content(phase_counts(phase)))
        if upcoming is None:
            nxt = Content("Next: the end of the routine")
        else:
            length = f" ({format_duration(upcoming.duration)})" if upcoming.duration else ""
            nxt = Content.assemble("Next: ", literal(upcoming.label), length)
        self._set("up-next", nxt)

    def _cue(self, text: str) -> None:
        config = self.coach.services.config.config
        if config.bell:
            self.app.bell()
        if self.voice is not None:
            speak(self.voice, text)

    # --- keys -------------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        self.player.toggle_pause()
        self.refresh_state()

    def action_next_step(self) -> None:
        self.recorder.before_command(self.player.state())  # the time up to the key was played; the jump was not
        self.player.next()
        self.refresh_state()

    def action_previous_step(self) -> None:
        self.recorder.before_command(self.player.state())
        self.player.back()
        self._shown_index = -2  # show the step again even if the index is the same
        self.refresh_state()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "adjust":
            return self._adjustable  # hidden from the footer when the step cannot be changed
        return True

    def action_adjust(self, direction: int) -> None:
        """One press of + or -: the step's time changes by its limits' press size."""
        limits = self.player.adjust_limits()
        if limits is None:
            return
        if not self.player.adjust(direction * limits.press):
            self.notify(adjust_refused(direction > 0, limits), markup=False, timeout=4)
        self.refresh_state()

    def action_stop(self) -> None:
        if not self._ending:
            self.stop_flow()

    def stop_then_quit(self) -> None:
        """ctrl+q while a routine plays: ask why, as escape does; record the
        stop; then the app ends. Carrying on cancels the quit."""
        self.quit_after = True
        if self.app.screen is self:
            self.action_stop()
        else:  # why it stopped, or what to do about pain, is on screen: quit once it is answered
            from screens.stop_reason import StopReasonScreen

            asked = isinstance(self.app.screen, StopReasonScreen)
            self.app.notify(QUIT_AFTER_THE_REASON if asked else QUIT_AFTER_THIS, title="Quit", markup=False)

    # --- endings ------------------------------------------------------------------------

    @work(exclusive=True, group="player-end")
    async def stop_flow(self) -> None:
        from screens.red_flags import StopAdviceScreen
        from screens.stop_reason import StopReasonScreen

        was_running = self.player.state().status in (Status.RUNNING, Status.WAITING)
        if was_running:
            self.player.pause()
            self.refresh_state()
        reason = await self.app.push_screen_wait(StopReasonScreen())
        if reason is None:
            self.quit_after = False
            if was_running:
                self.player.resume()
            self.refresh_state()
            return
        self._ending = True
        self.player.stop()
        if reason in PAIN_STOP_REASONS:
            await self.app.push_screen_wait(StopAdviceScreen(self.routine.stop_if))
        await self._end(self.player.state(), stop_reason=reason)

    def finish(self) -> None:
        if not self._ending:
            self._ending = True
            mostly = self.recorder.outcome_now(self.player.state()) == "completed"
            self._cue("Well done. That is the end of the routine." if mostly else "That is the end of the routine.")
            self.finish_flow()

    @work(exclusive=True, group="player-end")
    async def finish_flow(self) -> None:
        await self._end(self.player.state())

    async def _end(self, state: PlayerState, stop_reason: str | None = None) -> None:
        from screens.pain_check import PainCheckScreen

        pain_after = None
        if self.routine.pain_check.after:
            start = self.pain_before if self.pain_before is not None else self.app.flareup_pain_now()
            pain_after = await self.app.push_screen_wait(PainCheckScreen(self.routine, before=False, start=start))
        end = self.recorder.finish(state, pain_after=pain_after, stop_reason=stop_reason, pain_before=self.pain_before)
        self.dismiss(PlayerResult(
            completed=end.outcome == "completed",
            steps_done=steps_done(self.timeline, state.index),
            steps_total=self.timeline.step_count,
            active_seconds=state.active_seconds,
            pain_before=self.pain_before,
            pain_after=pain_after,
            stop_reason=stop_reason,
            quit=self.quit_after and stop_reason is not None,
            outcome=end.outcome,
            done_percent=end.done_percent,
            skipped=end.skipped,
            level=self.level,
            level_change=end.level_change,
        ))

    def on_unmount(self) -> None:
        if self._wake is not None:
            self._wake.cancel()
