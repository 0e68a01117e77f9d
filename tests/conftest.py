"""Settings for the whole test session."""

import os

# Tests read English messages unless they choose Chinese themselves; a
# language the developer chose with `make lab LANG=zh` (build/language) must
# not change what they see.
os.environ["WORKBOOK_LANG"] = "en"
