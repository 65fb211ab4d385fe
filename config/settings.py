"""Settings, every one read from the environment here and nowhere else (see docs/architecture.md).

With no DATABASE_URL the embedded PostgreSQL and Redis under var/ and development defaults apply.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = embedded.VAR_DIR
ENV = os.environ


def env_bool(name: str, default: bool) -> bool:
    value = ENV.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0 or true/false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = ENV.get(name, "").strip()
    try:
        number = int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = ENV.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


def development_secret_key() -> str:
    """A random key generated once and kept under var/, for the embedded development setup."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# --- Mode ---------------------------------------------------------------------------------------
DATABASE_URL = ENV.get("DATABASE_URL", "").strip()
EMBEDDED = not DATABASE_URL
DEBUG = env_bool("DEBUG", default=EMBEDDED)

SECRET_KEY = ENV.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not EMBEDDED:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DATABASE_URL configured the site runs in production mode "
            "and needs a SECRET_KEY of its own, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = development_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
# Where the web server listens (`make run`, and gunicorn under `make serve`).
PORT = env_int("PORT", 8000, minimum=1)
# Absolute links (emails, feeds, sitemap, citations) come from here, never from a request's Host
# header. Unset, they follow PORT: `make run` passes its port to every process it starts.
SITE_URL = (ENV.get("SITE_URL", "").strip() or f"http://127.0.0.1:{PORT}").rstrip("/")
SITE_NAME = ENV.get("SITE_NAME", "Institute for Policy Research")
SITE_ADDRESS = ENV.get("SITE_ADDRESS", "1 Policy Square, Washington, DC 20001")

# --- Applications -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "csp",
    # The admin's body editor (its static files and checks); the body is sanitised by our own
    # publications.richtext, not by the field this app offers.
    "django_prose_editor",
    "publications",
    "search",
    "newsletter",
]

MIDDLEWARE = [
    # Answers /healthz before host validation and HTTPS redirects: load balancers probe by IP.
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.timezones.BrowserTimeZoneMiddleware",  # needs request.user
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "publications.context_processors.site",
                "newsletter.context_processors.mailing_list",
                "config.devmail.context_processors.dev_mailbox",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": embedded.DATABASE_NAME,
            "USER": embedded.POSTGRES_USER,
            "HOST": str(embedded.postgres_socket_dir()),
        }
    }
else:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...).")
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# An optional read replica of that database that serves search (search/replica.py routes the
# index's reads there). Tests use the test database through it: a mirror, never a copy.
DATABASE_REPLICA_URL = ENV.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL)
    if not DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must point to PostgreSQL (postgres://...)."
        )
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=True,
        TEST={"MIRROR": "default"},
    )
