"""Where the scripts find the warehouse: one configuration for every script.

LEAD_SCORING_RAW_SCHEMA (default raw) is the schema of the raw tables, the one the dbt source
reads too (models/staging/raw/_raw__sources.yml); LEAD_SCORING_MARTS_SCHEMA (default marts) is
where the marts are built (macros/generate_schema_name.sql) and read.
"""
from __future__ import annotations

import os
import re


def _schema(variable: str, default: str) -> str:
    value = (os.environ.get(variable) or default).strip()
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise SystemExit(f"{variable} must be a plain schema name (letters, digits, _), got {value!r}")
    return value


RAW_SCHEMA = _schema("LEAD_SCORING_RAW_SCHEMA", "raw")
MARTS_SCHEMA = _schema("LEAD_SCORING_MARTS_SCHEMA", "marts")
