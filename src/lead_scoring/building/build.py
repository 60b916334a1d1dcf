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
- A rule edit builds what it changes: when only seed files differ from the published build's
  inputs and the database is untouched since that build, only those seeds and their descendants
  (with their tests, the validation gate among them) are built, then published
  (docs/operations.md); anything else builds everything.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

import click
import duckdb

from lead_scoring import config
from lead_scoring.building.lock import (  # noqa: F401 (BuildLock: old name)
    BUSY_EXIT, BuildLock, acquire, dbt_database_path)
from lead_scoring.building.publish import (  # noqa: F401 (the old scripts/build.py names)
    PRIVATE_MODE, PUBLISHED_SCHEMAS, copy_access, current_umask, publish, published_fingerprint, published_state,
    release_dbt_duckdb, remove_stale_copies)
from lead_scoring.commands import CONTEXT, Refused, run
from lead_scoring.config import MARTS_SCHEMA, RAW_SCHEMA, database_path, read_copy_path  # noqa: F401
from lead_scoring.progress import progress

# What the published marts are a function of, besides the raw data: hashed for the no-op check.
PROJECT_INPUTS = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")
# The scoring time when --vars has no as_of (macros/as_of.sql): read at run time, so a new value
# does not make dbt parse the project again.
AS_OF_ENV = "LEAD_SCORING_AS_OF"


def fixed_as_of(argv: list[str]) -> bool:
    """True when the scoring time is pinned: var as_of in the dbt arguments or, without it,
    $LEAD_SCORING_AS_OF (without either, every build scores a new 'now')."""
    import yaml

    for i, arg in enumerate(argv):
        text = argv[i + 1] if arg == "--vars" and i + 1 < len(argv) else (
            arg.split("=", 1)[1] if arg.startswith("--vars=") else None)
        if text is not None:
            try:
                values = yaml.safe_load(text) or {}
            except yaml.YAMLError:
                return False
            if isinstance(values, dict) and str(values.get("as_of") or "").strip() != "":
                return True
            break
    return os.environ.get(AS_OF_ENV, "").strip() != ""


def project_parts(db: Path, argv: list[str]) -> dict[str, str]:
    """The project's part of a build's inputs, hashed: "code" (the project's files other than seed
    CSVs, the arguments, target, schemas and versions) and "seed:<path>" for each seed CSV."""
    import dbt.version

    parts: dict[str, str] = {}
    code = hashlib.sha256()
    # the database path as dbt gets it: a copy of the project directory is the same build
    code.update(repr((dbt_database_path(db), argv, os.environ.get(AS_OF_ENV, ""), dbt.version.__version__,
                      duckdb.__version__, config.dbt_target_args(), RAW_SCHEMA, MARTS_SCHEMA)).encode())
    project = config.project_dir()
    for part in PROJECT_INPUTS:
        root = project / part
        for path in sorted(root.rglob("*") if root.is_dir() else [root]):
            if not path.is_file():
                continue
            relative = path.relative_to(project).as_posix()
            if part == "seeds" and path.suffix == ".csv":
                parts[f"seed:{relative}"] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                code.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    parts["code"] = code.hexdigest()
    return parts


def fingerprint_parts(db: Path, argv: list[str]) -> dict[str, str] | None:
    """What a build reads, hashed by part: project_parts and "raw" (the raw tables' columns, row
    counts and newest loaded_at). None when the database cannot be inspected."""
    parts = project_parts(db, argv)
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    raw = hashlib.sha256()
    try:
        # row counts come from table metadata; max(loaded_at) is one column scan
        for (table,) in con.execute(f"select table_name from duckdb_tables() where schema_name = '{RAW_SCHEMA}' "
                                    "order by table_name").fetchall():
            columns = con.execute(f"select column_name, data_type from duckdb_columns() where schema_name = '{RAW_SCHEMA}' "
                                  "and table_name = ? order by column_index", [table]).fetchall()
            newest = "max(loaded_at)" if any(c == "loaded_at" for c, _ in columns) else "null"
            state = con.execute(f'select count(*), cast({newest} as varchar) from {RAW_SCHEMA}."{table}"').fetchone()
            raw.update(repr((table, columns, state)).encode())
    finally:
        con.close()
    parts["raw"] = raw.hexdigest()
    return parts


