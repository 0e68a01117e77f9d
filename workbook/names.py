"""Names that the student tools and the course share: the assignment, the course id, the form of an id.

A module of its own so that ``make submit`` in the student kit needs no course
or grading code.
"""

import re
from pathlib import Path

# The folder that holds workbook/: the course repository, or a student kit.
REPO = Path(__file__).resolve().parent.parent
# The library the students write (and the reference in solutions/).
PACKAGE = "mytensor"

ASSIGNMENT = "mytensor-workbook"
# The Chinese edition (中文版): the same tasks and grade ids, prose in Chinese.
ASSIGNMENT_ZH = f"{ASSIGNMENT}-zh"
COURSE_ID = "mytensor"
# A student id names folders when grading: "." or ".." would file a submission
# outside submitted/, so it starts with a letter or digit.
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
