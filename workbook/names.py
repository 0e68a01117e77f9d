"""Names that the student tools and the course share: the assignment and the course id.

A module of its own so that ``make submit`` in the student kit needs no course
or grading code.
"""

ASSIGNMENT = "mytensor-workbook"
# The Chinese edition (中文版): the same tasks and grade ids, prose in Chinese.
ASSIGNMENT_ZH = f"{ASSIGNMENT}-zh"
COURSE_ID = "mytensor"
