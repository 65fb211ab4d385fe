import gc
import os
import signal
import time

import pytest

from publications.extraction.sandbox import ChildFailed, Limits, run_limited

LIMITS = Limits(seconds=5, memory_bytes=256 * 1024 * 1024)


def _pid_and_group():
    return [os.getpid(), os.getpgrp()]


def test_the_result_comes_back_from_a_child_in_its_own_process_group():
    child_pid, child_group = run_limited(_pid_and_group, limits=LIMITS)

    assert child_pid != os.getpid()
    assert child_group == child_pid


def _collector_state():
    return {"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects())}


def test_the_child_leaves_the_parents_objects_out_of_its_collections():
    parent_frozen = gc.get_freeze_count()

    child = run_limited(_collector_state, limits=LIMITS)

    # Everything the parent had is frozen in the child (so its collector never walks it) and
    # the child tracks only what it made itself; the parent's own collector is untouched.
    assert child["frozen"] >= len(gc.get_objects()) // 2
    assert child["tracked"] < 1_000
    assert gc.get_freeze_count() == parent_frozen


def _sleep(seconds):
    time.sleep(seconds)


def test_a_child_over_the_time_limit_is_killed_and_reported():
    started = time.monotonic()
    with pytest.raises(ChildFailed) as failure:
        run_limited(_sleep, 30, limits=Limits(seconds=0.5, memory_bytes=LIMITS.memory_bytes))

    assert failure.value.reason == "timed-out"
    assert time.monotonic() - started < 5


def _allocate(megabytes):
    return len(bytearray(megabytes * 1024 * 1024))


def test_a_child_over_the_memory_limit_fails_with_out_of_memory():
    with pytest.raises(ChildFailed) as failure:
        run_limited(_allocate, 2048, limits=LIMITS)

    assert failure.value.reason == "out-of-memory"
    assert run_limited(_allocate, 16, limits=LIMITS) == 16 * 1024 * 1024


def _kill_myself():
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_child_killed_from_outside_is_a_retryable_crash():
    with pytest.raises(ChildFailed) as failure:
        run_limited(_kill_myself, limits=LIMITS)

    assert failure.value.reason == "crashed-worker"
    assert failure.value.retryable


def _recurse(depth=0):
    return _recurse(depth + 1)


def test_runaway_recursion_is_too_complex():
    with pytest.raises(ChildFailed) as failure:
        run_limited(_recurse, limits=LIMITS)

    assert failure.value.reason == "too-complex"


def _raise_value_error():
    raise ValueError("bad xref")


def test_any_other_error_is_unreadable_with_its_message():
    with pytest.raises(ChildFailed) as failure:
        run_limited(_raise_value_error, limits=LIMITS)

    assert failure.value.reason == "unreadable"
    assert "bad xref" in failure.value.detail
    assert not failure.value.retryable


def _big_text():
    return "word " * 2_000_000


def test_results_larger_than_a_pipe_buffer_arrive_whole():
    assert len(run_limited(_big_text, limits=LIMITS)) == 10_000_000
