"""Where someone is in a flare-up, and which routines fit now (no Textual).

A flare-up starts when the back goes into spasm (the user says when) and lasts
until they say it has settled. The seeds are about time: cold in the first two
days, heat after, gentle movement throughout, rest positions only as short
breaks. A routine's ``use_when`` (phases, ``since_onset``) and ``frequency``
(``times_per_day``, ``min_gap``) say where in that time it fits; this module
turns them into one answer per routine, with its reason, for a given moment.
Every function takes the clock reading as a parameter.

The rules
- Phase: ``acute`` for the first 48 hours after the start, ``subacute`` after.
  ``chronic`` and ``prevention`` are not flare-up phases: a routine only for
  them is shown as not for a flare-up.
- A routine's window is the time since onset where one of its phases holds
  (all of it when it names none) and inside ``since_onset`` min/max.
- Inside the window, ``frequency`` decides: a session counts when it was
  completed or had at least a minute done (the rule that counts a routine as a
  desk break); ``times_per_day`` counts per local calendar day (a new day
  starts at midnight); ``min_gap`` is from the start of the last counted
  session to the start of the next (README, "Writing routines").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import Enum

from coach.model import Category, Phase, Routine
from coach.sitting import SitSettings

#: The acute phase: the first two days (seeds 000 and 003: ice for 48-72 h).
ACUTE_SECONDS = 48 * 3600
#: A session counts for frequency when completed or at least this long.
COUNTS_SECONDS = SitSettings.min_routine_break
#: How far back sessions matter (the longest min_gap the format allows is 7 days).
LOOKBACK = timedelta(days=8)
#: How far back a flare-up's start may be put when recording it.
MAX_DAYS_BACK = 6

FLARE_PHASES = (Phase.ACUTE, Phase.SUBACUTE)


class Fit(str, Enum):
    """How a routine stands at a moment in a flare-up."""

    NOW = "now"  # fits, and its frequency allows it now
    LATER = "later"  # fits later: its phase, since_onset, gap or daily limit
    OVER = "over"  # its time in this flare-up has passed
    NOT_FOR_FLARE = "not-for-flare"  # only for prevention or long-term stiffness


@dataclass(frozen=True)
class Done:
    """A session of a routine, as the frequency rules see it."""

    routine_id: str
    started: datetime  # aware
    counts: bool  # completed, or at least COUNTS_SECONDS done

    @classmethod
    def of(cls, routine_id: str, started: datetime, outcome: str, active_seconds: int) -> Done:
        return cls(routine_id, started, outcome == "completed" or active_seconds >= COUNTS_SECONDS)


@dataclass(frozen=True)
class Advice:
    """One routine at one moment: whether it fits, and why, in a short phrase."""

    routine: Routine
    fit: Fit
    reason: str  # "available now (2 of 3-4 today)", "next at 14:30", "from tomorrow 09:10"
    at: datetime | None = None  # when it becomes available (LATER)
    done_today: int = 0

    @property
    def short(self) -> str:
        """The reason in a few words, for a list line."""
        if self.fit is Fit.OVER:
            return "not any more in this flare-up"
        if self.fit is Fit.NOT_FOR_FLARE:
            return "not for a flare-up"
        return self.reason.replace("available now", "now", 1)


# --- phases and windows ---------------------------------------------------------


def phase_at(elapsed: timedelta) -> Phase:
    """The flare-up phase this long after it started."""
    return Phase.ACUTE if elapsed.total_seconds() < ACUTE_SECONDS else Phase.SUBACUTE


def window(routine: Routine) -> tuple[int, int | None] | None:
    """Seconds since onset [start, end) in which the routine fits (end None:
    no end), or None when it is not for a flare-up at all."""
    use = routine.use_when
    low, high = 0, None
    if use.phases:
        has_acute, has_subacute = Phase.ACUTE in use.phases, Phase.SUBACUTE in use.phases
        if not (has_acute or has_subacute):
            return None
        if not has_acute:
            low = ACUTE_SECONDS
        if not has_subacute:
            high = ACUTE_SECONDS
    if use.since_onset_min is not None:
        low = max(low, use.since_onset_min)
    if use.since_onset_max is not None:
        high = use.since_onset_max if high is None else min(high, use.since_onset_max)
    if high is not None and low >= high:
        return None
    return low, high


# --- local time ---------------------------------------------------------------------


def local(moment: datetime, tz: tzinfo | None) -> datetime:
    """``moment`` on the user's wall clock (``tz`` None: the system's zone)."""
    return moment.astimezone(tz)


def start_of_day(day: date, tz: tzinfo | None) -> datetime:
    """Local midnight at the start of ``day``, as an aware datetime."""
    naive = datetime.combine(day, time(0))
    return naive.astimezone() if tz is None else naive.replace(tzinfo=tz)


def when(at: datetime, now: datetime, tz: tzinfo | None) -> str:
    """'14:30' today, 'tomorrow 09:10', else 'Mon 23 Nov 09:10'."""
    at_local, today = local(at, tz), local(now, tz).date()
    clock = at_local.strftime("%H:%M")
    if at_local.date() == today:
        return clock
    if at_local.date() == today + timedelta(days=1):
        return f"tomorrow {clock}"
    return f"{at_local:%a} {at_local.day} {at_local:%b} {clock}"


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    if hours >= 72 and seconds % 86400 == 0:
        return f"{seconds // 86400} days"
    return f"{hours:g} hours" if hours != 1 else "hour"


# --- one routine, one moment ------------------------------------------------------


def advise(routine: Routine, onset: datetime, done: Iterable[Done], now: datetime,
           tz: tzinfo | None = None) -> Advice:
    """Whether ``routine`` fits ``now`` in a flare-up that started at ``onset``.

    ``done`` is the history of sessions (any routine; only this routine's are
    used); ``tz`` is the user's time zone for days and clock times (None: the
    system's).
    """
    # Arithmetic in UTC: Python adds and subtracts aware datetimes that share a
    # zone on the wall clock, so 48 hours across a clock change would be 47 or 49.
    onset, now = onset.astimezone(timezone.utc), now.astimezone(timezone.utc)
    span = window(routine)
    if span is None:
        return Advice(routine, Fit.NOT_FOR_FLARE, "for prevention and long-term stiffness, not for a flare-up")
    low, high = span
    elapsed = (now - onset).total_seconds()
    opens, closes = onset + timedelta(seconds=low), None if high is None else onset + timedelta(seconds=high)
    over = f"only in the first {_hours(high)}" if high is not None and low == 0 else (
        f"only from {_hours(low)} to {_hours(high)} after the start" if high is not None else "")
    if closes is not None and now >= closes:
        return Advice(routine, Fit.OVER, over)

    today = local(now, tz).date()
    mine = sorted((d.started.astimezone(timezone.utc) for d in done
                   if d.routine_id == routine.id and d.counts and d.started <= now))
    done_today = sum(1 for started in mine if local(started, tz).date() == today)
    frequency = routine.frequency
    per_day = frequency.times_per_day

    if elapsed < low:
        return Advice(routine, Fit.LATER, f"from {when(opens, now, tz)}", opens, done_today)

    next_at: datetime | None = None
    limit_reached = per_day is not None and done_today >= per_day.high
    if limit_reached:
        next_at = start_of_day(today + timedelta(days=1), tz)
    if frequency.min_gap is not None and mine:
        gap_ends = mine[-1] + timedelta(seconds=frequency.min_gap)
        if gap_ends > now:
            next_at = gap_ends if next_at is None else max(next_at, gap_ends)
    count = f"{done_today} of {per_day} today" if per_day is not None else (
        f"{done_today} today" if done_today else "")
    if next_at is None:
        return Advice(routine, Fit.NOW, "available now" + (f" ({count})" if count else ""), None, done_today)
    if closes is not None and next_at >= closes:
        return Advice(routine, Fit.OVER, f"{count}; {over}" if count else over, None, done_today)
    if limit_reached:
        midnight = start_of_day(today + timedelta(days=1), tz)
        again = "again tomorrow" if next_at == midnight else f"next {when(next_at, now, tz)}"
        return Advice(routine, Fit.LATER, f"{count}; {again}", next_at, done_today)
    same_day = local(next_at, tz).date() == today
    at = f"next at {when(next_at, now, tz)}" if same_day else f"next {when(next_at, now, tz)}"
    return Advice(routine, Fit.LATER, at + (f" ({count})" if count else ""), next_at, done_today)


# --- the whole plan -----------------------------------------------------------------

_ORDER = {Fit.NOW: 0, Fit.LATER: 1, Fit.OVER: 2, Fit.NOT_FOR_FLARE: 3}


@dataclass(frozen=True)
class Plan:
    """What to do now in a flare-up: its phase, advice, and every routine's fit."""

    onset: datetime
    now: datetime
    phase: Phase
    advice: tuple[Advice, ...]  # NOW first, then LATER by time, then the rest

    @property
    def elapsed(self) -> timedelta:
        return self.now - self.onset

    def of(self, routine_id: str) -> Advice | None:
        return next((a for a in self.advice if a.routine.id == routine_id), None)

    def fitting(self, fit: Fit) -> tuple[Advice, ...]:
        return tuple(a for a in self.advice if a.fit is fit)


