# syntax=docker/dockerfile:1
# The WELgee site: gunicorn + whitenoise on Python 3.13 (the version in .python-version).
# Build: `make docker-build` (= docker build -t welgee-site .). Run: `docker compose up` (see docs/deploy.md).

ARG PYTHON_VERSION=3.13

# --- build: compile wheels into a virtualenv that the runtime stage copies whole ---------------------
FROM python:${PYTHON_VERSION}-slim-trixie AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
# The same pinned file `make install` uses.
RUN pip install --upgrade pip && pip install -r /tmp/requirements.txt

# --- runtime: no compilers, non-root, static files collected at build time ---------------------------
FROM python:${PYTHON_VERSION}-slim-trixie AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    PORT=8000 \
    WEB_CONCURRENCY=3
# libpq is inside psycopg[binary]; Pillow ships its own image libraries. Only tzdata, mime types, the
# Japanese TrueType fonts the PDFs embed (crm/documents/fonts.py) and pg_dump/pg_restore for
# `manage.py backup` / `restore`. pg_dump refuses a server newer than itself, so the client's major
# version is named and equals the compose `db` image's (Debian 13 "trixie", pinned above, ships 17).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata media-types fonts-ipaexfont-mincho fonts-ipaexfont-gothic \
    postgresql-client-17 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=app:app . /app
# The dummy key exists only for this one build step; production settings refuse to start without the
# real SECRET_KEY at run time, so it can never be used to serve requests.
RUN SECRET_KEY=collectstatic-only-not-a-secret-$(date +%s) ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/media /app/private-media \
 && chown -R app:app /app/static /app/media /app/private-media
USER app
# Last, so a new commit rebuilds no earlier layer.
# `docker build --build-arg RELEASE_ID=$(git rev-parse HEAD)`: keys the page cache (docs/deploy.md).
ARG RELEASE_ID=""
ENV RELEASE_ID=${RELEASE_ID}
EXPOSE 8000
# /healthz as the load balancer asks it (database and cache; JSON; answered before host checks).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD \
  python -c "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"
# Same command line as `make serve`; WEB_CONCURRENCY sets the worker count.
CMD ["sh", "-c", "exec gunicorn cms.wsgi --bind 0.0.0.0:${PORT} --worker-tmp-dir /dev/shm --access-logfile - --logger-class cms.gunicorn_logging.ScrubbedAccessLogger --max-requests 2000 --max-requests-jitter 200 --timeout 30 --forwarded-allow-ips '*'"]
