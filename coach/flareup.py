"""Where someone is in a flare-up, and which routines fit now (no Textual).

A flare-up starts when the back goes into spasm (the user says when) and lasts
until they say it has settled. The articles are about time: cold in the first two
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
- Inside the window, ``frequency`` decides: a session counts only when it was
  completed (at least 80 % of its timed length really done,
  :mod:`coach.step_fates`; the rule that counts a routine as a desk break): a
  partial, skipped-through or stopped one does not; ``times_per_day`` counts
  per local calendar day (a new day starts at midnight); ``min_gap`` is from
  the start of the last counted session to the start of the next (README,
  "Writing routines").
- Cold and heat are counted per modality, whichever routine applied them
  (:mod:`coach.skin`): after any cold, no cold routine until the off-time the
  last one asked for has passed since it *ended*; at most four a day in all.
  The same for heat. Here any session that really applied cold or heat for a
  minute or more counts, whatever its outcome: that is about the skin, not
  about credit.
- A routine with no ``use_when`` at all has no flare-up rules: it is shown
  with its own mark, never as if it fitted now.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import Enum

from coach.model import Category, Modality, Phase, Routine, UseWhen
from coach.skin import MAX_A_DAY, MIN_OFF_TIME, NAMES as SKIN_NAMES, applied, off_time, skin_modalities

#: The acute phase: the first two days ("Muscle Spasm in Back - How to Stop It": ice for the
#: first two days, then heat).
ACUTE_SECONDS = 48 * 3600
#: How far back sessions matter (the longest min_gap the format allows is 7 days).
LOOKBACK = timedelta(days=8)
#: How far back a flare-up's start may be put when recording it.
MAX_DAYS_BACK = 6

FLARE_PHASES = (Phase.ACUTE, Phase.SUBACUTE)


class Fit(str, Enum):
    """How a routine stands at a moment in a flare-up."""

    NOW = "now"  # fits, and its frequency allows it now
    LATER = "later"  # fits later: its phase, since_onset, gap or daily limit
    NO_RULES = "no-rules"  # a routine that says nothing about flare-ups (no use_when)
    OVER = "over"  # its time in this flare-up has passed
    NOT_FOR_FLARE = "not-for-flare"  # only for prevention or long-term stiffness


@dataclass(frozen=True)
class Done:
    """A session of a routine, as the frequency and skin rules see it."""

    routine_id: str
    started: datetime  # aware
    counts: bool  # completed: counts toward its routine's daily count and gap
    ended: datetime | None = None  # aware; None: not known (then the start is used)
    skin: frozenset[Modality] = frozenset()  # cold and/or heat it really applied (coach.skin.applied)
    off_time: int = MIN_OFF_TIME  # the skin's rest it asked for after it
    title: str = ""

    @classmethod
    def of(cls, routine_id: str, started: datetime, outcome: str, active_seconds: int,
           ended: datetime | None = None, routine: Routine | None = None,
           skin_seconds: Mapping[str, int] | None = None) -> Done:
        """A stored session; ``routine`` (when still in the library) says what it
        can apply to the skin and how long the skin must rest after it;
        ``skin_seconds`` (from its step records) what it really applied."""
        counts = outcome == "completed"
        if routine is None:
            return cls(routine_id, started, counts, ended)
        return cls(routine_id, started, counts, ended, applied(routine, outcome, active_seconds, skin_seconds),
                   off_time(routine), routine.title)

    @property
    def finished(self) -> datetime:
        """When it ended, as best known (the start when the end is not)."""
        return self.ended if self.ended is not None else self.started


@dataclass(frozen=True)
class Advice:
    """One routine at one moment: whether it fits, and why, in a short phrase."""

    routine: Routine
    fit: Fit
    reason: str  # "available now (2 of 3-4 today)", "next at 14:30", "from tomorrow 09:10"
    at: datetime | None = None  # when it becomes available (LATER)
    done_today: int = 0
    daily_limit: bool = False  # held back by a daily limit (its own, or cold's or heat's)

    @property
    def short(self) -> str:
        """The reason in a few words, for a list line."""
        if self.fit is Fit.OVER:
            return "not any more in this flare-up"
        if self.fit is Fit.NOT_FOR_FLARE:
            return "not for a flare-up"
        if self.fit is Fit.NO_RULES:
            return "no flare-up rules"
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


def hours_text(seconds: int) -> str:
    """'48 hours', '3 days', 'hour': a window's edge in words."""
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
    over = f"only in the first {hours_text(high)}" if high is not None and low == 0 else (
        f"only from {hours_text(low)} to {hours_text(high)} after the start" if high is not None else "")
    if closes is not None and now >= closes:
        return Advice(routine, Fit.OVER, over)

    today = local(now, tz).date()
    tomorrow = start_of_day(today + timedelta(days=1), tz)
    counted = sorted((d for d in done if d.counts and d.started <= now),
                     key=lambda d: d.started.astimezone(timezone.utc))
    mine = [d.started.astimezone(timezone.utc) for d in counted if d.routine_id == routine.id]
    done_today = sum(1 for started in mine if local(started, tz).date() == today)
    frequency = routine.frequency
    per_day = frequency.times_per_day

    if elapsed < low:
        return Advice(routine, Fit.LATER, f"from {when(opens, now, tz)}", opens, done_today)

    count = _count(done_today, per_day.high if per_day is not None else None)
    # Everything that holds the routine back, as (until, why, a daily limit);
    # the latest wins.
    holds: list[tuple[datetime, str, bool]] = []
    if per_day is not None and done_today >= per_day.high:
        holds.append((tomorrow, f"{count}; again tomorrow", True))
    if frequency.min_gap is not None and mine:
        gap_ends = mine[-1] + timedelta(seconds=frequency.min_gap)
        if gap_ends > now:
            holds.append((gap_ends, f"{_next(gap_ends, now, tz)} ({count})" if count else _next(gap_ends, now, tz),
                          False))
    # The skin counts every session that really applied cold or heat, counted or not.
    on_skin = sorted((d for d in done if d.skin and d.started <= now), key=lambda d: d.started.astimezone(timezone.utc))
    holds.extend(_skin_holds(routine, on_skin, now, today, tomorrow, tz))

    if not holds:
        if routine.use_when == UseWhen():
            return Advice(routine, Fit.NO_RULES, "no flare-up rules in this routine; use your own judgement"
                          + (f" ({count})" if count else ""), None, done_today)
        return Advice(routine, Fit.NOW, "available now" + (f" ({count})" if count else ""), None, done_today)
    next_at, why, daily = max(holds, key=lambda hold: hold[0])  # the first of equals: own limits before skin
    if closes is not None and next_at >= closes:
        return Advice(routine, Fit.OVER, f"{count}; {over}" if done_today else over, None, done_today)
    return Advice(routine, Fit.LATER, why, next_at, done_today, daily)


