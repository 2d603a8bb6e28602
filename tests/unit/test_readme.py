"""The README stays true: its example routine validates, its commands are the CI's."""

from __future__ import annotations

import re
from pathlib import Path

from coach.routines import parse_routine
from coach.timeline import build_timeline

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()


def test_example_routine_in_readme_is_valid() -> None:
    example = next(b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if "id: physio-three" in b)
    routine = parse_routine(example, "physio-three.yaml", expect_id="physio-three")
    assert build_timeline(routine).total == routine.length


def test_settings_example_in_readme_is_valid(tmp_path) -> None:
    from coach.config import load_config

    block = next(b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if b.startswith("theme:"))
    (tmp_path / "config.yaml").write_text(block)
    loaded = load_config(tmp_path / "config.yaml")
    assert not loaded.problems and loaded.config.theme == "textual-dark"


def test_first_lines_are_install_and_start_then_install_and_test() -> None:
    block = re.search(r"```\n(.*?)```", README, re.S).group(1).splitlines()
    assert block[0].endswith(".venv/bin/coach") and "pip install -e ." in block[0]
    assert "'.[test]'" in block[1] and "pytest" in block[1]
    ci = (REPO / ".ci" / "run").read_text()
    assert block[1].split("&& ")[-1] in ci, "CI runs the README's test command"


def test_red_flags_section_is_the_one_definition() -> None:
    """The README's red flags are coach.safety's, word for word."""
    from coach.safety import as_markdown

    section = README.split("<!-- red flags: generated from coach/safety.py -->\n", 1)[1]
    assert section.split("<!-- end of red flags -->", 1)[0] == as_markdown()
