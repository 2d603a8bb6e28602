"""Which bindings lose their key to the person's own keys (coach.keymap)."""

from __future__ import annotations

from coach.keymap import lost_keys

HOME = [("home.start", "enter"), ("home.desk_break", "b"), ("home.progress", "p"), ("home.filter", "slash")]


def test_a_key_taken_from_another_binding_is_lost_there() -> None:
    assert lost_keys(HOME, {"home.progress": "b"}) == [("home.desk_break", "b")]


def test_moving_both_loses_nothing() -> None:
    assert lost_keys(HOME, {"home.progress": "b", "home.desk_break": "ctrl+b"}) == []


def test_a_free_key_loses_nothing_and_a_binding_keeps_a_second_key() -> None:
    assert lost_keys(HOME, {"home.progress": "x"}) == []
    assert lost_keys([("player.next", "n,right")], {"player.pause": "n"}) == []  # right is still there
    assert lost_keys([("player.next", "n,right")], {"player.pause": "n, right"}) == [("player.next", "n,right")]
