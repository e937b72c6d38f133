# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install setup run test serve bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# PyICU (requirements.txt; look-alike domains, issue 22) builds against the system's ICU:
# pip needs its headers and pkg-config. Installed here when missing and we are root.
.PHONY: icu-headers
icu-headers:
	@pkg-config --exists icu-uc 2>/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config >/dev/null; } \
	  || { echo "PyICU needs ICU's headers: install libicu-dev and pkg-config (Debian/Ubuntu)"; exit 1; }

# Two stamps: what production runs (requirements.txt), and that plus tests and tools
# (requirements-dev.txt), so `make test` after `make run` still installs the extras.
$(VENV)/.installed: requirements.txt | $(BIN)/python icu-headers
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python icu-headers
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

## make install: the runtime only (what make run and make serve need)
install: $(VENV)/.installed

## make setup: a developer's venv: the runtime, tests and tools
setup: $(VENV)/.installed-dev

## make run: set up, migrate, seed demo data when empty, then the site on 127.0.0.1:5000
## and one worker together (dev.py; Ctrl-C stops both)
run: install
	FLASK_DEBUG=1 $(FLASK) db upgrade
	FLASK_DEBUG=1 $(FLASK) demo seed --if-empty
	FLASK_DEBUG=1 $(BIN)/python dev.py --host $(HOST) --port $(PORT)

## make test: set up, then run every test (browser tests skip without Chromium)
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make serve: production mode under gunicorn (needs SECRET_KEY; see README "Running in production").
## Production runs two processes: this web server, and the worker beside it:
##   FLASK_DEBUG=0 .venv/bin/flask --app app worker
serve: install
	FLASK_DEBUG=0 $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## make bench: every bench/*.py in turn (gunicorn on loopback, and nginx with deploy/nginx/lobby.conf;
## wrk when installed, else Python)
BENCH_SCRIPTS = $(sort $(wildcard bench/*.py))
bench: setup
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1; } \
	  || echo "wrk is not installed: using the Python load generator"
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { [ "$$(id -u)" = 0 ] \
	  && command -v apt-get >/dev/null 2>&1 \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null 2>&1; } \
	  || echo "nginx is not installed: bench/nginx.py skips"
	@for script in $(BENCH_SCRIPTS); do \
	  echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
