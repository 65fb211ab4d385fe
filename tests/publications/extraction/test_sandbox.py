import gc
import os
import signal
import time

import pytest

from publications.extraction.sandbox import ChildFailed, Limits, report_pages, run_limited

LIMITS = Limits(base_seconds=5, memory_bytes=256 * 1024 * 1024)
# Half a second, and a tenth more for each page up to ten.
BY_LENGTH = Limits(
    base_seconds=0.5, seconds_per_page=0.1, max_pages=10, memory_bytes=LIMITS.memory_bytes
)


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
        run_limited(_sleep, 30, limits=BY_LENGTH)

    assert failure.value.reason == "timed-out"
    assert failure.value.detail == (
        "timeout: 0.5 s before the page count was known (0.5 s + 0.1 s a page)"
    )
    assert time.monotonic() - started < 5


def _pages_then_sleep(pages, seconds):
    report_pages(pages)
    time.sleep(seconds)
    return "read"


def test_a_reported_page_count_gives_the_child_the_time_for_its_length():
    seen = []

    # 1 s is past the base but within the 1.5 s allowed for 10 pages.
    result = run_limited(_pages_then_sleep, 10, 1, limits=BY_LENGTH, on_pages=seen.append)

    assert result == "read"
    assert seen == [10]


def test_a_child_stuck_on_a_page_is_killed_at_the_limit_for_its_length():
    started = time.monotonic()
    with pytest.raises(ChildFailed) as failure:
        run_limited(_pages_then_sleep, 5, 30, limits=BY_LENGTH)

    assert failure.value.reason == "timed-out"
    assert failure.value.detail == "timeout: 1 s for 5 pages (0.5 s + 0.1 s a page)"
    assert 0.9 < time.monotonic() - started < 5


def test_a_page_count_past_the_most_allowed_earns_no_more_time():
    seen = []
    started = time.monotonic()
    with pytest.raises(ChildFailed) as failure:
        run_limited(_pages_then_sleep, 10**9, 30, limits=BY_LENGTH, on_pages=seen.append)

    assert failure.value.detail == "timeout: 1.5 s for 10 pages (0.5 s + 0.1 s a page)"
    assert seen == [10]
    assert time.monotonic() - started < 5


def _refuse(pages):
    raise RuntimeError("the database went away")


def _note_pid_then_hang(path):
    path.write_text(str(os.getpid()))
    report_pages(5)
    time.sleep(30)


def test_a_failing_page_callback_leaves_no_child_behind(tmp_path):
    started = time.monotonic()
    with pytest.raises(RuntimeError):
        run_limited(_note_pid_then_hang, tmp_path / "pid", limits=BY_LENGTH, on_pages=_refuse)

    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):  # killed and reaped, not even a zombie
        os.kill(int((tmp_path / "pid").read_text()), 0)


def _report_then_result(size):
    report_pages(3)
    return {"text": "line one\nline two " + "x" * size}


def test_a_result_after_a_report_comes_back_whole():
    # Large enough to come in many reads, with newlines in its text.
    result = run_limited(_report_then_result, 1 << 20, limits=LIMITS)

    assert result == {"text": "line one\nline two " + "x" * (1 << 20)}


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
