# Thin aliases. The logic lives in Python (workbook/) and in pytest.
# `make lab` and `make test` each build .venv first if it is missing or if the
# pins in requirements.txt changed since it was built.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements.txt
# nbgrader runs `alembic` from PATH, so the venv's bin/ goes first.
RUN := PATH="$(CURDIR)/$(BIN):$$PATH" PYTHONPATH="$(CURDIR)" $(BIN)/python

.PHONY: venv lab test execute release check reset submit grade bench clean-venv

venv: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	cp requirements.txt $(STAMP)

lab: $(STAMP)
	$(RUN) -m workbook lab $(ARGS)

test: $(STAMP)
	$(RUN) -m pytest $(PYTEST_ARGS)

# Re-run solution notebooks and store their outputs (NB=x8_help.ipynb for one).
# The reference library comes first on the path, then the trusted workbook/.
execute: $(STAMP)
	cd solutions && PATH="$(CURDIR)/$(BIN):$$PATH" PYTHONPATH="$(CURDIR)/solutions:$(CURDIR)" \
		jupyter nbconvert --to notebook --execute --inplace $(or $(NB),x*.ipynb)

release: $(STAMP)
	$(RUN) -m workbook release $(ARGS)

check: $(STAMP)
	$(RUN) -m workbook check $(ARGS)

reset: $(STAMP)
	$(RUN) -m workbook reset $(ARGS)

submit: $(STAMP)
	$(RUN) -m workbook submit $(ARGS)

grade: $(STAMP)
	$(RUN) -m workbook grade $(ARGS)

bench: $(STAMP)
	$(RUN) benchmarks/bench_ops.py
	$(RUN) benchmarks/bench_mlp.py

clean-venv:
	rm -rf $(VENV)
