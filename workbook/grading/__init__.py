"""Grading: from submissions (LMS zips or the exchange) to grades, feedback and the class report."""
