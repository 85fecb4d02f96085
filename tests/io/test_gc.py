"""Pausing the cyclic garbage collector around bulk reading."""

from __future__ import annotations

import gc
import threading

import pytest

from raredx.io._gc import gc_paused


def test_paused_and_restored_when_nested_and_on_errors():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer stretch is still running
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()


def test_left_off_when_it_was_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_threads_switch_it_back_on_once_all_are_done():
    inside, release = threading.Event(), threading.Event()

    def other():
        with gc_paused():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=other)
    with gc_paused():
        t.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread's stretch has not ended
    release.set()
    t.join(5)
    assert gc.isenabled()
