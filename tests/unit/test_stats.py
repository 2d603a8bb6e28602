"""Every progress figure, on the hand-checked fixture history (see
tests/history_fixture.py for what it holds and why)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import history_fixture as fx
import pytest

from coach.stats import build_report, empty_report, heat_level, routine_rows, summary_lines
from coach.stats_text import heatmap_lines, render_stats
from coach.store import DayBreaks, DaySessions, open_store


@pytest.fixture
def store(tmp_path: Path):
    path = tmp_path / "history.sqlite3"
    fx.fill(path)
    with open_store(path, clock=lambda: fx.NOW) as s:
        yield s


def day(report, d: date):
    (bucket,) = [b for b in report.buckets if b.first == d]
    return bucket


def test_thirty_days_totals(store) -> None:
    r = build_report(store, fx.TODAY, 30)
    assert (r.first, r.per, len(r.buckets)) == (date(2026, 10, 22), "day", 30)
    s = r.total.sessions
    assert (s.sessions, s.completed, s.active_seconds) == (12, 9, 3390)
    # pain before 6, 5, 3, 7, 4, 4, 4, 4; after 4, 5, 3, 3, 3, 3 (missing ones left out)
    assert (s.pain_before_sum, s.pain_before_n, s.pain_after_sum, s.pain_after_n) == (37, 8, 21, 6)
    assert r.total.pain_before == pytest.approx(4.625)
    assert r.total.pain_after == pytest.approx(3.5)


def test_the_day_the_clocks_go_back_holds_both_sessions_and_both_breaks(store) -> None:
    r = build_report(store, fx.TODAY, 30)
    b = day(r, date(2026, 10, 25))
    assert b.sessions == DaySessions(2, 1, 720, 11, 2, 4, 1)
    assert (b.pain_before, b.pain_after) == (5.5, 4.0)
    assert b.breaks == {"taken": DayBreaks(1, 1500, 1500), "snoozed": DayBreaks(1, 900, 900)}
    assert day(r, date(2026, 10, 24)).sessions == DaySessions()
    assert day(r, date(2026, 10, 26)).sessions == DaySessions()


def test_a_session_across_midnight_belongs_to_the_day_it_started(store) -> None:
    r = build_report(store, fx.TODAY, 30)
    assert day(r, date(2026, 11, 14)).minutes == 20
    assert day(r, date(2026, 11, 15)).sessions.active_seconds == 30  # only the short desk break


def test_days_are_local_dates_not_utc_dates(store) -> None:
    # 00:30 BST on 10 July is 23:30 UTC on 9 July.
    assert store.daily_sessions(date(2026, 7, 9), date(2026, 7, 10)) == {
        date(2026, 7, 10): DaySessions(1, 1, 600, 0, 0, 0, 0)}
    assert store.practice_streaks(date(2026, 7, 10)) == (1, 1)
    assert store.practice_streaks(date(2026, 7, 9)) == (0, 0)
    r = build_report(store, fx.TODAY, 365)
    assert [b.first for b in r.buckets if b.sessions.sessions and b.last < date(2026, 10, 1)] == [date(2026, 7, 6)]
    assert dict(r.heatmap)[date(2026, 7, 10)] == 600 and dict(r.heatmap)[date(2026, 7, 9)] == 0


def test_missing_pain_scores_leave_no_average(store) -> None:
    r = build_report(store, fx.TODAY, 30)
    no_scores = day(r, date(2026, 11, 18))
    assert no_scores.sessions.sessions == 1
    assert (no_scores.pain_before, no_scores.pain_after) == (None, None)
    before_only = day(r, date(2026, 11, 11))
    assert (before_only.pain_before, before_only.pain_after) == (3.0, None)


def test_breaks_by_answer_and_sitting_bouts(store) -> None:
    r = build_report(store, fx.TODAY, 30)
    b = day(r, date(2026, 11, 19))
    assert {a: b.answers(a) for a in ("taken", "snoozed", "skipped", "missed", "already", "natural")} == {
        "taken": 1, "snoozed": 1, "skipped": 1, "missed": 1, "already": 1, "natural": 0}
    assert b.longest_bout == 4000  # seen at the 'already' answer
    assert b.average_bout == (1800 + 4000) / 2  # bouts ended by taken and already
    after_midnight = day(r, date(2026, 11, 20))
    assert after_midnight.breaks == {"natural": DayBreaks(1, 600, 600)}
    assert day(r, date(2026, 11, 18)).longest_bout is None
    assert r.total.average_bout == (1800 + 4000 + 600 + 1500) / 4


def test_streaks(store) -> None:
    assert build_report(store, fx.TODAY, 7).streak_current == 5
    assert build_report(store, fx.TODAY, 7).streak_best == 7
    # Tomorrow morning, before any routine, the run is still alive; not the day after.
    assert store.practice_streaks(fx.TODAY + timedelta(days=1)) == (5, 7)
    assert store.practice_streaks(fx.TODAY + timedelta(days=2)) == (0, 7)
    # On 11-14 the run 11..14 counts the interrupted 5 minutes; the 30 s on 11-15 does not.
    assert store.practice_streaks(date(2026, 11, 14)) == (4, 7)
    assert store.practice_streaks(date(2026, 11, 16)) == (1, 7)
    # Days after "today" (a clock set back) are left out.
    assert store.practice_streaks(date(2026, 10, 3)) == (3, 3)


def test_routine_totals_most_practised_first(store) -> None:
    r = build_report(store, fx.TODAY, 30)
    assert [(t.routine_id, t.sessions, t.completed, t.stopped, t.interrupted, t.active_seconds)
            for t in r.routines] == [
        ("ice-pack", 1, 1, 0, 0, 1200),
        ("scapular-squeeze", 5, 5, 0, 0, 900),
        ("hip-and-back-stretch", 1, 1, 0, 0, 600),
        ("core-and-back-strength", 1, 0, 0, 1, 300),
        ("desk-break", 3, 2, 0, 1, 270),
        ("knee-pillow-rest", 1, 0, 1, 0, 120),
    ]
    rows = routine_rows(r)
    assert rows[0] == ("Ice pack", "1", "1", "20m", "-2.0", "-")  # no levels: no ranges
    assert rows[1] == ("Scapular squeeze", "5", "5", "15m", "-1.0", "-")  # the fixture predates levels
    assert rows[3][-1] == "-"  # no score after: no change to show


def test_weekly_buckets_start_on_monday_and_are_clipped_to_the_range(store) -> None:
    r = build_report(store, fx.TODAY, 90)
    assert r.per == "week" and r.first == date(2026, 8, 23)  # a Sunday
    assert (r.buckets[0].first, r.buckets[0].last) == (date(2026, 8, 23), date(2026, 8, 23))
    assert (r.buckets[1].first, r.buckets[1].last) == (date(2026, 8, 24), date(2026, 8, 30))
    assert (r.buckets[-1].first, r.buckets[-1].last) == (date(2026, 11, 16), date(2026, 11, 20))
    assert r.buckets[-1].minutes == 15
    week_of_first_streak = [b for b in r.buckets if b.first == date(2026, 9, 28)][0]
    assert week_of_first_streak.sessions.active_seconds == 4 * 600  # 1..4 Oct
    assert sum(b.sessions.sessions for b in r.buckets) == r.total.sessions.sessions == 19


def test_summary_lines(store) -> None:
    lines = summary_lines(build_report(store, fx.TODAY, 30))
    assert lines == [
        "Streak: 5 days with a routine (best 7 days)",
        "Routines: 12 sessions, 56m30s (9 completed, 3 not completed)",
        "Pain (0-10): 4.6 before, 3.5 after on average (8 before, 6 after rated)",
        "Desk breaks: 2 taken, 2 snoozed, 1 skipped, 1 already moved, 1 missed, 1 natural",
        "Sitting: longest 1h6m40s, average 32m55s before a break",
    ]


def test_heatmap_covers_recent_weeks_ending_today(store) -> None:
    r = build_report(store, fx.TODAY, 7)
    assert r.heatmap[-1] == (fx.TODAY, 180)
    assert r.heatmap[0][0].weekday() == 0 and len(r.heatmap) == 52 * 7 + 5
    levels = {d: heat_level(s) for d, s in r.heatmap}
    assert levels[date(2026, 11, 14)] == 3  # 20 minutes of ice: "20+"
    assert levels[date(2026, 11, 15)] == 0  # 30 s is less than a minute
    assert [heat_level(m * 60) for m in (0, 1, 9, 10, 19, 20, 29, 30, 90)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    lines = heatmap_lines(r.heatmap, 80)
    assert lines[5].startswith("Fri") and lines[5].endswith("░░")  # 19th and 20th: 3 minutes
    assert lines[6].endswith("▓")  # Sat 14th: 20 minutes (no Saturday yet this week)


def test_nothing_recorded_is_an_empty_report(tmp_path: Path) -> None:
    with open_store(tmp_path / "h.sqlite3", clock=lambda: fx.NOW) as s:
        r = build_report(s, fx.TODAY, 30)
        assert r.empty and s.practice_streaks(fx.TODAY) == (0, 0) and s.history_span() is None
    text = render_stats(empty_report(fx.TODAY, 30))
    assert "Nothing recorded yet." in text and "┌" not in text


def test_a_quiet_range_says_so_instead_of_drawing_empty_axes(store) -> None:
    r = build_report(store, date(2026, 9, 20), 7)
    assert not r.empty and not r.has_sessions
    text = render_stats(r)
    assert "No routines in this range." in text and "No desk-break prompts" in text
    assert "┌" not in text


def test_stats_text_plain_and_coloured(store) -> None:
    r = build_report(store, fx.TODAY, 30)
    plain = render_stats(r, width=100)
    assert "\x1b" not in plain
    assert "Minutes of routines per day" in plain and "Pain before and after" in plain
    assert "Desk breaks per day" in plain and "Sitting between breaks" in plain
    assert max(len(line) for line in plain.splitlines()) == 100
    assert "Ice pack" in plain.split("Routines in this range:")[1]
    assert "\x1b[" in render_stats(r, width=100, color=True)


def test_routine_titles_are_escaped_in_terminal_output(tmp_path: Path) -> None:
    with open_store(tmp_path / "h.sqlite3", clock=lambda: fx.NOW) as s:
        sid = s.start_session("evil", "Evil\x1b]0;pwned\x07 title", 1)
        s.finish_session(sid, outcome="completed", steps_done=1, active_seconds=60, phase_index=1)
        text = render_stats(build_report(s, fx.TODAY, 7))
    assert "\x1b" not in text and "\x07" not in text
    assert re.search(r"Evil.*title", text)


def test_the_routine_table_fits_the_width() -> None:
    from coach.stats_text import table_lines

    rows = [("Short rest with pillows under your knees", "1", "0", "1m12s", "-3.0")]
    lines = table_lines(("Routine", "Sessions", "Completed", "Time", "Pain change"), rows, 80)
    assert max(map(len, lines)) <= 80
    assert lines[2].startswith("Short rest with pillows under your k...")
    assert lines[2].endswith("-3.0")
    wide = table_lines(("Routine", "Sessions", "Completed", "Time", "Pain change"), rows, 120)
    assert wide[2].startswith("Short rest with pillows under your knees ")


class Recorder:
    """A chart figure that records the calls made on it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: self.calls.append((name, args, kwargs))


