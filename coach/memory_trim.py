"""Give memory the program has freed back to the system.

After a screen closes, Python frees its objects, but the C allocator (glibc's
malloc) keeps the freed pages for later instead of handing them back; with
several threads each keeping pages of its own, and the gaps between what is
still in use, resident memory creeps up over a day of dialogs and charts
although nothing is kept (issue 18's soak). ``malloc_trim(0)`` returns every
free page it can: the top of each heap, and whole free pages in the middle.

It is glibc's; elsewhere (macOS, musl) this does nothing and says so.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, looked up once; None where the C library has none."""
    try:
        function = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    function.argtypes = [ctypes.c_size_t]
    function.restype = ctypes.c_int
    return function


def give_back_freed_memory() -> bool:
    """Return freed pages to the system; False where the C library cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
