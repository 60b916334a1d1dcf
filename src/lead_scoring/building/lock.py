"""The build lock: one build (or backfill) at a time per database; a second one exits at once."""
from __future__ import annotations

import fcntl
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from lead_scoring.config import project_dir

# A second build on the same database exits with this code (EX_TEMPFAIL) and changes nothing.
BUSY_EXIT = 75


class BuildLock:
    """An exclusive, non-blocking lock next to the database; the OS drops it if we die."""

    def __init__(self, db: Path):
        self.path = db.with_name(db.name + ".build.lock")
        self.handle = None

    def __enter__(self):
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.handle.close()
            raise SystemExit(f"build: another build is running on {self.path.with_suffix('').with_suffix('')} "
                             f"({holder}); nothing was changed. Try again when it finishes.") from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()} since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc):
        self.handle.seek(0)
        self.handle.truncate()
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def dbt_database_path(db: Path) -> str:
    """db as dbt's profile gets it: relative to the working directory when below it. The profile's
    path is part of what dbt's partial parse depends on, so a copy of a project directory (with
    its database) keeps the parse instead of parsing everything again."""
    try:
        return str(db.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(db)


def point_dbt_at(db: Path) -> None:
    """The profile's database is db (as dbt_database_path gives it), the profile this project's."""
    os.environ["LEAD_SCORING_DB"] = dbt_database_path(db)
    os.environ.setdefault("DBT_PROFILES_DIR", str(project_dir()))


def acquire(db: Path) -> BuildLock | None:
    """dbt pointed at db and the build lock held; None (the reason on stderr) when another build has it."""
    point_dbt_at(db)
    try:
        return BuildLock(db).__enter__()
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return None
