"""The test helpers that start processes leave none behind when a start fails."""

from __future__ import annotations

import os

import pytest
import redis

from tests.servers import CeleryWorker, RedisServer

pytestmark = pytest.mark.integration


def test_a_worker_that_never_gets_ready_is_killed(monkeypatch):
    def never_ready(self, text, timeout=60):
        raise AssertionError("not ready")

    monkeypatch.setattr(CeleryWorker, "wait_for_log", never_ready)
    worker = CeleryWorker(dict(os.environ), name="never-ready")

    with pytest.raises(AssertionError):
        worker.start()

    assert worker.process is not None
    assert worker.process.poll() is not None


def test_a_redis_server_that_never_answers_is_stopped(monkeypatch):
    server = RedisServer()
    monkeypatch.setattr(RedisServer, "client", lambda self: Unreachable())

    with pytest.raises(RuntimeError):
        server.start(timeout=0.5)

    assert server.process is not None
    assert server.process.poll() is not None


class Unreachable:
    def ping(self):
        raise redis.ConnectionError("refused")
