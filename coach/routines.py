"""Reading and checking routine files (format version 1).

:func:`parse_routine` turns the bytes of one file into a :class:`Routine` or
raises :class:`RoutineError` carrying *every* problem found, each with its
line and column. The vocabulary is in :mod:`coach.routine_format` (shared
with :mod:`coach.schema`), the checker in :mod:`coach.routine_checker`.
"""

from __future__ import annotations

from pathlib import Path

from coach.durations import ACCEPTED_FORMS
from coach.model import Routine
from coach.node_reader import Problem
from coach.routine_checker import Checker
from coach.routine_format import (  # re-exported: what other modules have always found here
    ID_PATTERN, MAX_ID, MAX_PLAN_PHASES, MAX_PLAN_SECONDS, THERAPY_CAPS, step_keys, unknown_key_message,
)
from coach.saferead import read_bounded
from coach.yamlsafe import MAX_BYTES, YamlProblem, load_yaml


class RoutineError(Exception):
    """A routine file has problems; ``problems`` lists them all, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(sorted(problems, key=lambda p: (p.line, p.column)))


# --- public API ---------------------------------------------------------------


def parse_routine(data: bytes | str, path: str, expect_id: str | None = None) -> Routine:
    """Parse and check one routine file.

    ``path`` is how the file is named in messages; ``expect_id`` is the file
    name's stem, which the routine's ``id`` must equal. Raises
    :class:`RoutineError` with every problem found.
    """
    try:
        root = load_yaml(data)
    except YamlProblem as problem:
        raise RoutineError([Problem(path, problem.mark.line, problem.mark.column, "", problem.message)]) from None
    checker = Checker(path)
    try:
        routine = checker.routine(root, expect_id)
    except RecursionError:
        checker.report(root.mark, "", "nested too deeply")
        routine = None
    if checker.problems or routine is None:
        if not checker.problems:
            checker.report(root.mark, "", "not a routine")
        raise RoutineError(checker.problems)
    return routine


def read_routine_file(path: Path, shown_as: str | None = None) -> Routine:
    """Read, parse and check a routine file; its stem must equal its ``id``."""
    name = shown_as or str(path)
    try:
        data = read_bounded(path, MAX_BYTES)  # a regular file only, never waited on
    except OSError as err:
        raise RoutineError([Problem(name, 1, 1, "", f"cannot read the file: {err.strerror or err}")]) from None
    return parse_routine(data, name, expect_id=path.stem if path.suffix in (".yaml", ".yml") else None)


__all__ = [
    "ACCEPTED_FORMS",
    "ID_PATTERN",
    "MAX_ID",
    "MAX_PLAN_PHASES",
    "MAX_PLAN_SECONDS",
    "THERAPY_CAPS",
    "Problem",
    "RoutineError",
    "parse_routine",
    "read_routine_file",
    "step_keys",
    "unknown_key_message",
]
