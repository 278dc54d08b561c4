# Two commands a fresh machine needs: `make run` and `make test`. The Dockerfile runs the same steps
# (pip install -r requirements.txt, collectstatic, gunicorn cms.wsgi) as `make install` / `make serve`.
PYTHON_VERSION := $(shell cat .python-version 2>/dev/null || echo 3.13)
# pyenv (or the system) gives python$(PYTHON_VERSION); otherwise the first python3/python that is new
# enough for Django 6.1 (3.12+).
PY ?= $(shell for c in python$(PYTHON_VERSION) python3 python; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$c; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 2

.PHONY: run test install install-dev fonts migrate demo serve worker scheduler lint format check-migrations e2e bench \
	docker-build docker-up clean

$(BIN)/python:
	@test -n "$(PY)" || { echo "make: Python >= 3.12 not found (3.13 recommended, see .python-version; pyenv install $(PYTHON_VERSION))" >&2; exit 1; }
	@echo "make: creating $(VENV) with $(PY) ($$($(PY) --version))"
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The Japanese fonts the PDFs embed (receipts, labels) come from Debian: installed here when we may
# (root with apt-get), otherwise the command to run is printed.
FONT_PACKAGES := fonts-ipaexfont-mincho fonts-ipaexfont-gothic
fonts:
	@missing=""; for p in $(FONT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing$$missing from Debian"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing) >/dev/null; \
	  else echo "make: PDFs need Japanese fonts: sudo apt-get install$$missing" >&2; fi; \
	fi

migrate: install fonts
	$(BIN)/python manage.py migrate --noinput

# load_demo_data prints the admin login. Where it is missing (an old checkout), a demo superuser is made.
demo: migrate
	@if $(BIN)/python manage.py help load_demo_data >/dev/null 2>&1; then \
	  BASE_URL=$${BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py load_demo_data; \
	else \
	  echo "make: load_demo_data not available; creating the demo admin only"; \
	  DJANGO_SUPERUSER_PASSWORD=$${DEMO_ADMIN_PASSWORD:-welgee-demo-admin} \
	    $(BIN)/python manage.py createsuperuser --noinput --username admin --email admin@example.org 2>/dev/null || true; \
	  echo "  Admin: http://$(HOST):$(PORT)/admin/  user: admin  password: $${DEMO_ADMIN_PASSWORD:-welgee-demo-admin}"; \
	fi

## set up, load the demo site and CRM, and serve it on SQLite at http://127.0.0.1:8000
## (with the background worker beside it: imports, Mailchimp pushes and search-index updates run there)
run: demo
	@echo "make: serving http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/); Ctrl-C stops"
	@$(BIN)/python manage.py db_worker --queue-name '*' & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

## background tasks (Wagtail's and ours) from the database queue
worker: migrate
	$(BIN)/python manage.py db_worker --queue-name '*'

## the schedule (crm/schedule.py): enqueues Mailchimp pushes, reconcile, reminders at their times
scheduler: migrate
	$(BIN)/python manage.py crontask --no-heartbeat

## production settings under gunicorn, as the Docker image runs it (needs SECRET_KEY and ALLOWED_HOSTS)
serve: install
	DJANGO_SETTINGS_MODULE=cms.settings.production $(BIN)/python manage.py collectstatic --noinput
	DJANGO_SETTINGS_MODULE=cms.settings.production WEB_CONCURRENCY=$(WEB_CONCURRENCY) \
	  $(BIN)/gunicorn cms.wsgi --bind $(HOST):$(PORT) --access-logfile - --logger-class cms.gunicorn_logging.ScrubbedAccessLogger --max-requests 2000 --max-requests-jitter 200 --timeout 30

## the whole test suite (SQLite unless DATABASE_URL is set), plus lint, the architecture contracts
## (import-linter, pyproject.toml) and migration checks (all four always run, so one lint error does not
## hide the test results; the exit code is pytest's when it failed, else 1 when a check failed)
test: install-dev fonts
	@status=0; \
	echo "$(BIN)/ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "$(BIN)/lint-imports"; $(BIN)/lint-imports --no-cache || status=1; \
	echo "makemigrations --check"; \
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run || status=1; \
	echo "$(BIN)/pytest $(PYTEST_ARGS)"; $(BIN)/pytest $(PYTEST_ARGS) || status=$$?; \
	exit $$status

check-migrations: install-dev
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

## browser tests only (Debian's /usr/bin/chromium; skipped without it)
e2e: install-dev
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## every benchmark, one JSON line each (`make bench BENCH=site_throughput` for one)
bench: install-dev
	$(BIN)/python -m bench $(BENCH)

docker-build:
	docker build --build-arg RELEASE_ID=$$(git rev-parse HEAD 2>/dev/null) -t welgee-site:latest .

docker-up:
	docker compose up --build

clean:
	rm -rf $(VENV) static media media-test db.sqlite3*
