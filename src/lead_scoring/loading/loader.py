"""Load CSV, Parquet or JSON files named after the raw tables into schema `raw`.

    lead-scoring load DIR [--db PATH] [--loaded-at TIMESTAMP]

Files are matched by name, case-insensitively: a table's name alone or followed by `_` or `-`
and anything (contacts.csv, Interactions.parquet, interactions-2026-07.csv), or any file in a
folder so named (interactions/part-0.parquet). Hidden files and names starting with `_` (such as
Spark's _SUCCESS) are skipped; any other file that matches no table, or has another extension,
refuses the batch, naming the file and the accepted names. Rows are appended and stamped with
one `loaded_at` for the whole batch; a stamp earlier than (or equal to) an earlier batch's is
fine, the next build stages it. Every file is checked before anything is written: a missing
required column, a value of the wrong type or a column name with a double quote refuses the
batch with the file, column and row, and nothing is loaded. Times are stored in UTC: offsets
are applied, time-zone-aware Parquet columns converted, naive values taken as UTC. Nested JSON
or Parquet values (objects, lists) are stored as JSON text. Missing raw tables are created
empty. Extra columns are kept (added as VARCHAR). Ids repeated within a batch are reported
(marts.rpt_duplicate_rows lists them after the next build).
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import click
import duckdb

from lead_scoring import config
from lead_scoring.commands import CONTEXT, Refused, run
from lead_scoring.loading.raw_schema import (
    DUPLICATE_RULES, KEY_COLUMNS, RAW_TABLES, REQUIRED_COLUMNS, create_all_raw_tables, raw_schema)
from lead_scoring.progress import progress

EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".json": "json", ".jsonl": "json",
              ".ndjson": "json"}


class LoadError(Exception):
    """A file the loader refuses; the message names the file, column and row."""


ACCEPTED_NAMES = ", ".join(sorted(RAW_TABLES))


def table_for(name: str) -> str | None:
    """The raw table a file or folder name stands for: the name, or the name then _ or -."""
    name = name.lower()
    return next((t for t in sorted(RAW_TABLES, key=len, reverse=True)
                 if name == t or name.startswith((t + "_", t + "-"))), None)


def discover(directory: Path) -> dict[str, list[Path]]:
    """The batch's files by raw table; a file that names no table refuses the batch."""
    found: dict[str, list[Path]] = {}
    unknown: list[str] = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = path.relative_to(directory)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue  # hidden files and writer markers (_SUCCESS) are not data
        table = table_for(rel.parts[0]) if len(rel.parts) > 1 else None
        table = table or table_for(path.stem)
        if table is None or path.suffix.lower() not in EXTENSIONS:
            unknown.append(str(rel))
            continue
        found.setdefault(table, []).append(path)
    if unknown:
        raise LoadError(f"{directory}: not a raw table file: {', '.join(unknown)}. Name files (or their folder) "
                        f"after a raw table ({ACCEPTED_NAMES}), optionally followed by _ or - and anything, "
                        f"with extension {', '.join(sorted(EXTENSIONS))}")
    return found


def _reader(path: Path) -> str:
    kind = EXTENSIONS[path.suffix.lower()]
    lit = "'" + str(path).replace("'", "''") + "'"
    if kind == "csv":
        delim = "\\t" if path.suffix.lower() == ".tsv" else ","
        return f"read_csv({lit}, all_varchar=true, header=true, delim=E'{delim}')"
    if kind == "parquet":
        return f"read_parquet({lit})"
    # depth 1: every field is JSON, so nested objects keep their JSON text (see text_expr)
    return f"read_json({lit}, format='auto', maximum_depth=1)"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def text_expr(column: str, data_type: str) -> str:
    """A file column as text: nested values as JSON, times in UTC (the session time zone)."""
    col = quote_ident(column)
    upper = data_type.upper()
    if upper == "JSON":
        return f"case when json_type({col}) in ('OBJECT', 'ARRAY') then cast({col} as varchar) else {col} ->> '$' end"
    if upper.startswith(("STRUCT", "MAP", "UNION")) or upper.endswith("]"):
        return f"cast(to_json({col}) as varchar)"
    return f"cast({col} as varchar)"


