# The two commands a user needs: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM_PATH ?= /usr/bin/chromium
NGINX_PATH ?= /usr/sbin/nginx
DOVECOT_PATH ?= /usr/sbin/dovecot
export HOST PORT CHROMIUM_PATH NGINX_PATH DOVECOT_PATH

.PHONY: run serve test install install-test lock migrate demo bench check-deploy clean

# Dependencies are installed from lock files with hashes (`make lock` writes them from pyproject.toml):
# every machine gets the same releases, and a file that is not the one locked is refused.
$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	@touch $@

## Write requirements.lock and requirements-test.lock again from pyproject.toml (newest allowed releases).
lock: install
	$(PY) -m pip install --quiet uv
	$(PY) -m uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 --quiet \
	  --custom-compile-command "make lock" -o requirements.lock
	$(PY) -m uv pip compile pyproject.toml --extra test --universal --generate-hashes --python-version 3.11 --quiet \
	  --custom-compile-command "make lock" -o requirements-test.lock

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py seed_demo

## Start the app with demo data: web (HTTP + WebSocket), Celery worker and beat. Ctrl-C stops all.
run: demo
	$(PY) manage.py runstack --host $(HOST) --port $(PORT)

## The production layout on this host, without containers: nginx in front of gunicorn (HTTP, one
## process per core and more) and daphne (WebSockets), a Celery worker and beat. Needs DATABASE_URL
## (PostgreSQL), REDIS_URL, SECRET_KEY and nginx; see README, "Running in production".
serve: install nginx
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

## Run the tests: SQLite by default; PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set.
test: install-test chromium nginx dovecot
	$(PY) -m pytest $(PYTEST_ARGS)

# Debian packages the tests need: as root they are installed with apt when missing, otherwise the
# message says what to install. $(1) the program's path, $(2) the package, $(3) who needs it.
define debian_package
	@test -x "$(1)" || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's $(2) for $(3)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "No $(2) at $(1), and $(3) need it: install it (apt-get install $(2)) or set its path variable."; \
	    exit 1; \
	  fi; }
endef

# Chromium: the browser tests drive it (CHROMIUM_PATH).
.PHONY: chromium
chromium:
	$(call debian_package,$(CHROMIUM_PATH),chromium,the browser tests)

# nginx: the proxy of the production layout, whose configuration the tests validate and run (NGINX_PATH).
.PHONY: nginx
nginx:
	$(call debian_package,$(NGINX_PATH),nginx,the production-layout tests)

# Dovecot: the IMAP server the mail poller's tests run privately (DOVECOT_PATH).
.PHONY: dovecot
dovecot:
	$(call debian_package,$(DOVECOT_PATH),dovecot-imapd,the IMAP tests)

## Benchmarks on PostgreSQL (DATABASE_URL) with the large data set from `seed_demo --tickets`.
bench: install-test
	$(PY) -m benchmarks

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=helpdesk.example.com $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles
