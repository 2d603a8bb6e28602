"""The ``coach`` command line.

Commands that do not open the app never import Textual, so they start fast
and work in any terminal. Every error is one line on stderr and exit status 1;
text that came from routine files is escaped before it is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from typing import TYPE_CHECKING

from coach import __version__
from coach.durations import format_duration
from coach.paths import Paths, resolve_paths
from coach.sanitize import printable

if TYPE_CHECKING:
    from coach.library import Library, LibraryEntry
    from coach.model import Routine

# The routine machinery (YAML, validation, the library) is imported by the
# commands that need it, so 'coach status' and 'coach break' start in a blink.


class UserError(Exception):
    """A mistake the user can fix; printed as one line, exit status 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(1, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-command per contract entry."""
    parser = _Parser(
        prog="coach",
        description="A coach for desk workers with back pain: guided routines, breaks from sitting, progress.",
        epilog="Run 'coach' with no command to open the app. 'coach paths' shows where files live.",
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("run", help="start a routine in the app; back to the shell at the end")
    p.add_argument("routine", metavar="ROUTINE", help="a routine id (see 'coach list')")
    p = sub.add_parser("list", help="list routines: id, title, category, length")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p = sub.add_parser("show", help="print a routine's expanded plan")
    p.add_argument("routine", metavar="ROUTINE", help="a routine id, or the path of a routine file")
    p = sub.add_parser("new", help="write a new routine file in your folder, from a template or a copy")
    p.add_argument("id", metavar="ID", help="the new routine's id, like 'my-physio-plan' (also its file name)")
    p.add_argument("--from", dest="source", metavar="ROUTINE", help="start from a copy of this routine")
    p = sub.add_parser("edit", help="open a routine in $VISUAL/$EDITOR and check it when you close it")
    p.add_argument("routine", metavar="ROUTINE", help="a routine id (a built-in one is copied to your folder first)")
    p = sub.add_parser("validate", help="check routine files (no FILE: all your routines)")
    p.add_argument("files", metavar="FILE", nargs="*", type=Path)
    sub.add_parser("schema", help="print the JSON Schema of the routine format")
    sub.add_parser("status", help="one short line for tmux or a shell prompt: sitting time, next break")
    sub.add_parser("watch", help="the sit timer without the full screen: one line per event, notifications")
    p = sub.add_parser("autostart", help="start 'coach watch' at login (systemd user unit or LaunchAgent)")
    p.add_argument("action", choices=("on", "off", "status"))
    sub.add_parser("doctor", help="what this machine offers: away sources, notifications, speech, owner, paths")
    p = sub.add_parser("break", help="answer the sit timer from any shell")
    p.add_argument("answer", choices=("snooze", "skip", "already"),
                   help="snooze: later; skip: not this one; already: I already took a break")
    p = sub.add_parser("stats", help="progress summary and charts as plain terminal output")
    p.add_argument("--days", type=_days, default=30, metavar="N",
                   help="how many days back, today included (default 30)")
    p = sub.add_parser("export", help="the history as CSV or JSON, to share with your physiotherapist")
    p.add_argument("--format", choices=("csv", "json"), default=None,
                   help="csv (default) or json; a FILE ending in .json means json")
    p.add_argument("--output", metavar="FILE", type=Path, default=None,
                   help="write to FILE (replaced whole, never half-written) instead of the terminal")
    p.add_argument("--days", type=_days, default=None, metavar="N",
                   help="only the last N days, today included (default: everything)")
    sub.add_parser("paths", help="print where config, routines and history live")
    return parser


def _days(text: str) -> int:
    """--days: a whole number of days, 1 to 3660 (ten years)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days") from None
    if not 1 <= value <= 3660:
        raise argparse.ArgumentTypeError(f"{value} is out of range: give 1 to 3660 days")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    for stream in (sys.stdout, sys.stderr):
        # A terminal or pipe that cannot show a character gets '?', not a traceback.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    from coach.cli_timer import cmd_autostart, cmd_break, cmd_doctor, cmd_status, cmd_watch

    parser = build_parser()
    args = parser.parse_args(argv)
    paths = resolve_paths()
    commands = {
        "run": cmd_run,
        "list": cmd_list,
        "show": cmd_show,
        "validate": cmd_validate,
        "new": cmd_new,
        "edit": cmd_edit,
        "schema": cmd_schema,
        "status": cmd_status,
        "watch": cmd_watch,
        "break": cmd_break,
        "autostart": cmd_autostart,
        "doctor": cmd_doctor,
        "stats": cmd_stats,
        "export": cmd_export,
        "paths": cmd_paths,
        None: cmd_home,
    }
    try:
        return commands[args.command](args, paths)
    except UserError as err:
        # One line per problem (a routine file can have several), each sanitized.
        for line in str(err).splitlines() or [""]:
            print(f"coach: {printable(line)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (coach list | head): not an error worth a trace.
        sys.stderr.close()
        return 0


def _out(line: str = "") -> None:
    print(line)


# --- commands -------------------------------------------------------------------


def cmd_home(args: argparse.Namespace, paths: Paths) -> int:
    """``coach``: the full-screen app, home screen."""
    return _run_app(paths, None)


def cmd_run(args: argparse.Namespace, paths: Paths) -> int:
    """``coach run ROUTINE``: the app, straight into the player; back to the shell at the end."""
    from coach.library import load_library

    library = load_library(paths.routines_dir)
    entry = library.get(args.routine)
    if entry is None:
        known = ", ".join(r.id for r in library.routines)
        raise UserError(f"no routine called '{args.routine}'; known routines: {known}")
    if entry.routine is None or not entry.ok:
        raise UserError("\n".join(str(p) for p in entry.problems))
    return _run_app(paths, entry.routine.id, library)


def _run_app(paths: Paths, routine_id: str | None, library: Library | None = None) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError("the app needs a terminal; for plain output try 'coach list' or 'coach show ROUTINE'")
    import gc

    gc.disable()  # until the first frame is drawn; the app turns it back on
    from screens.app import make_app  # the only place the core reaches the app

    app = make_app(paths, start_routine=routine_id, library=library)
    result = app.run()
    _save_history(app.services.store)
    return result if isinstance(result, int) else app.exit_code


def _save_history(history) -> None:  # type: ignore[no-untyped-def]
    """Wait for the history's last writes (a finished session) to land; if
    another program holds the file, say so and keep waiting until ctrl+c."""
    if history is None:
        return

    def say(line: str) -> None:
        try:
            print(f"coach: {line}", file=sys.stderr, flush=True)
        except OSError:
            pass  # the terminal is gone (closed): wait all the same

    def waiting(why: str) -> None:
        say(why)
        say("waiting to save; ctrl+c gives up (an unfinished session is then kept as interrupted)")

    try:
        history.close(waiting=waiting)
    except KeyboardInterrupt:
        say(f"gave up; {history.pending} history write(s) not saved")


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


def _open_history(paths: Paths):  # type: ignore[no-untyped-def]
    """The history store, or None when there is none yet (nothing is created)."""
    from coach.store import StoreError, is_read_only_error, open_reader, open_store

    if not paths.history_file.exists():
        return None
    try:
        store = open_store(paths.history_file)
    except StoreError as err:
        if not is_read_only_error(err):
            raise UserError(str(err)) from None
        try:  # a read-only file or folder: stats and export only read
            return open_reader(paths.history_file)
        except StoreError as again:
            raise UserError(str(again)) from None
    if store.recovered_from is not None:
        print(f"coach: the history could not be read, so it was moved to {printable(store.recovered_from)}"
              " and a new one was started; nothing was deleted", file=sys.stderr)
    return store


def _wants_color() -> bool:
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def cmd_stats(args: argparse.Namespace, paths: Paths) -> int:
    """``coach stats [--days N]``: the progress summary and charts as text."""
    import shutil
    from datetime import datetime

    from coach.stats import build_report, empty_report
    from coach.stats_text import render_stats
    from coach.store import StoreError

    today = datetime.now().astimezone().date()
    store = _open_history(paths)
    try:
        report = empty_report(today, args.days) if store is None else build_report(store, today, args.days)
    except StoreError as err:
        raise UserError(str(err)) from None
    finally:
        if store is not None:
            store.close()
    width = shutil.get_terminal_size((80, 24)).columns if sys.stdout.isatty() else 80
    sys.stdout.write(render_stats(report, width=width, color=_wants_color()))
    return 0


def cmd_export(args: argparse.Namespace, paths: Paths) -> int:
    """``coach export [--format csv|json] [--output FILE] [--days N]``."""
    from datetime import datetime, timedelta

    from coach.export import write_csv, write_json
    from coach.fileio import atomic_stream
    from coach.store import StoreError

    fmt = args.format or ("json" if args.output and args.output.suffix.lower() == ".json" else "csv")
    store = _open_history(paths)
    if store is None:
        raise UserError(f"no history yet ({printable(paths.history_file)}): play a routine first")
    today = datetime.now().astimezone().date()
    first = today - timedelta(days=args.days - 1) if args.days else None
    last = today if args.days else None
    write = write_json if fmt == "json" else write_csv
    try:
        if args.output is None or str(args.output) == "-":
            write(store, sys.stdout, first, last)
        else:
            try:
                with atomic_stream(args.output) as out:
                    count = write(store, out, first, last)
            except OSError as err:
                raise UserError(f"{printable(args.output)}: cannot write: {err.strerror or err}") from None
            print(f"wrote {count} records to {printable(args.output)}", file=sys.stderr)
    except StoreError as err:
        raise UserError(str(err)) from None
    finally:
        store.close()
    return 0


def cmd_paths(args: argparse.Namespace, paths: Paths) -> int:
    """``coach paths``."""
    for name, path in paths.as_rows():
        _out(f"{name:<9} {printable(path)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
