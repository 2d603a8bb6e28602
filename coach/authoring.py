"""Writing routines: ``coach new`` and ``coach edit`` (no Textual here).

A new routine starts from a commented template, or from a copy of an existing
routine, with a first line that points YAML editors at the routine schema
(written beside it, from ``coach schema``), so an editor with the YAML
language server completes and checks fields as you type. Every file Coach
writes here is written whole (atomically) and checked before it is written.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from coach.fileio import atomic_write
from coach.library import BUILTIN, Library, LibraryEntry
from coach.model import Routine
from coach.routines import ID_PATTERN, MAX_ID, Problem, RoutineError, parse_routine
from coach.saferead import read_bounded
from coach.yamlsafe import MAX_BYTES

SCHEMA_FILE = "coach-routine.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema=./{SCHEMA_FILE}"

#: Editors that open a file at a line when given ``+LINE`` before it.
PLUS_LINE_EDITORS = frozenset({
    "vi", "vim", "nvim", "view", "gvim", "nano", "pico", "emacs", "emacsclient", "micro",
    "joe", "jed", "ne", "mg", "kak", "mcedit",
})
#: Tried in order when neither $VISUAL nor $EDITOR is set.
FALLBACK_EDITORS = ("sensible-editor", "editor", "nano", "vim", "vi")

TEMPLATE = """\
{schema_line}
# A Coach routine. Every field is described in the README ("Writing routines")
# and in {schema_file}, beside this file. Check it with: coach validate
format: 1
id: {routine_id}
title: My routine
summary: >-
  What this routine is for, and when it helps. Write it as you would explain
  it to a friend.
# One of: desk-break, rest, stretch, strength, posture, technique, therapy
category: stretch
tags: [gentle]
cautions:
  - Move slowly and gently. A stretch should feel like a gentle pull, not pain.
stop_if:
  - A movement gives you sharp pain, or pain spreads down a leg.
sources:
  - Where this comes from, e.g. "My physiotherapist, November 2026"
steps:
  # info: read it, then press n to go on
  - kind: info
    title: Get ready
    # figure: the picture beside the step, a pose from the README's list (or your own, under poses:);
    # an info step may play up to four in order, e.g. [lower-onto-side, hands-knees, kneel-at-chair, stand]
    figure: lie-knees-bent
    instructions:
      - Lie on your back on a mat or a firm bed, knees bent, feet flat.

  # hold: reps of hold-and-relax; sides: both does the left, then the right
  - kind: hold
    title: Knee to chest
    figure: [lie-knees-bent, knee-to-chest]  # two poses: it moves from the first to the second
    sides: both
    reps: 3
    hold: 20s
    instructions:
      - Bring one knee towards your chest with both hands and hold it there.

  # exercise: reps at a pace, optional sets with a rest between them
  - kind: exercise
    title: Pelvic tilt
    figure: [pelvic-tilt-arch, pelvic-tilt]
    reps: 10
    pace: 3s
    instructions:
      - Flatten the small of your back against the floor, then let go.

  # timer: a fixed time
  - kind: timer
    title: Rest
    figure: lie-knees-bent
    duration: 1m
    instructions:
      - Lie still and breathe slowly.
"""


class AuthoringError(Exception):
    """A one-line reason why a routine could not be created or opened."""


def check_new_id(routine_id: str, library: Library, folder: Path) -> None:
    """Refuse an id that is not a slug, or that a routine or file already has."""
    if not re.fullmatch(ID_PATTERN, routine_id) or len(routine_id) > MAX_ID:
        raise AuthoringError(
            f"'{routine_id}' is not a valid id: use lowercase letters, digits and single"
            f" hyphens (like 'my-physio-plan'), at most {MAX_ID} characters")
    for suffix in (".yaml", ".yml"):
        if (folder / f"{routine_id}{suffix}").exists():
            raise AuthoringError(f"{folder / (routine_id + suffix)} already exists; change it with 'coach edit {routine_id}'")
    entry = library.get(routine_id)
    if entry is not None:
        where = "a built-in routine" if entry.origin == BUILTIN else entry.path
        raise AuthoringError(f"'{routine_id}' is already the id of {where};"
                             f" pick another id, or change it with 'coach edit {routine_id}'")


def source_text(entry: LibraryEntry) -> str:
    """The YAML text of a routine as its file holds it."""
    if entry.origin == BUILTIN:
        name = entry.path.rsplit("/", 1)[-1]
        return resources.files("routines").joinpath(name).read_text(encoding="utf-8")
    return read_bounded(Path(entry.path), MAX_BYTES).decode("utf-8-sig")


def with_schema_line(text: str) -> str:
    """``text`` with the schema comment as its first line (once)."""
    lines = [line for line in text.splitlines() if not line.startswith("# yaml-language-server:")]
    return "\n".join([SCHEMA_LINE, *lines]) + "\n"


def copy_as(text: str, routine_id: str) -> str:
    """A routine's text with its top-level ``id`` changed."""
    new, count = re.subn(r"(?m)^id:[ \t]*.*$", f"id: {routine_id}", text, count=1)
    if count != 1:
        raise AuthoringError("the routine to copy has no top-level 'id:' line")
    return new


def write_schema(folder: Path) -> Path:
    """Write (or refresh) the JSON Schema beside the user's routines."""
    from coach.schema import routine_schema

    path = folder / SCHEMA_FILE
    atomic_write(path, json.dumps(routine_schema(), indent=2) + "\n")
    return path


