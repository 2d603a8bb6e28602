"""Closed screens and dialogs are let go: nothing a closed progress view,
break prompt or routine editor held is still reachable once the app has pruned and Python has
collected (issue 18; the soak benchmark measures the day, this pins the cause)."""

from __future__ import annotations

import gc
import importlib.util
import sys
import time
import weakref
from pathlib import Path

import pytest
from pilot_helpers import SIZE
from textual._tree_sitter import get_language
from textual.document._document import Document
from textual.document._syntax_aware_document import SyntaxAwareDocument
from textual.widget import Widget

from screens.app import RELEASE_AFTER_HOME_SECONDS
from screens.break_prompt import BreakPromptScreen
from screens.editor import EditorScreen
from screens.home import HomeScreen
from screens.progress import ProgressScreen
from screens.widgets.code_area import let_go
from screens.widgets.footer import KeysFooter


def detached_widgets() -> list[str]:
    gc.collect()
    return sorted(type(o).__name__ for o in gc.get_objects() if isinstance(o, Widget) and not o.is_attached)


async def detached_after_a_moment(pilot, seconds: float = 6.0) -> list[str]:
    """The detached widgets still alive once they have had a moment to go.
    Some go a little late, not never: a stopped timer's sleep stays in the
    event loop until its time (the editor's cursor blink, half a second) and
    its context keeps the widget until then."""
    deadline = time.monotonic() + seconds
    while (left := detached_widgets()) and time.monotonic() < deadline:
        await pilot.pause(0.1)
    return left


async def test_a_closed_progress_view_and_prompt_are_not_reachable(coach_home: Path, build, clock) -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.yaml").write_text(
        "sitting:\n  limit: 3s\n  snooze: 4s\n  max_snoozes: 9\n  desktop_notifications: false\n")
    app = build()
    closed: list[weakref.ref] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(3):
            await pilot.press("p")
            await pilot.pause()
            assert isinstance(app.screen, ProgressScreen)
            closed.append(weakref.ref(app.screen))
            await pilot.press("escape")
            await pilot.pause()
            clock.advance(4)  # a prompt, answered "already moved"
            app.sit_poll()
            await pilot.pause()
            assert isinstance(app.screen, BreakPromptScreen)
            closed.append(weakref.ref(app.screen))
            clock.advance(2)  # past the arming time
            await pilot.press("t")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
        app.release_closed_widgets()  # what the app does every RELEASE_SECONDS
        await pilot.pause()
        assert await detached_after_a_moment(pilot) == []
        assert all(ref() is None for ref in closed)


async def test_without_pruning_home_s_footer_keeps_its_old_keys(build, monkeypatch) -> None:
    """The Textual behaviour the pruning works around (issue #6666): if this
    starts failing, Textual fixed it and that part of screens.release can go."""
    monkeypatch.setattr("screens.app.RELEASE_AFTER_HOME_SECONDS", 3600.0)  # no release meanwhile
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        for _ in range(2):  # as when the keys shown change (the player's + and - come and go)
            footer.refresh(recompose=True)
            await pilot.pause()
        assert any(name == "FooterKey" for name in detached_widgets())
        app.release_closed_widgets()
        await pilot.pause()
        assert await detached_after_a_moment(pilot) == []


async def test_closed_screens_are_let_go_soon_after_home_returns(coach_home: Path, build, clock, monkeypatch) -> None:
    """Home coming back releases what Textual still holds, without waiting for
    the interval: the keys of home's rebuilt footers and the headers of closed
    screens do not pile up between two releases (when many prompts are
    answered inside one interval, the allocator would keep that peak)."""
    monkeypatch.setattr("screens.app.RELEASE_SECONDS", 3600.0)  # only home's return can release
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.yaml").write_text(
        "sitting:\n  limit: 3s\n  snooze: 4s\n  max_snoozes: 9\n  desktop_notifications: false\n")
    app = build()
    closed: list[weakref.ref] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        closed.append(weakref.ref(app.screen))
        await pilot.press("escape")
        await pilot.pause()
        clock.advance(4)
        app.sit_poll()
        await pilot.pause()
        assert isinstance(app.screen, BreakPromptScreen)
        closed.append(weakref.ref(app.screen))
        clock.advance(2)  # past the arming time
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert RELEASE_AFTER_HOME_SECONDS <= 1
        assert await detached_after_a_moment(pilot) == []
        assert all(ref() is None for ref in closed)


def syntax_documents() -> list[object]:
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, SyntaxAwareDocument)]


async def test_closed_editors_let_go_of_their_syntax_trees(build) -> None:
    """Each routine editor's YAML documents are freed when it closes (issue 18:
    they were kept with their tree-sitter trees, about a megabyte an opening)."""
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(3):
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, EditorScreen)
            assert syntax_documents()  # the open editor's (YAML, with tree-sitter)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
        await pilot.pause(0.1)  # the closed editor's timers (the cursor's blink) end their tasks
        app.release_closed_widgets()
        await pilot.pause()
        assert await detached_after_a_moment(pilot) == []
        assert syntax_documents() == []


def test_a_syntax_tree_keeps_its_document_until_let_go() -> None:
    """The hold screens.widgets.code_area works around: tree-sitter's Tree keeps
    the document's read callable and the cycle collector cannot see it. If the
    first assertion starts failing, tree-sitter or Textual fixed it."""
    language = get_language("yaml")
    assert language is not None
    document = SyntaxAwareDocument("a: 1\n", language)
    kept = weakref.ref(document)
    del document
    gc.collect()
    assert kept() is not None  # the hold
    assert let_go(kept())
    gc.collect()
    assert kept() is None


def test_a_document_let_go_still_works() -> None:
    """Breaking the cycle parses the text again, so the document stays usable."""
    language = get_language("yaml")
    document = SyntaxAwareDocument("a: 1\nb: 2\n", language)
    let_go(document)
    query = document.prepare_query("(block_mapping_pair key: (_) @key)")
    assert len(document.query_syntax_tree(query)["key"]) == 2
    document.replace_range((2, 0), (2, 0), "c: 3\n")
    assert len(document.query_syntax_tree(query)["key"]) == 3
    assert not let_go(Document("plain text"))


def load_soak_benchmark():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_soak.py"
    spec = importlib.util.spec_from_file_location("bench_soak", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
async def test_the_soak_benchmark_still_drives_the_app(coach_home: Path) -> None:
    """Two rounds of the soak benchmark's day (tests/benchmarks/bench_soak.py)
    run through: each screen it expects comes, and it takes its readings. It
    is not part of the test run, and it broke silently when a test helper
    moved and when a stopped break stopped counting as a break (the prompt
    came back where the script expected home)."""
    bench = load_soak_benchmark()
    soak = await bench.app_day(rounds=2, warm_up=0, every=1, trace=False)
    assert len(soak.samples) == 2
    assert all(sample.rss > 0 and sample.blocks > 0 for sample in soak.samples)


def test_the_app_s_release_gives_freed_pages_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each release (on its interval, and when home comes back) hands the
    pages freed since back to the system (coach.memory_trim)."""
    from textual.app import App

    import coach.memory_trim as memory_trim
    from screens.release import release

    calls: list[int] = []
    monkeypatch.setattr(memory_trim, "give_back_freed_memory", lambda: calls.append(1) or True)
    release(App())
    assert calls == [1]
