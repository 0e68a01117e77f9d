"""Trusted tooling for the mytensor workbook: checks, release, grading, student CLI."""
