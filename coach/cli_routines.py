"""The routine commands: ``coach list``, ``show``, ``validate``, ``new``, ``edit``, ``schema``.

Part of the command line (``coach.cli`` dispatches here). The routine
machinery (YAML, validation, the library) is imported inside each command.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coach.cli import UserError, _out
from coach.durations import format_duration
from coach.paths import Paths
from coach.sanitize import printable

if TYPE_CHECKING:
    from coach.library import Library, LibraryEntry
    from coach.model import Routine


def cmd_list(args: argparse.Namespace, paths: Paths) -> int:
    """``coach list [--json]``."""
    from coach.library import load_library
    from coach.timeline import build_timeline

    library = load_library(paths.routines_dir)
    if args.json:
        # ensure_ascii: file names may hold bidi or C1 characters; \uXXXX keeps them exact and inert.
        print(json.dumps([_entry_json(e) for e in library.entries], indent=2))
        return 0
    rows = []
    for entry in library.entries:
        if entry.routine is not None and entry.ok:
            routine = entry.routine
            total = build_timeline(routine).total
            mark = " *" if entry.replaces_builtin else ""
            rows.append((routine.id + mark, routine.title, routine.category.value, format_duration(total)))
        else:
            count = len(entry.problems)
            rows.append((entry.id, f"BROKEN: {count} problem{'s' if count != 1 else ''} (coach validate)", "-", "-"))
    _print_table(("ID", "TITLE", "CATEGORY", "LENGTH"), rows)
    for notice in library.notices:
        _out(f"* {printable(notice)}")
    return 0


def _entry_json(entry: LibraryEntry) -> dict[str, object]:
    from coach.timeline import build_timeline

    data: dict[str, object] = {"id": entry.id, "origin": entry.origin, "path": entry.path, "ok": entry.ok}
    if entry.routine is not None and entry.ok:
        routine = entry.routine
        total = build_timeline(routine).total
        data.update(
            title=routine.title,
            category=routine.category.value,
            length_seconds=total,
            length=format_duration(total),
            tags=list(routine.tags),
            replaces_builtin=entry.replaces_builtin,
        )
    else:
        data["problems"] = [str(p) for p in entry.problems]
    return data


def _print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    safe_rows = [tuple(printable(cell) for cell in row) for row in rows]
    widths = [max(len(str(r[i])) for r in [header, *safe_rows]) for i in range(len(header))]
    for row in [header, *safe_rows]:
        _out("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


def _find_routine(name: str, paths: Paths) -> Routine:
    """A routine by id from the library, or by file path."""
    from coach.library import load_library
    from coach.routines import RoutineError, read_routine_file

    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file():
        try:
            return read_routine_file(candidate)
        except RoutineError as err:
            raise UserError("\n".join(str(p) for p in err.problems)) from None
    library: Library = load_library(paths.routines_dir)
    entry = library.get(name)
    if entry is None:
        known = ", ".join(r.id for r in library.routines)
        raise UserError(f"no routine called '{name}'; known routines: {known}")
    if entry.routine is None or not entry.ok:
        raise UserError("\n".join(str(p) for p in entry.problems))
    return entry.routine


def cmd_show(args: argparse.Namespace, paths: Paths) -> int:
    """``coach show ROUTINE``: the expanded plan as plain text."""
    from coach.plan_text import render_plan
    from coach.timeline import build_timeline

    routine = _find_routine(args.routine, paths)
    timeline = build_timeline(routine)
    for line in render_plan(routine, timeline):
        _out(printable(line))
    return 0


def cmd_validate(args: argparse.Namespace, paths: Paths) -> int:
    """``coach validate [FILE...]``: problems to stderr, exit 1 if any."""
    from coach.routines import RoutineError, read_routine_file

    files: list[Path] = list(args.files)
    if not files:
        folder = paths.routines_dir
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
        except FileNotFoundError:
            files = []
        except OSError as err:  # unreadable, or not a folder: say so, never "no files"
            raise UserError(f"{folder}: cannot read the routine folder: {err.strerror or err}") from None
        if not files:
            _out(f"No routine files in {printable(folder)}; 'coach validate FILE' checks a file anywhere.")
            return 0
    problems = 0
    for path in files:
        try:
            read_routine_file(path)
        except RoutineError as err:
            for problem in err.problems:
                print(printable(problem), file=sys.stderr)
            problems += len(err.problems)
    if problems:
        return 1
    _out(f"{len(files)} routine file{'s' if len(files) != 1 else ''} OK")
    return 0


def cmd_new(args: argparse.Namespace, paths: Paths) -> int:
    """``coach new ID [--from ROUTINE]``: write a routine file to start from."""
    from coach.authoring import AuthoringError, create_routine
    from coach.library import load_library

    library = load_library(paths.routines_dir)
    source = None
    if args.source:
        source = library.get(args.source)
        if source is None:
            raise UserError(f"no routine called '{args.source}' to copy; see 'coach list'")
    try:
        path = create_routine(args.id, library, paths.routines_dir, copy_of=source)
    except AuthoringError as err:
        raise UserError(str(err)) from None
    except OSError as err:
        raise UserError(f"{paths.routines_dir}: cannot write: {err.strerror or err}") from None
    _out(printable(path))
    print(f"Edit it with 'coach edit {args.id}', then check it with 'coach validate'.", file=sys.stderr)
    return 0


def cmd_edit(args: argparse.Namespace, paths: Paths) -> int:
    """``coach edit ROUTINE``: open the file, check it when the editor closes,
    and offer to reopen it at the first problem until it is right."""
    import subprocess

    from coach.authoring import AuthoringError, copy_builtin, existing_user_file, find_editor
    from coach.library import BUILTIN, load_library
    from coach.routines import RoutineError, read_routine_file
    from coach.timeline import build_timeline

    library = load_library(paths.routines_dir)
    entry = library.get(args.routine)
    if entry is None:
        raise UserError(f"no routine called '{args.routine}'; see 'coach list', or make one with 'coach new {args.routine}'")
    try:
        editor = find_editor()
        if entry.origin == BUILTIN and existing_user_file(entry.id, paths.routines_dir) is None:
            path = copy_builtin(entry, paths.routines_dir)
            print(f"copied the built-in '{entry.id}' to {printable(path)}; your copy replaces it", file=sys.stderr)
        elif entry.origin == BUILTIN:  # the user's own file for this id has problems
            path = copy_builtin(entry, paths.routines_dir)  # gives that file, copies nothing
        else:
            path = Path(entry.path)
    except AuthoringError as err:
        raise UserError(str(err)) from None
    except OSError as err:
        raise UserError(f"{paths.routines_dir}: cannot write: {err.strerror or err}") from None
    line = None
    while True:
        command = editor.command(path, line)
        try:
            status = subprocess.call(command)
        except OSError as err:
            raise UserError(f"cannot run the editor '{editor.argv[0]}': {err.strerror or err}") from None
        if status != 0:
            raise UserError(f"the editor exited with status {status}; {printable(path)} is as it left it")
        try:
            routine = read_routine_file(path)
        except RoutineError as err:
            for problem in err.problems:
                print(printable(problem), file=sys.stderr)
            line = err.problems[0].line
            if not _ask(f"Open it again at line {line}? [Y/n] "):
                print(f"{printable(path)} still has problems; Coach lists it with them until they are fixed",
                      file=sys.stderr)
                return 1
            continue
        timeline = build_timeline(routine)
        _out(f"{printable(path)}: ok ({printable(routine.title)}, {format_duration(timeline.total)})")
        return 0


def _ask(question: str) -> bool:
    """A yes/no question on the terminal; yes unless the answer starts with n
    (or there is no answer at all: end of input means no)."""
    print(question, end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer:
        print(file=sys.stderr)
        return False
    return not answer.strip().lower().startswith("n")


def cmd_schema(args: argparse.Namespace, paths: Paths) -> int:
    """``coach schema``: JSON Schema of the routine format."""
    from coach.schema import routine_schema

    print(json.dumps(routine_schema(), indent=2))
    return 0
