"""`coach export` and `coach stats` from the command line; the export round trip."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import history_fixture as fx
import pytest

from coach.cli import main
from coach.export import BREAK_FIELDS, CSV_COLUMNS, SESSION_FIELDS, write_csv, write_json
from coach.paths import resolve_paths
from coach.store import open_store


@pytest.fixture
def history(coach_home: Path) -> Path:
    path = resolve_paths().history_file
    path.parent.mkdir(parents=True, exist_ok=True)
    fx.fill(path)
    return path


def rows(path: Path, table: str) -> dict[int, sqlite3.Row]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return {r["id"]: r for r in conn.execute(f"SELECT * FROM {table}")}
    finally:
        conn.close()


def local_time(utc_text: str, offset_min: int) -> str:
    moment = datetime.strptime(utc_text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone(timedelta(minutes=offset_min))).strftime("%H:%M:%S")


def check_session(got: dict, row: sqlite3.Row, text: bool) -> None:
    def value(v):  # CSV gives text: empty for None, 0/1 for booleans
        return ("" if v is None else str(v)) if text else v

    for name in ("local_date", "utc_offset_min", "started_utc", "ended_utc", "routine_id",
                 "routine_title", "outcome", "stop_reason", "steps_done", "steps_total",
                 "active_seconds", "pain_before", "pain_after", "resumed"):
        expected = row[name]
        if name == "resumed" and not text:
            expected = bool(expected)
        assert got[name] == value(expected), name
    assert got["local_time"] == local_time(row["started_utc"], row["utc_offset_min"])


def check_break(got: dict, row: sqlite3.Row, text: bool) -> None:
    def value(v):
        return str(v) if text else v

    assert got["local_date"] == row["local_date"]
    assert got["at_utc"] == row["at_utc"]
    assert got["answer"] == row["answer"]
    assert got["utc_offset_min"] == value(row["utc_offset_min"])
    assert got["sitting_seconds"] == value(row["bout_seconds"])
    assert got["prompted"] == (str(row["prompted"]) if text else bool(row["prompted"]))
    assert got["local_time"] == local_time(row["at_utc"], row["utc_offset_min"])


def test_csv_round_trip_every_record_once_with_its_values(history: Path) -> None:
    out = io.StringIO()
    with open_store(history) as store:
        count = write_csv(store, out)
    records = list(csv.DictReader(io.StringIO(out.getvalue())))
    sessions, breaks = rows(history, "sessions"), rows(history, "breaks")
    assert count == len(records) == len(sessions) + len(breaks) == 20 + 8
    got_sessions = [r for r in records if r["record"] == "session"]
    got_breaks = [r for r in records if r["record"] == "break"]
    assert sorted(int(r["id"]) for r in got_sessions) == sorted(sessions)
    assert sorted(int(r["id"]) for r in got_breaks) == sorted(breaks)
    for r in got_sessions:
        check_session(r, sessions[int(r["id"])], text=True)
        assert r["answer"] == r["sitting_seconds"] == ""
    for r in got_breaks:
        check_break(r, breaks[int(r["id"])], text=True)
        assert r["routine_id"] == ""


def test_json_round_trip_every_record_once_with_its_values(history: Path) -> None:
    out = io.StringIO()
    with open_store(history) as store:
        count = write_json(store, out, now=fx.NOW)
    data = json.loads(out.getvalue())
    assert data["coach_export"] == 1 and data["exported_utc"] == "2026-11-20T09:30:00Z"
    sessions, breaks = rows(history, "sessions"), rows(history, "breaks")
    assert count == len(sessions) + len(breaks)
    assert sorted(s["id"] for s in data["sessions"]) == sorted(sessions)
    assert sorted(b["id"] for b in data["breaks"]) == sorted(breaks)
    for s in data["sessions"]:
        assert tuple(s) == (*SESSION_FIELDS, "steps") and s["steps"] == []  # the fixture predates step records
        check_session(s, sessions[s["id"]], text=False)
    for b in data["breaks"]:
        assert tuple(b) == BREAK_FIELDS
        check_break(b, breaks[b["id"]], text=False)


def test_dst_day_local_times_are_the_ones_lived(history: Path) -> None:
    out = io.StringIO()
    with open_store(history) as store:
        write_json(store, out)
    dst = [s for s in json.loads(out.getvalue())["sessions"] if s["local_date"] == "2026-10-25"]
    assert [(s["local_time"], s["utc_offset_min"], s["started_utc"]) for s in dst] == [
        ("01:30:00", 60, "2026-10-25T00:30:00Z"), ("01:30:00", 0, "2026-10-25T01:30:00Z")]


def test_empty_history_exports_headers_and_empty_lists(tmp_path: Path) -> None:
    with open_store(tmp_path / "h.sqlite3") as store:
        out = io.StringIO()
        assert write_csv(store, out) == 0
        assert out.getvalue() == ",".join(CSV_COLUMNS) + "\r\n"
        out = io.StringIO()
        write_json(store, out)
    data = json.loads(out.getvalue())
    assert data["sessions"] == [] and data["breaks"] == []


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(tmp_path: Path) -> None:
    with open_store(tmp_path / "h.sqlite3") as store:
        sid = store.start_session("evil", '=HYPERLINK("http://x","click")', 1)
        store.finish_session(sid, outcome="stopped", steps_done=0, active_seconds=1,
                             phase_index=0, stop_reason="@SUM(1)")
        out = io.StringIO()
        write_csv(store, out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["routine_title"] == "'=HYPERLINK(\"http://x\",\"click\")"
    assert row["stop_reason"] == "'@SUM(1)"


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_export_to_a_file_is_private_and_whole(history: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "for-physio.json"
    code, out, err = run(capsys, "export", "--output", str(target))
    assert code == 0 and out == ""
    assert err == f"wrote 28 records to {target}\n"
    assert len(json.loads(target.read_text())["sessions"]) == 20
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    code, out, _ = run(capsys, "export", "--format", "csv", "--output", str(target))
    assert code == 0 and target.read_text().startswith("record,id,local_date")


def test_cli_export_days_limits_the_range(history: Path, capsys) -> None:
    from datetime import date

    today = date.today()  # the CLI's today is the real one
    for days in (30, 200, 3660):
        code, out, _ = run(capsys, "export", "--days", str(days))
        first = (today - timedelta(days=days - 1)).isoformat()
        expected = {("session", str(i)) for i, r in rows(history, "sessions").items() if r["local_date"] >= first}
        expected |= {("break", str(i)) for i, r in rows(history, "breaks").items() if r["local_date"] >= first}
        got = {(r["record"], r["id"]) for r in csv.DictReader(io.StringIO(out))}
        assert code == 0 and got == expected


def test_cli_export_follows_a_symlink_and_keeps_it(history: Path, tmp_path: Path, capsys) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert run(capsys, "export", "--output", str(link))[0] == 0
    assert link.is_symlink() and real.read_text().startswith("record,")


def test_cli_export_escapes_control_characters(tmp_path: Path, coach_home: Path, capsys) -> None:
    path = resolve_paths().history_file
    with open_store(path) as store:
        sid = store.start_session("evil", "Evil\x1b]0;pwned\x07\rtitle", 1)
        store.finish_session(sid, outcome="completed", steps_done=1, active_seconds=60, phase_index=1)
    code, out, _ = run(capsys, "export")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["routine_title"].startswith("Evil")


def test_cli_on_a_terminal_that_cannot_show_unicode(history: Path) -> None:
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONIOENCODING="ascii")
    done = subprocess.run([sys.executable, "-m", "coach", "stats"], env=env, capture_output=True, text=True,
                          encoding="ascii", errors="replace")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "Coach progress" in done.stdout


def test_cli_export_errors_are_one_line(history: Path, tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, "export", "--output", str(tmp_path / "no" / "such" / "x.csv"))
    assert code == 1 and out == ""
    assert err == f"coach: {tmp_path / 'no' / 'such' / 'x.csv'}: cannot write: No such file or directory\n"
    code, _, err = run(capsys, "export", "--format", "xml")
    assert code == 1 and "invalid choice: 'xml'" in err and len(err.splitlines()) == 1


def test_cli_without_history_creates_nothing(coach_home: Path, capsys) -> None:
    code, out, err = run(capsys, "stats")
    assert code == 0 and "Nothing recorded yet." in out
    code, out, err = run(capsys, "export")
    assert code == 1 and err.startswith("coach: no history yet")
    assert not resolve_paths().history_file.exists()


def test_cli_stats(history: Path, capsys) -> None:
    code, out, err = run(capsys, "stats", "--days", "365")
    assert code == 0 and err == ""
    assert "Coach progress, last 365 days" in out and "Minutes of routines per week" in out
    assert "\x1b" not in out  # not a terminal: plain text
    for bad in ("0", "x", "9999"):
        code, _, err = run(capsys, "stats", "--days", bad)
        assert code == 1 and len(err.splitlines()) == 1


def test_cli_stats_on_a_corrupt_history_is_one_line_and_keeps_the_file(coach_home: Path, capsys) -> None:
    path = resolve_paths().history_file
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    code, out, err = run(capsys, "stats")
    assert code == 0 and "Nothing recorded yet." in out  # moved aside, a fresh one opened
    assert err.startswith("coach: the history could not be read, so it was moved to ")
    assert err.endswith("nothing was deleted\n") and len(err.splitlines()) == 1
    kept = list(path.parent.glob("history.sqlite3.broken-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"this is not a database" * 100


def test_flare_ups_and_their_pain_scores_are_exported(tmp_path: Path) -> None:
    """Issue 15 part 7: the export has the flare-ups (start, end) and every
    pain score given in them, in CSV and JSON."""
    from datetime import timedelta

    from coach.export import FLAREUP_FIELDS

    path = tmp_path / "h.sqlite3"
    moment = [fx.NOW - timedelta(days=3)]
    with open_store(path, clock=lambda: moment[0]) as store:
        first = store.start_flareup(moment[0], 7)
        moment[0] += timedelta(days=1)
        store.add_flareup_pain(first, 5, "update")
        store.end_flareup(first)  # settled two days ago
        moment[0] = fx.NOW
        second = store.start_flareup(fx.NOW - timedelta(hours=2), 6)
        out = io.StringIO()
        rows_written = write_csv(store, out)
        data_out = io.StringIO()
        write_json(store, data_out, now=fx.NOW)
    records = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows_written == len(records) == 5
    flares = [r for r in records if r["record"] == "flareup"]
    pains = [r for r in records if r["record"] == "flareup_pain"]
    assert [int(r["id"]) for r in flares] == [first, second]
    assert flares[0]["ended_utc"] == "2026-11-18T09:30:00Z" and flares[1]["ended_utc"] == ""
    assert flares[0]["started_utc"] == "2026-11-17T09:30:00Z"
    assert [(int(p["flareup_id"]), int(p["pain"]), p["source"]) for p in pains] == [
        (first, 7, "start"), (first, 5, "update"), (second, 6, "start")]
    data = json.loads(data_out.getvalue())
    assert [tuple(f)[:len(FLAREUP_FIELDS)] for f in data["flareups"]] == [FLAREUP_FIELDS] * 2
    assert [[p["pain"] for p in f["pain"]] for f in data["flareups"]] == [[7, 5], [6]]


def test_step_records_follow_their_session_in_csv_and_sit_inside_it_in_json(tmp_path: Path) -> None:
    """Issue 15 part 7: every step's fate is in the export, in both formats."""
    from coach.export import STEP_FIELDS
    from coach.step_fates import StepRecord

    path = tmp_path / "h.sqlite3"
    moment = [fx.NOW - timedelta(hours=3)]
    with open_store(path, clock=lambda: moment[0]) as store:
        ice = store.start_session("ice-pack", "Ice pack", 3, pain_before=5)
        store.record_steps(ice, [StepRecord(0, "Wrap the pack", "info", None, 0, 4, 0, "done", None),
                                 StepRecord(1, "Ice pack", "therapy", "cold", 1200, 7, 7, "skipped", 7),
                                 StepRecord(2, "Walk", "timer", None, 300, 3, 3, "skipped", 3)])
        store.finish_session(ice, outcome="partial", steps_done=3, active_seconds=14, phase_index=3,
                             pain_after=5, done_percent=0)
        moment[0] = fx.NOW - timedelta(hours=1)
        walk = store.start_session("gentle-walk", "Gentle walk", 1)
        store.record_steps(walk, [StepRecord(0, "Walk", "timer", None, 600, 610, 600, "done", None)])
        store.finish_session(walk, outcome="completed", steps_done=1, active_seconds=610, phase_index=1,
                             done_percent=100)
        out, data_out = io.StringIO(), io.StringIO()
        assert write_csv(store, out) == 6
        write_json(store, data_out, now=fx.NOW)
    start = CSV_COLUMNS.index("done_percent")
    assert CSV_COLUMNS[start:start + 1 + len(STEP_FIELDS)] == ("done_percent", *STEP_FIELDS)  # appended in turn
    records = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["record"], r["id"] or r["session_id"]) for r in records] == [
        ("session", str(ice)), ("step", str(ice)), ("step", str(ice)), ("step", str(ice)),
        ("session", str(walk)), ("step", str(walk))]
    assert records[0]["outcome"] == "partial" and records[0]["done_percent"] == "0"
    skipped = records[2]
    assert (skipped["step_index"], skipped["step_title"], skipped["step_kind"], skipped["modality"],
            skipped["planned_seconds"], skipped["spent_seconds"], skipped["done_seconds"], skipped["fate"],
            skipped["skipped_after"]) == ("1", "Ice pack", "therapy", "cold", "1200", "7", "7", "skipped", "7")
    assert records[1]["skipped_after"] == "" and records[1]["modality"] == "" and records[1]["routine_id"] == ""
    data = json.loads(data_out.getvalue())
    first, second = data["sessions"]
    assert first["outcome"] == "partial" and [step["fate"] for step in first["steps"]] == ["done", "skipped", "skipped"]
    assert tuple(first["steps"][1]) == STEP_FIELDS[1:]
    assert first["steps"][1]["skipped_after"] == 7 and first["steps"][0]["skipped_after"] is None
    assert second["steps"] == [{"step_index": 0, "step_title": "Walk", "step_kind": "timer", "modality": None,
                                "planned_seconds": 600, "spent_seconds": 610, "done_seconds": 600,
                                "fate": "done", "skipped_after": None}]


