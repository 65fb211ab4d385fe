"""Fixtures of the reliability tests: a real S3 API server on loopback (moto's server mode) and
media kept in a bucket of it."""

from __future__ import annotations

import subprocess
import sys
import uuid

import boto3
import pytest

from tests.helpers import free_port
from tests.production import production_env, settings_under
from tests.servers import wait_until

REGION = "us-east-1"
KEYS = {"AWS_ACCESS_KEY_ID": "test-access-key", "AWS_SECRET_ACCESS_KEY": "test-secret-key"}


# Session-wide: pytest-django runs the worker tests apart from the others, and starting
# moto_server is the slow part.
@pytest.fixture(scope="session")
def s3_server():
    """`moto_server` on a free loopback port; its endpoint URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    client = s3_client(endpoint)

    def answering() -> bool:
        assert process.poll() is None, "moto_server exited"
        try:
            client.list_buckets()
        except Exception:  # noqa: BLE001 - not listening yet, whatever the error says
            return False
        return True

    try:
        wait_until(answering, timeout=60, message="moto_server did not start")
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
    )


@pytest.fixture(scope="session")
def s3_env(s3_server) -> dict[str, str]:
    """The environment that configures S3 media, with a new bucket in the server."""
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    s3_client(s3_server).create_bucket(Bucket=bucket)
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_S3_REGION_NAME": REGION,
        **KEYS,
    }


@pytest.fixture(scope="session")
def s3_media_storage(s3_env) -> dict:
    """The default storage exactly as config/settings.py makes it from that environment."""
    return settings_under(production_env(**s3_env), "STORAGES")["STORAGES"]["default"]


@pytest.fixture
def bucket(settings, s3_env, s3_media_storage):
    """Media goes to the bucket for this test; returns (client, bucket name)."""
    settings.STORAGES = {**settings.STORAGES, "default": s3_media_storage}
    return s3_client(s3_env["AWS_S3_ENDPOINT_URL"]), s3_env["AWS_STORAGE_BUCKET_NAME"]
