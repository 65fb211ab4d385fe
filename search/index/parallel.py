"""Work on batches in several threads, each with its own database connection: PostgreSQL
tokenises in the connection's server process, so a rebuild's loaders use as many cores as they
have connections, while Python itself only waits on them."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connections

Batch = TypeVar("Batch", bound=Sequence)

_DONE = object()


def each_batch(
    work: Callable[[Batch], None],
    batches: list[Batch],
    *,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Call `work` on every batch, in `jobs` threads (here, with 1), and `progress` with each
    finished batch's size, on the calling thread. The first error stops the others after the
    batch they are on, and is raised here once they have finished."""
    if jobs <= 1:
        for batch in batches:
            work(batch)
            if progress:
                progress(len(batch))
        return
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for batch in batches:
        todo.put(batch)
    done: queue.SimpleQueue = queue.SimpleQueue()
    failed = threading.Event()

    def loader() -> None:
        try:
            while not failed.is_set():
                try:
                    batch = todo.get_nowait()
                except queue.Empty:
                    break
                work(batch)
                done.put(len(batch))
        except BaseException as error:  # noqa: BLE001 (re-raised on the calling thread)
            failed.set()
            done.put(error)
        finally:
            connections.close_all()  # this thread's own connections
            done.put(_DONE)

    threads = [threading.Thread(target=loader, daemon=True) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    errors, running = [], len(threads)
    while running:
        item = done.get()
        if item is _DONE:
            running -= 1
        elif isinstance(item, BaseException):
            errors.append(item)
        elif progress and not failed.is_set():
            progress(item)
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
