"""Coach: a terminal coach for desk workers with back pain.

The ``coach`` package is the core: plain Python with no Textual or Rich, so
that every rule about time, reps, breaks and history can be tested with a
fake clock. The Textual app lives in ``screens``.
"""

__version__ = "0.1.0"
