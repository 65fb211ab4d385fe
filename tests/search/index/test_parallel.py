"""Batches worked on in threads (search.index.parallel): each once, progress on the calling
thread, and an error raised there once every thread has stopped."""

from __future__ import annotations

import threading
import time

import pytest

from search.index.parallel import each_batch

BATCHES = [[n, n + 1] for n in range(0, 20, 2)]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_every_batch_is_worked_on_once_and_progress_counts_them_on_the_calling_thread(jobs):
    seen, threads, progressed = [], set(), []
    lock = threading.Lock()

    def work(batch):
        with lock:
            seen.append(tuple(batch))
            threads.add(threading.get_ident())
        time.sleep(0.01)  # long enough for the other threads to take batches too

    def progress(size):
        progressed.append((size, threading.get_ident()))

    each_batch(work, BATCHES, jobs=jobs, progress=progress)

    assert sorted(seen) == [tuple(batch) for batch in BATCHES]
    assert len(threads) == min(jobs, len(BATCHES))
    assert sum(size for size, _ in progressed) == 20
    assert {ident for _, ident in progressed} == {threading.get_ident()}


def test_an_error_stops_the_other_threads_and_is_raised_once_they_have_stopped():
    started, finished = [], []

    def work(batch):
        started.append(batch[0])
        if batch[0] == 2:
            raise RuntimeError("disk full")
        time.sleep(0.05)
        finished.append(batch[0])

    with pytest.raises(RuntimeError, match="disk full"):
        each_batch(work, BATCHES, jobs=2)

    # The other thread finished the batch it was on, and took no more after the error.
    assert set(finished) <= set(started) - {2}
    assert len(started) < len(BATCHES)
    assert sorted(finished) == sorted(set(started) - {2})
