"""The hardened YAML loader: YAML 1.2 core scalars, refusals, caps, encodings."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import yamlsafe
from coach.yamlsafe import MAX_BYTES, MAX_DEPTH, MAX_NODES, Mark, YamlProblem, load_yaml

SUITE = Path(__file__).resolve().parents[1] / "data" / "yaml-test-suite"


def plain(text: str | bytes):
    return load_yaml(text if isinstance(text, bytes) else text.encode()).plain()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1:30", "1:30"),  # YAML 1.1 base-60 would give 90
        ("yes", "yes"),
        ("on", "on"),
        ("No", "No"),
        ("true", True),
        ("False", False),
        ("0777", 777),  # YAML 1.1 octal would give 511
        ("0o17", 15),
        ("0x1F", 31),
        ("2001-12-14", "2001-12-14"),  # no timestamps
        ("~", None),
        ("null", None),
        ("", None),
        ("1.5", 1.5),
        ("'1'", "1"),
        ('"true"', "true"),
        ("45s", "45s"),
        ("1234567890123456789012", "1234567890123456789012"),
    ],
)
def test_core_schema_scalars(source: str, expected: object) -> None:
    assert plain(f"a: {source}\n") == {"a": expected}


def test_special_floats() -> None:
    values = plain("a: .inf\nb: -.Inf\nc: .nan\n")
    assert values["a"] == math.inf and values["b"] == -math.inf and math.isnan(values["c"])


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's event parser and with PyYAML's pure-Python one."""
    if request.param == "pure-python":
        monkeypatch.setattr(yamlsafe, "_PARSER", None)
    elif yamlsafe._PARSER is None:
        pytest.skip("PyYAML has no libyaml here")
    return request.param


def test_surrogate_escape_is_refused(parser: str) -> None:
    assert problem('a: "\\ud800"\n').mark.line == 1


def problem(source: str | bytes) -> YamlProblem:
    with pytest.raises(YamlProblem) as info:
        load_yaml(source if isinstance(source, bytes) else source.encode())
    return info.value


@pytest.mark.parametrize(
    ("source", "words", "mark"),
    [
        ("a: &x 1\nb: 2\n", "anchors", Mark(1, 4)),
        ("a: 1\nb: *x\n", "alias", Mark(2, 4)),
        ("a: !!str 1\n", "tags", Mark(1, 4)),
        ("a: !custom 1\n", "tags", Mark(1, 4)),
        ("a: !!python/object:os.system x\n", "tags", Mark(1, 4)),
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'", Mark(3, 1)),
        ("? [a, b]\n: 1\n", "keys must be plain text", Mark(1, 3)),
        ("a: 1\n---\nb: 2\n", "more than one YAML document", Mark(2, 1)),
        ("", "empty", Mark(1, 1)),
        ("a: [1, 2\n", "not valid YAML", Mark(2, 1)),
        ('a: "x\\e[31my"\n', "control character (U+001B)", Mark(1, 4)),
        ('a: "x\\x07"\n', "control character (U+0007)", Mark(1, 4)),
        ('a: "x\\x85y"\n', "control character (U+0085)", Mark(1, 4)),
        ("a: abc\u202edef\n", "bidirectional", Mark(1, 7)),
        ("a: abc\u2066def\n", "bidirectional", Mark(1, 7)),
        ("a: b\x7fc\n", "U+007F", Mark(1, 5)),
        ("# a comment \x1b]52;c;x\x07\na: 1\n", "U+001B", Mark(1, 13)),
    ],
)
def test_refusals_name_the_place(source: str, words: str, mark: Mark, parser: str) -> None:
    err = problem(source)
    assert words in err.message
    assert err.mark == mark


def test_c0_control_in_plain_text_is_refused() -> None:
    err = problem(b"a: b\x1b[31mc\n")
    assert err.mark.line == 1


def test_bom_and_crlf_are_accepted() -> None:
    assert plain(b"\xef\xbb\xbfa: 1\r\nb: two\r\n") == {"a": 1, "b": "two"}


def test_crlf_block_scalar_has_plain_newlines() -> None:
    assert plain(b"a: |\r\n  one\r\n  two\r\n") == {"a": "one\ntwo\n"}


def test_utf16_is_refused_clearly() -> None:
    assert "UTF-16" in problem("a: 1\n".encode("utf-16")).message


def test_invalid_utf8_is_located() -> None:
    err = problem(b"a: 1\nb: caf\xe9\n")
    assert "UTF-8" in err.message
    assert err.mark == Mark(2, 7)


def test_size_cap_applies_before_parsing() -> None:
    data = b"a: " + b"x" * MAX_BYTES + b"\n"
    assert "KiB" in problem(data).message


def test_depth_cap(parser: str) -> None:
    deep = "a:\n" + "".join("  " * i + "- \n" for i in range(1, MAX_DEPTH + 3))
    assert "nested too deeply" in problem(deep).message


def test_node_cap(parser: str) -> None:
    many = "[" + ", ".join("1" for _ in range(MAX_NODES + 10)) + "]\n"
    assert "too many values" in problem(many).message


@pytest.mark.parametrize(
    "bomb",
    [
        # the classic billion laughs: refused at the first anchor
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        "[" * 10_000 + "]" * 10_000,
        "{a: " * 10_000 + "}" * 10_000,
        "".join("  " * i + "-\n" for i in range(10_000)),
        "- " * 10_000 + "x\n",
    ],
    ids=["alias-bomb", "flow-seq-10k", "flow-map-10k", "block-10k", "compact-10k"],
)
def test_bombs_are_refused_quickly(bomb: str, parser: str) -> None:
    started = time.perf_counter()
    problem(bomb)
    # A hang guard (a blow-up takes minutes), not a speed target: bench_validate.py measures that.
    assert time.perf_counter() - started < 5


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_only_raise_our_error(data: bytes) -> None:
    try:
        load_yaml(data)
    except YamlProblem:
        pass


YAMLISH = st.text(alphabet=st.sampled_from(list("ab: -[]{}?&*!|>'\"#%@`,\n\t \\x0e.~") + ["\u202e", "\x1b", "é"]), max_size=300)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=500), YAMLISH))
def test_random_text_only_raises_our_error(text: str) -> None:
    # hypothesis and function-scoped fixtures do not mix: both parsers by hand
    for use_c in (True, False):
        saved = yamlsafe._PARSER
        if not use_c:
            yamlsafe._PARSER = None
        try:
            _load_quietly(text.encode("utf-8", "surrogatepass"))
        finally:
            yamlsafe._PARSER = saved


def _load_quietly(data: bytes) -> None:
    try:
        load_yaml(data)
    except YamlProblem:
        pass


def _suite_cases() -> list[Path]:
    return sorted(SUITE.glob("**/in.yaml"))


def test_yaml_test_suite_is_present() -> None:
    assert len(_suite_cases()) == 402


@pytest.mark.parametrize("case", _suite_cases(), ids=lambda p: str(p.parent.relative_to(SUITE)))
def test_yaml_test_suite_case(case: Path, parser: str) -> None:
    """Each official input loads or is refused with our error; 'error' cases are refused as routines."""
    from coach.routines import RoutineError, parse_routine

    data = case.read_bytes()
    try:
        load_yaml(data)
    except YamlProblem:
        pass
    started = time.perf_counter()
    with pytest.raises(RoutineError) as info:  # none of them is a routine
        parse_routine(data, "in.yaml")
    assert time.perf_counter() - started < 5  # a hang guard; bench_validate.py measures speed
    for found in info.value.problems:
        assert found.line >= 1 and found.column >= 1
