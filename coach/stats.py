"""Progress figures from the history: what the progress screen and
``coach stats`` show, computed from the store's per-day aggregates.

Dates are the local dates the person lived (stored with each session and
break), so a DST change or a trip across time zones never moves a session to
another day. A session belongs to the day it started on, even when it runs
past midnight. Short ranges are shown day by day; 90 and 365 days week by week
(weeks start on Monday, clipped to the range), so a chart never needs more
bars than a terminal has columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from coach.durations import format_duration
from coach.sitting import Answer
from coach.store import DayBreaks, DaySessions, RoutineTotals, Store

#: The range switch of the progress screen, in days.
RANGES = (7, 30, 90, 365)
#: Ranges up to this many days are shown per day; longer ones per week.
DAILY_UP_TO = 31
#: The calendar heatmap covers this many weeks (as many as fit are drawn).
HEATMAP_WEEKS = 53
#: Heatmap levels: minutes of routines at or above each threshold.
HEAT_THRESHOLDS = (1, 10, 20, 30)
#: Row labels of the heatmap, Monday first (every other day named).
HEAT_ROW_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")

#: Answers that end a sitting bout (a new one starts after them).
BOUT_ENDING = (Answer.TAKEN.value, Answer.ALREADY.value, Answer.NATURAL.value)
#: Break answers in the order charts and summaries list them.
ANSWER_ORDER = tuple(answer.value for answer in Answer)
ANSWER_LABELS = {
    "taken": "taken", "already": "already moved", "natural": "natural",
    "snoozed": "snoozed", "skipped": "skipped", "missed": "missed",
    "gap": "unknown gaps",  # no Coach running for a while: not a break, not sitting
}


@dataclass(frozen=True)
class Bucket:
    """A day, or a week clipped to the range."""

    first: date
    last: date
    sessions: DaySessions = DaySessions()
    breaks: dict[str, DayBreaks] = field(default_factory=dict)

    @property
    def minutes(self) -> float:
        return self.sessions.active_seconds / 60

    @property
    def pain_before(self) -> float | None:
        s = self.sessions
        return s.pain_before_sum / s.pain_before_n if s.pain_before_n else None

    @property
    def pain_after(self) -> float | None:
        s = self.sessions
        return s.pain_after_sum / s.pain_after_n if s.pain_after_n else None

    def answers(self, answer: str) -> int:
        return self.breaks.get(answer, DayBreaks()).count

    @property
    def longest_bout(self) -> int | None:
        """Longest sitting seen at any prompt or break, in seconds."""
        return max((b.longest_bout for b in self.breaks.values()), default=None)

    @property
    def average_bout(self) -> float | None:
        """Average sitting before a break (taken, already moved, natural)."""
        ended = [self.breaks[a] for a in BOUT_ENDING if a in self.breaks]
        count = sum(b.count for b in ended)
        return sum(b.total_bout for b in ended) / count if count else None


@dataclass(frozen=True)
class FlareSpan:
    """A flare-up as the progress view shows it: local start and end, first and last pain."""

    started: datetime
    ended: datetime | None  # None: not settled yet
    first_pain: int | None = None
    last_pain: int | None = None

    def describe(self) -> str:
        """'Flare-up: Thu 19 Nov 09:00 to Sat 21 Nov 10:00 (2 days), pain 6 -> 3'."""
        start = f"{self.started:%a} {self.started.day} {self.started:%b} {self.started:%H:%M}"
        if self.ended is None:
            text = f"Flare-up: since {start}, not settled yet"
        else:
            seconds = (self.ended - self.started).total_seconds()
            length = _plural(round(seconds / 86400), "day") if seconds >= 86400 else \
                _plural(int(seconds // 3600), "hour")
            text = f"Flare-up: {start} to {self.ended:%a} {self.ended.day} {self.ended:%b} {self.ended:%H:%M} ({length})"
        if self.first_pain is not None:
            text += f", pain {self.first_pain}" + (f" -> {self.last_pain}" if self.last_pain != self.first_pain else "")
        return text


@dataclass(frozen=True)
class Report:
    """Everything the progress screen and ``coach stats`` show for one range."""

    today: date
    days: int
    per: str  # "day" or "week"
    buckets: tuple[Bucket, ...]
    total: Bucket
    routines: tuple[RoutineTotals, ...]
    streak_current: int
    streak_best: int
    heatmap: tuple[tuple[date, int], ...]  # (day, active seconds), Monday-aligned, ends today
    history: tuple[date, date] | None  # first and last dates with anything, None: no history
    flareups: tuple[FlareSpan, ...] = ()  # flare-ups that overlap the range, oldest first
    levels: tuple[tuple[str, int], ...] = ()  # (routine id, level now) for routines with levels (coach.progression)

    def bucket_of(self, day: date) -> int | None:
        """The 1-based x position of the bucket holding ``day`` (None: outside)."""
        return next((i for i, b in enumerate(self.buckets, 1) if b.first <= day <= b.last), None)

    @property
    def first(self) -> date:
        return self.today - timedelta(days=self.days - 1)

    @property
    def empty(self) -> bool:
        """Nothing recorded ever: show the welcome, not empty axes."""
        return self.history is None

    @property
    def has_sessions(self) -> bool:
        return self.total.sessions.sessions > 0

    @property
    def has_pain(self) -> bool:
        s = self.total.sessions
        return bool(s.pain_before_n or s.pain_after_n)

    @property
    def has_breaks(self) -> bool:
        return bool(self.total.breaks)


def build_report(store: Store, today: date, days: int) -> Report:
    """Read one range's figures from the store (a handful of indexed queries)."""
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    first = today - timedelta(days=days - 1)
    sessions = store.daily_sessions(first, today)
    breaks = store.daily_breaks(first, today)
    spans = _spans(first, today, weekly=days > DAILY_UP_TO)
    buckets = tuple(_bucket(a, b, sessions, breaks) for a, b in spans)
    heat_first = _monday(today) - timedelta(weeks=HEATMAP_WEEKS - 1)
    heat_sessions = sessions if heat_first >= first else store.daily_sessions(heat_first, today)
    heatmap = tuple((day, heat_sessions.get(day, DaySessions()).active_seconds)
                    for day in _dates(heat_first, today))
    current, best = store.practice_streaks(today)
    return Report(
        today=today, days=days, per="week" if days > DAILY_UP_TO else "day",
        buckets=buckets, total=_bucket(first, today, sessions, breaks),
        routines=tuple(store.routine_totals(first, today)),
        streak_current=current, streak_best=best, heatmap=heatmap,
        history=store.history_span(),
        flareups=_flare_spans(store, first, today),
        levels=tuple(sorted(store.levels().items())),
    )