def _count(done_today: int, most: int | None) -> str:
    """'up to 4 today', '2 done, up to 4 today', '1 done today', or ''."""
    if most is None:
        return f"{done_today} done today" if done_today else ""
    return f"{done_today} done, up to {most} today" if done_today else f"up to {most} today"


def _next(at: datetime, now: datetime, tz: tzinfo | None) -> str:
    same_day = local(at, tz).date() == local(now, tz).date()
    return f"next at {when(at, now, tz)}" if same_day else f"next {when(at, now, tz)}"


def _your(title: str) -> str:
    """'your ice pack for a new spasm' from 'Ice pack for a new spasm' (an
    all-capitals first word, like 'TENS', keeps its case)."""
    first = title.split(" ", 1)[0]
    return "your " + (title if first.isupper() and len(first) > 1 else title[:1].lower() + title[1:])


def _skin_holds(routine: Routine, on_skin: Sequence[Done], now: datetime, today: date,
                tomorrow: datetime, tz: tzinfo | None) -> list[tuple[datetime, str, bool]]:
    """What cold or heat from any routine holds this one back (coach.skin)."""
    holds = []
    for modality in sorted(skin_modalities(routine), key=lambda m: m.value):
        applied = [d for d in on_skin if modality in d.skin]
        name = SKIN_NAMES[modality]
        today_count = sum(1 for d in applied if local(d.started, tz).date() == today)
        if today_count >= MAX_A_DAY:
            holds.append((tomorrow, f"{today_count} {name} sessions today, up to {MAX_A_DAY} in all; again tomorrow",
                          True))
        if applied:
            last = max(applied, key=lambda d: d.finished.astimezone(timezone.utc))
            rest_ends = last.finished.astimezone(timezone.utc) + timedelta(seconds=last.off_time)
            if rest_ends > now:
                after = _your(last.title) if last.title else f"the last {name}"
                holds.append((rest_ends, f"after {after}: from {when(rest_ends, now, tz)}", False))
    return holds


