# Project-local Jupyter configuration for the mytensor workbook.
# `python -m workbook lab` (make lab) points JUPYTER_CONFIG_DIR here, so the
# user's own ~/.jupyter never changes how the workbook looks or behaves.

# nbgrader 0.9.6 ships four server extensions. pip enables them in the venv's
# etc/jupyter already; listing them here keeps the workbook working from any
# environment where the package is installed but not enabled.
c.ServerApp.jpserver_extensions = {
    "jupyterlab": True,
    "nbgrader.server_extensions.validate_assignment": True,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.course_list": True,
    "nbgrader.server_extensions.formgrader": True,
}

# A busy port is an error to report, not a reason to drift to another port
# the student does not know about.
c.ServerApp.port_retries = 0

# One Ctrl-C stops the server; no "Shutdown this Jupyter server (y/[n])?".
c.ServerApp.answer_yes = True

# No news feed and no update check: the workbook runs offline in class rooms
# and CI, and the "get notified about Jupyter news?" toast only distracts.
# The front-end plugin that asks is disabled in labconfig/page_config.json.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
