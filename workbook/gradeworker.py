"""One student's autograde and feedback, in one process (started by ``workbook grade``).

``python -m workbook.gradeworker WORK STUDENT ASSIGNMENT [REASON ...]`` runs
nbgrader's autograde then generate_feedback on the private course ``WORK``
with the repository's ``nbgrader_config.py``. The notebooks run in this
process (:class:`workbook.preprocessors.TrustedExecute`), torch is imported
once, and one sandboxed worker serves every notebook of the submission. Each
REASON, and each torch import the worker saw, zeroes the submission (a manual
score of 0 on every graded cell) before the feedback is made; the findings go
to ``WORK/findings.json``. Exit status: 0 when both steps succeeded, 3 when
autograde failed.
"""

import json
import os
import sys
from pathlib import Path


def load_config(work):
    """The repository's nbgrader config, for the course folder ``work``."""
    from traitlets.config.loader import PyFileConfigLoader

    from workbook import course

    os.environ["WORKBOOK_COURSE"] = str(work)
    os.environ["WORKBOOK_DB_URL"] = ""
    return PyFileConfigLoader("nbgrader_config.py", path=str(course.REPO)).load_config()


def torch_findings(package):
    """What the submission's worker saw it try to import from torch."""
    from workbook import sandbox, sandboxworker

    worker = sandbox.worker_for(package)
    attempts = worker.run(sandboxworker.torch_attempts)
    names = attempts if isinstance(attempts, list) and all(isinstance(a, str) for a in attempts) else []
    return [f"importing mytensor imports {name}" for name in names]


def main(argv=None):
    """Autograde, zero when told, generate feedback."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from workbook import grade, sandbox

    work, student, assignment, *reasons = argv if argv is not None else sys.argv[1:]
    config = load_config(work)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    graded = api.autograde(assignment, student, force=True, create=True)
    print(graded.get("log", ""), graded.get("error", ""), sep="\n")
    found = torch_findings(Path(work) / "autograded" / student / assignment / "mytensor")
    sandbox.stop_all()
    Path(work, "findings.json").write_text(json.dumps(found))
    if not graded["success"]:
        return 3
    if reasons or found:
        grade.zero_submission(work, student, assignment, reasons + found)
    feedback = api.generate_feedback(assignment, student, force=True)
    print(feedback.get("log", ""), feedback.get("error", ""), sep="\n")
    return 0 if feedback["success"] else 4


if __name__ == "__main__":
    sys.exit(main())
