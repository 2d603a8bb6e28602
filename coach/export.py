"""``coach export``: the history as CSV or JSON, to share with a physiotherapist.

Column names are stable (documented in the README) and the same in both
formats. Times are given as the local date and time the person lived, their
UTC offset then, and UTC. Rows are streamed from the store, never all held in
memory. In CSV, a text cell that a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed
with ``'``: routine titles come from shared files. Control characters in
text cells are escaped (as everywhere Coach prints text from files).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import IO, Any

from coach import __version__
from coach.sanitize import printable
from coach.step_fates import StepRecord
from coach.store import BreakRecord, FlareUpRecord, SessionRecord, Store

FORMATS = ("csv", "json")
#: Version of the export's layout; bumped only when a name or meaning changes.
EXPORT_FORMAT = 1

SESSION_FIELDS = (
    "id", "local_date", "local_time", "utc_offset_min", "started_utc", "ended_utc",
    "routine_id", "routine_title", "outcome", "stop_reason", "steps_done", "steps_total",
    "active_seconds", "pain_before", "pain_after", "resumed",
    "done_percent",  # added with history v6 (issue 15)
    "level",  # added with history v7
)
BREAK_FIELDS = (
    "id", "local_date", "local_time", "utc_offset_min", "at_utc", "answer",
    "sitting_seconds", "prompted",
)
FLAREUP_FIELDS = ("id", "local_date", "local_time", "utc_offset_min", "started_utc", "ended_utc")
#: A pain score given during a flare-up (its start, an update, or a routine's
#: before/after while it lasted).
FLAREUP_PAIN_FIELDS = ("flareup_id", "at_utc", "pain", "source")
#: One playing of one step of a session (coach.step_fates): its fate and time.
STEP_FIELDS = ("session_id", "step_index", "step_title", "step_kind", "modality", "planned_seconds",
               "spent_seconds", "done_seconds", "fate", "skipped_after")
#: A routine's level changed (or a step up was declined): coach.progression.
LEVEL_FIELDS = ("id", "local_date", "local_time", "utc_offset_min", "at_utc", "routine_id",
                "level_from", "level_to", "level_reason")
#: CSV columns: which record a row is, then every session, break and flare-up
#: field (new ones only ever appended, so older readers keep their columns).
CSV_COLUMNS = tuple(dict.fromkeys(("record",) + SESSION_FIELDS[:16] + BREAK_FIELDS + FLAREUP_FIELDS
                                  + FLAREUP_PAIN_FIELDS + SESSION_FIELDS[16:17] + STEP_FIELDS
                                  + SESSION_FIELDS[17:] + LEVEL_FIELDS))
#: Where an export without --days begins and ends (all of the history).
_ALL = (date(1970, 1, 1), date(9999, 1, 1))

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _utc(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def session_fields(s: SessionRecord) -> dict[str, Any]:
    return {
        "id": s.id, "local_date": s.local_date.isoformat(),
        "local_time": s.started_local.strftime("%H:%M:%S"), "utc_offset_min": s.utc_offset_min,
        "started_utc": _utc(s.started_utc), "ended_utc": _utc(s.ended_utc),
        "routine_id": s.routine_id, "routine_title": s.routine_title, "outcome": s.outcome,
        "stop_reason": s.stop_reason, "steps_done": s.steps_done, "steps_total": s.steps_total,
        "active_seconds": s.active_seconds, "pain_before": s.pain_before,
        "pain_after": s.pain_after, "resumed": s.resumed, "done_percent": s.done_percent,
        "level": None if s.level is None else s.level + 1,
    }


def step_fields(session_id: int, r: StepRecord) -> dict[str, Any]:
    return {
        "session_id": session_id, "step_index": r.index, "step_title": r.title, "step_kind": r.kind,
        "modality": r.modality, "planned_seconds": r.planned_seconds, "spent_seconds": r.spent_seconds,
        "done_seconds": r.done_seconds, "fate": r.fate, "skipped_after": r.skipped_after,
    }


def level_fields(change: dict[str, Any]) -> dict[str, Any]:
    """A stored level change (levels as a person counts them: the first is 1)."""
    at = datetime.strptime(change["at_utc"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    local = at.astimezone(timezone(timedelta(minutes=change["utc_offset_min"])))
    return {
        "id": change["id"], "local_date": change["local_date"], "local_time": local.strftime("%H:%M:%S"),
        "utc_offset_min": change["utc_offset_min"], "at_utc": change["at_utc"],
        "routine_id": change["routine_id"], "level_from": change["level_from"] + 1,
        "level_to": change["level_to"] + 1, "level_reason": change["reason"],
    }


def _sessions(store: Store, first: date | None, last: date | None) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each session with its step records, oldest first: two ordered reads
    walked side by side, so nothing is held but one session's steps."""
    steps = store.iter_step_records(first, last)
    pending = next(steps, None)
    for session in store.iter_sessions(first, last):
        own = []
        while pending is not None and pending[0] == session.id:
            own.append(step_fields(*pending))
            pending = next(steps, None)
        yield session_fields(session), own


