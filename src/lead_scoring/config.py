"""One configuration for every command: where the warehouse, its read copy and the dbt project are.

Read from the environment, which the global options of `lead-scoring` set (cli.py):
- LEAD_SCORING_DB (--db): the DuckDB warehouse (default: <project dir>/lead_scoring.duckdb);
- LEAD_SCORING_READ_DB (--read-db): the published read copy (default: <database>_read.duckdb);
- LEAD_SCORING_TARGET (--target): the dbt target of profiles.yml (default: the profile's own);
- LEAD_SCORING_PROJECT_DIR (--project-dir): the dbt project (default: this source checkout);
- LEAD_SCORING_RAW_SCHEMA (default raw): the schema of the raw tables, the one the dbt source
  reads too (models/staging/raw/_raw__sources.yml); LEAD_SCORING_MARTS_SCHEMA (default marts):
  where the marts are built (macros/generate_schema_name.sql) and read.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from lead_scoring import PROJECT_DIR as SOURCE_CHECKOUT


def _schema(variable: str, default: str) -> str:
    value = (os.environ.get(variable) or default).strip()
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise SystemExit(f"{variable} must be a plain schema name (letters, digits, _), got {value!r}")
    return value


RAW_SCHEMA = _schema("LEAD_SCORING_RAW_SCHEMA", "raw")
MARTS_SCHEMA = _schema("LEAD_SCORING_MARTS_SCHEMA", "marts")


def project_dir() -> Path:
    """The dbt project the commands build (its models, macros, seeds and profiles.yml)."""
    return Path(os.environ.get("LEAD_SCORING_PROJECT_DIR") or SOURCE_CHECKOUT).resolve()


def database_path() -> Path:
    return Path(os.environ.get("LEAD_SCORING_DB") or project_dir() / "lead_scoring.duckdb").resolve()


def read_copy_path(db: Path | None = None) -> Path:
    db = database_path() if db is None else db
    default = db.with_name(db.stem + "_read" + db.suffix)
    return Path(os.environ.get("LEAD_SCORING_READ_DB") or default).resolve()


def dbt_target_args() -> list[str]:
    """`--target NAME` for dbt when one is configured; else dbt uses the profile's default."""
    target = os.environ.get("LEAD_SCORING_TARGET")
    return ["--target", target] if target else []
