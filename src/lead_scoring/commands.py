"""What every command shares: running a Click command like the old scripts' main(argv) -> int,
and the aliases that keep the old scripts/<name>.py paths working for one release."""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def run(command: click.Command, argv: list[str] | None = None, prog_name: str | None = None) -> int:
    """Run a command as a script's main(argv) did: its exit code, never a SystemExit."""
    try:
        command.main(args=argv, prog_name=prog_name or command.name, standalone_mode=True)
    except SystemExit as exc:
        if isinstance(exc.code, int) or exc.code is None:
            return exc.code or 0
        print(exc.code, file=sys.stderr)   # SystemExit("reason"), as the interpreter would print it
        return 1
    return 0


def alias(name: str, module: str, script: str) -> None:
    """scripts/<name>.py: imported, it is the package module itself (so `import build` in old code
    reads and patches the real one); run, it runs that module's command on the checkout it is in."""
    target = importlib.import_module(module)
    if name != "__main__":
        sys.modules[name] = target
        return
    if not hasattr(target, "main"):
        sys.exit(f"{script} is a module, not a command: see `lead-scoring --help`")
    os.environ["LEAD_SCORING_PROJECT_DIR"] = str(Path(script).resolve().parents[1])
    sys.exit(target.main(sys.argv[1:]))


class Refused(click.ClickException):
    """Bad input: one line `Error: <reason>` on stderr, no traceback, exit code 1 (or as given)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code
