"""Cold and heat on the skin: the caps that hold whichever routine applies them.

Cold is one thing to the skin, whether it comes from the ice pack, the ice
massage or a user's own routine; the same for heat. So the limits are per
modality, not per routine (README, "Safety"):

- one session of a routine applies at most :data:`SESSION_CAP` of each, in
  total, however the steps split it (repeats and both sides counted, and each
  step at its ``max_duration``, the most the player lets it run);
- after an application the skin rests for the routine's ``off_time`` (never
  less than :data:`MIN_OFF_TIME`), measured from its end to the next start of
  the same modality in any routine;
- at most :data:`MAX_A_DAY` applications of each modality per local day.

What counts as an application is about the skin, not about credit: any
session that really applied cold (or heat) for :data:`APPLIED_SECONDS` or more
counts, whatever its outcome (completed, partial, stopped), even though only a
completed session counts toward a routine's own daily count and gap.

Public guidance (NHS "Back pain"; the ACP 2017 guideline) and the articles
("Muscle Spasm in Back - How to Stop It": ice 20 minutes, 3-4 times a day;
"Back Spasms: 4 Natural Remedies That Work!": 20 minutes between ice
sessions) set the numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from coach.model import Modality, Routine, Sides, Step, StepKind

#: Modalities that act on the skin and are counted across routines.
SKIN_MODALITIES = (Modality.COLD, Modality.HEAT)
#: The most of one modality a single session may apply, in seconds.
SESSION_CAP = 20 * 60
#: The shortest rest for the skin between two applications of one modality.
MIN_OFF_TIME = 20 * 60
#: Applications of one modality per local day, whichever routines apply them.
MAX_A_DAY = 4

#: Cold or heat on the skin for this long or more is an application.
APPLIED_SECONDS = 60

NAMES = {Modality.COLD: "cold", Modality.HEAT: "heat"}


def step_exposure(step: Step) -> int:
    """The most skin time one pass of a therapy step can apply (seconds):
    its ``max_duration`` (what the player lets it run to), twice with
    ``sides: both``."""
    if step.kind is not StepKind.THERAPY:
        return 0
    longest = step.max_duration or step.duration or 0
    return longest * (2 if step.sides is Sides.BOTH else 1)


def exposure(steps: Iterable[Step], modality: Modality, times: int = 1) -> int:
    """The total of ``modality`` a list of steps can apply, repeats included."""
    total = 0
    for step in steps:
        if step.kind is StepKind.REPEAT:
            total += exposure(step.steps, modality, step.times)
        elif step.kind is StepKind.THERAPY and step.modality is modality:
            total += step_exposure(step)
    return total * times


def skin_modalities(routine: Routine) -> frozenset[Modality]:
    """Which of cold and heat this routine applies to the skin."""
    return frozenset(m for m in SKIN_MODALITIES if exposure(routine.steps, m) > 0)


def off_time(routine: Routine) -> int:
    """How long the skin rests after this routine before the next application."""
    asked = routine.frequency.off_time or 0
    return max(asked, MIN_OFF_TIME)


def applied(routine: Routine, outcome: str, active_seconds: int,
            seconds: Mapping[str, int] | None = None) -> frozenset[Modality]:
    """Which of cold and heat one session really put on the skin.

    ``seconds``: per modality name, the time its steps' records say was spent
    on them (a session that ended with step records, history v6). Without
    them (an older or unfinished session) the whole routine's cold and heat
    count once the session was completed or ran :data:`APPLIED_SECONDS`: the
    careful guess."""
    if seconds is not None:
        return frozenset(m for m in SKIN_MODALITIES if seconds.get(m.value, 0) >= APPLIED_SECONDS)
    if outcome == "completed" or active_seconds >= APPLIED_SECONDS:
        return skin_modalities(routine)
    return frozenset()
