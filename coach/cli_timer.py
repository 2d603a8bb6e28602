"""The sit timer's commands: ``coach status``, ``watch``, ``break``, ``autostart``, ``doctor``.

Part of the command line (``coach.cli`` dispatches here). None imports
Textual, and ``status`` and ``break`` import only the state file's reader, so
they return in a blink for tmux status bars and key bindings.
"""

from __future__ import annotations

import argparse

from coach.cli import UserError, _out
from coach.paths import Paths
from coach.sanitize import printable


def cmd_status(args: argparse.Namespace, paths: Paths) -> int:
    """``coach status``: read the running app's sit-timer state; never slow."""
    from datetime import datetime

    from coach.instance import app_is_running
    from coach.sitstate import read_snapshot, status_line

    running = app_is_running(paths.lock_file)
    snapshot = read_snapshot(paths.state_file) if running else None
    _out(status_line(snapshot, running, datetime.now().astimezone()))
    return 0


def cmd_watch(args: argparse.Namespace, paths: Paths) -> int:
    """``coach watch``: the headless owner of the sit timer (no Textual)."""
    from coach.away import start_away_watcher
    from coach.config import load_config
    from coach.watch import run_watch

    config = load_config(paths.config_file)
    away = start_away_watcher(config.config.sitting, interval=30.0)
    try:
        # No sources at all: nobody can tell they are away (SitClock's default).
        return run_watch(paths, config, presence=away.latest if away is not None else None)
    finally:
        if away is not None:
            away.stop()


def cmd_break(args: argparse.Namespace, paths: Paths) -> int:
    """``coach break snooze|skip|already``: an answer for the owner of the sit timer."""
    from datetime import datetime

    from coach.instance import app_is_running
    from coach.sitanswers import SitAnswer, send_answer
    from coach.sitstate import read_snapshot
    from coach.sitting import Mode

    if not app_is_running(paths.lock_file):
        raise UserError("no sit timer is running; start 'coach watch' or the app")
    snapshot = read_snapshot(paths.state_file)
    due = snapshot is not None and snapshot.mode is Mode.DUE
    if args.answer in ("snooze", "skip") and not due:
        raise UserError(f"no break is due now, so there is nothing to {args.answer} (see 'coach status')")
    if args.answer == "snooze" and snapshot is not None and not snapshot.can_snooze:
        raise UserError("no more snoozes in a row: take the break ('coach break already') or skip it")
    now = datetime.now().astimezone()
    try:
        send_answer(paths.data_dir / "answers", SitAnswer(args.answer, now))
    except OSError as err:
        raise UserError(f"{printable(paths.data_dir)}: cannot send the answer: {err.strerror or err}") from None
    owner = f"the {snapshot.owner}" if snapshot is not None and snapshot.owner else "the sit timer"
    done = {"snooze": "snoozed", "skip": "skipped", "already": "a new sitting bout starts"}[args.answer]
    _out(f"{done} (sent to {owner})")
    return 0


def cmd_autostart(args: argparse.Namespace, paths: Paths) -> int:
    """``coach autostart on|off|status``."""
    from coach.autostart import Autostart, AutostartError

    autostart = Autostart()
    try:
        report = getattr(autostart, args.action)()
    except AutostartError as err:
        raise UserError(str(err)) from None
    except OSError as err:
        raise UserError(f"{printable(autostart.path)}: {err.strerror or err}") from None
    for line in report.lines:
        _out(printable(line))
    return 0


def cmd_doctor(args: argparse.Namespace, paths: Paths) -> int:
    """``coach doctor``: one line per thing this machine offers; always exit 0."""
    from coach.config import load_config
    from coach.doctor import doctor_lines

    for line in doctor_lines(paths, load_config(paths.config_file)):
        _out(printable(line))
    return 0
