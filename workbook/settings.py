"""Every setting the workbook takes from the environment, in one frozen object.

A command reads :func:`read` once when it starts and passes the object (or
the values it needs) down as arguments; a process it starts gets the same
settings back as environment variables (:meth:`Settings.environ`). No other
module reads a ``WORKBOOK_*`` variable.

=============================  ===============================================  ==========================
variable                       what it sets                                     default
=============================  ===============================================  ==========================
``WORKBOOK_LANG``              the language of the tools' messages: en or zh    the locale, else en
``WORKBOOK_EXCHANGE``          the nbgrader exchange's root folder              ``/srv/nbgrader/exchange``
``WORKBOOK_COURSE``            the instructor's course folder                   ``build/course``
``WORKBOOK_DB_URL``            the course gradebook's database URL              ``<course>/gradebook.db``
``WORKBOOK_CELL_TIMEOUT``      seconds of CPU a notebook cell may use           30
``WORKBOOK_NO_SANDBOX``        any value: run student code without the sandbox  unset (sandboxed)
``WORKBOOK_SANDBOX_MEMORY_MB`` memory of one submission's sandbox, in MiB       the sandbox's own default
``WORKBOOK_SANDBOX_STAGE``     the folder the grading processes of one run      made by the first of them
                               share for the sandbox's read-only files
``WORKBOOK_SANDBOX_CPU_LOG``   a file that collects the sandboxes' CPU seconds  unset (benchmarks set it)
``WORKBOOK_TIMINGS``           a file that collects each submission's phases    unset (benchmarks set it)
=============================  ===============================================  ==========================

Examples
--------
>>> settings = read({"WORKBOOK_CELL_TIMEOUT": "12", "WORKBOOK_NO_SANDBOX": "1"})
>>> settings.cell_timeout, settings.sandboxed
(12, False)
>>> settings.environ()["WORKBOOK_NO_SANDBOX"]
'1'
"""

import os
from dataclasses import dataclass, fields

CELL_TIMEOUT = 30


@dataclass(frozen=True)
class Settings:
    """The settings of one run; each field's variable is in ``metadata["variable"]``."""

    language: str = None
    exchange: str = None
    course: str = None
    db_url: str = None
    cell_timeout: int = CELL_TIMEOUT
    sandboxed: bool = True
    sandbox_memory_mb: int = None
    sandbox_stage: str = None
    sandbox_cpu_log: str = None
    timings: str = None

    def environ(self):
        """The variables that give a child process these settings (None: the variable must be unset)."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        values["sandboxed"] = None if self.sandboxed else "1"
        values["cell_timeout"] = str(self.cell_timeout)
        return {VARIABLES[name]: None if value is None else str(value) for name, value in values.items()}


VARIABLES = {
    "language": "WORKBOOK_LANG", "exchange": "WORKBOOK_EXCHANGE", "course": "WORKBOOK_COURSE",
    "db_url": "WORKBOOK_DB_URL", "cell_timeout": "WORKBOOK_CELL_TIMEOUT", "sandboxed": "WORKBOOK_NO_SANDBOX",
    "sandbox_memory_mb": "WORKBOOK_SANDBOX_MEMORY_MB", "sandbox_stage": "WORKBOOK_SANDBOX_STAGE",
    "sandbox_cpu_log": "WORKBOOK_SANDBOX_CPU_LOG", "timings": "WORKBOOK_TIMINGS",
}


def read(environ=None):
    """The settings in ``environ`` (the process's environment by default); a bad number says which variable."""
    environ = os.environ if environ is None else environ
    raw = {name: environ.get(variable) or None for name, variable in VARIABLES.items()}
    return Settings(
        language=raw["language"], exchange=raw["exchange"], course=raw["course"], db_url=raw["db_url"],
        cell_timeout=_number(raw["cell_timeout"], "cell_timeout") or CELL_TIMEOUT,
        sandboxed=raw["sandboxed"] is None,
        sandbox_memory_mb=_number(raw["sandbox_memory_mb"], "sandbox_memory_mb"),
        sandbox_stage=raw["sandbox_stage"], sandbox_cpu_log=raw["sandbox_cpu_log"], timings=raw["timings"],
    )


def _number(text, name):
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"{VARIABLES[name]}={text!r} is not a whole number above 0: set it to one, or unset it")
    return value
