"""The production profile's settings: deployment checks, start-up refusals, storage selection."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve

from publications.models import Status
from tests.factories import PublicationFactory
from tests.production import manage, production_env, run_python, settings_under
from tests.publications.pages import attach_pdf


def test_deployment_checks_pass_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_turn_debug_off_https_on_and_keep_media_local():
    values = settings_under(
        production_env(),
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "X_FRAME_OPTIONS",
        "STATIC_ROOT",
        "VAR_DIR",
        "STORAGES",
    )
    storages = values.pop("STORAGES")

    assert values == {
        "DEBUG": "False",
        "SECURE_SSL_REDIRECT": "True",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_HSTS_SECONDS": str(365 * 24 * 3600),
        "X_FRAME_OPTIONS": "DENY",
        "STATIC_ROOT": f"{values['VAR_DIR']}/static",
        "VAR_DIR": values["VAR_DIR"],
    }
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_missing_secret_key_stops_start_up_with_a_clear_message():
    result = manage("check", env=production_env(SECRET_KEY=""))

    assert result.returncode != 0
    assert result.stderr.startswith("Configuration error: SECRET_KEY is not set.")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be 1/0 or true/false, not 'maybe'"),
        ("WEB_CONCURRENCY", "lots", "WEB_CONCURRENCY must be a whole number, not 'lots'"),
        ("PORT", "0", "PORT must be at least 1, not 0"),
        ("ADMIN_LOGIN_FAILURE_LIMIT", "0", "ADMIN_LOGIN_FAILURE_LIMIT must be at least 1, not 0"),
        ("DATABASE_URL", "mysql://db/site", "DATABASE_URL must point to PostgreSQL"),
    ],
)
def test_a_bad_setting_stops_start_up_with_a_one_line_message(variable, value, message):
    result = manage("check", env=production_env(**{variable: value}))

    assert result.returncode != 0
    assert result.stderr.startswith(f"Configuration error: {message}")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"AWS_S3_ENDPOINT_URL": "minio:9000"}, "AWS_S3_ENDPOINT_URL must be an http(s):// URL"),
        ({"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"}, "Set both AWS_ACCESS_KEY_ID and"),
    ],
)
def test_an_incomplete_s3_configuration_stops_start_up(extra, message):
    env = production_env(AWS_STORAGE_BUCKET_NAME="media", **extra)

    result = manage("check", env=env)

    assert result.returncode != 0
    assert result.stderr.startswith(f"Configuration error: {message}")


def test_gunicorn_refuses_a_bad_setting_before_booting_workers():
    result = run_python(
        ["-m", "gunicorn", "-c", "python:config.gunicorn", "--check-config"],
        production_env(SECRET_KEY=""),
    )

    assert result.returncode != 0
    assert "Configuration error: SECRET_KEY is not set." in result.stderr
    assert "Booting worker" not in result.stderr


def test_gunicorn_takes_its_bind_and_processes_from_the_environment():
    env = production_env(PORT="8123", WEB_HOST="0.0.0.0", WEB_CONCURRENCY="3")  # noqa: S104
    script = "from config import gunicorn as g; print(g.bind, g.workers, g.worker_class)"

    result = run_python(["-c", script], env)

    assert result.stdout.split() == ["['0.0.0.0:8123']", "3", "gthread"]


def test_a_configured_bucket_puts_media_on_private_s3_storage(tmp_path):
    env = production_env(
        STATIC_ROOT=str(tmp_path),
        AWS_STORAGE_BUCKET_NAME="think-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="example-secret",
    )

    values = settings_under(env, "STORAGES", "STATIC_ROOT")
    default = values["STORAGES"]["default"]

    assert values["STATIC_ROOT"] == str(tmp_path)  # configurable too, like every path
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"] | {"max_memory_size": None} == {
        "bucket_name": "think-media",
        "endpoint_url": "https://s3.example.net",
        "region_name": "eu-west-1",
        "access_key": "AKIAEXAMPLE",
        "secret_key": "example-secret",
        "location": "",
        "default_acl": "private",
        "querystring_auth": False,
        "file_overwrite": False,
        "max_memory_size": None,
    }


@pytest.mark.parametrize("path", ["/media/", "/media/publications/2024/12/report.pdf"])
def test_no_url_serves_the_media_folder(path):
    with pytest.raises(Resolver404):
        resolve(path)


@pytest.mark.django_db
def test_a_draft_pdf_is_not_reachable_at_its_storage_path(client, settings):
    draft = PublicationFactory(slug="unreleased-report", status=Status.DRAFT)
    attach_pdf(draft)

    response = client.get(settings.MEDIA_URL + draft.first_pdf.file.name)

    assert (settings.MEDIA_ROOT / draft.first_pdf.file.name).exists()
    assert response.status_code == 404