DATABASE_ROUTERS = ["search.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache -------------------------------------------------------------
REDIS_URL = ENV.get("REDIS_URL", "").strip()
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CACHE_LOCATION = REDIS_URL
else:
    # Broker in database 0, cache in database 1: clearing the cache never drops queued tasks.
    CELERY_BROKER_URL = f"redis+socket://{embedded.REDIS_SOCKET}"
    CACHE_LOCATION = f"unix://{embedded.REDIS_SOCKET}?db=1"

# A broker of its own (or another database) when the cache and the queue should not share one.
CELERY_BROKER_URL = ENV.get("CELERY_BROKER_URL", "").strip() or CELERY_BROKER_URL

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_LOCATION,
        "KEY_PREFIX": ENV.get("CACHE_KEY_PREFIX", "thinktank"),
        # A cache outage degrades to uncached pages instead of errors.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless told to reuse it:
# a new PostgreSQL backend per task cost 10 to 20 ms. Reused instead, and closed by age
# (CONN_MAX_AGE) or when broken around each task, as Django does around a request
# (config/celery.py).
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_DEFAULT_QUEUE = "extraction"
CELERY_TASK_ROUTES = {
    "publications.*": {"queue": "extraction"},
    "search.*": {"queue": "extraction"},
    "newsletter.*": {"queue": "email"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest extraction, so Redis does not redeliver a task still running.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "publish-due": {
        "task": "publications.tasks.publish_due_publications",
        "schedule": env_int("PUBLISH_DUE_INTERVAL", 60),
    },
}

# --- Email --------------------------------------------------------------------------------------
EMAIL_HOST = ENV.get("EMAIL_HOST", "").strip()
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = ENV.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = ENV.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # seconds per SMTP operation, so a stuck server frees
# An email service provider through django-anymail instead of SMTP: ANYMAIL_ESP=postmark with
# POSTMARK_SERVER_TOKEN; its bounce and complaint webhook (/anymail/postmark/tracking/) takes
# ANYMAIL_WEBHOOK_SECRET ("user:password", in the webhook URL as basic auth).
ANYMAIL_ESP = ENV.get("ANYMAIL_ESP", "").strip().lower()
if ANYMAIL_ESP:
    ESP_BACKENDS = {"postmark": "anymail.backends.postmark.EmailBackend"}
    if ANYMAIL_ESP not in ESP_BACKENDS:
        raise ImproperlyConfigured(f"ANYMAIL_ESP must be one of {sorted(ESP_BACKENDS)}")
    INSTALLED_APPS.append("anymail")
    EMAIL_BACKEND = ESP_BACKENDS[ANYMAIL_ESP]
    ANYMAIL = {
        "POSTMARK_SERVER_TOKEN": ENV.get("POSTMARK_SERVER_TOKEN", ""),
        "WEBHOOK_SECRET": ENV.get("ANYMAIL_WEBHOOK_SECRET", ""),
    }
    if not ANYMAIL["POSTMARK_SERVER_TOKEN"] or not ANYMAIL["WEBHOOK_SECRET"]:
        raise ImproperlyConfigured(
            "ANYMAIL_ESP=postmark needs POSTMARK_SERVER_TOKEN and ANYMAIL_WEBHOOK_SECRET."
        )
# Development defaults only (embedded servers, DEBUG, no mail server or provider configured):
# mail goes to the local SMTP catcher `make run` starts, kept under var/mail/ and shown at
# /dev/mail/ (config/devmail/), instead of being printed as raw MIME into the worker's log.
DEV_MAIL_DIR = (
    VAR_DIR / "mail" if EMBEDDED and DEBUG and not EMAIL_HOST and not ANYMAIL_ESP else None
)
DEV_MAIL_PORT = env_int("DEV_MAIL_PORT", PORT + 25, minimum=1)  # 8025 beside the default 8000
if DEV_MAIL_DIR:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS = "127.0.0.1", DEV_MAIL_PORT, False
DEFAULT_FROM_EMAIL = ENV.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <updates@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic puts the hashed, compressed copies WhiteNoise serves (`make serve`).
STATIC_ROOT = Path(ENV.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(ENV.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads above this are refused in the admin form and by the importer.
PUBLICATION_PDF_MAX_BYTES = env_int("PUBLICATION_PDF_MAX_BYTES", 200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
# The zone that decides "today" for publication dates, scheduling and feeds; staff see times in
# their browser's zone (config/timezones.py).
TIME_ZONE = ENV.get("TIME_ZONE", "").strip() or "UTC"
USE_I18N = True
USE_TZ = True

# --- Security -----------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# DENY, and frame-ancestors 'none' below: only the inline PDF view lets our own pages frame it
# (publications/views.py).
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many proxies in front append to X-Forwarded-For; the client address is read that many
# entries from the right (core/ratelimit.py), and only when BEHIND_PROXY is on.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the domain and all its subdomains to HTTPS for good: an opt-in.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Production profile: web server, admin login lockout, S3 media (README "Production") ------
# The web server, read by config/gunicorn.py (`make serve`).
WEB_HOST = ENV.get("WEB_HOST", "127.0.0.1")  # 0.0.0.0 in a container; PORT is read above
# Processes, and threads in each: a slow PDF download holds a thread, not a whole process.
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 9), minimum=1)
WEB_THREADS = env_int("WEB_THREADS", 4, minimum=1)
WEB_TIMEOUT = env_int("WEB_TIMEOUT", 60, minimum=1)  # seconds before a stuck worker is restarted

# Admin login lockout (django-axes): after this many failed logins from one client address, that
# address is refused (429) until the cool-off has passed since its last failure. The address is
# the one the rate limits use: X-Forwarded-For only with BEHIND_PROXY, read from the right.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes requires
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("ADMIN_LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# Media on S3-compatible storage when a bucket is configured (django-storages). PDFs and covers
# are served through our views (draft check, Range requests), so objects stay private and no
# signed URLs are made. Without keys, boto3's own chain applies (an instance role, ~/.aws).
AWS_STORAGE_BUCKET_NAME = ENV.get("AWS_STORAGE_BUCKET_NAME", "").strip()
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = ENV.get("AWS_S3_ENDPOINT_URL", "").strip()
    AWS_ACCESS_KEY_ID = ENV.get("AWS_ACCESS_KEY_ID", "").strip()
    AWS_SECRET_ACCESS_KEY = ENV.get("AWS_SECRET_ACCESS_KEY", "").strip()
    if AWS_S3_ENDPOINT_URL and not AWS_S3_ENDPOINT_URL.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"AWS_S3_ENDPOINT_URL must be an http(s):// URL, not {AWS_S3_ENDPOINT_URL!r}"
        )
    if bool(AWS_ACCESS_KEY_ID) != bool(AWS_SECRET_ACCESS_KEY):
        raise ImproperlyConfigured(
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL or None,
            "region_name": ENV.get("AWS_S3_REGION_NAME", "").strip() or None,
            "access_key": AWS_ACCESS_KEY_ID or None,
            "secret_key": AWS_SECRET_ACCESS_KEY or None,
            "location": ENV.get("AWS_LOCATION", "").strip("/ "),  # a key prefix in the bucket
            "default_acl": "private",
            "querystring_auth": False,
            "file_overwrite": False,
            # A file read whole (the worker's copy) spills to disk past this, not all in memory.
            "max_memory_size": 16 * 1024 * 1024,
        },
    }

# --- Catalogue ----------------------------------------------------------------------------------
PUBLICATIONS_PER_PAGE = env_int("PUBLICATIONS_PER_PAGE", 20)
TOTAL_INDEX_CACHE_SECONDS = env_int("TOTAL_INDEX_CACHE_SECONDS", 300)
# Whole public pages cached for anonymous readers (publications/page_cache.py): every change
# readers would see replaces them at once; this only bounds how long one is kept. On when DEBUG
# is off; 0 turns it off (the default under development, so template edits show at once).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 600, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": ENV.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default configuration gives "django" a console handler of its own; with ours on
        # the root every line it logs (404s, the autoreloader, errors) was written twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # runserver's access log, as Django formats it, once (configuring "django" resets it).
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # django-axes logs four INFO lines per admin login (cleaned up, reset, deleted...): only
        # failures and lockouts, as warnings, are worth a line.
        "axes": {"level": "WARNING"},
    },
}