def break_fields(b: BreakRecord) -> dict[str, Any]:
    return {
        "id": b.id, "local_date": b.local_date.isoformat(),
        "local_time": b.at_local.strftime("%H:%M:%S"), "utc_offset_min": b.utc_offset_min,
        "at_utc": _utc(b.at_utc), "answer": b.answer, "sitting_seconds": b.bout_seconds,
        "prompted": b.prompted,
    }


def flareup_fields(f: FlareUpRecord) -> dict[str, Any]:
    return {
        "id": f.id, "local_date": f.local_date.isoformat(),
        "local_time": f.started_local.strftime("%H:%M:%S"), "utc_offset_min": f.utc_offset_min,
        "started_utc": _utc(f.started_utc), "ended_utc": _utc(f.ended_utc),
    }


def _flareups(store: Store, first: date | None, last: date | None) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each flare-up overlapping the range, with its pain scores, oldest first."""
    for flare in store.flareups_between(first or _ALL[0], last or _ALL[1]):
        pains = [{"flareup_id": flare.id, "at_utc": _utc(at), "pain": pain, "source": source}
                 for at, pain, source in store.flareup_pains(flare.id)]
        yield flareup_fields(flare), pains


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = printable(value) if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(store: Store, out: IO[str], first: date | None = None, last: date | None = None) -> int:
    """Sessions each followed by its steps, then breaks, then flare-ups each
    followed by its pain scores, then level changes, oldest first; returns
    the number of rows."""
    writer = csv.writer(out)  # RFC 4180: CRLF, fields with CR or LF quoted
    writer.writerow(CSV_COLUMNS)
    rows = 0
    for kind, fields in _csv_records(store, first, last):
        fields["record"] = kind
        writer.writerow([_csv_cell(fields.get(column)) for column in CSV_COLUMNS])
        rows += 1
    return rows


def _csv_records(store: Store, first: date | None, last: date | None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(record kind, fields) in the CSV's order: each session then its steps,
    breaks, each flare-up then its pain scores, level changes."""
    for session, steps in _sessions(store, first, last):
        yield "session", session
        yield from (("step", step) for step in steps)
    yield from (("break", break_fields(b)) for b in store.iter_breaks(first, last))
    for flare, pains in _flareups(store, first, last):
        yield "flareup", flare
        yield from (("flareup_pain", pain) for pain in pains)
    yield from (("level", level_fields(c)) for c in store.iter_level_changes(first, last))


def _json_items(items: Iterator[dict[str, Any]]) -> Iterator[str]:
    for n, item in enumerate(items):
        yield ("\n    " if n == 0 else ",\n    ") + json.dumps(item, ensure_ascii=True)


def write_json(store: Store, out: IO[str], first: date | None = None, last: date | None = None,
               now: datetime | None = None) -> int:
    """One JSON object: format, versions, and the lists (sessions with their
    steps inside, breaks, flare-ups with their pain scores inside); returns
    the count of sessions, breaks and flare-ups."""
    header = {"coach_export": EXPORT_FORMAT, "coach_version": __version__,
              "exported_utc": _utc(now or datetime.now(timezone.utc)),
              "first_date": first.isoformat() if first else None,
              "last_date": last.isoformat() if last else None}
    out.write("{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in header.items()))
    count = 0
    flareups = ({**flare, "pain": [{k: v for k, v in p.items() if k != "flareup_id"} for p in pains]}
                for flare, pains in _flareups(store, first, last))
    sessions = ({**session, "steps": [{k: v for k, v in step.items() if k != "session_id"} for step in steps]}
                for session, steps in _sessions(store, first, last))
    for key, records in (("sessions", sessions),
                         ("breaks", (break_fields(b) for b in store.iter_breaks(first, last))),
                         ("flareups", flareups),
                         ("levels", (level_fields(c) for c in store.iter_level_changes(first, last)))):
        out.write(f',\n  "{key}": [')
        wrote = False
        for chunk in _json_items(records):
            out.write(chunk)
            count += 1
            wrote = True
        out.write("\n  ]" if wrote else "]")
    out.write("\n}\n")
    return count