# --- the whole plan -----------------------------------------------------------------

_ORDER = {Fit.NOW: 0, Fit.LATER: 1, Fit.NO_RULES: 2, Fit.OVER: 3, Fit.NOT_FOR_FLARE: 4}


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


def done_from(sessions: Iterable, routines: Iterable[Routine],
              skin_seconds: Mapping[int, Mapping[str, int]] | None = None) -> list[Done]:
    """Stored sessions (``coach.store.SessionRecord``) as the rules see them. A
    session that never ended (stopped by a crash, still running) is taken to
    end at its last update. ``skin_seconds``: per session id, the cold and
    heat its step records say it applied; they decide for a session that
    ended with its share measured (history v6), the careful guess of
    :func:`coach.skin.applied` for the others."""
    by_id = {r.id: r for r in routines}
    skin_seconds = skin_seconds or {}
    return [Done.of(s.routine_id, s.started_utc, s.outcome, s.active_seconds, s.ended_utc or s.updated_utc,
                    by_id.get(s.routine_id),
                    skin_seconds.get(s.id, {}) if getattr(s, "done_percent", None) is not None else None)
            for s in sessions]


def make_plan(routines: Iterable[Routine], onset: datetime, done: Sequence[Done], now: datetime,
              tz: tzinfo | None = None) -> Plan:
    """Every routine's fit at ``now`` in a flare-up that started at ``onset``."""
    onset, now = onset.astimezone(timezone.utc), now.astimezone(timezone.utc)
    advice = [advise(r, onset, done, now, tz) for r in routines]
    far = now + timedelta(days=3650)
    phase = phase_at(now - onset)
    advice.sort(key=lambda a: (_ORDER[a.fit], a.at or far, _priority(a.routine, phase), a.routine.title.lower()))
    return Plan(onset, now, phase, tuple(advice))


def _priority(routine: Routine, phase: Phase) -> int:
    """Among routines that fit alike: moving first (NICE NG59, NHS), and in the
    first two days cold before heat (the articles: ice first, heat after)."""
    if routine.category in (Category.MOVEMENT, Category.DESK_BREAK):
        return 0
    modalities = skin_modalities(routine)
    if phase is Phase.ACUTE and Modality.COLD in modalities:
        return 1
    if phase is Phase.ACUTE and Modality.HEAT in modalities:
        return 3
    return 2


