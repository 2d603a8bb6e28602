"""The history commands: ``coach stats`` and ``coach export``.

Part of the command line (``coach.cli`` dispatches here).
"""

from __future__ import annotations

import argparse
import sys

from coach.cli import UserError
from coach.paths import Paths
from coach.sanitize import printable


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
