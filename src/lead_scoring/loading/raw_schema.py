"""The raw tables of the contract (section 2): columns, types and required columns.

Shared by the loader, the demo generator and the tests, so the three cannot drift apart.
"""

from lead_scoring.config import RAW_SCHEMA  # noqa: F401 (LEAD_SCORING_RAW_SCHEMA)

# table -> ordered {column: DuckDB type}; loaded_at is stamped by the loader.
RAW_TABLES = {
    "contacts": {
        "contact_id": "VARCHAR",
        "account_id": "VARCHAR",
        "email": "VARCHAR",
        "first_name": "VARCHAR",
        "last_name": "VARCHAR",
        "job_title": "VARCHAR",
        "seniority": "VARCHAR",
        "department": "VARCHAR",
        "industry": "VARCHAR",
        "company_size": "INTEGER",
        "country": "VARCHAR",
        "region": "VARCHAR",
        "city": "VARCHAR",
        "lead_source": "VARCHAR",
        "email_consent": "BOOLEAN",
        "lifecycle_stage": "VARCHAR",
        "owner_id": "VARCHAR",
        "created_at": "TIMESTAMP",
        "updated_at": "TIMESTAMP",
    },
    "contact_attributes": {
        "contact_id": "VARCHAR",
        "attribute": "VARCHAR",
        "value": "VARCHAR",
        "updated_at": "TIMESTAMP",
    },
    "accounts": {
        "account_id": "VARCHAR",
        "name": "VARCHAR",
        "domain": "VARCHAR",
        "industry": "VARCHAR",
        "employee_count": "INTEGER",
        "annual_revenue": "DOUBLE",
        "country": "VARCHAR",
        "region": "VARCHAR",
        "created_at": "TIMESTAMP",
        "updated_at": "TIMESTAMP",
    },
    "interactions": {
        "event_id": "VARCHAR",
        "contact_id": "VARCHAR",
        "anonymous_id": "VARCHAR",
        "event_type": "VARCHAR",
        "occurred_at": "TIMESTAMP",
        "channel": "VARCHAR",
        "source": "VARCHAR",
        "campaign_id": "VARCHAR",
        "email_id": "VARCHAR",
        "url": "VARCHAR",
        "duration_seconds": "DOUBLE",
        "amount": "DOUBLE",
        "tags": "VARCHAR",
        "properties": "VARCHAR",
    },
    "identities": {
        "anonymous_id": "VARCHAR",
        "contact_id": "VARCHAR",
        "identified_at": "TIMESTAMP",
    },
    "conversions": {
        "conversion_id": "VARCHAR",
        "contact_id": "VARCHAR",
        "account_id": "VARCHAR",
        "converted_at": "TIMESTAMP",
        "outcome": "VARCHAR",
        "amount": "DOUBLE",
    },
}

# Columns a file must have. Missing values in them are not refused by the loader:
# staging routes such rows to the rejected-rows tables with a reason.
REQUIRED_COLUMNS = {
    "contacts": ["contact_id", "created_at"],
    "contact_attributes": ["contact_id", "attribute", "value"],
    "accounts": ["account_id"],
    "interactions": ["event_id", "event_type", "occurred_at"],
    "identities": ["anonymous_id", "contact_id", "identified_at"],
    "conversions": ["conversion_id", "converted_at", "outcome"],
}

# Each table's id: one usable row per id is kept; repeats within a batch are reported.
KEY_COLUMNS = {
    "contacts": "contact_id",
    "accounts": "account_id",
    "interactions": "event_id",
    "conversions": "conversion_id",
}
# How staging picks the kept version among rows with the same id and loaded_at (descending).
DUPLICATE_RULES = {
    "contacts": "latest updated_at, then the greatest raw values text",
    "accounts": "latest updated_at, then the greatest raw values text",
    "interactions": "latest occurred_at, then the greatest event_type, contact or anonymous id, url, properties",
    "conversions": "latest converted_at, then the greatest raw values text",
}


def raw_schema(con) -> str:
    """The raw schema qualified by the database, so a file named raw.duckdb is not ambiguous."""
    catalog = con.execute("select current_database()").fetchone()[0]
    return '"' + catalog.replace('"', '""') + f'".{RAW_SCHEMA}'


def create_table_sql(table: str, schema: str = RAW_SCHEMA) -> str:
    cols = ", ".join(f'"{c}" {t}' for c, t in RAW_TABLES[table].items())
    return f'create table if not exists {schema}."{table}" ({cols}, "loaded_at" TIMESTAMP)'


def create_all_raw_tables(con) -> None:
    schema = raw_schema(con)
    con.execute(f"create schema if not exists {schema}")
    for table in RAW_TABLES:
        con.execute(create_table_sql(table, schema))
