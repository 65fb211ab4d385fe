"""Run a function in a forked child under a wall-clock limit and an OS memory limit.

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


class ChildFailed(Exception):
    """The child did not return a result; `reason` is one of the extraction reason codes."""

    def __init__(self, reason: str, detail: str, *, retryable: bool = False):
        super().__init__(detail)
        self.reason, self.detail, self.retryable = reason, detail, retryable


@dataclass(frozen=True)
class Limits:
    seconds: float
    memory_bytes: int


def run_limited(function: Callable[..., Any], *args: Any, limits: Limits) -> Any:
    """Return function(*args) computed in a child process, or raise ChildFailed."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child; covered through its effects
        os.close(read_end)
        _child(write_end, function, args, limits)
    os.close(write_end)
    deadline = time.monotonic() + limits.seconds
    try:
        payload = _read_until(read_end, deadline)
    except TimeoutError:
        _kill_group(pid)
        os.waitpid(pid, 0)
        raise ChildFailed("timed-out", f"still running after {limits.seconds:g} s") from None
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


def _read_until(fd: int, deadline: float) -> bytes:
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _child(write_end: int, function: Callable[..., Any], args: tuple, limits: Limits) -> None:
    # The worker's objects are the parent's: left to the child's collector, every collection of
    # the oldest generation walked them all (a tenth of the parser's time) and copied their pages.
    gc.freeze()
    status = 0
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
        data = json.dumps(message).encode()
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
    except BaseException:  # noqa: BLE001
        status = 1
    finally:
        os._exit(status)


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