def test_levels_are_exported_with_each_session_and_each_change(tmp_path: Path) -> None:
    """Issue 15 part 7: the level each session was played at, and every change
    (up, declined, back for pain), counted from 1 as the app shows them."""
    from coach.export import LEVEL_FIELDS

    path = tmp_path / "h.sqlite3"
    moment = [fx.NOW - timedelta(days=2)]
    with open_store(path, clock=lambda: moment[0]) as store:
        sid = store.start_session("core-and-back-strength", "Core", 4, level=0)
        store.finish_session(sid, outcome="completed", steps_done=4, active_seconds=600, phase_index=9,
                             done_percent=100)
        moment[0] += timedelta(days=1)
        store.record_level_change("core-and-back-strength", 0, 1, "up")
        moment[0] += timedelta(hours=1)
        store.record_level_change("core-and-back-strength", 1, 0, "pain-rose")
        out, data_out = io.StringIO(), io.StringIO()
        assert write_csv(store, out) == 3
        write_json(store, data_out, now=fx.NOW)
    # Every column in its place: the ones from before issue 15 first, as they were, new ones after.
    assert CSV_COLUMNS == (
        "record", "id", "local_date", "local_time", "utc_offset_min", "started_utc", "ended_utc", "routine_id",
        "routine_title", "outcome", "stop_reason", "steps_done", "steps_total", "active_seconds", "pain_before",
        "pain_after", "resumed", "at_utc", "answer", "sitting_seconds", "prompted", "flareup_id", "pain", "source",
        "done_percent", "session_id", "step_index", "step_title", "step_kind", "modality", "planned_seconds",
        "spent_seconds", "done_seconds", "fate", "skipped_after", "level", "level_from", "level_to",
        "level_reason")
    records = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert records[0]["record"] == "session" and records[0]["level"] == "1"
    assert [(r["record"], r["routine_id"], r["level_from"], r["level_to"], r["level_reason"], r["at_utc"])
            for r in records[1:]] == [
        ("level", "core-and-back-strength", "1", "2", "up", "2026-11-19T09:30:00Z"),
        ("level", "core-and-back-strength", "2", "1", "pain-rose", "2026-11-19T10:30:00Z")]
    data = json.loads(data_out.getvalue())
    assert data["sessions"][0]["level"] == 1
    assert [tuple(c) for c in data["levels"]] == [LEVEL_FIELDS] * 2
    assert [c["level_to"] for c in data["levels"]] == [2, 1]
