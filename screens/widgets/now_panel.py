"""The flare-up "Now" panel on home, and each routine's fit as styled text.

Only presentation: every rule and phrase comes from :mod:`coach.flareup`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from textual.content import Content

from coach.flareup import Advice, Fit, Plan, headline, phase_advice, rest_note, when
from screens.text import literal

#: How each kind of fit looks: a mark that reads without colour, and a colour.
FIT_STYLE = {
    Fit.NOW: ("● ", "$text-success"),
    Fit.LATER: ("○ ", "$text-warning"),
    Fit.NO_RULES: ("◌ ", "$text-muted"),
    Fit.OVER: ("– ", "$text-muted"),
    Fit.NOT_FOR_FLARE: ("– ", "$text-muted"),
}
#: At most this many routines are named in each line of the panel; the list
#: on the left shows every routine's fit.
NAMED = 3


def fit_text(advice: Advice, short: bool = False) -> Content:
    mark, style = FIT_STYLE[advice.fit]
    return Content.styled(mark + (advice.short if short else advice.reason), style)


def _names(advice: Sequence[Advice]) -> Content:
    items = [literal(a.routine.title) for a in advice[:NAMED]]
    more = f" and {len(advice) - NAMED} more" if len(advice) > NAMED else ""
    return Content.assemble(Content(" · ").join(items), more)


def now_panel(plan: Plan, pain: int | None, tz: tzinfo | None) -> Content:
    """The panel: how long since it started, the phase's advice, what fits now and later."""
    top = headline(plan, tz) + (f" · pain {pain}/10" if pain is not None else "")
    lines = [Content.styled(top, "bold"), Content(phase_advice(plan.phase, plan.elapsed))]
    now = plan.fitting(Fit.NOW)
    if now:
        movement_first = [a for a in now if not rest_note(a)] + [a for a in now if rest_note(a)]
        lines.append(Content.assemble(Content.styled("Now: ", "bold $text-success"), _names(movement_first)))
    by_time: dict[str, list[Advice]] = {}
    for advice in plan.fitting(Fit.LATER):  # already in time order
        assert advice.at is not None
        by_time.setdefault(when(advice.at, plan.now, tz), []).append(advice)
    for at, group in list(by_time.items())[:2]:
        lines.append(Content.assemble(Content.styled(f"From {at}: ", "bold $text-warning"), _names(group)))
    return Content("\n").join(lines)
