#!/usr/bin/env python3
"""Load CSV, Parquet or JSON files named after the raw tables into schema `raw`.

    scripts/load_raw.py DIR [--db PATH] [--loaded-at TIMESTAMP]

Files are matched by name: contacts.csv, interactions.parquet, identities.json, ...
(several files per table are allowed: interactions_2026_06.parquet also counts, as does a
directory interactions/ of files). Rows are appended and stamped with one `loaded_at` for the
whole batch. Every file is checked before anything is written: a missing required column or a
value of the wrong type refuses the batch with the file, column and row, and nothing is loaded.
Missing raw tables are created empty. Extra columns are kept (added as VARCHAR).
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw_schema import RAW_TABLES, REQUIRED_COLUMNS, create_all_raw_tables, raw_schema  # noqa: E402

EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".json": "json", ".jsonl": "json",
              ".ndjson": "json"}


class LoadError(Exception):
    """A file the loader refuses; the message names the file, column and row."""


def discover(directory: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    candidates = sorted(p for p in directory.rglob("*") if p.is_file())
    for path in candidates:
        kind = EXTENSIONS.get(path.suffix.lower())
        if kind is None:
            continue
        rel = path.relative_to(directory)
        # The table is named by the file (contacts.csv, interactions_2026.parquet) or its folder.
        names = [rel.parts[0]] if len(rel.parts) > 1 else []
        names.append(path.stem)
        for name in names:
            table = next((t for t in sorted(RAW_TABLES, key=len, reverse=True)
                          if name == t or name.startswith(t + "_")), None)
            if table:
                found.setdefault(table, []).append(path)
                break
    return found


def _reader(path: Path) -> str:
    kind = EXTENSIONS[path.suffix.lower()]
    lit = "'" + str(path).replace("'", "''") + "'"
    if kind == "csv":
        delim = "\\t" if path.suffix.lower() == ".tsv" else ","
        return f"read_csv({lit}, all_varchar=true, header=true, delim=E'{delim}')"
    if kind == "parquet":
        return f"read_parquet({lit})"
    return f"read_json({lit}, format='auto')"


def stage_file(con, table: str, path: Path, idx: int) -> tuple[str, list[str]]:
    """Read one file into a temp table of VARCHAR columns with its row number; check it."""
    tmp = f"__load_{table}_{idx}"
    con.execute(f'create temp table "{tmp}" as select row_number() over () as __row, * from {_reader(path)}')
    file_cols = [r[0] for r in con.execute(f'describe "{tmp}"').fetchall() if r[0] != "__row"]
    lower = {c.lower(): c for c in file_cols}
    missing = [c for c in REQUIRED_COLUMNS[table] if c not in lower]
    if missing:
        raise LoadError(f"{path}: missing required column(s) {', '.join(missing)} for raw.{table} "
                        f"(file has: {', '.join(file_cols)})")
    for column, col_type in RAW_TABLES[table].items():
        if column not in lower or col_type == "VARCHAR":
            continue
        src = lower[column]
        bad = con.execute(
            f'select __row, cast("{src}" as varchar) from "{tmp}" '
            f'where "{src}" is not null and trim(cast("{src}" as varchar)) <> \'\' '
            f'and try_cast(trim(cast("{src}" as varchar)) as {col_type}) is null order by __row limit 1'
        ).fetchone()
        if bad:
            raise LoadError(f"{path}: column {column}, row {bad[0]}: value {bad[1]!r} is not a valid "
                            f"{col_type}")
    return tmp, file_cols


def load_directory(db_path: str, directory: Path, loaded_at: str | None = None) -> dict[str, int]:
    files = discover(directory)
    stamp = loaded_at or datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    # staged files are temp tables; with a memory limit they spill to disk instead of filling memory
    limit = os.environ.get("LEAD_SCORING_MEMORY_LIMIT")
    con = duckdb.connect(db_path, config={"memory_limit": limit} if limit else {})
    try:
        create_all_raw_tables(con)
        schema = raw_schema(con)
        staged = []
        for table, paths in files.items():
            for i, path in enumerate(paths):
                tmp, cols = stage_file(con, table, path, i)
                staged.append((table, path, tmp, cols))
        counts: dict[str, int] = {t: 0 for t in RAW_TABLES}
        con.execute("begin transaction")
        try:
            for table, _path, tmp, cols in staged:
                existing = {r[0].lower() for r in con.execute(f'describe {schema}."{table}"').fetchall()}
                lower = {c.lower(): c for c in cols}
                for extra in [c for c in lower if c not in existing and c != "loaded_at"]:
                    con.execute(f'alter table {schema}."{table}" add column "{extra}" VARCHAR')
                    existing.add(extra)
                target_cols, exprs = [], []
                for col in sorted(existing, key=lambda c: (c not in RAW_TABLES[table], c)):
                    if col == "loaded_at":
                        continue
                    col_type = RAW_TABLES[table].get(col, "VARCHAR")
                    target_cols.append(f'"{col}"')
                    if col in lower:
                        src = f'nullif(trim(cast("{lower[col]}" as varchar)), \'\')'
                        exprs.append(f"cast({src} as {col_type})")
                    else:
                        exprs.append(f"cast(null as {col_type})")
                n = con.execute(
                    f'insert into {schema}."{table}" ({", ".join(target_cols)}, "loaded_at") '
                    f'select {", ".join(exprs)}, cast(? as timestamp) from "{tmp}" order by __row',
                    [stamp],
                ).fetchone()[0]
                counts[table] += n
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        return counts
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--db", default=os.environ.get("LEAD_SCORING_DB", "lead_scoring.duckdb"))
    parser.add_argument("--loaded-at", help="stamp for this batch (default: now, UTC)")
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        print(f"load_raw: {args.directory} is not a directory", file=sys.stderr)
        return 2
    try:
        counts = load_directory(args.db, args.directory, args.loaded_at)
    except LoadError as exc:
        print(f"load_raw: refused, nothing loaded: {exc}", file=sys.stderr)
        return 1
    except duckdb.IOException as exc:
        print(f"load_raw: cannot open {args.db} for writing ({exc}). Is a build or another "
              f"writer using it?", file=sys.stderr)
        return 1
    print("loaded " + ", ".join(f"{t}={n}" for t, n in counts.items()) + f" into {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
