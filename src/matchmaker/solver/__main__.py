"""`python -m matchmaker.solver ...` is `matchmaker schedule ...`."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
