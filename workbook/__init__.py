"""Trusted tooling for the mytensor workbook: checks, release, grading, student CLI."""

import sys

# nbformat validates with jsonschema, which builds an Earley parser of the
# RFC 3987 grammar at import time when `rfc3987_syntax` is installed
# (jupyter-events requires it): about 1.9 s in every process that reads a
# notebook, each grader and Dask worker included. It only serves the "iri"
# formats of JSON Schema, which no notebook schema uses, so jsonschema is left
# to run without them (it skips a format checker whose module does not import).
sys.modules.setdefault("rfc3987_syntax", None)