def headline(plan: Plan, tz: tzinfo | None = None) -> str:
    """'Back spasm since Thu 19 Nov 09:00, 30 hours ago: first two days.'"""
    start = local(plan.onset, tz)
    hours = int(plan.elapsed.total_seconds() // 3600)
    ago = f"{hours} hour{'s' if hours != 1 else ''} ago" if hours < 72 else f"{hours // 24} days ago"
    if plan.elapsed.total_seconds() < 3600:
        ago = f"{int(plan.elapsed.total_seconds() // 60)} min ago"
    return f"Back spasm since {start:%a} {start.day} {start:%b} {start:%H:%M}, {ago}"


#: After this long, a flare-up that has not settled is worth a GP's or a
#: physiotherapist's look (NHS inform: if symptoms don't improve after 2 weeks).
SEE_SOMEONE_AFTER = timedelta(days=14)


def phase_advice(phase: Phase, elapsed: timedelta | None = None) -> str:
    """What the articles and public guidance say for this phase (our own text).

    Ice comes first in the first days because the articles say so; heat has
    the better evidence (ACP 2017), so the words offer both and let the person
    choose what eases it more."""
    if phase is Phase.ACUTE:
        return ("First two days: moving gently is the main thing (short walks, your normal day as far as "
                "you can). Ice or heat, wrapped, up to 20 minutes: the articles start with ice, heat has "
                "the better evidence; use what eases it more, and never fall asleep with either on. "
                "Rest positions only as short breaks.")
    advice = ("After two days: keep moving. Heat (wrapped, up to 20 minutes, never sleep on it); ice is "
              "still an option up to 3 days (72 hours) after it started. Build up stretches gently; "
              "strength work once the flare-up has settled. No long rest.")
    if elapsed is not None and elapsed >= SEE_SOMEONE_AFTER:
        advice += " Two weeks in and not settling: see your GP or a physiotherapist."
    return advice


def rest_note(advice: Advice) -> str:
    """A rest position is a short break, never bed rest (NICE NG59)."""
    return "a short break only, then get up and move" if advice.routine.category is Category.REST else ""


# --- pain across a flare-up -----------------------------------------------------------


def pain_rising(scores: Sequence[int]) -> bool:
    """Whether the latest score is higher than every earlier one in the flare-up."""
    return len(scores) >= 2 and scores[-1] > max(scores[:-1])


def pain_rising_title(scores: Sequence[int]) -> str | None:
    """The heading over the red flags when pain rises (None when it does not)."""
    if not pain_rising(scores):
        return None
    return f"Your pain is {scores[-1]}/10, higher than before in this flare-up (it started at {scores[0]})"


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


# --- what the plan needs from the history, read in one go -----------------------------


@dataclass(frozen=True)
class FlareState:
    """The flare-up being lived through, as last read from the history: the
    app reads it off the screen's thread and works the plan out from it."""

    flare: object | None  # coach.store.FlareUpRecord, None: no flare-up
    sessions: tuple = ()  # coach.store.SessionRecord since LOOKBACK before the read
    pains: tuple[tuple[datetime, int, str], ...] = ()
    skin_seconds: tuple[tuple[int, tuple[tuple[str, int], ...]], ...] = ()  # per session: cold/heat seconds

    def plan(self, routines: Sequence[Routine], now: datetime, tz: tzinfo | None = None) -> Plan | None:
        """What fits at ``now`` (no reading: the plan is pure), or None outside a flare-up."""
        if self.flare is None:
            return None
        skin = {session: dict(seconds) for session, seconds in self.skin_seconds}
        return make_plan(routines, self.flare.started_utc, done_from(self.sessions, routines, skin), now, tz)  # type: ignore[attr-defined]

    @property
    def pain_now(self) -> int | None:
        """The latest pain score given in the flare-up, if any."""
        return self.pains[-1][1] if self.pains else None


NO_FLARE = FlareState(None)


def read_flare(store, now: datetime) -> FlareState:  # type: ignore[no-untyped-def]
    """Read what the plan needs (a few indexed queries on ``store``)."""
    flare = store.active_flareup()
    if flare is None:
        return NO_FLARE
    skin = store.skin_seconds_since(now - LOOKBACK)
    return FlareState(flare, tuple(store.sessions_since(now - LOOKBACK)), tuple(store.flareup_pains(flare.id)),
                      tuple((session, tuple(sorted(seconds.items()))) for session, seconds in sorted(skin.items())))
