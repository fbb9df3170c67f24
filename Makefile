# The two commands a new machine needs: `make demo` and `make test`.
# Both create the virtual environment from the lock file when it is missing or stale.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
UV     := $(PYTHON) -m uv
DEMO_DIR ?= var/demo

.PHONY: env demo test lint typecheck pytest lock format bench clean

env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet 'uv==0.13.9'
	@test -x $(BIN)/python || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/frontline demo --out $(DEMO_DIR)

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when it collected nothing; that is a failure here like any other non-zero code.
pytest: $(STAMP)
	$(BIN)/pytest -n 2

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock:
	$(UV) pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 --no-header --quiet -o requirements.lock

bench: $(STAMP)
	$(BIN)/python benchmarks/synth.py --persons 100000 1000000 --repeat 3
	$(BIN)/python benchmarks/ids.py --rows 1000000 --repeat 3
	$(BIN)/python benchmarks/names.py --persons 1000000

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
