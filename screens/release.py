"""Let go of closed widgets that Textual 8.2 still holds.

Two holds, both found with gc referrers after opening and closing screens:

1. Textual keeps a watcher, ``(owner, callback)``, on the *watched* object until
that object's value next changes (Textual issue #6666, open in 8.2). A value
that never changes keeps every owner that ever watched it: each time a
Footer is rebuilt (its keys changed) its old keys stay on the Footer (they
``data_bind`` its ``compact``), and every Header ever mounted stays on the app. Over a day of
break prompts and looks at progress that was about half a megabyte a screen.
   :func:`prune_closed_watchers` drops those entries. It only removes entries
   whose owner has closed, which Textual itself would drop at the next change
   of the value.
2. ``StylesCache.get_inner_outer`` is an instance method under
   ``functools.lru_cache(1024)``, so the cache keeps the last 1024 widgets'
   style caches, with every line they rendered, long after the widgets are
   gone (about 0.6 MB a break prompt until it fills).
   :func:`clear_style_caches` empties it; the entries are two Style objects
   each, made again on the next frame.

:func:`release` does both, then gives the pages freed since back to the
system (:mod:`coach.memory_trim`). The app runs it now and then (``CoachApp``), and
:func:`release_when_home_returns` also runs it shortly after the screen stack
is back to its base screen: the keys of home's rebuilt footer and the header
of the screen that closed go a moment after it closes, instead of piling up
until the interval comes round (when many prompts are answered inside it, the
allocator would keep that peak).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._styles_cache import StylesCache
from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen
from textual.timer import Timer

#: Where Textual keeps an object's watchers (``textual.reactive._watch``).
WATCHERS_ATTRIBUTE = "__watchers"


def _owner_closed(owner: object) -> bool:
    return bool(getattr(owner, "_closing", False) or getattr(owner, "_closed", False))


def prune(observed: object) -> int:
    """Drop the watchers on ``observed`` whose owner has closed; how many went."""
    watchers = getattr(observed, WATCHERS_ATTRIBUTE, None)
    if not watchers:
        return 0
    dropped = 0
    for entries in watchers.values():
        kept = [(owner, callback) for owner, callback in entries if not _owner_closed(owner)]
        dropped += len(entries) - len(kept)
        entries[:] = kept
    return dropped


def live_nodes(app: App) -> Iterable[DOMNode]:
    """The app, every screen on its stack, and everything mounted on them."""
    yield app
    for screen in app.screen_stack:
        yield screen
        yield from screen.walk_children(with_self=False)


def prune_closed_watchers(app: App) -> int:
    """Drop the watchers of closed widgets from every live node; how many went."""
    return sum(prune(node) for node in live_nodes(app))


def clear_style_caches() -> None:
    """Empty the class-wide cache that holds dead widgets' style caches."""
    cached = getattr(StylesCache, "get_inner_outer", None)
    if hasattr(cached, "cache_clear"):
        cached.cache_clear()


def release(app: App) -> int:
    """Both of the above, and the freed pages handed back; how many watchers went."""
    from coach.memory_trim import give_back_freed_memory

    dropped = prune_closed_watchers(app)
    clear_style_caches()
    give_back_freed_memory()
    return dropped


def release_when_home_returns(app: App, delay: float) -> None:
    """Run :func:`release` ``delay`` seconds after the stack is last back to its
    base screen (once, however many screens closed in that time). The delay
    lets the closed screen finish its removal and home rebuild its footer."""
    pending: list[Timer] = []

    def run() -> None:
        pending.clear()
        release(app)

    def changed(screen: Screen) -> None:
        if len(app.screen_stack) != 1:
            return
        for timer in pending:
            timer.stop()
        pending[:] = [app.set_timer(delay, run, name="release closed widgets")]

    app.screen_change_signal.subscribe(app, changed)
