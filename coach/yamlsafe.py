"""A hardened YAML loader for untrusted routine files.

Routine files are shared between people, so they are treated as hostile input.
PyYAML's pure-Python *parser* is used only to produce events; the tree is built
here, so every rule is applied before any object exists:

- YAML 1.2 core schema for plain scalars: only ``true``/``false`` are booleans,
  no base-60 (``1:30`` stays a string), no ``0777`` octal, no timestamps.
- Anchors, aliases and tags are refused (no alias bombs, no object hooks).
- Duplicate keys are refused; keys must be plain scalars.
- Size, nesting depth and node count are capped while events stream, so a
  hostile file is refused before it is built.
- Control characters and bidi overrides in any text are refused (they could
  reach the terminal or disguise what a line says).
- UTF-8 with or without a BOM, LF or CRLF line endings.

Whatever the bytes, :func:`load_yaml` returns a :class:`Node` tree or raises
:class:`YamlProblem`; nothing else escapes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Any

import yaml
from yaml import events

from coach.sanitize import FORBIDDEN_IN_TEXT

MAX_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_NODES = 20_000


@dataclass(frozen=True)
class Mark:
    """A 1-based position in a file."""

    line: int
    column: int


class YamlProblem(Exception):
    """The file cannot be read as a safe YAML document."""

    def __init__(self, message: str, mark: Mark | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark or Mark(1, 1)

    def __str__(self) -> str:
        return f"{self.mark.line}:{self.mark.column}: {self.message}"


@dataclass
class Node:
    """A YAML value with the position it came from.

    ``value`` is a ``dict[str, Node]`` for a mapping (keys are text), a
    ``list[Node]`` for a sequence, or a ``str``/``int``/``float``/``bool``/
    ``None`` for a scalar. ``key_marks`` holds where each mapping key stands.
    """

    value: Any
    mark: Mark
    key_marks: dict[str, Mark] = field(default_factory=dict)
    quoted: bool = False

    def plain(self) -> Any:
        """The value as plain Python objects, without positions."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


# --- text rules ---------------------------------------------------------------

# C0 controls except tab and newline, DEL, C1 controls, bidi embeddings,
# overrides and isolates, implicit direction marks, line/paragraph separators,
# a stray byte-order mark, and lone surrogates (they cannot be printed).
_FORBIDDEN_TEXT = FORBIDDEN_IN_TEXT


def forbidden_character(text: str) -> str | None:
    """Describe the first character routine text may not contain, or None."""
    match = _FORBIDDEN_TEXT.search(text)
    if match is None:
        return None
    char = match.group()
    code = ord(char)
    if code in (0x61C, 0x200E, 0x200F) or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "a bidirectional-text control"
    elif code in (0x2028, 0x2029):
        kind = "a Unicode line separator"
    elif code == 0xFEFF:
        kind = "a byte-order mark"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate"
    else:
        kind = "a control character"
    return f"text contains {kind} (U+{code:04X}), which is not allowed"


# --- YAML 1.2 core schema -----------------------------------------------------

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
MAX_INT_DIGITS = 18


