"""The project's settings in development mode, for the test suite.

pytest-django imports the settings before any conftest runs, so development mode is switched
on here rather than in tests/conftest.py. Subprocesses that tests start inherit it.
"""

import os

os.environ.setdefault("MATCHMAKER_DEV", "1")

from matchmaker.settings import *  # noqa: E402, F403
