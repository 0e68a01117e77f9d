# The Python environment of the workbook, shared by the repository's Makefile
# and the student kit's. Two ways:
#   make lab                         builds .venv here the first time, and again
#                                    whenever requirements.txt changes;
#   make lab VENV=/opt/mytensor-venv uses an existing environment (a class's
#                                    shared one, or the active one: VENV=$$VIRTUAL_ENV
#                                    or VENV=$$CONDA_PREFIX). It is only checked
#                                    against the pins, never written to.

PYTHON ?= python3
# `make lab LANG=zh` (or `make check LANG=zh`) chooses the Chinese edition. LANG is
# also the locale variable of every program the recipes run, and "zh" names no
# locale, so the choice travels as WORKBOOK_LANG and the recipes get a real locale.
# LANG_ARG passes it on as `--lang`, which `make lab` also remembers in build/language.
ifeq ($(origin LANG),command line)
export WORKBOOK_LANG := $(LANG)
LANG_ARG := --lang $(LANG)
override LANG := C.UTF-8
endif
VENV ?= .venv
BIN := $(VENV)/bin
# STAMP: what every command needs first, the built .venv or the checked VENV.
ifeq ($(abspath $(VENV)),$(abspath .venv))
STAMP := $(VENV)/.installed-requirements.txt
else
STAMP := shared-env
endif
# nbgrader runs `alembic` from PATH, so the environment's bin/ goes first.
RUN := PATH="$(abspath $(BIN)):$$PATH" PYTHONPATH="$(CURDIR)" $(BIN)/python

.PHONY: venv shared-env clean-venv

venv: $(STAMP)

.venv/.installed-requirements.txt: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	cp requirements.txt $@

shared-env:
	@test -x $(BIN)/python || { echo "error: VENV=$(VENV) has no bin/python. Give the folder of an existing environment (the one whose bin/ holds python), or leave VENV out to build .venv here." >&2; exit 2; }
	@PYTHONPATH="$(CURDIR)" $(BIN)/python -B -m workbook.pins requirements.txt

clean-venv:
	rm -rf .venv
