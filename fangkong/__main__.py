"""The `fangkong` command: Django's management commands under one entry point."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    # Commands are spelt with hyphens on the command line (`fangkong trace-batch`), as Django
    # names them after their modules, which cannot hold one.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["fangkong", *args])


if __name__ == "__main__":
    main()