# --- PDF text extraction ------------------------------------------------------------------------
# Seconds a file may take: the base plus this much a page (EXTRACTION_TIME_LIMIT, the old name of
# the base when it was the whole limit, still sets it).
EXTRACTION_TIME_LIMIT_BASE = env_int(
    "EXTRACTION_TIME_LIMIT_BASE", env_int("EXTRACTION_TIME_LIMIT", 120), minimum=1
)
EXTRACTION_TIME_PER_PAGE = float(ENV.get("EXTRACTION_TIME_PER_PAGE", "").strip() or 0.1)
EXTRACTION_MEMORY_LIMIT = env_int("EXTRACTION_MEMORY_LIMIT", 1024**3)  # bytes per parser
EXTRACTION_MAX_PAGES = env_int("EXTRACTION_MAX_PAGES", 5000)
EXTRACTION_MAX_ATTEMPTS = env_int("EXTRACTION_MAX_ATTEMPTS", 3)
EXTRACTION_LEASE_MARGIN = env_int("EXTRACTION_LEASE_MARGIN", 30)  # seconds past the time limit
EXTRACTION_PENDING_GRACE = env_int("EXTRACTION_PENDING_GRACE", 600)  # before the sweep re-queues
EXTRACTION_SWEEP_INTERVAL = env_int("EXTRACTION_SWEEP_INTERVAL", 60)
CELERY_BEAT_SCHEDULE["extraction-sweep"] = {
    "task": "publications.tasks.sweep_extractions",
    "schedule": EXTRACTION_SWEEP_INTERVAL,
}

