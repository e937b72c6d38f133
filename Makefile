# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup run test serve bench lint clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

## make run: set up, migrate, seed demo data when empty, serve on 127.0.0.1:5000
run: setup
	FLASK_DEBUG=1 $(FLASK) db upgrade
	FLASK_DEBUG=1 $(FLASK) demo seed --if-empty
	FLASK_DEBUG=1 $(FLASK) run --host $(HOST) --port $(PORT)

## make test: set up, then run every test (browser tests skip without Chromium)
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench: load figures (the staff queue with 10,000 requests, against /healthz)
bench: setup
	$(BIN)/python bench/staff_queue.py

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
