"""The integration_tests/ host project's seeds, generated from scenario.py: its rules are the
scenario's rule seeds under the host's names, its raw data the scenario's raw tables under the
host's table names with Fivetran's watermark column. Run this module to rewrite them:
    .venv/bin/python tests_py/package_fixtures.py
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))

import scenario  # noqa: E402
from conftest import SEED_COLUMNS, write_csv  # noqa: E402
from lead_scoring.loading.raw_schema import RAW_TABLES  # noqa: E402

INTEGRATION = HERE.parent / "integration_tests"
# contract table -> the host's table (integration_tests/dbt_project.yml vars)
HOST_TABLES = {
    "contacts": "crm_people",
    "accounts": "crm_companies",
    "contact_attributes": "crm_custom_fields",
    "interactions": "web_and_email_events",
    "identities": "cookie_matches",
}


def seed_files() -> dict[Path, tuple[list[str], list[dict]]]:
    files = {}
    for name in SEED_COLUMNS:  # a rule seed the scenario leaves out is empty (header only)
        rows = scenario.SEEDS.get(name, [])
        files[Path("seeds/rules") / f"my_{name}.csv"] = (SEED_COLUMNS[name], rows)
    for table, rows in scenario.RAW.items():
        columns = list(RAW_TABLES[table])
        extra = sorted({k for r in rows for k in r} - set(columns))
        stamped = [{**r, "_fivetran_synced": scenario.LOADED_AT} for r in rows]
        files[Path("seeds/landing") / f"{HOST_TABLES[table]}.csv"] = (columns + extra + ["_fivetran_synced"], stamped)
    return files


def write_all(root: Path = INTEGRATION) -> list[Path]:
    written = []
    for rel, (columns, rows) in seed_files().items():
        write_csv(root / rel, columns, rows)
        written.append(root / rel)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path)
