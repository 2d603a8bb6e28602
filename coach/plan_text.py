"""A routine's expanded plan as plain text: ``coach show`` and the editor's preview."""

from __future__ import annotations

from coach.durations import format_clock, format_duration
from coach.timing_text import timing_lines
from coach.model import Routine, Step
from coach.timeline import Timeline, describe_step


def render_plan(routine: Routine, timeline: Timeline) -> list[str]:
    """The routine's plan as lines of plain text (not yet sanitized)."""
    lines = [f"{routine.title}  ({routine.id}, {routine.category.value})", ""]
    lines += [f"  {line}" for line in routine.summary.splitlines()]
    waits = sum(1 for p in timeline.phases if p.waits)
    total = f"Timed length: {format_duration(timeline.total)}"
    if waits:
        total += f", plus {waits} step{'s' if waits != 1 else ''} that wait{'s' if waits == 1 else ''} for you"
    lines += ["", total]
    if routine.equipment:
        lines.append("Equipment: " + ", ".join(routine.equipment))
    lines += ["", "When and how often:"] + [f"  - {line}" for line in timing_lines(routine)]
    for heading, items in (
        ("Cautions", routine.cautions),
        ("Do not use if", routine.do_not_use_if),
        ("Stop if", routine.stop_if),
    ):
        if items:
            lines += ["", f"{heading}:"] + [f"  - {item}" for item in items]
    lines += ["", "Plan:"]
    shown_rounds: tuple[tuple[int, int], ...] = ()
    last_key = None
    for phase in timeline.phases:
        if phase.rounds != shown_rounds and phase.rounds:
            depth = len(phase.rounds)
            round_number, times = phase.rounds[-1]
            repeat = _enclosing_repeat(routine, phase.step_path)
            named = f": {repeat.title}" if repeat is not None and repeat.title else ""
            lines.append(f"  {'  ' * (depth - 1)}Round {round_number} of {times}{named}")
        shown_rounds = phase.rounds
        key = (phase.step_path, phase.rounds)
        if key == last_key:
            continue
        last_key = key
        indent = "  " * (len(phase.rounds) + 1)
        group = [p for p in timeline.phases if (p.step_path, p.rounds) == key]
        seconds = sum(p.duration or 0 for p in group)
        when = format_clock(phase.start).rjust(6)
        length = format_duration(seconds) if any(p.duration is not None for p in group) else "waits for you"
        detail = describe_step(phase.step)
        number = phase.step_label if "." in phase.step_label else phase.step_label + "."
        title = f"{number} {phase.step.title}"
        lines.append(f"{when}{indent}{title}" + (f" ({detail})" if detail else "") + f"  [{length}]")
    lines += ["", f"Total: {format_duration(timeline.total)}"]
    if routine.sources:
        lines += ["", "Sources:"] + [f"  - {s}" for s in routine.sources]
    return lines


def _enclosing_repeat(routine: Routine, step_path: tuple[int, ...]) -> Step | None:
    """The innermost repeat step that holds the step at ``step_path``."""
    steps, found = routine.steps, None
    for number in step_path[:-1]:
        found = steps[number - 1]
        steps = found.steps
    return found
