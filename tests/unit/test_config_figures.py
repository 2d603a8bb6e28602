"""The ``figures:`` setting: on (moving), still, or off."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.config import TEMPLATE, load_config


@pytest.mark.parametrize(("line", "expected"), [
    ("", "on"), ("figures: on", "on"), ("figures: still", "still"), ("figures: off", "off"),
    ("figures: false", "off"), ("figures: true", "on"),
])
def test_figures_setting(tmp_path: Path, line: str, expected: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(line + "\n")
    loaded = load_config(path)
    assert loaded.problems == () and loaded.config.figures == expected


def test_a_wrong_value_is_located_and_the_default_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("theme: nord\nfigures: moving\n")
    loaded = load_config(path)
    assert loaded.config.figures == "on"
    assert loaded.problems == (f"{path}:2:10: figures: expected on, still or off; its default is used",)


def test_the_template_names_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(TEMPLATE)
    assert "figures: on" in TEMPLATE and load_config(path).config.figures == "on"
