"""Pausing Python's cyclic garbage collector around bulk object creation.

Reading and annotating an exome creates a few hundred thousand small objects (tuples, strings,
frozen dataclasses) and no reference cycles; every 700 allocations the collector would scan the
young objects, and now and then all of them, for cycles that are not there (about 20% of the
reading time). :func:`gc_paused` switches the collector off for such a stretch and back on
afterwards. It nests and is safe across threads (the API server reads VCFs in worker threads):
the collector is switched back on only when the last paused stretch ends, and only if it was on
when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the enclosed block with the cyclic garbage collector off (reference counting still
    frees every object as usual)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
