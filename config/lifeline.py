"""Processes that `make run` starts die with it, however it ends.

A Ctrl-C or SIGTERM lets config/devserver.py stop its children itself; SIGKILL gives it no chance,
so on Linux each child asks the kernel for a signal when its parent dies (prctl PR_SET_DEATHSIG).
That request does not survive a fork, which is why the web server's autoreloader child makes it
again (config/webserver.py).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_DEATHSIG = 1  # <linux/prctl.h>
# Loaded here, in the parent: a child between fork and exec should do as little as it can.
LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Have the kernel send this process signum when its parent exits (Linux; elsewhere nothing)."""
    if LIBC is None:
        return
    parent = os.getppid()
    if LIBC.prctl(PR_SET_DEATHSIG, signum, 0, 0, 0) != 0:
        return  # not fatal: the devserver still stops its children on Ctrl-C and SIGTERM
    if os.getppid() != parent:  # the parent died before the request was made
        os.kill(os.getpid(), signum)


def restore_default_signals() -> None:
    # A job started in the background by a shell without job control (`make run &` in a script)
    # inherits SIGINT and SIGQUIT ignored, and Python then never raises KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def child_preexec() -> None:
    """Run in each child between fork and exec: default signal handling, and death with us."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    die_with_parent()
