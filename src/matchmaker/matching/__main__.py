"""``python -m matchmaker.matching``: the same as ``matchmaker recommend``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
