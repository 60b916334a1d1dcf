"""The raw schema is declared once (models/staging/raw/_raw__sources.yml): what derives from it
agrees with it. Reads files only; no dbt run."""
import re

import yaml

from lead_scoring import PROJECT_DIR
from lead_scoring.loading.raw_schema import DUCKDB_TYPES, KEY_COLUMNS, RAW_TABLES, REQUIRED_COLUMNS, SOURCES_YML

BASE = PROJECT_DIR / "models" / "staging" / "raw" / "base"


def test_loader_schema_is_read_from_the_dbt_source():
    raw = next(s for s in yaml.safe_load(SOURCES_YML.read_text())["sources"] if s["name"] == "raw")
    contacts = next(t for t in raw["tables"] if t["name"] == "contacts")
    assert [c["name"] for c in contacts["columns"]][:3] == ["contact_id", "account_id", "email"]
    assert RAW_TABLES["contacts"]["company_size"] == "INTEGER"
    assert RAW_TABLES["contacts"]["email_consent"] == "BOOLEAN"
    assert RAW_TABLES["accounts"]["annual_revenue"] == "DOUBLE"
    assert "loaded_at" not in RAW_TABLES["interactions"]
    assert REQUIRED_COLUMNS["contact_attributes"] == ["contact_id", "attribute", "value"]
    assert REQUIRED_COLUMNS["interactions"] == ["event_id", "event_type", "occurred_at"]
    assert KEY_COLUMNS == {"contacts": "contact_id", "accounts": "account_id", "interactions": "event_id",
                           "conversions": "conversion_id"}
    assert set(DUCKDB_TYPES.values()) >= {t for cols in RAW_TABLES.values() for t in cols.values()}


def test_base_models_list_every_declared_column_in_order():
    for table, columns in RAW_TABLES.items():
        sql = (BASE / f"base_raw__{table}.sql").read_text()
        listed = [c for c in re.findall(r"\}\} as (\w+),", sql) if c != "rejection_reason"]
        assert listed == list(columns), table


def test_base_model_docs_name_every_declared_column():
    models = {m["name"]: m for m in yaml.safe_load((BASE / "_base__models.yml").read_text())["models"]}
    for table, columns in RAW_TABLES.items():
        documented = [c["name"] for c in models[f"base_raw__{table}"]["columns"]]
        assert documented == [*columns, "loaded_at", "rejection_reason", "raw_values"], table
