# Project-local Jupyter configuration for the mytensor workbook.
# `python -m workbook lab` (make lab) puts this folder on JUPYTER_CONFIG_PATH and
# JUPYTER_CONFIG_DIR elsewhere, so your own ~/.jupyter never changes the workbook.

# Which nbgrader extensions are on depends on who runs the lab: `workbook lab`
# writes them for the student or instructor role into build/jupyter/config-<role>
# (workbook/classroom.py), a config folder that comes before this one.

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
