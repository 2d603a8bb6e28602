"""Keys of your own against the keys a screen already has (no Textual).

``keys:`` in config.yaml gives a binding other keys. When one of them is a
key another binding of the same screen already has (and that one is not
moved too), the person's key wins and the other binding has no key left
there: Coach says so, once per binding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def lost_keys(bindings: Iterable[tuple[str | None, str]], keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """(binding, key) for each binding of one screen whose keys are all taken
    by the keymap. ``bindings``: (id or action, keys as "a,b") of that screen."""
    taken = {key.strip() for keys in keymap.values() for key in keys.split(",")}
    lost = []
    for name, keys in bindings:
        if name is None or name in keymap:
            continue  # moved by the person: it has the keys they gave it
        own = [key.strip() for key in keys.split(",")]
        if own and all(key in taken for key in own):
            lost.append((name, keys))
    return lost
