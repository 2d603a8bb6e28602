"""The routine format, version 1, as frozen dataclasses.

A :class:`Routine` is what a validated routine file becomes; nothing here
parses or checks. See ``coach.routines`` for that and README "Writing
routines" for the user's view of every field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.poses import Pose

FORMAT_VERSION = 1


class Category(str, Enum):
    """What kind of routine this is; the home screen groups by it."""

    REST = "rest"
    STRETCH = "stretch"
    STRENGTH = "strength"
    POSTURE = "posture"
    TECHNIQUE = "technique"
    THERAPY = "therapy"
    DESK_BREAK = "desk-break"
    MOVEMENT = "movement"  # walking and gentle moving: the main thing in a flare-up (NICE NG59)


class StepKind(str, Enum):
    """How a step is played."""

    INFO = "info"  # read, then press next
    POSITION = "position"  # get into a position and stay for `duration`
    TIMER = "timer"  # a plain timed activity (walk, breathe)
    REST = "rest"  # a pause between steps
    HOLD = "hold"  # hold a stretch for `hold`, `reps` times
    EXERCISE = "exercise"  # counted repetitions, optional sets and hold
    THERAPY = "therapy"  # a capped timer for cold, heat, water or pressure
    REPEAT = "repeat"  # nested steps played `times` times


class Sides(str, Enum):
    """Which side(s) of the body a step is done on."""

    NONE = "none"
    BOTH = "both"  # whole step on the first side, a switch, then the other
    ALTERNATE = "alternate"  # switch every rep; reps count per side
    LEFT = "left"
    RIGHT = "right"


class Advance(str, Enum):
    """Whether a step moves on by itself when its time is up."""

    AUTO = "auto"
    MANUAL = "manual"


class Modality(str, Enum):
    """What a therapy step applies."""

    COLD = "cold"
    HEAT = "heat"
    WARM_WATER = "warm-water"
    COOL_WATER = "cool-water"
    PRESSURE = "pressure"


class Phase(str, Enum):
    """Where in a flare-up (or outside one) a routine fits."""

    ACUTE = "acute"
    SUBACUTE = "subacute"
    CHRONIC = "chronic"
    PREVENTION = "prevention"


@dataclass(frozen=True)
class Range:
    """An inclusive whole-number range: start at ``low``, work up to ``high``."""

    low: int
    high: int

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Reminder:
    """A nudge repeated during a long step (check the skin, breathe)."""

    every: int  # seconds
    text: str


@dataclass(frozen=True)
class Step:
    """One step of a routine. Which fields matter depends on ``kind``."""

    kind: StepKind
    title: str
    instructions: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    sides: Sides = Sides.NONE
    switch_time: int = 5
    advance: Advance = Advance.AUTO
    remind: Reminder | None = None
    duration: int | None = None  # position, timer, rest, therapy
    hold: int | None = None  # hold (required), exercise (per rep); the low end of a hold range
    hold_max: int | None = None  # the top of a hold range ({min, max}); None: a fixed hold
    reps: Range = Range(1, 1)  # hold, exercise
    sets: int = 1  # exercise
    pace: int = 3  # exercise: seconds to do one rep, besides any hold
    rest_between_reps: int = 0  # hold, exercise
    rest_between_sets: int = 0  # exercise
    modality: Modality | None = None  # therapy
    max_duration: int | None = None  # therapy: the cap if the user extends
    times: int = 1  # repeat
    steps: tuple[Step, ...] = ()  # repeat
    line: int = 0  # where the step starts in its file (1-based)
    figure: tuple[str, ...] = ()  # pose names: one, two for a movement, up to four for a sequence (info)


@dataclass(frozen=True)
class UseWhen:
    """When a routine fits: flare-up phases and time since onset (seconds)."""

    phases: tuple[Phase, ...] = ()
    since_onset_min: int | None = None
    since_onset_max: int | None = None


@dataclass(frozen=True)
class Frequency:
    """How often a routine may be done: times per day and the gap between."""

    times_per_day: Range | None = None
    min_gap: int | None = None  # seconds, from the start of one session to the next
    off_time: int | None = None  # seconds the skin rests after cold or heat, end to next start


@dataclass(frozen=True)
class PainCheck:
    """Whether to ask for a 0-10 pain score before and after."""

    before: bool = False
    after: bool = False


@dataclass(frozen=True)
class Routine:
    """A validated routine."""

    id: str
    title: str
    summary: str
    category: Category
    steps: tuple[Step, ...]
    tags: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    use_when: UseWhen = field(default_factory=UseWhen)
    frequency: Frequency = field(default_factory=Frequency)
    cautions: tuple[str, ...] = ()
    do_not_use_if: tuple[str, ...] = ()
    stop_if: tuple[str, ...] = ()
    pain_check: PainCheck = field(default_factory=PainCheck)
    sources: tuple[str, ...] = ()
    length: int | None = None  # the stated length, checked against the timeline
    poses: tuple[Pose, ...] = ()  # the routine's own poses (coach.poses)
