"""The `matchmaker` command.

`matchmaker schedule ...` and `matchmaker recommend ...` run the pure engines and never load
Django; every other sub-command is a Django management command (migrate, runserver, ...).
"""

from __future__ import annotations

import os
import sys

ENGINE_COMMANDS = {
    "schedule": "matchmaker.solver.cli",
    "recommend": "matchmaker.matching.cli",
}


def main(argv: list[str] | None = None) -> int:
    as_process = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ENGINE_COMMANDS:
        import importlib

        module = importlib.import_module(ENGINE_COMMANDS[argv[0]])
        if as_process and argv[0] == "schedule":
            module.run_process(argv[1:])  # ends the process (see run_process)
        return int(module.main(argv[1:]) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "matchmaker.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Django would swallow a settings error here and fail later with a traceback
        settings.INSTALLED_APPS  # noqa: B018
        execute_from_command_line(["matchmaker", *argv])
    except ImproperlyConfigured as error:
        print(f"matchmaker: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
