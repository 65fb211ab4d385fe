# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
export PORT
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run serve test test-fast lint format stop services bench seeds clean

install: $(STAMP)

# Reinstall only when the dependency lists change; exact versions come from constraints.txt.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt ".[dev]"
	@rm -rf build *.egg-info
	@touch $(STAMP)

services: $(STAMP)
	@$(PY) -m config.embedded start

run: services
	$(PY) -m config.devserver --port $(PORT)

# Production-style: deployment checks, collectstatic, migrate, then gunicorn (README "Production").
serve: services
	$(PY) -m config.serve

# Tests run on TEST_WORKERS processes (pytest-xdist; each has its own test database and Redis),
# a module's tests on one process, so a corpus a module builds once is built once, largest first;
# the `integration` tests, which start workers, servers and browsers that bind ports and time
# themselves, run after them in one process. TEST_WORKERS=0 runs everything in one process.
# Exit status 5 is "no tests collected", for a PYTEST_ARGS that selects from one part only.
TEST_WORKERS ?= auto
test: services
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope -m "not integration" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PY) -m pytest -m integration $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The same without the tests marked `integration` (those that start a Celery worker or beat,
# gunicorn or runserver, the embedded servers, moto, live_server or a browser); README for its time.
test-fast: services
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope -m "not integration" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

stop:
	@if [ -x $(PY) ]; then $(PY) -m config.embedded stop; fi

# Every benchmark, one combined table and the search-latency chart (README "Benchmarks").
# `make bench BENCH_SIZES=10k` for a smaller search run; BENCH_ARGS=--from-results runs nothing.
BENCH_SIZES ?= 10k,100k,1m
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt ".[dev,bench]"
	@rm -rf build *.egg-info
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) benchmarks/run.py --sizes $(BENCH_SIZES) $(BENCH_ARGS)

seeds: $(STAMP)
	$(PY) seeds/generate.py

clean: stop
	rm -rf $(VENV) var
