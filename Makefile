# esp-desktop. `make run` sets up .venv with what the desktop app needs and opens it; `make test` (and lint,
# typecheck) add esp-central and the developer tools (the [server] and [dev] extras) and run the gates.

# The first Python 3.11-3.13 on PATH (or: make PYTHON=/path/to/python3.12 ...).
PYTHON ?= $(firstword $(foreach p,python3.11 python3.12 python3.13 python3,\
            $(shell $(p) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' >/dev/null 2>&1 && echo $(p))))
VENV      := .venv
PY        := $(VENV)/bin/python
PIP       := $(PY) -m pip install --progress-bar on -c constraints.txt
APP_STAMP := $(VENV)/.installed-app
STAMP     := $(VENV)/.installed

.PHONY: run test coverage-report bench lint typecheck dist clean screenshots

$(VENV)/.created:
	@test -x $(PY) || test -n "$(PYTHON)" || { echo "esp-desktop needs Python 3.11, 3.12 or 3.13 and found none: install one, or make PYTHON=..."; exit 1; }
	@test -x $(PY) || { echo "== Creating $(VENV) with $$($(PYTHON) -c 'import sys; print(sys.executable, sys.version.split()[0])')"; \
	                    $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	@touch $@

# The desktop app only (no server, no test tools).
$(APP_STAMP): pyproject.toml constraints.txt | $(VENV)/.created
	@echo "== Installing the desktop app into $(VENV) (the first time takes a minute or two; pip lists each package)"
	$(PIP) -e .
	@touch $@

# Everything the gates need: the app, esp-central (the sync tests run one) and the developer tools.
$(STAMP): pyproject.toml constraints.txt | $(VENV)/.created
	@echo "== Installing the app, esp-central and the developer tools into $(VENV) (pip lists each package)"
	$(PIP) -e '.[dev]'
	@touch $@ $(APP_STAMP)

run: $(APP_STAMP)
	$(VENV)/bin/esp-desktop

# Pure rule modules the suite must run line for line (make test fails otherwise). Add new ones here; a listed
# file that does not exist yet is skipped. `make test FULL_COVERAGE=` runs a subset without the check.
FULL_COVERAGE := core/rules.py core/clock.py core/timefmt.py core/policy.py
comma := ,
empty :=
space := $(empty) $(empty)
FULL_COVERAGE_PATHS := $(patsubst src/%,*/%,$(wildcard $(addprefix src/esp_desktop/,$(FULL_COVERAGE))))
# Coverage data stays out of the repository (tests never write inside it).
export COVERAGE_FILE ?= $(or $(TMPDIR),/tmp)/esp-desktop-$(notdir $(CURDIR)).coverage

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 --cov --cov-report= $(PYTEST_ARGS)
	@echo "== Coverage of src/esp_desktop: $$($(PY) -m coverage report --format=total)% of statements (per file: make coverage-report)"
ifneq ($(strip $(FULL_COVERAGE_PATHS)),)
	@echo "== Pure rule modules must be covered completely:"
	@$(PY) -m coverage report --fail-under=100 --show-missing --include='$(subst $(space),$(comma),$(FULL_COVERAGE_PATHS))'
endif

coverage-report: $(STAMP)
	$(PY) -m coverage report --skip-covered --sort=cover --show-missing

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench tools

typecheck: $(STAMP)
	$(VENV)/bin/mypy src/esp_desktop

# Frozen app for this platform (installers/build.py): dist/esp-desktop/ plus the platform package.
DIST_STAMP := $(VENV)/.dist-installed
$(DIST_STAMP): $(STAMP)
	$(PIP) -e '.[dev,dist]'
	@touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	$(PY) installers/build.py $(DIST_ARGS)

.PHONY: smoke
smoke:
	installers/smoke.sh

clean:
	rm -rf $(VENV) build dist .pytest_cache $(COVERAGE_FILE)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshots.py
