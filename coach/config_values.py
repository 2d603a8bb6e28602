"""The kinds of value a setting in ``config.yaml`` can take (no Textual).

Each kind reads a YAML node into a value, or says what it expected (the
caller adds where and what happens then), and writes its default back as it
is shown in the commented template. :mod:`coach.config` lists the settings.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import time as dtime
from typing import TYPE_CHECKING

from coach.durations import DurationError, format_duration, parse_duration
from coach.routine_format import ID_PATTERN, unknown_key_message
from coach.sitting import WorkHours

if TYPE_CHECKING:  # the YAML reader is loaded only when a config.yaml is read
    from coach.yamlsafe import Mark, Node

    #: Called for a mistake inside a value (a nested key): where, dotted name,
    #: message, and what happens then (IGNORED or DEFAULT_USED).
    Report = Callable[[Mark, str, str, str], None]

DEFAULT_USED = "; its default is used"
IGNORED = "; ignored"


class Expected(Exception):
    """The value is not one this kind takes; the message says what it expected."""


class Reported(Exception):
    """The value had mistakes, each already reported: the default is used."""


class Kind:
    """How one setting is read and shown."""

    def read(self, node: Node, name: str, report: Report) -> object:
        raise NotImplementedError

    def show(self, value: object) -> str:
        return str(value)


class Boolean(Kind):
    def read(self, node: Node, name: str, report: Report) -> object:
        if not isinstance(node.value, bool):
            raise Expected("expected true or false")
        return node.value

    def show(self, value: object) -> str:
        return "true" if value else "false"


@dataclass(frozen=True)
class Choice(Kind):
    """One of a few words; ``booleans`` maps true/false to two of them."""

    choices: tuple[str, ...]
    booleans: tuple[str, str] | None = None  # (for true, for false)

    def read(self, node: Node, name: str, report: Report) -> object:
        value = node.value
        if isinstance(value, bool) and self.booleans is not None:
            value = self.booleans[0] if value else self.booleans[1]
        if value not in self.choices:
            raise Expected(f"expected {', '.join(self.choices[:-1])} or {self.choices[-1]}")
        return value


class ThemeName(Kind):
    PATTERN = r"[a-z0-9][a-z0-9-]{0,63}"

    def read(self, node: Node, name: str, report: Report) -> object:
        if isinstance(node.value, str) and re.fullmatch(self.PATTERN, node.value):
            return node.value
        raise Expected("expected a theme name such as textual-dark")


class Command(Kind):
    """A program and its arguments: a list, or one line split at spaces."""

    def read(self, node: Node, name: str, report: Report) -> object:
        command = node.plain()
        if isinstance(command, str):
            command = command.split()
        if isinstance(command, list) and command and all(isinstance(c, str) and c for c in command):
            return tuple(command)
        raise Expected("expected a command as a list, like [espeak-ng, -s, '150']")

    def show(self, value: object) -> str:
        return "[" + ", ".join(str(v) for v in value) + "]"  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Duration(Kind):
    low: int
    high: int
    off: str | None = None  # 0 is allowed and means this (e.g. "off")

    def read(self, node: Node, name: str, report: Report) -> object:
        if self.off is not None and node.value == 0:
            return 0
        try:
            seconds = parse_duration(node.value)
        except DurationError as err:
            raise Expected(str(err)) from None
        if self.low <= seconds <= self.high:
            return seconds
        span = f"{format_duration(self.low)} to {format_duration(self.high)}"
        raise Expected(f"expected 0 ({self.off}) or {span}" if self.off is not None else f"expected {span}")

    def show(self, value: object) -> str:
        return "0" if value == 0 else format_duration(value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class WholeNumber(Kind):
    low: int
    high: int

    def read(self, node: Node, name: str, report: Report) -> object:
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high:
            return value
        raise Expected(f"expected a whole number from {self.low} to {self.high}")


class RoutineId(Kind):
    def read(self, node: Node, name: str, report: Report) -> object:
        if isinstance(node.value, str) and re.fullmatch(ID_PATTERN, node.value):
            return node.value
        raise Expected("expected a routine id such as desk-break")


@dataclass(frozen=True)
class NameList(Kind):
    """Some of a fixed set of names."""

    names: tuple[str, ...]

    def read(self, node: Node, name: str, report: Report) -> object:
        names = node.plain()
        if isinstance(names, list) and all(isinstance(n, str) and n in self.names for n in names):
            return tuple(names)
        raise Expected(f"expected a list of: {', '.join(self.names)}")

    def show(self, value: object) -> str:
        return "[" + ", ".join(value) + "]"  # type: ignore[arg-type]


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORK_HOURS_KEYS = ("days", "start", "end")


class WorkHoursValue(Kind):
    """``{days: [mon, tue], start: "09:00", end: "17:30"}``: each part checked on its own."""

    def read(self, node: Node, name: str, report: Report) -> object:
        if not isinstance(node.value, dict):
            raise Expected("expected days, start and end")
        for key, mark in node.key_marks.items():
            if key not in WORK_HOURS_KEYS:
                report(mark, f"{name}.{key}", unknown_key_message(key, WORK_HOURS_KEYS), IGNORED)
        fields = node.value
        result = WorkHours()
        ok = True
        if "days" in fields:
            days = fields["days"].plain()
            if isinstance(days, list) and days and all(isinstance(d, str) and d.lower()[:3] in DAY_NAMES for d in days):
                result = replace(result, days=frozenset(DAY_NAMES.index(d.lower()[:3]) for d in days))
            else:
                report(fields["days"].mark, f"{name}.days", "expected a list of days such as [mon, tue, wed]", DEFAULT_USED)
                ok = False
        for key in ("start", "end"):
            if key in fields:
                text = fields[key].value
                match = re.fullmatch(r"(\d{1,2}):(\d{2})", text) if isinstance(text, str) else None
                if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
                    result = replace(result, **{key: dtime(int(match.group(1)), int(match.group(2)))})
                else:
                    report(fields[key].mark, f"{name}.{key}", 'expected a time such as "09:00"', DEFAULT_USED)
                    ok = False
        if ok and result.start >= result.end:
            raise Expected("start must be before end")
        if not ok:
            raise Reported  # said above, part by part
        return result

    def show(self, value: object) -> str:
        assert isinstance(value, WorkHours)
        days = ", ".join(DAY_NAMES[d] for d in sorted(value.days))
        return f'{{days: [{days}], start: "{value.start:%H:%M}", end: "{value.end:%H:%M}"}}'


#: A binding id as the screens name them: "player.pause", "home.desk_break".
BINDING_ID = r"[a-z][a-z_]*\.[a-z][a-z_]*"
#: One key as Textual names it ("p", "ctrl+b", "f5", "space", "question_mark", "?").
KEY = r"(?:(?:ctrl|shift|alt|super|meta)\+)*(?:[a-z0-9_]+|[!-~])"


@dataclass(frozen=True)
class KeyMap(Kind):
    """``{player.pause: p, home.desk_break: "ctrl+b"}``: your own keys for
    the bindings with these ids (one key, or several with commas). Ids
    outside ``known`` are refused with a "did you mean"."""

    known: frozenset[str] = frozenset()

    def read(self, node: Node, name: str, report: Report) -> object:
        if not isinstance(node.value, dict):
            raise Expected("expected binding ids with their keys, like {player.pause: p}")
        keymap: list[tuple[str, str]] = []
        for binding_id, mark in node.key_marks.items():
            entry = node.value[binding_id]
            where = f"{name}.{binding_id}"
            if not re.fullmatch(BINDING_ID, binding_id) or (self.known and binding_id not in self.known):
                report(mark, where, self._unknown(binding_id), IGNORED)
                continue
            keys = entry.value
            if isinstance(keys, int) and not isinstance(keys, bool):
                keys = str(keys)  # a digit key
            parts = [part.strip() for part in keys.split(",")] if isinstance(keys, str) else []
            if not parts or not all(re.fullmatch(KEY, part) for part in parts):
                report(entry.mark, where, "expected a key such as p, f5 or ctrl+b (several: 'p,space')", IGNORED)
                continue
            keymap.append((binding_id, ",".join(parts)))
        return tuple(keymap)

    def _unknown(self, binding_id: str) -> str:
        close = difflib.get_close_matches(binding_id, sorted(self.known), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else " (the README lists them)"
        return f"no binding has the id '{binding_id}'{hint}"

    def show(self, value: object) -> str:
        pairs = value or (("player.pause", "p"), ("home.desk_break", "ctrl+b"))
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"  # type: ignore[union-attr]
