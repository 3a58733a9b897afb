"""`python -m matchmaker.solver ...` is `matchmaker schedule ...`."""

import sys

from .cli import as_process, exit_process, main

as_process()
exit_process(main(sys.argv[1:]))
