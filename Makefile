# Thin aliases. The logic lives in Python (workbook/) and in pytest.
# `make lab` and `make test` each build .venv first if it is missing or if the
# pins in requirements.txt changed since it was built (venv.mk; VENV=... uses
# an existing environment instead).

include venv.mk

.PHONY: lab test execute release check reset submit grade feedback bench kit mutants

lab: $(STAMP)
	$(RUN) -m workbook lab $(LANG_ARG) $(ARGS)

test: $(STAMP)
	$(RUN) -m pytest $(PYTEST_ARGS)

# Re-run solution notebooks and store their outputs (NB=x8_help.ipynb for one).
# The reference library comes first on the path, then the trusted workbook/.
execute: $(STAMP)
	cd solutions && PATH="$(abspath $(BIN)):$$PATH" PYTHONPATH="$(CURDIR)/solutions:$(CURDIR)" \
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

# The graded feedback in one zip for an LMS's bulk upload (LMS=canvas or moodle; OUT=... to move it).
feedback: $(STAMP)
	$(RUN) -m workbook feedback $(if $(LMS),--lms $(LMS)) $(or $(OUT),build/feedback-$(LMS).zip) $(ARGS)

# Mutation analysis: grade mutants of every solution region with the visible
# checks and the hidden tests; prints the survivors and the two kill rates.
mutants: $(STAMP)
	$(RUN) -m workbook mutants $(ARGS)

# The student kit: what students get instead of this repository (OUT=... to move it).
kit: $(STAMP)
	$(RUN) -m workbook kit $(or $(OUT),build/kit) $(ARGS)

bench: $(STAMP)
	$(RUN) benchmarks/bench_ops.py
	$(RUN) benchmarks/bench_mlp.py
	$(RUN) benchmarks/bench_training.py
