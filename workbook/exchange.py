"""nbgrader's exchange with private submissions (named in the students' nbgrader config).

nbgrader makes every submitted file readable by all accounts and hides a
submission only behind the random name of its folder. The course's ``inbound``
folder is set-group-ID and belongs to the instructor's group, so what a student
submits belongs to that group too: group read is all ``collect`` needs, and
other students get nothing.
"""

import os
import shutil
from pathlib import Path
from stat import S_IRWXO

from nbgrader.exchange.default import ExchangeSubmit
from nbgrader.utils import ignore_patterns


class PrivateSubmit(ExchangeSubmit):
    """``nbgrader submit`` whose files only their owner and the instructor's group can read."""

    def set_perms(self, dest, fileperms, dirperms):
        super().set_perms(dest, fileperms & ~S_IRWXO, dirperms & ~S_IRWXO)

    def do_copy(self, src, dest, log=None):
        """Copy ``src`` to ``dest`` as nbgrader does, but without copying folder modes.

        A student's chmod of a folder in ``inbound`` clears its set-group-ID bit
        (they are not in the instructor's group), and the files nbgrader writes
        there afterwards (``timestamp.txt``) would lose the group that lets the
        instructor read them.
        """
        if self.get_size(src) > 1000 * self.coursedir.max_dir_size:
            raise RuntimeError(f"Directory size is too big. The maximum is {1000 * self.coursedir.max_dir_size}")
        ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                 max_file_size=self.coursedir.max_file_size, log=self.log)
        for folder, dirs, files in os.walk(src):
            skipped = ignore(folder, dirs + files)
            dirs[:] = [name for name in dirs if name not in skipped]
            target = Path(dest) / Path(folder).relative_to(src)
            target.mkdir(parents=True, exist_ok=True)
            for name in files:
                if name not in skipped:
                    shutil.copyfile(Path(folder) / name, target / name)
