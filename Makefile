# esp-desktop: two commands set everything up. `make run` and `make test` both bootstrap .venv.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint typecheck dist clean screenshots

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/esp-desktop

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench tools

typecheck: $(STAMP)
	$(VENV)/bin/mypy src/esp_desktop

# Frozen app for this platform (installers/build.py): dist/esp-desktop/ plus the platform package.
DIST_STAMP := $(VENV)/.dist-installed
$(DIST_STAMP): $(STAMP)
	$(PY) -m pip install -q -c constraints.txt -e '.[dev,dist]'
	@touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	$(PY) installers/build.py $(DIST_ARGS)

.PHONY: smoke
smoke:
	installers/smoke.sh

clean:
	rm -rf $(VENV) build dist .pytest_cache

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshots.py