def combined_fingerprint(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def build_fingerprint(db: Path, argv: list[str]) -> str | None:
    """A hash of everything a build reads; None when the database cannot be inspected."""
    parts = fingerprint_parts(db, argv)
    return None if parts is None else combined_fingerprint(parts)


def database_state(db: Path) -> str:
    """The database file's identity, size and modification time (and its WAL's): any write since,
    or a copy put in its place, changes it."""
    state = []
    for path in (db, db.with_name(db.name + ".wal")):
        try:
            st = path.stat()
            state.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            state.append(None)
    return repr(state)


# dbt options that choose nodes: a build given any of them is never narrowed further.
SELECTION_OPTIONS = ("-s", "--select", "-m", "--models", "--exclude", "--selector", "--resource-type",
                     "--resource-types", "--exclude-resource-type", "--exclude-resource-types", "--inline")
PLAIN_SEED_PATH = re.compile(r"[A-Za-z0-9_./-]+")


def failed_seed_build_marker(db: Path) -> Path:
    return db.with_name(db.name + ".seed-build")


def failed_seed_build(db: Path) -> dict | None:
    """What a failed seed-only build left: the published state it started from, the database's
    state after it, and the seeds whose descendants it may have written."""
    try:
        return json.loads(failed_seed_build_marker(db).read_text())
    except (OSError, ValueError):
        return None


def changed_seeds(argv: list[str], parts: dict[str, str], published: dict | None, db_state: str,
                  failed: dict | None = None) -> list[str] | None:
    """The seed files that alone changed since the published build, when a build of their
    descendants gives what a full build would; else None (build everything).

    Exact because every other input (raw tables, project code, arguments, versions) equals the
    published build's, and the database file is untouched since that build (same file, size and
    mtime): its other relations are already what a full build would write again. A seed-only
    build that failed since (`failed`, when the database is as it left it) wrote only below its
    seeds, so those are built again too."""
    if published is None:
        return None
    dirty: list[str] = []
    if published.get("database_state") != db_state:
        if not failed or failed.get("published") != published.get("database_state") or failed.get("after") != db_state:
            return None
        dirty = list(failed.get("seeds") or [])
    before = published.get("parts") or {}
    if any(arg.split("=", 1)[0] in SELECTION_OPTIONS for arg in argv):
        return None
    if set(before) != set(parts) or any(before[k] != parts[k] for k in parts if not k.startswith("seed:")):
        return None  # a seed added or removed, or anything but seed contents changed
    changed = sorted({k.removeprefix("seed:") for k in parts if k.startswith("seed:") and before[k] != parts[k]}
                     | {path for path in dirty if f"seed:{path}" in parts})
    if not changed or not all(PLAIN_SEED_PATH.fullmatch(path) for path in changed):
        return None
    return changed


def rewritten_relations(result) -> set[tuple[str, str]]:
    """(schema, name) of every relation a dbt build's selected models and seeds wrote."""
    return {(node_result.node.schema, getattr(node_result.node, "alias", None) or node_result.node.name)
            for node_result in result.result.results
            if str(node_result.node.resource_type) in ("model", "seed", "snapshot")}


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


def invoke_dbt(args: list[str], manifest=None):
    """dbt in-process with a progress bar on a terminal: nodes done / total and the running node.
    A parsed manifest (`lead-scoring watch`) skips dbt's parse."""
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

        return dbtRunner(manifest=manifest, callbacks=[on_event]).invoke(
            [*args, "--project-dir", str(config.project_dir()), *config.dbt_target_args()])


def run_build(argv: list[str], force: bool = False, manifest=None) -> int:
    """dbt build with these arguments under the build lock, then publish; the exit code. `manifest`:
    the project parsed with these arguments, its files unchanged since but for seed contents."""
    check_vars(argv)
    db = database_path()
    lock = acquire(db)
    if lock is None:
        return BUSY_EXIT
    try:
        target = read_copy_path(db)
        fingerprint = parts = seeds = published = None
        if fixed_as_of(argv) and "--full-refresh" not in argv and db.exists():
            parts = fingerprint_parts(db, argv)
            fingerprint = None if parts is None else combined_fingerprint(parts)
            if not force and fingerprint is not None and fingerprint == published_fingerprint(target):
                print(f"build: nothing new since the build published in {target} (same raw data, project "
                      "and arguments); skipped. --force builds anyway.")
                return 0
            if not force and parts is not None:
                published = published_state(target)
                seeds = changed_seeds(argv, parts, published, database_state(db), failed_seed_build(db))
        marker = failed_seed_build_marker(db)
        if not seeds:
            marker.unlink(missing_ok=True)  # this build may write anything: the marker no longer applies
        selection = ["--select", *(f"path:{seed}+" for seed in seeds)] if seeds else []
        if seeds:
            print(f"build: only {', '.join(seeds)} changed since the published build; building "
                  "those seeds and what depends on them.")
        result = invoke_dbt(["build", *argv, *selection], manifest)
        release_dbt_duckdb()
        report_warnings(result)
        if not result.success:
            if seeds and published is not None:
                marker.write_text(json.dumps({"published": published["database_state"],
                                              "after": database_state(db), "seeds": seeds}))
            print("build: dbt build failed; the read copy was not changed.", file=sys.stderr)
            return 1
        marker.unlink(missing_ok=True)
        state = database_state(db) if parts is not None else None
        counts = publish(db, target, fingerprint, parts, state, rewritten_relations(result) if seeds else None)
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
    the published one is skipped, and one where only seed files changed builds just those seeds
    and what depends on them (--force: build everything).

    Example: lead-scoring build --quiet --vars '{as_of: "2026-06-30 00:00:00"}'
    """
    sys.exit(run_build(list(dbt_args), force))


def main(argv: list[str] | None = None) -> int:
    """The old scripts/build.py entry point: dbt arguments, and --force."""
    return run(build, argv, "build")