def create_routine(routine_id: str, library: Library, folder: Path, copy_of: LibraryEntry | None = None) -> Path:
    """Write ``<folder>/<id>.yaml`` from the template or a copy; check it first."""
    check_new_id(routine_id, library, folder)
    if copy_of is None:
        text = TEMPLATE.format(schema_line=SCHEMA_LINE, schema_file=SCHEMA_FILE, routine_id=routine_id)
    else:
        text = with_schema_line(copy_as(source_text(copy_of), routine_id))
    path = folder / f"{routine_id}.yaml"
    try:
        parse_routine(text, str(path), expect_id=routine_id)
    except RoutineError as err:  # a bug in the template, or a broken routine to copy
        raise AuthoringError(f"the new routine would not be valid: {err.problems[0]}") from None
    folder.mkdir(parents=True, exist_ok=True)
    write_schema(folder)
    atomic_write(path, text)
    return path


def existing_user_file(routine_id: str, folder: Path) -> Path | None:
    """The user's own file for this id (even a broken one), if there is one."""
    for suffix in (".yaml", ".yml"):
        path = folder / f"{routine_id}{suffix}"
        if path.is_file():
            return path
    return None


def copy_builtin(entry: LibraryEntry, folder: Path) -> Path:
    """Copy a built-in routine into the user folder (where it replaces the
    built-in); when the user already has a file for this id, that file is
    the one to edit and nothing is copied over it."""
    mine = existing_user_file(entry.id, folder)
    if mine is not None:
        return mine
    path = folder / f"{entry.id}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    write_schema(folder)
    atomic_write(path, with_schema_line(source_text(entry)))
    return path


@dataclass(frozen=True)
class Editor:
    argv: tuple[str, ...]

    @property
    def name(self) -> str:
        return Path(self.argv[0]).name.lower().removesuffix(".exe")

    def command(self, path: Path, line: int | None = None) -> list[str]:
        """The command that opens ``path``, at ``line`` when the editor can.
        The path is absolute, so a file name can never read as an option."""
        path = Path(os.path.abspath(path))
        if line is not None and self.name in PLUS_LINE_EDITORS:
            return [*self.argv, f"+{line}", str(path)]
        if line is not None and self.name in ("code", "codium", "code-insiders"):
            return [*self.argv, "--goto", f"{path}:{line}"]
        return [*self.argv, str(path)]


def find_editor(environ: dict[str, str] | None = None) -> Editor:
    """$VISUAL, then $EDITOR, then a sensible fallback found on PATH."""
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                argv = shlex.split(value, posix=os.name != "nt")
            except ValueError as err:
                raise AuthoringError(f"${name} is not a command I can run ({err}): {value}") from None
            if argv:
                return Editor(tuple(argv))
    fallbacks = ("notepad",) if sys.platform == "win32" else FALLBACK_EDITORS
    for candidate in fallbacks:
        found = shutil.which(candidate)
        if found:
            return Editor((found,))
    raise AuthoringError("no editor found: set $EDITOR (for example: export EDITOR=nano)")


# --- the app's editor screen ---------------------------------------------------


@dataclass(frozen=True)
class EditTarget:
    """What the app's editor works on: the text to start from, and where a save goes.

    A built-in routine is never written: its text is copied, and the save goes
    to ``<user folder>/<id>.yaml``, where it replaces the built-in one.
    """

    routine_id: str  # the file name's stem, which the routine's id must equal
    path: Path  # where ctrl+s writes
    text: str  # the text to start from
    from_builtin: bool

    def check(self, text: str) -> tuple[Routine | None, tuple[Problem, ...]]:
        """The routine ``text`` would give when saved here, or its problems."""
        try:
            return parse_routine(text, str(self.path), expect_id=self.routine_id), ()
        except RoutineError as err:
            return None, err.problems

    def on_disk(self) -> str | None:
        """The file's text now, line endings as they are (None when it does
        not exist or cannot be read)."""
        try:
            return read_bounded(self.path, MAX_BYTES).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None

    def save(self, text: str) -> EditTarget:
        """Write ``text`` whole (atomically); the target to keep editing.

        A symlinked file is written where the link points (the link stays),
        and an existing file keeps its permissions."""
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / SCHEMA_FILE).exists():
            write_schema(folder)  # the first line of a copy points at it
        real = Path(os.path.realpath(self.path))
        try:
            mode = real.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        atomic_write(real, text, mode=mode)
        return EditTarget(self.routine_id, self.path, text, from_builtin=False)


def edit_target(entry: LibraryEntry, folder: Path) -> EditTarget:
    """The editor's target for a routine (valid or broken) from the library."""
    mine = existing_user_file(entry.id, folder) if entry.origin == BUILTIN else None
    if entry.origin == BUILTIN and mine is None:
        return EditTarget(entry.id, folder / f"{entry.id}.yaml", with_schema_line(source_text(entry)), True)
    path = mine or Path(entry.path)
    if path.is_dir() or path.suffix not in (".yaml", ".yml"):
        raise AuthoringError(f"{path} is not a routine file")
    try:
        data = read_bounded(path, MAX_BYTES)
    except OSError as err:
        raise AuthoringError(f"cannot read {path}: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise AuthoringError(f"{path} is not UTF-8 text (byte {err.start + 1});"
                             f" open it with 'coach edit {path.stem}'") from None
    return EditTarget(path.stem, path, text, False)
