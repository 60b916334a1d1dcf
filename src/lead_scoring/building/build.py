"""Run `dbt build` safely and publish the marts to a read-only copy.

    lead-scoring build [--force] [any dbt build arguments, e.g. --vars '{as_of: "2026-06-30"}' --full-refresh]

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

import hashlib
import sys
from pathlib import Path

import click
import duckdb

from lead_scoring import config
from lead_scoring.building.lock import BUSY_EXIT, BuildLock, acquire  # noqa: F401 (BuildLock: old name)
from lead_scoring.building.publish import (  # noqa: F401 (the old scripts/build.py names)
    PRIVATE_MODE, PUBLISHED_SCHEMAS, copy_access, current_umask, publish, published_fingerprint,
    release_dbt_duckdb, remove_stale_copies)
from lead_scoring.commands import CONTEXT, Refused, run
from lead_scoring.config import MARTS_SCHEMA, RAW_SCHEMA, database_path, read_copy_path  # noqa: F401
from lead_scoring.progress import progress

# What the published marts are a function of, besides the raw data: hashed for the no-op check.
PROJECT_INPUTS = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")


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
    project = config.project_dir()
    for part in PROJECT_INPUTS:
        root = project / part
        for path in sorted(root.rglob("*") if root.is_dir() else [root]):
            if path.is_file():
                digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes() + b"\0")
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


def report_warnings(result) -> None:
    """Data-test warnings (a batch mostly rejected, ...) on stderr, even under --quiet."""
    for node_result in getattr(result.result, "results", None) or []:
        if str(getattr(node_result, "status", "")) == "warn":
            print(f"build: warning: {node_result.node.name}: {node_result.message}"
                  + (f" (see {MARTS_SCHEMA}.rpt_rejected_rows)" if "rejected" in node_result.node.name else ""),
                  file=sys.stderr)


def check_vars(argv: list[str]) -> None:
    """--vars must be a YAML mapping: refuse anything else in one line, before dbt starts."""
    import yaml

    for i, arg in enumerate(argv):
        text = argv[i + 1] if arg == "--vars" and i + 1 < len(argv) else (
            arg.split("=", 1)[1] if arg.startswith("--vars=") else None)
        if arg == "--vars" and i + 1 == len(argv):
            raise Refused("--vars needs a YAML mapping, e.g. --vars '{as_of: \"2026-06-30 00:00:00\"}'", 2)
        if text is None:
            continue
        try:
            values = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            problem = str(exc).splitlines()[0]
            raise Refused(f"--vars {text!r} is not YAML ({problem}); e.g. --vars '{{as_of: \"2026-06-30\"}}'", 2) from None
        if values is not None and not isinstance(values, dict):
            raise Refused(f"--vars {text!r} is not a mapping; e.g. --vars '{{as_of: \"2026-06-30\"}}'", 2)


def invoke_dbt(args: list[str]):
    """dbt in-process with a progress bar on a terminal: nodes done / total and the running node."""
    from dbt.cli.main import dbtRunner

    with progress("dbt " + args[0]) as bar:
        def on_event(event) -> None:
            name = event.info.name
            if name == "ConcurrencyLine":
                bar.update(total=getattr(event.data, "node_count", None) or None)
            elif name == "NodeStart":
                bar.update(description=f"dbt {args[0]}: {event.data.node_info.node_name}")
            elif name == "NodeFinished":
                bar.advance()

        return dbtRunner(callbacks=[on_event]).invoke(
            [*args, "--project-dir", str(config.project_dir()), *config.dbt_target_args()])


def run_build(argv: list[str], force: bool = False) -> int:
    """dbt build with these arguments under the build lock, then publish; the exit code."""
    check_vars(argv)
    db = database_path()
    lock = acquire(db)
    if lock is None:
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
        result = invoke_dbt(["build", *argv])
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


@click.command("build", context_settings={**CONTEXT, "ignore_unknown_options": True})
@click.option("--force", is_flag=True, help="Build even when nothing changed since the published build.")
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
def build(force: bool, dbt_args: tuple[str, ...]) -> None:
    """Run `dbt build` (any dbt build arguments pass through) with one build at a time, then
    publish the marts atomically to the read copy. A failed build publishes nothing; a second
    build on the same database exits at once with code 75; a build whose inputs equal those of
    the published one is skipped.

    Example: lead-scoring build --quiet --vars '{as_of: "2026-06-30 00:00:00"}'
    """
    sys.exit(run_build(list(dbt_args), force))


def main(argv: list[str] | None = None) -> int:
    """The old scripts/build.py entry point: dbt arguments, and --force."""
    return run(build, argv, "build")