def resolve_plain(text: str) -> Any:
    """Resolve an unquoted scalar by the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT10.match(text):
        if len(text.lstrip("+-")) > MAX_INT_DIGITS:
            return text  # absurdly long numbers stay text; the validator says so
        return int(text, 10)
    if _INT8.match(text) and len(text) <= MAX_INT_DIGITS:
        return int(text[2:], 8)
    if _INT16.match(text) and len(text) <= MAX_INT_DIGITS:
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


# --- the loader -----------------------------------------------------------------


def _mark(yaml_mark: Any) -> Mark:
    if yaml_mark is None:
        return Mark(1, 1)
    return Mark(yaml_mark.line + 1, yaml_mark.column + 1)


def decode(data: bytes) -> str:
    """Decode UTF-8 (BOM optional) and normalise line endings, or raise."""
    if len(data) > MAX_BYTES:
        raise YamlProblem(
            f"file is {len(data) // 1024} KiB; routine files may be at most {MAX_BYTES // 1024} KiB"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem("file is UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem("file is not valid UTF-8 text; save it as UTF-8", Mark(line, column)) from None
    return text.replace("\r\n", "\n")


def load_yaml(data: bytes | str) -> Node:
    """Parse one YAML document from untrusted bytes into a :class:`Node` tree.

    Raises :class:`YamlProblem` (and nothing else) on any problem.
    """
    text = decode(data) if isinstance(data, bytes) else data
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlProblem(f"file is larger than {MAX_BYTES // 1024} KiB")
    _refuse_forbidden_characters(text)
    try:
        return _build(text)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = err.problem or err.context or "not valid YAML"
        if err.context and err.problem:
            message = f"{err.context}, {err.problem}"
        raise YamlProblem(f"not valid YAML: {message}", _mark(mark)) from None
    except yaml.YAMLError as err:
        raise YamlProblem(f"not valid YAML: {err}") from None
    except RecursionError:
        raise YamlProblem(f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError, MemoryError) as err:
        # PyYAML's parser has a few unguarded corners on malformed input.
        raise YamlProblem(f"not valid YAML ({type(err).__name__})") from None


# libyaml's C *parser* is used for events when present: it is several times
# faster than the pure-Python one. Only its event stream is used; the tree is
# built here, iteratively, so the C loader's recursion (which crashes on deep
# nesting) and its skipping of Python hooks never come into play.
try:
    from yaml._yaml import CParser as _PARSER
except ImportError:  # PyYAML built without libyaml
    _PARSER = None


def _events(text: str) -> Iterator[events.Event]:
    if _PARSER is None:
        yield from yaml.parse(text, Loader=yaml.SafeLoader)
        return
    parser = _PARSER(text)
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return
            yield event
            if isinstance(event, events.StreamEndEvent):
                return
    finally:
        parser.dispose()


def _refuse_forbidden_characters(text: str) -> None:
    """Refuse control or direction characters anywhere, comments included."""
    match = _FORBIDDEN_TEXT.search(text)
    if match is None:
        return
    before = text[: match.start()]
    line = before.count("\n") + 1
    column = match.start() - (before.rfind("\n") + 1) + 1
    raise YamlProblem(forbidden_character(match.group()) or "forbidden character", Mark(line, column))


def _build(text: str) -> Node:
    stack: list[tuple[Node, str | None]] = []  # open containers, with a pending key
    root: Node | None = None
    nodes = 0
    documents = 0

    def attach(node: Node, key_text: str = "") -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent, pending = stack[-1]
        if isinstance(parent.value, list):
            parent.value.append(node)
        elif pending is None:
            # this node is a key
            if isinstance(node.value, (dict, list)):
                raise YamlProblem("mapping keys must be plain text", node.mark)
            key = key_text  # as written: keys are field names, not values
            if key in parent.value or key in parent.key_marks:
                raise YamlProblem(f"duplicate key {key!r}", node.mark)
            parent.key_marks[key] = node.mark
            stack[-1] = (parent, key)
        else:
            parent.value[pending] = node
            stack[-1] = (parent, None)

    for event in _events(text):
        if isinstance(event, (events.StreamStartEvent, events.StreamEndEvent, events.DocumentEndEvent)):
            continue
        if isinstance(event, events.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlProblem(
                    "more than one YAML document; a routine file holds exactly one routine",
                    _mark(event.start_mark),
                )
            continue
        if isinstance(event, events.AliasEvent):
            raise YamlProblem("aliases (*name) are not allowed in routine files", _mark(event.start_mark))
        mark = _mark(event.start_mark)
        if isinstance(event, (events.ScalarEvent, events.CollectionStartEvent)):
            if event.anchor is not None:
                raise YamlProblem("anchors (&name) are not allowed in routine files", mark)
            if event.tag is not None:
                raise YamlProblem(f"tags ({event.tag}) are not allowed in routine files", mark)
            nodes += 1
            if nodes > MAX_NODES:
                raise YamlProblem(f"too many values (more than {MAX_NODES})", mark)
        if isinstance(event, events.ScalarEvent):
            problem = forbidden_character(event.value)
            if problem:
                raise YamlProblem(problem, mark)
            quoted = bool(event.style)
            value = event.value if quoted else resolve_plain(event.value)
            attach(Node(value, mark, quoted=quoted), key_text=event.value)
        elif isinstance(event, (events.SequenceStartEvent, events.MappingStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise YamlProblem(f"nested too deeply (more than {MAX_DEPTH} levels)", mark)
            container = Node([] if isinstance(event, events.SequenceStartEvent) else {}, mark)
            attach(container)
            stack.append((container, None))
        elif isinstance(event, (events.SequenceEndEvent, events.MappingEndEvent)):
            stack.pop()
    if root is None:
        raise YamlProblem("the file is empty")
    return root