# --- Mailing list -------------------------------------------------------------------------------
NEWSLETTER_LIST_ID = ENV.get(
    "NEWSLETTER_LIST_ID", f"updates.{SITE_URL.split('://', 1)[-1].split('/')[0].split(':')[0]}"
)
NEWSLETTER_CONFIRM_MAX_AGE = env_int("NEWSLETTER_CONFIRM_MAX_AGE", 7 * 24 * 3600)  # seconds
# The per-address cap, always on: at most this many confirmation emails per address per 24 h,
# and none sooner than the interval after the last (a double click sends one).
NEWSLETTER_CONFIRMATIONS_PER_DAY = env_int("NEWSLETTER_CONFIRMATIONS_PER_DAY", 3)
NEWSLETTER_CONFIRMATION_INTERVAL = env_int("NEWSLETTER_CONFIRMATION_INTERVAL", 60)  # seconds
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 500)  # emails per SMTP connection
NEWSLETTER_SEND_LEASE = env_int("NEWSLETTER_SEND_LEASE", 300)  # seconds a claimed batch is held
NEWSLETTER_MAX_ATTEMPTS = env_int("NEWSLETTER_MAX_ATTEMPTS", 5)
NEWSLETTER_RETRY_BACKOFF = env_int("NEWSLETTER_RETRY_BACKOFF", 60)  # seconds, doubled each time
# Publications first public longer ago than this are never announced (no blast of old items).
NEWSLETTER_ANNOUNCE_MAX_AGE = env_int("NEWSLETTER_ANNOUNCE_MAX_AGE", 3 * 24 * 3600)
# The periodic run leaves alone a batch still growing (an import in progress) for this long.
NEWSLETTER_ANNOUNCE_SETTLE = env_int("NEWSLETTER_ANNOUNCE_SETTLE", 30)
NEWSLETTER_ANNOUNCE_INTERVAL = env_int("NEWSLETTER_ANNOUNCE_INTERVAL", 60)
NEWSLETTER_SWEEP_INTERVAL = env_int("NEWSLETTER_SWEEP_INTERVAL", 60)
NEWSLETTER_PURGE_INTERVAL = env_int("NEWSLETTER_PURGE_INTERVAL", 3600)
CELERY_BEAT_SCHEDULE.update(
    {
        "newsletter-announce": {
            "task": "newsletter.tasks.announce_new_publications",
            "schedule": NEWSLETTER_ANNOUNCE_INTERVAL,
            "kwargs": {"settle_seconds": NEWSLETTER_ANNOUNCE_SETTLE},
        },
        "newsletter-sweep": {
            "task": "newsletter.tasks.sweep_campaigns",
            "schedule": NEWSLETTER_SWEEP_INTERVAL,
        },
        "newsletter-purge": {
            "task": "newsletter.tasks.purge_pending_subscribers",
            "schedule": NEWSLETTER_PURGE_INTERVAL,
        },
    }
)

# --- Rate limits (core/ratelimit.py) ----------------------------------------------------------
# On when DEBUG is off; off under development defaults unless RATELIMIT_ENABLED says otherwise.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", default=not DEBUG)
SIGNUP_RATE_LIMIT = ENV.get("SIGNUP_RATE_LIMIT", "10/h")
SEARCH_API_RATE_LIMIT = ENV.get("SEARCH_API_RATE_LIMIT", "120/m")  # per client address

# --- Search -------------------------------------------------------------------------------------
# The document count and length totals are exact at every index write; the averages scores are
# computed with move with them whenever they drift more than this fraction (a score then differs
# from one computed with the exact averages by less than that fraction), and exactly at the end
# of an import or rebuild and at each recount, every SEARCH_STATS_INTERVAL seconds.
SEARCH_AVERAGES_TOLERANCE = float(ENV.get("SEARCH_AVERAGES_TOLERANCE", "0.002"))
SEARCH_STATS_INTERVAL = env_int("SEARCH_STATS_INTERVAL", 120)  # seconds between recounts
CELERY_BEAT_SCHEDULE["search-statistics"] = {
    "task": "search.tasks.refresh_statistics",
    "schedule": SEARCH_STATS_INTERVAL,
}
# Seconds between compactions of the ranking blocks: documents changed since the last one are
# scored from the postings table meanwhile, which costs a little per query as they add up.
SEARCH_COMPACT_INTERVAL = env_int("SEARCH_COMPACT_INTERVAL", 60)
CELERY_BEAT_SCHEDULE["search-compaction"] = {
    "task": "search.tasks.compact_blocks",
    "schedule": SEARCH_COMPACT_INTERVAL,
}
