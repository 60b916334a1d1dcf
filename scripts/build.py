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
- Nothing new, nothing done: a build with a fixed `as_of` whose inputs (raw tables' row counts
  and newest loaded_at, the project's files, the dbt arguments) equal those of the build that
  produced the read copy would write the same rows again, so it is skipped (exit 0, a message
  says so). `--force` builds anyway; `--full-refresh` and builds without `as_of` always run.
"""
from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import stat
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from config import MARTS_SCHEMA, RAW_SCHEMA  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PUBLISHED_SCHEMAS = (MARTS_SCHEMA, "rules")
BUSY_EXIT = 75
# New outputs (a first read copy) are private: they hold emails and scores.
PRIVATE_MODE = 0o600
# What the published marts are a function of, besides the raw data: hashed for the no-op check.
PROJECT_INPUTS = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")


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


def publish(db: Path, target: Path, fingerprint: str | None = None) -> dict[str, int]:
    """Copy the published schemas into a new file and swap it in atomically.

    The new copy takes the replaced file's mode and group, so access granted to readers
    survives a publish; a first copy is private to its owner (0600, narrowed by the umask)."""
    remove_stale_copies(target)
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
        con.execute(f"create table {MARTS_SCHEMA}._publication as select current_timestamp as published_at, "
                    f"(select max(scored_at) from {MARTS_SCHEMA}.fct_lead_scores) as scored_at, "
                    f"(select max(rules_version) from {MARTS_SCHEMA}.fct_lead_scores) as rules_version, "
                    "cast(? as varchar) as build_fingerprint", [fingerprint])
        con.execute("detach src")
        con.execute("checkpoint")
    finally:
        con.close()
    copy_access(target, tmp)
    os.replace(tmp, target)
    return counts


def copy_access(existing: Path, new: Path) -> None:
    """Give `new` the mode and group of `existing`, or owner-only access when it is new."""
    if existing.exists():
        st = existing.stat()
        try:
            os.chown(new, -1, st.st_gid)
        except PermissionError:  # not a member of that group: the mode still applies
            pass
        os.chmod(new, stat.S_IMODE(st.st_mode))
    else:
        os.chmod(new, PRIVATE_MODE & ~current_umask())


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_stale_copies(target: Path) -> None:
    """Read-copy temp files of earlier publishes that died: one build runs at a time (the
    caller holds the lock), so any that exist are left over."""
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp*"):
        leftover.unlink(missing_ok=True)


def fixed_as_of(argv: list[str]) -> bool:
    """True when the dbt arguments pin var as_of (without it every build scores a new 'now')."""
    import yaml

    for i, arg in enumerate(argv):
        text = argv[i + 1] if arg == "--vars" and i + 1 < len(argv) else (
            arg.split("=", 1)[1] if arg.startswith("--vars=") else None)
        if text is not None:
            try:
                values = yaml.safe_load(text) or {}
            except yaml.YAMLError:
                return False
            return isinstance(values, dict) and str(values.get("as_of") or "").strip() != ""
    return False


def build_fingerprint(db: Path, argv: list[str]) -> str | None:
    """A hash of everything a build reads; None when the database cannot be inspected."""
    import dbt.version

    digest = hashlib.sha256()
    digest.update(repr((str(db), argv, dbt.version.__version__)).encode())
    for part in PROJECT_INPUTS:
        root = REPO / part
        for path in sorted(root.rglob("*") if root.is_dir() else [root]):
            if path.is_file():
                digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        # row counts come from table metadata; max(loaded_at) is one column scan
        for (table,) in con.execute(f"select table_name from duckdb_tables() where schema_name = '{RAW_SCHEMA}' "
                                    "order by table_name").fetchall():
            columns = con.execute(f"select column_name, data_type from duckdb_columns() where schema_name = '{RAW_SCHEMA}' "
                                  "and table_name = ? order by column_index", [table]).fetchall()
            newest = "max(loaded_at)" if any(c == "loaded_at" for c, _ in columns) else "null"
            state = con.execute(f'select count(*), cast({newest} as varchar) from {RAW_SCHEMA}."{table}"').fetchone()
            digest.update(repr((table, columns, state)).encode())
    finally:
        con.close()
    return digest.hexdigest()


def published_fingerprint(target: Path) -> str | None:
    if not target.exists():
        return None
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            return con.execute(f"select build_fingerprint from {MARTS_SCHEMA}._publication").fetchone()[0]
    except (duckdb.Error, TypeError):
        return None


def report_warnings(result) -> None:
    """Data-test warnings (a batch mostly rejected, ...) on stderr, even under --quiet."""
    for node_result in getattr(result.result, "results", None) or []:
        if str(getattr(node_result, "status", "")) == "warn":
            print(f"build: warning: {node_result.node.name}: {node_result.message}"
                  + (f" (see {MARTS_SCHEMA}.rpt_rejected_rows)" if "rejected" in node_result.node.name else ""),
                  file=sys.stderr)


def main(argv: list[str]) -> int:
    db = database_path()
    os.environ["LEAD_SCORING_DB"] = str(db)
    os.environ.setdefault("DBT_PROFILES_DIR", str(REPO))
    force = "--force" in argv
    argv = [arg for arg in argv if arg != "--force"]
    try:
        lock = BuildLock(db).__enter__()
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return BUSY_EXIT
    try:
        target = read_copy_path(db)
        fingerprint = None
        if fixed_as_of(argv) and "--full-refresh" not in argv and db.exists():
            fingerprint = build_fingerprint(db, argv)
            if not force and fingerprint is not None and fingerprint == published_fingerprint(target):
                print(f"build: nothing new since the build published in {target} (same raw data, project "
                      "and arguments); skipped. --force builds anyway.")
                return 0
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke(["build", "--project-dir", str(REPO), *argv])
        release_dbt_duckdb()
        report_warnings(result)
        if not result.success:
            print("build: dbt build failed; the read copy was not changed.", file=sys.stderr)
            return 1
        counts = publish(db, target, fingerprint)
        print(f"build: published {len(counts)} relations to {target}")
        return 0
    finally:
        lock.__exit__()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
