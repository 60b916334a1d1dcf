"""The raw tables of the contract (section 2): columns, types and required columns.

Read from the dbt source models/staging/raw/_raw__sources.yml, where the raw schema is declared
once; the loader, the demo generator, the tests and the dbt base models all derive from it.
"""

from pathlib import Path

import yaml

from lead_scoring import PROJECT_DIR
from lead_scoring.config import RAW_SCHEMA  # noqa: F401 (LEAD_SCORING_RAW_SCHEMA)

# The one declaration of the raw tables is the dbt source (docs/architecture.md); the loader,
# the demo generator and the tests read it from the source checkout this package belongs to.
SOURCES_YML = PROJECT_DIR / "models" / "staging" / "raw" / "_raw__sources.yml"

# The sources' data_type names (valid on DuckDB and Spark) as the loader's DuckDB types.
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "INTEGER", "double": "DOUBLE", "boolean": "BOOLEAN",
                "timestamp": "TIMESTAMP"}


def _meta(entry: dict) -> dict:
    return (entry.get("config") or {}).get("meta") or entry.get("meta") or {}


def _declared_tables(path: Path = SOURCES_YML) -> dict[str, dict]:
    """The `raw` source's tables as declared: {table: yml entry}."""
    if not path.is_file():
        raise RuntimeError(f"{path} not found: the raw schema is declared there (install the package "
                           f"editable from a source checkout: pip install -e .)")
    sources = yaml.safe_load(path.read_text())["sources"]
    raw = next(s for s in sources if s["name"] == "raw")
    return {t["name"]: t for t in raw["tables"]}


_TABLES = _declared_tables()

# table -> ordered {column: DuckDB type}; loaded_at is stamped by the loader, not declared here.
RAW_TABLES = {
    table: {c["name"]: DUCKDB_TYPES[c["data_type"]] for c in entry["columns"] if c["name"] != "loaded_at"}
    for table, entry in _TABLES.items()
}

# Columns a file must have (meta required). Missing values in them are not refused by the
# loader: staging routes such rows to the rejected-rows tables with a reason.
REQUIRED_COLUMNS = {
    table: [c["name"] for c in entry["columns"] if _meta(c).get("required")]
    for table, entry in _TABLES.items()
}

# Each table's id (meta key): one usable row per id is kept; repeats within a batch are reported.
KEY_COLUMNS = {table: _meta(entry)["key"] for table, entry in _TABLES.items() if "key" in _meta(entry)}
# How staging picks the kept version among rows with the same id and loaded_at (descending).
DUPLICATE_RULES = {table: _meta(entry)["kept_version"] for table, entry in _TABLES.items() if table in KEY_COLUMNS}


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
