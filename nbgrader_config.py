"""nbgrader configuration for the mytensor workbook.

Every setting lives in ``workbook/course.py`` (``configure``) so that the
``nbgrader`` commands run from this folder and ``python -m workbook grade``
share it. Build the course first: ``python -m workbook course``.

Environment variables:

* ``WORKBOOK_COURSE``: the course folder (default ``build/course``);
* ``WORKBOOK_DB_URL``: the gradebook, e.g.
  ``postgresql://grader@dbhost/mytensor`` for several graders (default: the
  SQLite file ``gradebook.db`` in the course folder);
* ``WORKBOOK_EXCHANGE``: the exchange root (default ``/srv/nbgrader/exchange``);
* ``WORKBOOK_CELL_TIMEOUT``: seconds per cell when autograding (default 30).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workbook.grading import course  # noqa: E402

course.configure(get_config())  # noqa: F821 (get_config is given by traitlets)
