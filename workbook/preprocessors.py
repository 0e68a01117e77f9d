"""nbgrader preprocessors for grading the workbook (named in ``course.configure``).

* :class:`SafeExecute` runs a notebook like nbgrader's ``Execute``, but a
  kernel that dies (``os._exit``, a segfault, the memory limit) or stops
  answering fails the rest of that notebook instead of the whole submission.
* :class:`HideHiddenTests` removes the code of hidden tests from feedback and
  shortens test tracebacks to the error message, which stays.
"""

import re

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Unicode

TIMEOUT_NAME = "CellTimeoutError"


def _error_output(name, message):
    return NotebookNode(output_type="error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


class SafeExecute(Execute):
    """Execute a notebook; after a dead or unresponsive kernel, fail the remaining cells."""

    def preprocess(self, nb, resources=None, km=None):
        self._stopped = None
        self._timeouts = 0
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._stopped:
            cell.outputs = [_error_output("KernelStopped", self._stopped)]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stopped = "the kernel died earlier in this notebook (crash, os._exit or memory limit)"
            cell.outputs.append(_error_output("DeadKernelError", "the kernel died while running this cell"))
        except CellTimeoutError as error:
            cell.outputs.append(_error_output(TIMEOUT_NAME, str(error).splitlines()[0]))
            self._count_timeout(TIMEOUT_NAME)
        return cell, resources

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        self._count_timeout(kwargs["execute_reply"]["content"].get("ename"))

    def _count_timeout(self, name):
        self._timeouts = self._timeouts + 1 if name == TIMEOUT_NAME else 0
        if self._timeouts >= 2:
            self._stopped = "the kernel stopped answering after two cells timed out"


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
