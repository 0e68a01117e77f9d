"""nbgrader's exchange with private submissions (named in the students' nbgrader config).

nbgrader makes every submitted file readable by all accounts and hides a
submission only behind the random name of its folder. The course's ``inbound``
folder is set-group-ID and belongs to the instructor's group, so everything a
student submits belongs to that group too: group read is all ``collect``
needs, and other students get nothing.
"""

from stat import S_IRWXO

from nbgrader.exchange.default import ExchangeSubmit


class PrivateSubmit(ExchangeSubmit):
    """``nbgrader submit`` whose files and folders only their owner and the instructor's group can read."""

    def set_perms(self, dest, fileperms, dirperms):
        super().set_perms(dest, fileperms & ~S_IRWXO, dirperms & ~S_IRWXO)
