"""Run a function in a forked child under a wall-clock limit and an OS memory limit.

The time allowed grows with the file: a base, plus an allowance per page once the child reports
the page count (report_pages), checked by the parent while the child runs, so a child stuck on
one page is still killed at the deadline for its length.

Forking from the warm worker costs milliseconds (a fresh interpreter costs about 0.1 s) and the
child inherits pypdf already imported. The child gets its own process group, dies with its parent,
and sends its result back as JSON (never pickle: a parser compromised by a hostile file must not be
able to run code in the worker). It leaves with os._exit so it never closes the parent's database
or broker connections.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PR_SET_PDEATHSIG = 1
YOUNG_COLLECTION_EVERY = 5000  # allocations, in the child (gc.set_threshold's first value)


class ChildFailed(Exception):
    """The child did not return a result; `reason` is one of the extraction reason codes."""

    def __init__(self, reason: str, detail: str, *, retryable: bool = False):
        super().__init__(detail)
        self.reason, self.detail, self.retryable = reason, detail, retryable


@dataclass(frozen=True)
class Limits:
    base_seconds: float
    memory_bytes: int
    seconds_per_page: float = 0.0
    max_pages: int = 0  # pages counted towards the time at most (a child's report is not trusted)

    def seconds(self, pages: int | None = None) -> float:
        """The time allowed a file of this many pages; the base alone while the count is unknown."""
        counted = min(pages or 0, self.max_pages)
        return self.base_seconds + self.seconds_per_page * counted

    def timeout_detail(self, pages: int | None) -> str:
        """Which limit a child that ran out of time hit, in words."""
        rule = f"{self.base_seconds:g} s + {self.seconds_per_page:g} s a page"
        if pages is None:
            return f"timeout: {self.seconds():g} s before the page count was known ({rule})"
        return f"timeout: {self.seconds(pages):g} s for {pages:,} pages ({rule})"


# In the child only: where report_pages writes. Each report is a JSON line; the result follows
# last, without a newline.
_reports_fd: int | None = None


def report_pages(count: int) -> None:
    """Tell the parent, from the child, how many pages the file has (its deadline moves)."""
    if _reports_fd is not None:
        _write_all(_reports_fd, json.dumps({"pages": count}).encode() + b"\n")


def run_limited(
    function: Callable[..., Any],
    *args: Any,
    limits: Limits,
    on_pages: Callable[[int], None] | None = None,
) -> Any:
    """Return function(*args) computed in a child process, or raise ChildFailed.

    on_pages(count) is called here, in the parent, when the child reports its page count.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child; covered through its effects
        os.close(read_end)
        _child(write_end, function, args, limits)
    os.close(write_end)
    reader = _ChildReader(read_end, limits, on_pages)
    try:
        payload = reader.read()
    except TimeoutError:
        _kill_group(pid)
        os.waitpid(pid, 0)
        raise ChildFailed("timed-out", limits.timeout_detail(reader.pages)) from None
    except BaseException:  # on_pages failed (the database?): no child is left running
        _kill_group(pid)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    return _result(payload, status)


def _result(payload: bytes, status: int) -> Any:
    if os.WIFSIGNALED(status):
        name = signal.strsignal(os.WTERMSIG(status)) or f"signal {os.WTERMSIG(status)}"
        # Killed from outside (OOM killer, an operator, a crash in C code): worth another try.
        raise ChildFailed("crashed-worker", f"the parser was killed by {name}", retryable=True)
    try:
        message = json.loads(payload)
    except ValueError:
        raise ChildFailed(
            "crashed-worker", "the parser exited without a result", retryable=True
        ) from None
    if message["ok"]:
        return message["value"]
    raise ChildFailed(message["reason"], message["detail"])


class _ChildReader:
    """Reads the child's pipe to its end before the deadline, which moves with page reports."""

    def __init__(self, fd: int, limits: Limits, on_pages: Callable[[int], None] | None):
        self.fd, self.limits, self.on_pages = fd, limits, on_pages
        self.started = time.monotonic()
        self.pages: int | None = None

    def read(self) -> bytes:
        """The result (the bytes after the last report); TimeoutError past the deadline."""
        chunks: list[bytes] = []
        while True:
            remaining = self.started + self.limits.seconds(self.pages) - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                continue  # the loop decides: a report may have moved the deadline meanwhile
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            if b"\n" in chunk:  # reports come before the result, so this join is small
                *reports, rest = b"".join(chunks).split(b"\n")
                chunks = [rest]
                for report in reports:
                    self._take(report)

    def _take(self, report: bytes) -> None:
        try:
            count = json.loads(report)["pages"]
        except (ValueError, TypeError, KeyError):
            return  # not a report: the child is not trusted to speak our protocol
        if isinstance(count, int) and count >= 0:
            self.pages = min(count, self.limits.max_pages)
            if self.on_pages is not None:
                self.on_pages(self.pages)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _child(write_end: int, function: Callable[..., Any], args: tuple, limits: Limits) -> None:
    # The worker's objects are the parent's: left to the child's collector, every collection of
    # the oldest generation walked them all (a tenth of the parser's time) and copied their pages.
    gc.freeze()
    # The parser's garbage is short-lived: the youngest generation collected every 700
    # allocations (the default) cost the parser several times what it does every few thousand,
    # for no lower peak (a child lives for one file).
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
    status = 0
    global _reports_fd
    _reports_fd = write_end
    try:
        os.setsid()  # its own process group, so a kill takes anything it started
        _die_with_parent()
        _limit_memory(limits.memory_bytes)
        message: dict[str, Any] = {"ok": True, "value": function(*args)}
    except MemoryError:
        message = {"ok": False, "reason": "out-of-memory", "detail": "over the memory limit"}
    except RecursionError:
        message = {"ok": False, "reason": "too-complex", "detail": "objects nested too deeply"}
    except ChildFailed as failure:
        message = {"ok": False, "reason": failure.reason, "detail": failure.detail}
    except BaseException as error:  # noqa: BLE001 - whatever the file does, the worker goes on
        message = {"ok": False, "reason": "unreadable", "detail": describe_error(error)}
    try:
        _write_all(write_end, json.dumps(message).encode())
    except BaseException:  # noqa: BLE001
        status = 1
    finally:
        os._exit(status)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def describe_error(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}"[:500] if text else type(error).__name__


def _limit_memory(extra_bytes: int) -> None:
    """Cap the address space at what the child already maps plus the parser's allowance."""
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    limit = mapped + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
