"""The routine folder's watch: one thread, a signature compared, a call only on change."""

from __future__ import annotations

import threading
import time

from coach.folder_watch import FolderWatch


def test_a_change_is_said_once_and_sameness_never() -> None:
    signatures = iter(["a", "a", "a", "b", "b", "b", "b", "c"] + ["c"] * 1000)
    calls: list[float] = []
    third = threading.Event()

    def changed() -> None:
        calls.append(time.monotonic())
        if len(calls) == 2:
            third.set()

    watch = FolderWatch(lambda: next(signatures), changed, 0.005, seen="a")
    watch.start()
    assert third.wait(5)
    time.sleep(0.1)  # many more checks, all "c"
    watch.stop()
    assert len(calls) == 2  # a -> b, b -> c; the same signature again is no change


def test_nothing_is_said_after_stop_and_a_failing_look_is_tried_again() -> None:
    looks = {"n": 0}
    said: list[str] = []
    ready = threading.Event()

    def signature() -> str:
        looks["n"] += 1
        if looks["n"] == 1:
            raise OSError("the folder went away for a moment")
        if looks["n"] >= 3:
            ready.set()
        return "same"

    watch = FolderWatch(signature, lambda: said.append("changed"), 0.005, seen="same")
    watch.start()
    assert ready.wait(5)
    watch.stop()
    assert said == []
    stopped_at = looks["n"]
    time.sleep(0.05)
    assert looks["n"] <= stopped_at + 1  # at most the check under way