def test_flare_ups_are_on_the_timeline(tmp_path: Path) -> None:
    from datetime import datetime

    from coach.charts import TERMINAL, draw_minutes, draw_pain

    path = tmp_path / "history.sqlite3"
    clock_now = [datetime(2026, 11, 12, 9, 0, tzinfo=fx.TZ)]
    with open_store(path, clock=lambda: clock_now[0]) as s:
        settled = s.start_flareup(datetime(2026, 11, 10, 8, 30, tzinfo=fx.TZ), 7)
        s.add_flareup_pain(settled, 4, "update")
        s.end_flareup(settled)
        clock_now[0] = fx.NOW
        s.start_flareup(datetime(2026, 11, 19, 18, 0, tzinfo=fx.TZ), 6)
        report = build_report(s, fx.TODAY, 30)
    lines = summary_lines(report)
    assert "Flare-up: Tue 10 Nov 08:30 to Thu 12 Nov 09:00 (2 days), pain 7 -> 4" in lines
    assert "Flare-up: since Thu 19 Nov 18:00, not settled yet, pain 6" in lines
    assert report.bucket_of(date(2026, 11, 10)) == 20 and report.bucket_of(date(2026, 11, 19)) == 29
    for draw in (draw_minutes, draw_pain):
        fig = Recorder()
        draw(fig, report, TERMINAL)
        assert [args for name, args, _ in fig.calls if name == "vline"] == [(20,), (29,)]
        assert "a flare-up began" in next(args[0] for name, args, _ in fig.calls if name == "title")
    with open_store(path) as s:
        assert build_report(s, date(2026, 11, 5), 3).flareups == ()  # before either


def test_without_colour_every_series_has_its_own_mark(store) -> None:
    """Issue 15 part 8: under NO_COLOR the break answers and the two sitting
    series are told apart by their texture, in the bars and in the legend."""
    from coach.charts import ANSWER_MARKERS, BOUT_MARKERS
    from coach.stats import ANSWER_LABELS

    r = build_report(store, fx.TODAY, 30)
    plain = render_stats(r, width=100)
    breaks = plain.split("Desk breaks per day", 1)[1].split("Sitting between breaks", 1)[0]
    shown = [a for a in ANSWER_MARKERS if r.total.answers(a)]
    assert len(shown) >= 2, "the fixture has more than one kind of answer"
    for answer in shown:
        assert f"{ANSWER_MARKERS[answer] * 2} {ANSWER_LABELS[answer]}" in breaks, answer
    assert len({ANSWER_MARKERS[a] for a in shown}) == len(shown)
    bouts = plain.split("Sitting between breaks", 1)[1]
    assert f"{BOUT_MARKERS[0] * 2} longest" in bouts and f"{BOUT_MARKERS[1] * 2} average" in bouts
