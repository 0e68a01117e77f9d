"""One student's autograde and feedback, in one process (started by ``workbook grade``).

``python -m workbook.gradeworker WORK STUDENT ASSIGNMENT [REASON ...]`` runs
nbgrader's autograde then generate_feedback on the private course ``WORK``
with the repository's ``nbgrader_config.py``. Each REASON zeroes the
submission (a manual score of 0 on every graded cell) before the feedback is
made. Exit status: 0 when both steps succeeded, 3 when autograde failed.
"""

import os
import sys


def load_config(work):
    """The repository's nbgrader config, for the course folder ``work``."""
    from traitlets.config.loader import PyFileConfigLoader

    from workbook import course

    os.environ["WORKBOOK_COURSE"] = str(work)
    os.environ["WORKBOOK_DB_URL"] = ""
    return PyFileConfigLoader("nbgrader_config.py", path=str(course.REPO)).load_config()


def main(argv=None):
    """Autograde, zero when told, generate feedback."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from workbook import grade

    work, student, assignment, *reasons = argv if argv is not None else sys.argv[1:]
    config = load_config(work)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    graded = api.autograde(assignment, student, force=True, create=True)
    print(graded.get("log", ""), graded.get("error", ""), sep="\n")
    if not graded["success"]:
        return 3
    if reasons:
        grade.zero_submission(work, student, assignment, reasons)
    feedback = api.generate_feedback(assignment, student, force=True)
    print(feedback.get("log", ""), feedback.get("error", ""), sep="\n")
    return 0 if feedback["success"] else 4


if __name__ == "__main__":
    sys.exit(main())
