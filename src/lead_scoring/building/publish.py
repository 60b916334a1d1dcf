"""Publishing: the marts and rule seeds copied into a new DuckDB file swapped in atomically over
the read copy, so readers never wait and never see half a build."""
from __future__ import annotations

import glob
import json
import os
import shutil
import stat
from pathlib import Path

import duckdb

from lead_scoring.config import MARTS_SCHEMA

PUBLISHED_SCHEMAS = (MARTS_SCHEMA, "rules")
# New outputs (a first read copy) are private: they hold emails and scores.
PRIVATE_MODE = 0o600


def release_dbt_duckdb() -> None:
    """dbt-duckdb keeps its database handle open in-process; close it before publishing."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()


def publish(db: Path, target: Path, fingerprint: str | None = None, parts: dict[str, str] | None = None,
            db_state: str | None = None, rewritten: set[tuple[str, str]] | None = None) -> dict[str, int]:
    """Copy the published schemas into a new file and swap it in atomically.

    `_publication` records the build's input fingerprint, its parts and the database file's state
    after the build: what the next build compares to skip or to build only changed seeds.
    `rewritten` (a build of changed seeds' descendants): the (schema, name) relations that build
    wrote; the new file starts as a copy of the read copy, published from the database as it was
    before that build, and only these relations (and any it lacks) are copied again.

    The new copy takes the replaced file's mode and group, so access granted to readers
    survives a publish; a first copy is private to its owner (0600, narrowed by the umask)."""
    remove_stale_copies(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    counts = {}
    kept: set[tuple[str, str]] = set()
    if rewritten is not None and target.exists():
        shutil.copyfile(target, tmp)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("attach ? as src (read_only)", [str(db)])
        relations = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'src' "
            "and schema_name in ? union all select schema_name, view_name from duckdb_views() "
            "where database_name = 'src' and schema_name in ? order by 1, 2",
            [list(PUBLISHED_SCHEMAS), list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        if rewritten is not None:
            changed = {(schema.lower(), name.lower()) for schema, name in rewritten}
            present = {(schema.lower(), name.lower()) for schema, name in con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
            ).fetchall()}
            kept = {(s, n) for s, n in relations if (s.lower(), n.lower()) in present - changed}
            for schema, name in present - {(s.lower(), n.lower()) for s, n in relations}:
                con.execute(f'drop table "{schema}"."{name}"')  # _publication, or gone from the database
        for schema, name in relations:
            if (schema, name) not in kept:
                con.execute(f'create schema if not exists "{schema}"')
                con.execute(f'create or replace table "{schema}"."{name}" as select * from src."{schema}"."{name}"')
            counts[f"{schema}.{name}"] = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
        con.execute(f"create table {MARTS_SCHEMA}._publication as select current_timestamp as published_at, "
                    f"(select max(scored_at) from {MARTS_SCHEMA}.fct_lead_scores) as scored_at, "
                    f"(select max(rules_version) from {MARTS_SCHEMA}.fct_lead_scores) as rules_version, "
                    "cast(? as varchar) as build_fingerprint, cast(? as varchar) as build_parts, "
                    "cast(? as varchar) as database_state",
                    [fingerprint, None if parts is None else json.dumps(parts, sort_keys=True), db_state])
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


def published_fingerprint(target: Path) -> str | None:
    if not target.exists():
        return None
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            return con.execute(f"select build_fingerprint from {MARTS_SCHEMA}._publication").fetchone()[0]
    except (duckdb.Error, TypeError):
        return None


def published_state(target: Path) -> dict | None:
    """The published build's fingerprint parts and database state; None for a copy without them."""
    if not target.exists():
        return None
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            parts, state = con.execute(
                f"select build_parts, database_state from {MARTS_SCHEMA}._publication").fetchone()
    except (duckdb.Error, TypeError):
        return None
    if parts is None or state is None:
        return None
    return {"parts": json.loads(parts), "database_state": state}