def make_plan(routines: Iterable[Routine], onset: datetime, done: Sequence[Done], now: datetime,
              tz: tzinfo | None = None) -> Plan:
    """Every routine's fit at ``now`` in a flare-up that started at ``onset``."""
    onset, now = onset.astimezone(timezone.utc), now.astimezone(timezone.utc)
    advice = [advise(r, onset, done, now, tz) for r in routines]
    far = now + timedelta(days=3650)
    advice.sort(key=lambda a: (_ORDER[a.fit], a.at or far, a.routine.title.lower()))
    return Plan(onset, now, phase_at(now - onset), tuple(advice))


def headline(plan: Plan, tz: tzinfo | None = None) -> str:
    """'Back spasm since Thu 19 Nov 09:00, 30 hours ago: first two days.'"""
    start = local(plan.onset, tz)
    hours = int(plan.elapsed.total_seconds() // 3600)
    ago = f"{hours} hour{'s' if hours != 1 else ''} ago" if hours < 72 else f"{hours // 24} days ago"
    if plan.elapsed.total_seconds() < 3600:
        ago = f"{int(plan.elapsed.total_seconds() // 60)} min ago"
    return f"Back spasm since {start:%a} {start.day} {start:%b} {start:%H:%M}, {ago}"


def phase_advice(phase: Phase) -> str:
    """What the seeds and public guidance say for this phase (our own text)."""
    if phase is Phase.ACUTE:
        return ("First two days: cold (wrapped, 20 minutes), gentle movement, short walks; "
                "rest positions only as short breaks.")
    return ("After two days: heat (wrapped, 20 minutes, never sleep on it), keep moving, "
            "build up stretches and strength gently; no long rest.")


def rest_note(advice: Advice) -> str:
    """A rest position is a short break, never bed rest (NICE NG59)."""
    return "a short break only, then get up and move" if advice.routine.category is Category.REST else ""


# --- reminders for timed therapy --------------------------------------------------

#: "Later" on a reminder prompt asks again after this long.
REMINDER_SNOOZE = timedelta(minutes=15)


def reminder_time(advice: Advice | None) -> datetime | None:
    """When to offer to remind: the next allowed time of a therapy routine held
    back by its gap. Not when the daily limit holds it (that would ring at
    midnight), nor for anything that is not timed therapy."""
    if advice is None or advice.fit is not Fit.LATER or advice.at is None:
        return None
    if advice.routine.category is not Category.THERAPY:
        return None
    per_day = advice.routine.frequency.times_per_day
    if per_day is not None and advice.done_today >= per_day.high:
        return None
    return advice.at


def reminder_due(advice: Advice | None) -> tuple[str, datetime | None]:
    """A reminder has come due; the rules are asked again, since the user may
    have done the routine meanwhile: ("prompt", None) when it fits now,
    ("move", at) while a gap still runs, ("drop", None) otherwise."""
    if advice is not None and advice.fit is Fit.NOW:
        return "prompt", None
    at = reminder_time(advice)
    return ("move", at) if at is not None else ("drop", None)


# --- pain across a flare-up -----------------------------------------------------------


def pain_rising(scores: Sequence[int]) -> bool:
    """Whether the latest score is higher than every earlier one in the flare-up."""
    return len(scores) >= 2 and scores[-1] > max(scores[:-1])


# --- recording when it started -------------------------------------------------------

_CLOCK = re.compile(r"^\s*(\d{1,2})[:.h]?(\d{2})\s*$")


def parse_start(days_ago: int, clock: str, now: datetime, tz: tzinfo | None = None) -> datetime:
    """The start of a flare-up from a day (0 today .. MAX_DAYS_BACK) and 'HH:MM'.

    An empty clock on day 0 means now. Raises ValueError with a one-line reason.
    """
    if not 0 <= days_ago <= MAX_DAYS_BACK:
        raise ValueError(f"a flare-up can be recorded up to {MAX_DAYS_BACK} days back")
    if not clock.strip():
        if days_ago == 0:
            return now
        raise ValueError("give the time it started, like 14:30")
    match = _CLOCK.match(clock)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"'{clock.strip()}' is not a time of day; write it like 14:30")
    day = local(now, tz).date() - timedelta(days=days_ago)
    naive = datetime.combine(day, time(int(match[1]), int(match[2])))
    start = naive.astimezone() if tz is None else naive.replace(tzinfo=tz)
    if start > now:
        raise ValueError(f"{start:%H:%M} today is still to come; pick an earlier time or day")
    return start
