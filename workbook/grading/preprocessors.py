"""nbgrader preprocessors for grading the workbook (named in ``course.configure``).

* :class:`TrustedExecute` runs a released notebook in the grading process
  (:mod:`workbook.grading.cells`), with the student side of every check in the
  submission's sandbox; it replaces nbgrader's ``Execute`` for autograde.
* :class:`HideHiddenTests` removes the code of hidden tests from feedback and
  shortens test tracebacks to the error message, which stays.
* :class:`QuietDemoCells` replaces the error of a cell that is not graded (a
  side-by-side demonstration) with one neutral line in feedback: in the grader
  such a cell meets stand-ins for the student's tensors, and its traceback runs
  through the grading machine's files.
"""

import re
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Instance, Unicode

from workbook.language import text
from workbook.settings import Settings
from workbook.tasks import task_of_cell

class TrustedExecute(NbGraderPreprocessor):
    """Run every code cell here; student code runs only in the sandbox, through the checks."""

    settings = Instance(Settings, args=(), help="the run's settings: cell time, sandbox mode and memory").tag(config=True)

    def preprocess(self, nb, resources):
        from workbook.grading import cells

        package = Path(resources["metadata"]["path"]) / cells.PACKAGE
        with cells.session(package, self.settings) as runner:
            for cell in nb.cells:
                if cell.cell_type == "code":
                    grade_id = _graded(cell)
                    task = task_of_cell(grade_id) if grade_id else None
                    cell.outputs, cell.execution_count = runner.run_cell(cell.source, task)
                    if grade_id:
                        cells.RECORDS[grade_id] = {"notebook": resources["metadata"].get("name"), "task": task,
                                                         "failures": runner.records, "more": runner.more}
        return nb, resources


def _graded(cell):
    """The grade id of a graded test cell (one that is not a solution), else None."""
    grading = cell.metadata.get("nbgrader", {})
    return grading.get("grade_id") if grading.get("grade") and not grading.get("solution") else None


class HideHiddenTests(NbGraderPreprocessor):
    """For feedback: drop hidden test code from test cells, keep their messages."""

    begin = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end = Unicode("END HIDDEN TESTS").tag(config=True)
    placeholder = Unicode("# (hidden tests: their code is not shown)").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        grading = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and grading.get("grade") and not grading.get("solution"):
            cell.source = self._strip(cell.source)
            cell.outputs = [self._short(output) for output in cell.get("outputs", [])]
        return cell, resources

    def _strip(self, source):
        pattern = rf"^[^\n]*{re.escape(self.begin)}.*?{re.escape(self.end)}[^\n]*$"
        source = re.sub(pattern, self.placeholder, source, flags=re.S | re.M)
        unterminated = rf"^[^\n]*{re.escape(self.begin)}.*\Z"
        return re.sub(unterminated, self.placeholder, source, flags=re.S | re.M)

    @staticmethod
    def _short(output):
        if output.get("output_type") == "error":
            output.traceback = [f"{output.ename}: {output.evalue}"]
        return output


class QuietDemoCells(NbGraderPreprocessor):
    """For feedback: a cell that is not graded shows one neutral line instead of its error."""

    def preprocess_cell(self, cell, resources, index):
        graded = cell.metadata.get("nbgrader", {}).get("grade")
        outputs = cell.get("outputs", [])
        if cell.cell_type == "code" and not graded and any(o.get("output_type") == "error" for o in outputs):
            kept = [output for output in outputs if output.get("output_type") != "error"]
            cell.outputs = kept + [new_output("stream", name="stdout", text=text("feedback.demo_error") + "\n")]
        return cell, resources
