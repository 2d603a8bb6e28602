"""The user's settings in ``config.yaml``.

A missing file means defaults. In a file with mistakes, every setting
without one is used and each setting with one takes its default, with one
clear message per mistake (``config.yaml:3:7: cues.bell: expected true or
false; its default is used``); a file that is not YAML at all, or not read,
means all defaults. The file is never rewritten while it has a mistake, so
nothing the user wrote is lost (and :func:`save_theme` says why).
Saving the theme edits only the ``theme:`` line, keeping the user's comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import time as dtime
from pathlib import Path

from coach.durations import DurationError, format_duration, parse_duration
from coach.fileio import atomic_write
from coach.routines import ID_PATTERN, unknown_key_message
from coach.saferead import read_bounded
from coach.sitting import SitSettings, WorkHours
from coach.yamlsafe import Node, YamlProblem, load_yaml

SIDE_CHOICES = ("left", "right")
CONFIG_KEYS = ("theme", "cues", "sides", "sitting", "figures")
FIGURE_CHOICES = ("on", "still", "off")  # moving figures, still ones, none
SITTING_KEYS = ("limit", "snooze", "max_snoozes", "break_routine", "work_hours", "desktop_notifications",
                "away_after", "away_sources")
AWAY_SOURCE_NAMES = ("tmux", "terminals", "logind", "gnome", "screensaver", "x11", "macos")
WORK_HOURS_KEYS = ("days", "start", "end")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CUES_KEYS = ("bell", "voice", "voice_command")
SIDES_KEYS = ("first",)
#: config.yaml is a page of settings; anything larger is not one.
MAX_CONFIG_BYTES = 64 * 1024
#: What happens to a setting with a mistake, and to a key Coach does not know.
DEFAULT_USED = "; its default is used"
IGNORED = "; ignored"

TEMPLATE = """\
# Coach settings. Delete a line to get its default back.
# theme: textual-dark        # set from the command palette (ctrl+p), saved here
cues:
  bell: true                 # a terminal bell at every phase change
  voice: false               # speak cues with espeak-ng, spd-say or say, if installed
  # voice_command: [espeak-ng, -s, "150"]
sides:
  first: left                # which side goes first in two-sided steps
figures: on                  # pictures of each step: on (moving), still, or off
sitting:
  limit: 30m                 # a break is due after sitting this long
  snooze: 5m
  max_snoozes: 2             # in a row
  break_routine: desk-break
  desktop_notifications: true
  away_after: 5m             # idle this long = away, a natural break (0: idle detection off; a lock always counts)
  # away_sources: [tmux, terminals, logind, gnome, screensaver, x11, macos]   # default: every one found
  # work_hours: {days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:30"}
