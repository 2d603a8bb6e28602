"""The instance lock: one holder at a time; dropped when the holder dies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from coach.instance import InstanceLock, app_is_running


def test_one_holder_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "data" / "app.lock"
    assert not app_is_running(path)
    first, second = InstanceLock(path), InstanceLock(path)
    assert first.acquire() and first.held
    assert app_is_running(path)
    assert not second.acquire()
    first.release()
    assert not app_is_running(path)
    assert second.acquire()
    second.release()


def test_lock_is_dropped_when_the_process_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "app.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from coach.instance import InstanceLock; import time; "
         f"assert InstanceLock(__import__('pathlib').Path({str(path)!r})).acquire(); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert app_is_running(path)
    finally:
        holder.kill()
        holder.wait()
    assert not app_is_running(path)
