"""Settings as one table (coach.config.SETTINGS), and keys of your own."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import fields
from pathlib import Path

from textual.binding import Binding

import screens
from coach.config import SETTINGS, TEMPLATE, Config, load_config
from screens.keys import BINDING_IDS

README = Path(__file__).resolve().parents[2] / "README.md"


def screen_binding_ids() -> set[str]:
    """Every binding id on every class in screens/ (and the app's)."""
    found: set[str] = set()
    for module_info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            for binding in getattr(cls, "BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    found.add(binding.id)
    return found


def test_the_known_ids_are_the_screens_ids() -> None:
    assert BINDING_IDS == screen_binding_ids()


def test_the_readme_lists_every_id() -> None:
    text = README.read_text()
    assert [i for i in sorted(BINDING_IDS) if f"`{i}`" not in text] == []


def test_every_field_of_the_config_is_a_setting() -> None:
    targets = {s.target for s in SETTINGS}
    assert {f.name for f in fields(Config)} - {"sitting"} <= targets
    # and the template has a line for each
    for setting in SETTINGS:
        assert f"{setting.key}:" in TEMPLATE, setting.name


def test_own_keys_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("keys:\n  player.pause: p\n  player.next: 'right, n'\n  home.desk_break: ctrl+b\n"
                    "  pain.choose: 5\n")
    loaded = load_config(path, known_bindings=BINDING_IDS)
    assert loaded.problems == ()
    assert loaded.config.keys == (("player.pause", "p"), ("player.next", "right,n"),
                                  ("home.desk_break", "ctrl+b"), ("pain.choose", "5"))


def test_wrong_keys_are_located_and_ignored(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("keys:\n  player.paus: p\n  player.next: 'ctrl + n'\n  home.start: [a]\n  player.stop: q\n")
    loaded = load_config(path, known_bindings=BINDING_IDS)
    assert loaded.problems == (
        f"{path}:2:3: keys.player.paus: no binding has the id 'player.paus'; did you mean 'player.pause'?; ignored",
        f"{path}:3:16: keys.player.next: expected a key such as p, f5 or ctrl+b (several: 'p,space'); ignored",
        f"{path}:4:15: keys.home.start: expected a key such as p, f5 or ctrl+b (several: 'p,space'); ignored",
    )
    assert loaded.config.keys == (("player.stop", "q"),)  # the right one is kept
    path.write_text("keys: [p]\n")
    assert load_config(path).problems == (
        f"{path}:1:7: keys: expected binding ids with their keys, like {{player.pause: p}}; its default is used",)
