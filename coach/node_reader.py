"""Reading a located YAML tree into typed values, reporting what is wrong.

:class:`NodeReader` is the part of the routine checker that knows nothing of
routines: a mapping with its allowed keys, a list, one line of text, a whole
number in a range, a duration, one of an enum's values, a ``{min, max}``
range. Each reports a :class:`Problem` with the node's line and column and
raises :class:`Invalid`, which :meth:`NodeReader.guarded` turns into a
default so that checking goes on and every problem is found in one pass.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from coach.durations import DurationError, format_duration, parse_duration
from coach.model import Range
from coach.routine_format import MAX_LINE, MAX_LIST, RANGE_KEYS, unknown_key_message
from coach.yamlsafe import Mark, Node

# --- problems -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a routine file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class Invalid(Exception):
    """Internal: this value was reported; the caller skips it."""


T = TypeVar("T")


class NodeReader:
    """Typed reads of a located tree for one file (``path`` names it in messages)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    # reporting

    def report(self, mark: Mark, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, mark.line, mark.column, field, message))

    def fail(self, node: Node, field: str, message: str) -> Invalid:
        self.report(node.mark, field, message)
        return Invalid()

    def guarded(self, func: Callable[[], T], default: T) -> T:
        try:
            return func()
        except Invalid:
            return default

    # structure

    def mapping(
        self, node: Node, field: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Node]:
        if not isinstance(node.value, dict):
            raise self.fail(node, field, f"expected a mapping of keys ({', '.join(allowed)}), not {describe(node)}")
        for key, mark in node.key_marks.items():
            if key not in allowed:
                self.report(mark, join_field(field, key), unknown_key_message(key, allowed))
        for key in required:
            if key not in node.value:
                self.report(node.mark, field or "routine", f"missing required field '{key}'")
        return node.value

    def sequence(self, node: Node, field: str, *, max_items: int = MAX_LIST, allow_empty: bool = True) -> list[Node]:
        if not isinstance(node.value, list):
            raise self.fail(node, field, f"expected a list (lines starting with '- '), not {describe(node)}")
        if not node.value and not allow_empty:
            raise self.fail(node, field, "the list is empty")
        if len(node.value) > max_items:
            raise self.fail(node, field, f"too many items ({len(node.value)}); at most {max_items}")
        return node.value

    # scalars

    def text(self, node: Node, field: str, *, max_len: int = MAX_LINE, one_line: bool = True) -> str:
        value = node.value
        if not isinstance(value, str):
            hint = "; put it in quotes" if isinstance(value, (int, float, bool)) else ""
            if isinstance(value, dict) and len(value) == 1:
                hint = "; a line with ': ' in it reads as a key and value, so put the whole line in quotes"
            raise self.fail(node, field, f"expected text, not {describe(node)}{hint}")
        value = value.strip()
        if not value:
            raise self.fail(node, field, "the text is empty")
        if one_line and "\n" in value:
            raise self.fail(node, field, "must be a single line")
        if len(value) > max_len:
            raise self.fail(node, field, f"too long ({len(value)} characters); at most {max_len}")
        return value

    def lines(self, node: Node, field: str) -> tuple[str, ...]:
        """A list of lines, or one string (a block scalar is split into lines)."""
        if isinstance(node.value, str):
            return tuple(line.strip() for line in self.text(node, field, max_len=MAX_LINE * 10, one_line=False).splitlines() if line.strip())
        items = self.sequence(node, field)
        result = []
        for i, item in enumerate(items):
            result.append(self.guarded(lambda: self.text(item, f"{field}[{i}]", one_line=False), ""))
        return tuple(r for r in result if r)

    def slug(self, node: Node, field: str, pattern: str, max_len: int) -> str:
        value = self.text(node, field, max_len=max_len)
        if not re.match(pattern, value):
            raise self.fail(node, field, f"{value!r} must be lowercase letters, digits and single dashes (like 'hip-stretch')")
        return value

    def integer(self, node: Node, field: str, low: int, high: int) -> int:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(node, field, f"expected a whole number from {low} to {high}, not {describe(node)}")
        if not low <= value <= high:
            raise self.fail(node, field, f"{value} is out of range; expected {low} to {high}")
        return value

    def boolean(self, node: Node, field: str) -> bool:
        if not isinstance(node.value, bool):
            raise self.fail(node, field, f"expected true or false, not {describe(node)}")
        return node.value

    def duration(self, node: Node, field: str, low: int, high: int) -> int:
        try:
            seconds = parse_duration(node.value)
        except DurationError as err:
            raise self.fail(node, field, str(err)) from None
        if seconds < low:
            raise self.fail(node, field, f"{format_duration(seconds)} is too short; at least {format_duration(low)}")
        if seconds > high:
            raise self.fail(node, field, f"{format_duration(seconds)} is too long; at most {format_duration(high)}")
        return seconds

    def choice(self, node: Node, field: str, enum: type[T], allowed: tuple[Any, ...] | None = None) -> T:
        options = allowed if allowed is not None else tuple(enum)  # type: ignore[arg-type]
        names = [o.value for o in options]
        if isinstance(node.value, str) and node.value in names:
            return enum(node.value)  # type: ignore[call-arg]
        if isinstance(node.value, str):
            close = difflib.get_close_matches(node.value, names, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise self.fail(node, field, f"{node.value!r} is not one of: {', '.join(names)}{hint}")
        raise self.fail(node, field, f"expected one of: {', '.join(names)}; not {describe(node)}")

    def count_range(self, node: Node, field: str, low: int, high: int) -> Range:
        """A number, or ``{min, max}``."""
        if isinstance(node.value, dict):
            keys = self.mapping(node, field, RANGE_KEYS, RANGE_KEYS)
            if "min" not in keys or "max" not in keys:
                raise Invalid()
            first = self.integer(keys["min"], join_field(field, "min"), low, high)
            last = self.integer(keys["max"], join_field(field, "max"), low, high)
            if first > last:
                raise self.fail(node, field, f"min ({first}) is more than max ({last})")
            return Range(first, last)
        value = self.integer(node, field, low, high)
        return Range(value, value)

    def duration_range(self, node: Node, field: str, low: int, high: int) -> tuple[int, int | None]:
        """A duration, or ``{min, max}`` of durations (a range to work up):
        (low end, top or None)."""
        if isinstance(node.value, dict):
            keys = self.mapping(node, field, RANGE_KEYS, RANGE_KEYS)
            if "min" not in keys or "max" not in keys:
                raise Invalid()
            first = self.duration(keys["min"], join_field(field, "min"), low, high)
            last = self.duration(keys["max"], join_field(field, "max"), low, high)
            if first > last:
                raise self.fail(node, field, f"min ({format_duration(first)}) is more than max ({format_duration(last)})")
            return first, (last if last > first else None)
        return self.duration(node, field, low, high), None


# --- helpers ------------------------------------------------------------------


def join_field(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def describe(node: Node) -> str:
    value = node.value
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value!r} (a number)"
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"text {shown!r}"
