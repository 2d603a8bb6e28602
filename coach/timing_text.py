"""When and how often a routine may be done, in words (no Textual).

The same rules as :mod:`coach.flareup` and :mod:`coach.skin` apply, said as
``coach show``, the editor's preview and the detail pane on home say them.
"""

from __future__ import annotations

from coach.flareup import hours_text, window
from coach.model import Routine, UseWhen
from coach.skin import MAX_A_DAY, NAMES as SKIN_NAMES, off_time, skin_modalities


def timing_lines(routine: Routine) -> tuple[str, ...]:
    """When and how often a routine may be done, as coach.flareup and coach.skin apply it
    (``coach show``, the editor's preview, the detail pane on home)."""
    lines = []
    span = window(routine)
    if routine.use_when == UseWhen():
        lines.append("In a flare-up: no rules in this routine; use your own judgement.")
    elif span is None:
        lines.append("In a flare-up: not for one (for prevention and long-term stiffness).")
    else:
        low, high = span
        if low == 0 and high is None:
            lines.append("In a flare-up: from the start, and after.")
        elif high is None:
            lines.append(f"In a flare-up: from {hours_text(low)} after it starts.")
        elif low == 0:
            lines.append(f"In a flare-up: in the first {hours_text(high)}.")
        else:
            lines.append(f"In a flare-up: from {hours_text(low)} to {hours_text(high)} after it starts.")
    frequency = routine.frequency
    if frequency.times_per_day is not None:
        lines.append(f"Up to {frequency.times_per_day.high} times a day.")
    if frequency.min_gap is not None:
        lines.append(f"At least {_span(frequency.min_gap)} from the start of one session to the next.")
    for modality in sorted(skin_modalities(routine), key=lambda m: m.value):
        name = SKIN_NAMES[modality]
        lines.append(f"After it, no {name} from any routine for {_span(off_time(routine))} from when it ends; "
                     f"at most {MAX_A_DAY} {name} sessions a day in all.")
    return tuple(lines)


def _span(seconds: int) -> str:
    """'2 hours', '1 hour', '20 minutes', '1 hour 30 minutes'."""
    hours, minutes = divmod(seconds // 60, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    parts += [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes or not hours else []
    return " ".join(parts)
