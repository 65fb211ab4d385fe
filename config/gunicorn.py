"""gunicorn's configuration for `make serve`: `python -m gunicorn -c python:config.gunicorn
config.wsgi`. Its values come from config/settings.py, where every environment variable is read."""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
try:
    from config import settings
except ImproperlyConfigured as exc:  # one clear line before any worker boots, not a traceback
    sys.exit(f"Configuration error: {exc}")

wsgi_app = "config.wsgi:application"
bind = [f"{settings.WEB_HOST}:{settings.PORT}"]
workers = settings.WEB_CONCURRENCY
# Threads, so a slow client downloading a large PDF holds one thread rather than a process.
worker_class = "gthread"
threads = settings.WEB_THREADS
timeout = settings.WEB_TIMEOUT
graceful_timeout = 30  # seconds a worker gets to finish its requests on SIGTERM or reload
keepalive = 5  # seconds, longer than a load balancer's usual idle probe interval
max_requests = 2000  # a worker is replaced now and then, so a slow leak cannot grow for ever
max_requests_jitter = 200

# Whether a request came over HTTPS is Django's call alone (BEHIND_PROXY, SECURE_PROXY_SSL_HEADER):
# gunicorn must not also believe X-Forwarded-Proto from a local client.
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""

# Access log on stdout with the address the proxy reports (X-Forwarded-For) beside the peer's.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%(h)s forwarded_for="%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
)
# No control socket: several servers (and the tests' own) may run as one user on one machine.
control_socket_disable = True
