"""coach.memory_trim: freed memory goes back to the system (issue 18)."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import coach.memory_trim as memory_trim

ROOT = Path(__file__).resolve().parents[2]


def glibc() -> bool:
    try:
        ctypes.CDLL(None).malloc_trim  # noqa: B018 - the lookup is the question
    except (OSError, AttributeError):
        return False
    return True


@pytest.mark.skipif(not Path("/proc/self/status").exists() or not glibc(), reason="glibc and /proc only")
def test_freed_pages_leave_resident_memory() -> None:
    """In a fresh interpreter: 60 MB of blocks freed around a few kept ones
    (so the heap's top cannot simply shrink) stay resident until the trim."""
    script = textwrap.dedent("""
        from coach.memory_trim import give_back_freed_memory

        def resident_mb():
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024

        blocks = [bytes(2000) + bytes([n % 256]) for n in range(30000)]
        kept = blocks[::50]
        del blocks
        before = resident_mb()
        assert give_back_freed_memory()
        print(before, resident_mb())
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    before, after = map(float, done.stdout.split())
    assert before - after > 30, (before, after)


def test_elsewhere_it_does_nothing_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoTrim:
        def __init__(self, name: object) -> None:
            pass

    memory_trim._malloc_trim.cache_clear()
    monkeypatch.setattr(memory_trim.ctypes, "CDLL", NoTrim)  # a C library without malloc_trim
    try:
        assert memory_trim.give_back_freed_memory() is False
        assert memory_trim.give_back_freed_memory() is False
    finally:
        memory_trim._malloc_trim.cache_clear()  # the real C library again for whoever comes next
