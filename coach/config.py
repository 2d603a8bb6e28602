"""The user's settings in ``config.yaml``.

A missing file means defaults. In a file with mistakes, every setting
without one is used and each setting with one takes its default, with one
clear message per mistake (``config.yaml:3:7: cues.bell: expected true or
false; its default is used``); a file that is not YAML at all, or not read,
means all defaults. The file is never rewritten while it has a mistake, so
nothing the user wrote is lost (and :func:`save_theme` says why).
Saving the theme edits only the ``theme:`` line, keeping the user's comments.

Every setting is one row of :data:`SETTINGS`: its name in the file, where its
value goes (a field of :class:`Config`, or of its :class:`SitSettings`), its
kind (:mod:`coach.config_values`) and its comment. The keys Coach knows and
the commented template are made from those rows, so a new setting is one row
(and the field that holds it).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coach.config_values import (
    DEFAULT_USED, IGNORED, Boolean, Choice, Command, Duration, Expected, KeyMap, Kind, NameList, Reported, RoutineId,
    ThemeName, WholeNumber, WorkHoursValue,
)
from coach.fileio import atomic_write
from coach.routine_format import unknown_key_message
from coach.saferead import read_bounded
from coach.sitting import SitSettings

if TYPE_CHECKING:
    from coach.yamlsafe import Mark

FIGURE_CHOICES = ("on", "still", "off")  # moving figures, still ones, none
AWAY_SOURCE_NAMES = ("tmux", "terminals", "logind", "gnome", "screensaver", "x11", "macos")
#: config.yaml is a page of settings; anything larger is not one.
MAX_CONFIG_BYTES = 64 * 1024
#: The template's comments start in this column, where the value leaves room.
COMMENT_COLUMN = 29


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
    keys: tuple[tuple[str, str], ...] = ()  # (binding id, keys): the user's own keys


@dataclass(frozen=True)
class Setting:
    """One setting: ``name`` in the file ("cues.bell"), ``target`` the field it
    fills ("bell", or "sitting.limit" for a field of SitSettings)."""

    name: str
    target: str
    kind: Kind
    comment: str = ""
    example: str | None = None  # shown commented out, with this value, instead of the default

    @property
    def section(self) -> str | None:
        return self.name.split(".", 1)[0] if "." in self.name else None

    @property
    def key(self) -> str:
        return self.name.rsplit(".", 1)[-1]


def _settings(known_bindings: Collection[str] = ()) -> tuple[Setting, ...]:
    return (
        Setting("theme", "theme", ThemeName(), "set from the command palette (ctrl+p), saved here",
                example="textual-dark"),
        Setting("cues.bell", "bell", Boolean(), "a terminal bell at every phase change"),
        Setting("cues.voice", "voice", Boolean(), "speak cues with espeak-ng, spd-say or say, if installed"),
        Setting("cues.voice_command", "voice_command", Command(), example='[espeak-ng, -s, "150"]'),
        Setting("sides.first", "first_side", Choice(("left", "right")), "which side goes first in two-sided steps"),
        Setting("figures", "figures", Choice(FIGURE_CHOICES, booleans=("on", "off")),
                "pictures of each step: on (moving), still, or off"),
        Setting("sitting.limit", "sitting.limit", Duration(1, 8 * 3600), "a break is due after sitting this long"),
        Setting("sitting.snooze", "sitting.snooze", Duration(1, 3600)),
        Setting("sitting.max_snoozes", "sitting.max_snoozes", WholeNumber(0, 10), "in a row"),
        Setting("sitting.break_routine", "sitting.break_routine", RoutineId()),
        Setting("sitting.desktop_notifications", "desktop_notifications", Boolean()),
        Setting("sitting.away_after", "sitting.away_after", Duration(10, 4 * 3600, off="off"),
                "idle this long = away, a natural break (0: idle detection off; a lock always counts)"),
        Setting("sitting.away_sources", "sitting.away_sources", NameList(AWAY_SOURCE_NAMES), "default: every one found",
                example="[" + ", ".join(AWAY_SOURCE_NAMES) + "]"),
        Setting("sitting.work_hours", "sitting.work_hours", WorkHoursValue(),
                example='{days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:30"}'),
        Setting("keys", "keys", KeyMap(frozenset(known_bindings)), "your own keys, by binding id (README, Keys)",
                example="{player.pause: p, home.desk_break: ctrl+b}"),
    )


SETTINGS = _settings()


def _sections(settings: tuple[Setting, ...]) -> dict[str | None, tuple[str, ...]]:
    """The keys of each section (None: the top level), in the order of the rows."""
    sections: dict[str | None, list[str]] = {None: []}
    for setting in settings:
        if setting.section is None:
            sections[None].append(setting.key)
        else:
            if setting.section not in sections:
                sections[None].append(setting.section)
                sections[setting.section] = []
            sections[setting.section].append(setting.key)
    return {name: tuple(keys) for name, keys in sections.items()}


#: The keys Coach knows, at the top level and in each section.
CONFIG_KEYS = _sections(SETTINGS)[None]


def _default(target: str) -> object:
    config = Config()
    if target.startswith("sitting."):
        return getattr(config.sitting, target.split(".", 1)[1])
    return getattr(config, target)


def _template(settings: tuple[Setting, ...]) -> str:
    lines = ["# Coach settings. Delete a line to get its default back."]
    opened: set[str] = set()
    for setting in settings:
        indent = ""
        if setting.section is not None:
            indent = "  "
            if setting.section not in opened:
                opened.add(setting.section)
                lines.append(f"{setting.section}:")
        if setting.example is not None:
            line = f"{indent}# {setting.key}: {setting.example}"
        else:
            line = f"{indent}{setting.key}: {setting.kind.show(_default(setting.target))}"
        if setting.comment:
            line = line.ljust(COMMENT_COLUMN - 1) + " " if len(line) < COMMENT_COLUMN - 1 else line + "   "
            line += f"# {setting.comment}"
        lines.append(line)
    return "\n".join(lines) + "\n"


#: What a new config.yaml holds: every setting, at its default or as a commented example.
TEMPLATE = _template(SETTINGS)


@dataclass(frozen=True)
class LoadedConfig:
    """The settings in force and any problems found reading them."""

    config: Config
    problems: tuple[str, ...] = field(default=())
    path: Path | None = None


def load_config_cached(path: Path, cache_file: Path | None, known_bindings: Collection[str] = ()) -> LoadedConfig:
    """:func:`load_config`, or what it gave last time for the same file, the
    same binding ids and the same Coach (:mod:`coach.startup_cache`). Settings
    with a problem are read again each time (the message is said each start)."""
    from coach.startup_cache import cached, file_key

    key = ("config", file_key(path), tuple(sorted(known_bindings)))
    return cached(cache_file, key, lambda: load_config(path, known_bindings), keep=lambda loaded: not loaded.problems)


def load_config(path: Path, known_bindings: Collection[str] = ()) -> LoadedConfig:
    """Read ``config.yaml``; never raises for a user mistake. With
    ``known_bindings`` (the app's binding ids), ``keys:`` names only those."""
    try:
        data = read_bounded(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return LoadedConfig(Config(), (), path)
    except OSError as err:
        return LoadedConfig(Config(), (f"{path}: cannot read the settings: {err.strerror or err}; using defaults",), path)
    from coach.yamlsafe import YamlProblem, load_yaml  # only when there is a file to read

    try:
        root = load_yaml(data)
    except YamlProblem as problem:
        if problem.message == "the file is empty":
            return LoadedConfig(Config(), (), path)
        return LoadedConfig(Config(), (f"{path}:{problem}; using default settings",), path)
    if root.value is None:
        return LoadedConfig(Config(), (), path)
    problems: list[str] = []

    def report(mark: Mark, name: str, message: str, then: str) -> None:
        problems.append(f"{path}:{mark.line}:{mark.column}: {name}: {message}{then}")

    if not isinstance(root.value, dict):
        problems.append(f"{path}:{root.mark.line}:{root.mark.column}: config: expected keys such as 'cues:'"
                        " and 'theme:'; using default settings")
        return LoadedConfig(Config(), tuple(problems), path)
    settings = _settings(known_bindings) if known_bindings else SETTINGS
    sections = _sections(settings)
    nodes = {None: root}
    for name, keys in sections.items():
        node = root if name is None else root.value.get(name)
        if name is not None and (node is None or node.value is None or name not in root.key_marks):
            continue
        if not isinstance(node.value, dict):
            report(node.mark, name or "config", f"expected keys ({', '.join(keys)})", DEFAULT_USED)
            continue
        nodes[name] = node
        for key, mark in node.key_marks.items():
            if key not in keys:
                report(mark, f"{name}.{key}" if name else key, unknown_key_message(key, keys), IGNORED)
    values: dict[str, object] = {}
    sit_values: dict[str, object] = {}
    for setting in settings:
        section = nodes.get(setting.section)
        node = section.value.get(setting.key) if section is not None else None
        if node is None or (node.value is None and setting.example is not None):
            continue  # not given (an optional one left empty: its default)
        try:
            value = setting.kind.read(node, setting.name, report)
        except Expected as expected:
            report(node.mark, setting.name, str(expected), DEFAULT_USED)
            continue
        except Reported:
            continue
        if setting.target.startswith("sitting."):
            sit_values[setting.target.split(".", 1)[1]] = value
        else:
            values[setting.target] = value
    if sit_values:
        values["sitting"] = SitSettings(**sit_values)  # type: ignore[arg-type]
    return LoadedConfig(Config(**values), tuple(problems), path)  # type: ignore[arg-type]


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
    if not re.fullmatch(ThemeName.PATTERN, theme):
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
