"""A pytest plugin for the nbval runs of tests/test_notebooks.py: kernels talk over Unix sockets.

With TCP, jupyter_client picks five free ports, closes them and starts the
kernel, which binds them a second or two later. Several nbval runs start
kernels at once, so another process may take a port in between: the kernel
then never answers ("Kernel didn't respond in 60 seconds"). Unix sockets in a
folder of this run's own cannot be taken by anyone else.
"""

import atexit
import os
import shutil
import tempfile

import nbval.kernel
from jupyter_client.manager import KernelManager

SOCKETS = tempfile.mkdtemp(prefix="nbval-kernel-")
atexit.register(shutil.rmtree, SOCKETS, True)


class UnixSocketKernelManager(KernelManager):
    """A kernel manager whose kernels listen on Unix sockets under :data:`SOCKETS`."""

    def __init__(self, **kwargs):
        super().__init__(transport="ipc", ip=os.path.join(SOCKETS, "kernel"), **kwargs)


nbval.kernel.KernelManager = UnixSocketKernelManager
