"""The ``coach`` command line.

Commands that do not open the app never import Textual, so they start fast
and work in any terminal. Every error is one line on stderr and exit status 1;
text that came from routine files is escaped before it is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from typing import TYPE_CHECKING

from coach import __version__
from coach.paths import Paths, resolve_paths
from coach.sanitize import printable

if TYPE_CHECKING:
    from coach.library import Library

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
    sub.add_parser("paths", help="print where config, routines, history, state and the cache live")
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
    from coach.cli_history import cmd_export, cmd_stats
    from coach.cli_routines import cmd_edit, cmd_list, cmd_new, cmd_schema, cmd_show, cmd_validate
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
    from coach.library import load_library_cached

    library = load_library_cached(paths.routines_dir, paths.library_cache)
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


def cmd_paths(args: argparse.Namespace, paths: Paths) -> int:
    """``coach paths``."""
    for name, path in paths.as_rows():
        _out(f"{name:<9} {printable(path)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