def typed_expr(text: str, col_type: str) -> str:
    """Text as the raw column's type; timestamps through TIMESTAMPTZ so offsets apply."""
    if col_type == "TIMESTAMP":
        return f"cast(try_cast({text} as TIMESTAMPTZ) as TIMESTAMP)"
    return f"try_cast({text} as {col_type})"


def stage_file(con, table: str, path: Path, idx: int) -> tuple[str, list[str]]:
    """Read one file into a temp table of text columns with its row number; check it."""
    tmp = f"__load_{table}_{idx}"
    reader = _reader(path)
    described = con.execute(f"describe select * from {reader}").fetchall()
    for name, *_ in described:
        if '"' in name:
            raise LoadError(f"{path}: column name {name!r} contains a double quote; rename the column")
    texts = ", ".join(f"{text_expr(name, dtype)} as {quote_ident(name)}" for name, dtype, *_ in described)
    con.execute(f'create temp table "{tmp}" as select row_number() over () as __row, {texts} from {reader}')
    file_cols = [name for name, *_ in described]
    lower = {c.lower(): c for c in file_cols}
    missing = [c for c in REQUIRED_COLUMNS[table] if c not in lower]
    if missing:
        raise LoadError(f"{path}: missing required column(s) {', '.join(missing)} for raw.{table} "
                        f"(file has: {', '.join(file_cols)})")
    for column, col_type in RAW_TABLES[table].items():
        if column not in lower or col_type == "VARCHAR":
            continue
        src = f"trim({quote_ident(lower[column])})"
        bad = con.execute(
            f'select __row, {src} from "{tmp}" where {src} <> \'\' and {typed_expr(src, col_type)} is null '
            f'order by __row limit 1'
        ).fetchone()
        if bad:
            raise LoadError(f"{path}: column {column}, row {bad[0]}: value {bad[1]!r} is not a valid "
                            f"{col_type}")
    return tmp, file_cols


def duplicate_notes(con, staged: list[tuple]) -> list[str]:
    """One line per table whose batch repeats an id: the build keeps one version per id."""
    notes = []
    for table, key in KEY_COLUMNS.items():
        parts = [f'select trim({quote_ident({c.lower(): c for c in cols}[key])}) as k from "{tmp}"'
                 for t, _path, tmp, cols in staged if t == table and key in {c.lower() for c in cols}]
        if not parts:
            continue
        repeated = con.execute(f"select count(*) from (select k from ({' union all '.join(parts)}) "
                               f"where k <> '' group by k having count(*) > 1)").fetchone()[0]
        if repeated:
            notes.append(f"note: {repeated} {key} values appear more than once in this batch of raw.{table}; "
                         f"the build keeps one version of each ({DUPLICATE_RULES[table]}); "
                         f"marts.rpt_duplicate_rows lists them after the next build")
    return notes


def load_directory(db_path: str, directory: Path, loaded_at: str | None = None,
                   on_note: Callable[[str], None] | None = None) -> dict[str, int]:
    files = discover(directory)
    # staged files are temp tables; with a memory limit they spill to disk instead of filling memory
    limit = os.environ.get("LEAD_SCORING_MEMORY_LIMIT")
    # UTC session: naive times are taken as UTC and aware ones rendered in UTC, whatever TZ says
    con = duckdb.connect(db_path, config={"memory_limit": limit} if limit else {})
    try:
        con.execute("set TimeZone = 'UTC'")
        stamp = batch_stamp(con, loaded_at)
        create_all_raw_tables(con)
        schema = raw_schema(con)
        staged = []
        with progress("checking files", total=sum(map(len, files.values()))) as bar:
            for table, paths in files.items():
                for i, path in enumerate(paths):
                    bar.update(description=f"checking {path.name}")
                    tmp, cols = stage_file(con, table, path, i)
                    staged.append((table, path, tmp, cols))
                    bar.advance()
        notes = duplicate_notes(con, staged)
        counts: dict[str, int] = {t: 0 for t in RAW_TABLES}
        con.execute("begin transaction")
        try:
            with progress("loading", total=len(staged)) as bar:
                for table, path, tmp, cols in staged:
                    bar.update(description=f"loading {path.name} into raw.{table}")
                    counts[table] += insert_staged(con, schema, table, tmp, cols, stamp)
                    bar.advance()
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        for note in notes if on_note else []:
            on_note(note)
        return counts
    finally:
        con.close()


