"""`python -m matchmaker.solver ...` is `matchmaker schedule ...`."""

import sys

from .cli import exit_process, main

exit_process(main(sys.argv[1:]))