def _flare_spans(store: Store, first: date, last: date) -> tuple[FlareSpan, ...]:
    spans = []
    for flare in store.flareups_between(first, last):
        pains = [pain for _, pain, _ in store.flareup_pains(flare.id)]
        # The end on the wall clock of its own moment (the start's offset may
        # differ across a clock change); the system's zone, as for everything shown.
        ended = flare.ended_utc.astimezone() if flare.ended_utc is not None else None
        spans.append(FlareSpan(flare.started_local, ended,
                               pains[0] if pains else None, pains[-1] if pains else None))
    return tuple(spans)


def empty_report(today: date, days: int) -> Report:
    """The report of a history that does not exist yet."""
    first = today - timedelta(days=days - 1)
    return Report(today=today, days=days, per="week" if days > DAILY_UP_TO else "day",
                  buckets=(), total=Bucket(first, today), routines=(), streak_current=0,
                  streak_best=0, heatmap=(), history=None)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _dates(first: date, last: date) -> Iterable[date]:
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)


def _spans(first: date, last: date, *, weekly: bool) -> list[tuple[date, date]]:
    if not weekly:
        return [(d, d) for d in _dates(first, last)]
    spans, start = [], first
    while start <= last:
        end = min(last, _monday(start) + timedelta(days=6))
        spans.append((start, end))
        start = end + timedelta(days=1)
    return spans


def _bucket(first: date, last: date, sessions: dict[date, DaySessions],
            breaks: dict[date, dict[str, DayBreaks]]) -> Bucket:
    total = DaySessions()
    merged: dict[str, DayBreaks] = {}
    for day in _dates(first, last):
        total = total + sessions.get(day, DaySessions())
        for answer, b in breaks.get(day, {}).items():
            m = merged.get(answer, DayBreaks())
            merged[answer] = DayBreaks(m.count + b.count, max(m.longest_bout, b.longest_bout),
                                       m.total_bout + b.total_bout)
    return Bucket(first, last, total, merged)


def heat_level(seconds: int) -> int:
    """0 (no routine) to 4 (30 minutes or more) for the calendar heatmap."""
    minutes = seconds / 60
    return sum(1 for threshold in HEAT_THRESHOLDS if minutes >= threshold)


@dataclass(frozen=True)
class HeatWeek:
    """One column of the calendar heatmap: up to 7 levels, Monday first, and
    the month name to print above it (or "")."""

    first: date
    levels: tuple[int, ...]
    month: str