def insert_staged(con, schema: str, table: str, tmp: str, cols: list[str], stamp: str) -> int:
    """Append one checked file to its raw table (extra columns added as VARCHAR); rows inserted."""
    existing = {r[0].lower() for r in con.execute(f'describe {schema}."{table}"').fetchall()}
    lower = {c.lower(): c for c in cols}
    for extra in [c for c in lower if c not in existing and c != "loaded_at"]:
        con.execute(f'alter table {schema}."{table}" add column {quote_ident(extra)} VARCHAR')
        existing.add(extra)
    target_cols, exprs = [], []
    for col in sorted(existing, key=lambda c: (c not in RAW_TABLES[table], c)):
        if col == "loaded_at":
            continue
        col_type = RAW_TABLES[table].get(col, "VARCHAR")
        target_cols.append(quote_ident(col))
        if col in lower:
            exprs.append(typed_expr(f"nullif(trim({quote_ident(lower[col])}), '')", col_type))
        else:
            exprs.append(f"cast(null as {col_type})")
    return con.execute(
        f'insert into {schema}."{table}" ({", ".join(target_cols)}, "loaded_at") '
        f'select {", ".join(exprs)}, cast(? as timestamp) from "{tmp}" order by __row',
        [stamp],
    ).fetchone()[0]


def batch_stamp(con, loaded_at: str | None) -> str:
    """The batch's loaded_at as naive UTC text (now by default; an offset is applied)."""
    if not loaded_at:
        return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    value = con.execute("select cast(try_cast(? as TIMESTAMPTZ) as TIMESTAMP)", [loaded_at]).fetchone()[0]
    if value is None:
        raise LoadError(f"--loaded-at {loaded_at!r} is not a timestamp (e.g. 2026-07-01 00:00:00, UTC)")
    return value.isoformat(sep=" ")


@click.command("load", context_settings=CONTEXT)
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Warehouse to load into (default: the configured database, $LEAD_SCORING_DB).")
@click.option("--loaded-at", help="Stamp for this batch (default: now; naive values are UTC).")
def load(directory: Path, db: Path | None, loaded_at: str | None) -> None:
    """Load a batch of CSV, Parquet or JSON files named after the raw tables (contacts.csv,
    interactions/part-0.parquet, ...) into the raw schema. Every file is checked first: a bad
    file refuses the whole batch, naming file, column and row, and nothing is loaded.

    Example: lead-scoring load demo_data/batch_1 --loaded-at "2026-06-30 01:00:00"
    """
    if not directory.is_dir():
        raise Refused(f"{directory} is not a directory", 2)
    db = db or config.database_path()
    try:
        counts = load_directory(str(db), directory, loaded_at, on_note=click.echo)
    except LoadError as exc:
        raise Refused(f"refused, nothing loaded: {exc}") from None
    except duckdb.IOException as exc:
        raise Refused(f"cannot open {db} for writing ({exc}). Is a build or another "
                      "writer using it?") from None
    click.echo("loaded " + ", ".join(f"{t}={n}" for t, n in counts.items()) + f" into {db}")


def main(argv: list[str] | None = None) -> int:
    """The old scripts/load_raw.py entry point."""
    return run(load, argv, "load_raw")
