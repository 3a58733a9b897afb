"""`python -m matchmaker.solver ...` is `matchmaker schedule ...`."""

import sys

from .cli import run_process

run_process(sys.argv[1:])