def heatmap_weeks(heatmap: tuple[tuple[date, int], ...], most: int, cell: int = 1) -> list[HeatWeek]:
    """The last ``most`` weeks of the heatmap as columns ``cell`` characters
    wide. A month is named over the week it begins in, when its name fits
    before the next one; the first column is named unless a month begins
    within the next few columns."""
    weeks = [heatmap[i:i + 7] for i in range(0, len(heatmap), 7)][-max(1, most):]
    names: list[str] = []
    taken_until = 0  # first free character
    for col, week in enumerate(weeks):
        first = week[0][0]
        starts = first.month != (first - timedelta(days=7)).month
        soon = any(w[0][0].month != first.month for w in weeks[col + 1:col + 1 + -(-4 // cell)])
        name = first.strftime("%b")
        fits = col * cell >= taken_until and col * cell + len(name) <= len(weeks) * cell
        if fits and (starts or (col == 0 and not soon)):
            names.append(name)
            taken_until = col * cell + len(name) + 1
        else:
            names.append("")
    return [HeatWeek(w[0][0], tuple(heat_level(s) for _, s in w), n) for w, n in zip(weeks, names)]


def month_row(weeks: list[HeatWeek], cell: int = 1) -> str:
    """The month names laid over the columns."""
    row = [" "] * (len(weeks) * cell)
    for col, week in enumerate(weeks):
        for i, ch in enumerate(week.month):
            row[col * cell + i] = ch
    return "".join(row).rstrip()


def bucket_label(bucket: Bucket, per: str) -> str:
    """A short axis label: '21' for a day, '17 Nov' for a week's first day."""
    if per == "day":
        return f"{bucket.first.day}"
    return f"{bucket.first.day} {bucket.first.strftime('%b')}"


def range_label(report: Report) -> str:
    first, last = report.first, report.today
    return f"last {report.days} days ({first:%d %b %Y} - {last:%d %b %Y})"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _pain(value: float) -> str:
    return f"{value:.1f}"


def summary_lines(report: Report) -> list[str]:
    """The headline figures as plain lines, for the screen and the terminal."""
    if report.empty:
        return []
    total = report.total
    s = total.sessions
    lines = [f"Streak: {_plural(report.streak_current, 'day')} with a routine"
             f" (best {_plural(report.streak_best, 'day')})"]
    if s.sessions:
        outcomes = [f"{s.completed} completed"]
        others = s.sessions - s.completed
        if others:
            outcomes.append(f"{others} not completed")
        lines.append(f"Routines: {_plural(s.sessions, 'session')}, "
                     f"{format_duration(s.active_seconds)}"
                     f" ({', '.join(outcomes)})")
    else:
        lines.append("Routines: none in this range")
    for span in report.flareups[-3:]:
        lines.append(span.describe())
    if s.pain_before_n or s.pain_after_n:
        before = _pain(total.pain_before) if total.pain_before is not None else "-"
        after = _pain(total.pain_after) if total.pain_after is not None else "-"
        lines.append(f"Pain (0-10): {before} before, {after} after on average"
                     f" ({s.pain_before_n} before, {s.pain_after_n} after rated)")
    if total.breaks:
        counts = [f"{total.answers(a)} {ANSWER_LABELS[a]}" for a in ANSWER_ORDER if total.answers(a)]
        lines.append("Desk breaks: " + ", ".join(counts))
        parts = []
        if total.longest_bout is not None:
            parts.append(f"longest {format_duration(total.longest_bout)}")
        if total.average_bout is not None:
            parts.append(f"average {format_duration(round(total.average_bout))} before a break")
        lines.append("Sitting: " + ", ".join(parts))
    else:
        lines.append("Desk breaks: none in this range")
    return lines


def routine_rows(report: Report) -> list[tuple[str, str, str, str, str, str]]:
    """Rows of the per-routine table: title, sessions, completed, time, pain
    change, and the level now (1 is the first; '-' for a routine without levels)."""
    levels = dict(report.levels)
    rows = []
    for t in report.routines:
        change = "-"
        if t.pain_change_n:
            change = f"{t.pain_change_sum / t.pain_change_n:+.1f}"
        level = levels.get(t.routine_id)
        rows.append((t.title, str(t.sessions), str(t.completed),
                     format_duration(t.active_seconds), change, "-" if level is None else str(level + 1)))
    return rows


ROUTINE_COLUMNS = ("Routine", "Sessions", "Completed", "Time", "Pain change", "Level")

EMPTY_TEXT = (
    "Nothing recorded yet.",
    "Play a routine or answer a desk-break prompt, and your progress shows up here:"
    " minutes practised, pain before and after, breaks from sitting, streaks.",
)