"""


@dataclass(frozen=True)
class Config:
    """Settings with their defaults."""

    theme: str | None = None
    bell: bool = True
    voice: bool = False
    voice_command: tuple[str, ...] | None = None
    first_side: str = "left"
    sitting: SitSettings = field(default_factory=SitSettings)
    desktop_notifications: bool = True
    figures: str = "on"  # one of FIGURE_CHOICES


@dataclass(frozen=True)
class LoadedConfig:
    """The settings in force and any problems found reading them."""

    config: Config
    problems: tuple[str, ...] = field(default=())
    path: Path | None = None


def load_config(path: Path) -> LoadedConfig:
    """Read ``config.yaml``; never raises for a user mistake."""
    try:
        data = read_bounded(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return LoadedConfig(Config(), (), path)
    except OSError as err:
        return LoadedConfig(Config(), (f"{path}: cannot read the settings: {err.strerror or err}; using defaults",), path)
    try:
        root = load_yaml(data)
    except YamlProblem as problem:
        if problem.message == "the file is empty":
            return LoadedConfig(Config(), (), path)
        return LoadedConfig(Config(), (f"{path}:{problem}; using default settings",), path)
    problems: list[str] = []

    def report(node: Node, name: str, message: str) -> None:
        problems.append(f"{path}:{node.mark.line}:{node.mark.column}: {name}: {message}{DEFAULT_USED}")

    if root.value is None:
        return LoadedConfig(Config(), (), path)
    if not isinstance(root.value, dict):
        problems.append(f"{path}:{root.mark.line}:{root.mark.column}: config: expected keys such as 'cues:'"
                        " and 'theme:'; using default settings")
        return LoadedConfig(Config(), tuple(problems), path)
    values: dict[str, object] = {}

    def section(name: str, keys: tuple[str, ...]) -> dict[str, Node]:
        node = root.value.get(name)
        if node is None or node.value is None:
            return {}
        if not isinstance(node.value, dict):
            report(node, name, f"expected keys ({', '.join(keys)})")
            return {}
        for key, mark in node.key_marks.items():
            if key not in keys:
                problems.append(f"{path}:{mark.line}:{mark.column}: {name}.{key}: {unknown_key_message(key, keys)}{IGNORED}")
        return node.value

    for key, mark in root.key_marks.items():
        if key not in CONFIG_KEYS:
            problems.append(f"{path}:{mark.line}:{mark.column}: {key}: {unknown_key_message(key, CONFIG_KEYS)}{IGNORED}")
    theme = root.value.get("theme")
    if theme is not None and theme.value is not None:
        if isinstance(theme.value, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", theme.value):
            values["theme"] = theme.value
        else:
            report(theme, "theme", "expected a theme name such as textual-dark")
    figures = root.value.get("figures")
    if figures is not None:
        value = figures.value
        if isinstance(value, bool):  # figures: false reads as it is meant
            value = "on" if value else "off"
        if value in FIGURE_CHOICES:
            values["figures"] = value
        else:
            report(figures, "figures", "expected on, still or off")
    cues = section("cues", CUES_KEYS)
    for key in ("bell", "voice"):
        if key in cues:
            if isinstance(cues[key].value, bool):
                values[key] = cues[key].value
            else:
                report(cues[key], f"cues.{key}", "expected true or false")
    if "voice_command" in cues and cues["voice_command"].value is not None:
        command = cues["voice_command"].plain()
        if isinstance(command, str):
            command = command.split()
        if isinstance(command, list) and command and all(isinstance(c, str) and c for c in command):
            values["voice_command"] = tuple(command)
        else:
            report(cues["voice_command"], "cues.voice_command", "expected a command as a list, like [espeak-ng, -s, '150']")
    sides = section("sides", SIDES_KEYS)
    if "first" in sides:
        if sides["first"].value in SIDE_CHOICES:
            values["first_side"] = sides["first"].value
        else:
            report(sides["first"], "sides.first", "expected left or right")
    sitting = section("sitting", SITTING_KEYS)
    sit_values: dict[str, object] = {}
    for key, low, high in (("limit", 1, 8 * 3600), ("snooze", 1, 3600)):
        if key in sitting:
            try:
                seconds = parse_duration(sitting[key].value)
            except DurationError as err:
                report(sitting[key], f"sitting.{key}", str(err))
                continue
            if low <= seconds <= high:
                sit_values[key] = seconds
            else:
                report(sitting[key], f"sitting.{key}", f"expected {format_duration(low)} to {format_duration(high)}")
    if "away_after" in sitting:
        node = sitting["away_after"]
        try:
            seconds = 0 if node.value == 0 else parse_duration(node.value)
        except DurationError as err:
            report(node, "sitting.away_after", str(err))
        else:
            if seconds == 0 or 10 <= seconds <= 4 * 3600:
                sit_values["away_after"] = seconds
            else:
                report(node, "sitting.away_after", "expected 0 (off) or 10s to 4h")
    if "away_sources" in sitting and sitting["away_sources"].value is not None:
        names = sitting["away_sources"].plain()
        if isinstance(names, list) and all(isinstance(n, str) and n in AWAY_SOURCE_NAMES for n in names):
            sit_values["away_sources"] = tuple(names)
        else:
            report(sitting["away_sources"], "sitting.away_sources",
                   f"expected a list of: {', '.join(AWAY_SOURCE_NAMES)}")
    if "max_snoozes" in sitting:
        value = sitting["max_snoozes"].value
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10:
            sit_values["max_snoozes"] = value
        else:
            report(sitting["max_snoozes"], "sitting.max_snoozes", "expected a whole number from 0 to 10")
    if "break_routine" in sitting:
        value = sitting["break_routine"].value
        if isinstance(value, str) and re.fullmatch(ID_PATTERN, value):
            sit_values["break_routine"] = value
        else:
            report(sitting["break_routine"], "sitting.break_routine", "expected a routine id such as desk-break")
    if "desktop_notifications" in sitting:
        if isinstance(sitting["desktop_notifications"].value, bool):
            values["desktop_notifications"] = sitting["desktop_notifications"].value
        else:
            report(sitting["desktop_notifications"], "sitting.desktop_notifications", "expected true or false")
    if "work_hours" in sitting and sitting["work_hours"].value is not None:
        hours = _work_hours(sitting["work_hours"], report, problems, path)
        if hours is not None:
            sit_values["work_hours"] = hours
    if sit_values:
        values["sitting"] = SitSettings(**sit_values)  # type: ignore[arg-type]
    return LoadedConfig(Config(**values), tuple(problems), path)  # type: ignore[arg-type]


def _work_hours(node: Node, report, problems: list[str], path: Path) -> WorkHours | None:  # type: ignore[no-untyped-def]
    if not isinstance(node.value, dict):
        report(node, "sitting.work_hours", "expected days, start and end")
        return None
    for key, mark in node.key_marks.items():
        if key not in WORK_HOURS_KEYS:
            problems.append(f"{path}:{mark.line}:{mark.column}: sitting.work_hours.{key}: {unknown_key_message(key, WORK_HOURS_KEYS)}{IGNORED}")
    fields = node.value
    result = WorkHours()
    ok = True
    if "days" in fields:
        days = fields["days"].plain()
        if isinstance(days, list) and days and all(isinstance(d, str) and d.lower()[:3] in DAY_NAMES for d in days):
            result = replace(result, days=frozenset(DAY_NAMES.index(d.lower()[:3]) for d in days))
        else:
            report(fields["days"], "sitting.work_hours.days", "expected a list of days such as [mon, tue, wed]")
            ok = False
    for key in ("start", "end"):
        if key in fields:
            text = fields[key].value
            match = re.fullmatch(r"(\d{1,2}):(\d{2})", text) if isinstance(text, str) else None
            if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
                result = replace(result, **{key: dtime(int(match.group(1)), int(match.group(2)))})
            else:
                report(fields[key], f"sitting.work_hours.{key}", 'expected a time such as "09:00"')
                ok = False
    if ok and result.start >= result.end:
        report(node, "sitting.work_hours", "start must be before end")
        ok = False
    return result if ok else None


@dataclass(frozen=True)
class ThemeSave:
    """Whether the theme was saved, and if not, why (one line to show)."""

    saved: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.saved


def save_theme(path: Path, theme: str) -> ThemeSave:
    """Remember the theme, editing only the ``theme:`` line.

    A config file with mistakes is left alone (rewriting it could lose what
    the user meant); the result says so, naming the first mistake.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", theme):
        return ThemeSave(False, f"'{theme}' is not a theme name Coach can save")
    loaded = load_config(path)
    if loaded.problems:
        first = loaded.problems[0].split(DEFAULT_USED)[0].split(IGNORED)[0]
        more = f" (and {len(loaded.problems) - 1} more)" if len(loaded.problems) > 1 else ""
        return ThemeSave(False, f"the theme is used now but not saved, because {path.name} has a mistake to fix"
                                f" first: {first}{more}")
    try:
        text = read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8-sig")
    except FileNotFoundError:
        text = TEMPLATE
    except (OSError, UnicodeDecodeError) as err:
        why = getattr(err, "strerror", None) or str(err)
        return ThemeSave(False, f"the theme is used now but not saved: cannot read {path}: {why}")
    line = f"theme: {theme}"
    pattern = re.compile(r"^theme:.*$", re.M)
    if pattern.search(text):
        text = pattern.sub(line, text, count=1)
    else:
        text = text.rstrip("\n") + "\n" + line + "\n" if text.strip() else line + "\n"
    try:
        atomic_write(path, text, mode=0o600)  # settings are personal: private
    except OSError as err:
        return ThemeSave(False, f"the theme is used now but not saved: cannot write {path}: {err.strerror or err}")
    return ThemeSave(True)


def write_default_config(path: Path) -> None:
    """Create a commented config file if there is none."""
    if not path.exists():
        atomic_write(path, TEMPLATE, mode=0o600)
