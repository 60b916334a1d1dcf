#!/usr/bin/env python3
"""Run `dbt build` safely and publish the marts to a read-only copy.

    scripts/build.py [any dbt build arguments, e.g. --vars '{as_of: "2026-06-30"}' --full-refresh]

- One build at a time: a second build on the same database exits at once (code 75) with a
  clear message and changes nothing.
- Readers never wait and never see half a build: after a successful build the marts (and the
  rule seeds) are copied into a new DuckDB file that atomically replaces
  $LEAD_SCORING_READ_DB (default: <database>_read.duckdb). BI tools and CRM exports open that
  file read-only; a reader that has it open keeps its consistent snapshot until it reconnects.
  A failed build publishes nothing, so the read copy keeps the last good scores.
"""
from __future__ import annotations

import fcntl
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
PUBLISHED_SCHEMAS = ("marts", "rules")
BUSY_EXIT = 75


def database_path() -> Path:
    return Path(os.environ.get("LEAD_SCORING_DB", REPO / "lead_scoring.duckdb")).resolve()


def read_copy_path(db: Path) -> Path:
    default = db.with_name(db.stem + "_read" + db.suffix)
    return Path(os.environ.get("LEAD_SCORING_READ_DB", default)).resolve()


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


def release_dbt_duckdb() -> None:
    """dbt-duckdb keeps its database handle open in-process; close it before publishing."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()


def publish(db: Path, target: Path) -> dict[str, int]:
    """Copy the published schemas into a new file and swap it in atomically."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    counts = {}
    con = duckdb.connect(str(tmp))
    try:
        con.execute("attach ? as src (read_only)", [str(db)])
        relations = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'src' "
            "and schema_name in ? union all select schema_name, view_name from duckdb_views() "
            "where database_name = 'src' and schema_name in ? order by 1, 2",
            [list(PUBLISHED_SCHEMAS), list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        for schema, name in relations:
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'create table "{schema}"."{name}" as select * from src."{schema}"."{name}"')
            counts[f"{schema}.{name}"] = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
        con.execute("create table marts._publication as select current_timestamp as published_at, "
                    "(select max(scored_at) from marts.fct_lead_scores) as scored_at, "
                    "(select max(rules_version) from marts.fct_lead_scores) as rules_version")
        con.execute("detach src")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, target)
    return counts


def main(argv: list[str]) -> int:
    db = database_path()
    os.environ["LEAD_SCORING_DB"] = str(db)
    os.environ.setdefault("DBT_PROFILES_DIR", str(REPO))
    try:
        lock = BuildLock(db).__enter__()
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return BUSY_EXIT
    try:
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke(["build", "--project-dir", str(REPO), *argv])
        release_dbt_duckdb()
        if not result.success:
            print("build: dbt build failed; the read copy was not changed.", file=sys.stderr)
            return 1
        target = read_copy_path(db)
        counts = publish(db, target)
        print(f"build: published {len(counts)} relations to {target}")
        return 0
    finally:
        lock.__exit__()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
