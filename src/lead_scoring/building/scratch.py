"""Scratch builds: run the project on a private copy of the raw data with other rule seeds.

Calibration and backtests must never publish: they copy the raw tables of the warehouse into a
scratch DuckDB file, copy the dbt project next to it with the rule seeds they want, and build
there. The warehouse, its marts and its read copy are untouched.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from lead_scoring.building.build import AS_OF_ENV
from lead_scoring.config import RAW_SCHEMA, project_dir
from lead_scoring.loading.raw_schema import RAW_TABLES

PROJECT_PARTS = ["models", "macros", "tests", "dbt_project.yml", "profiles.yml"]
SEED_FILES = ["scoring_models", "attribute_rules", "behavior_rules", "absence_rules", "score_bands",
              "routing_rules"]
SEED_FILES += ["rule_groups", "fit_grades", "engagement_tiers"]  # issue 13; a missing file is an empty seed
# What the outcome reports need; history, CRM and account marts are skipped.
REPORTS = ["rpt_model_performance", "rpt_score_band_conversion", "rpt_rule_effectiveness"]


def seed_columns(name: str) -> list[str]:
    """The contract's column order of a rule seed, from the project's own seed file."""
    with (project_dir() / "seeds" / f"{name}.csv").open(newline="") as fh:
        return next(csv.reader(fh))


def read_seeds(directory: Path) -> dict[str, list[dict]]:
    """All rule seeds of a directory as rows; a missing file is an empty seed."""
    seeds = {}
    for name in SEED_FILES:
        path = directory / f"{name}.csv"
        if path.exists():
            with path.open(newline="") as fh:
                seeds[name] = list(csv.DictReader(fh))
        else:
            seeds[name] = []
    return seeds


OPTIONAL_COLUMNS = {
    "scoring_models": ["reset_event_types"],
    "attribute_rules": ["group_id"],
    "behavior_rules": ["group_id"],
    "absence_rules": ["group_id"],
    "score_bands": ["min_fit_score"],
}


def write_seeds(directory: Path, seeds: dict[str, list[dict]]) -> None:
    """Write rule seeds in the contract's format (every file, header first, all SEED_FILES)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in SEED_FILES:
        rows = seeds.get(name, [])
        columns = seed_columns(name)
        # optional columns (docs/rules.md) the shipped seed leaves out are kept when rows use them
        columns += [c for c in OPTIONAL_COLUMNS.get(name, []) if c not in columns and any(c in r for r in rows)]
        with (directory / f"{name}.csv").open("w", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                unknown = set(row) - set(columns)
                if unknown:
                    raise ValueError(f"{name}.csv: unknown columns {sorted(unknown)}")
                writer.writerow([_text(row.get(c)) for c in columns])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def merge_seeds(*rule_sets: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Several rule sets side by side in one project (their model_ids must differ)."""
    models: dict[str, int] = {}
    for i, rules in enumerate(rule_sets):
        for row in rules["scoring_models"]:
            if row["model_id"] in models:
                raise ValueError(f"model_id {row['model_id']!r} appears in two rule sets")
            models[row["model_id"]] = i
    return {name: [row for rules in rule_sets for row in rules.get(name, [])] for name in SEED_FILES}


class ScratchBuild:
    """A copy of the project and of the warehouse's raw tables under `work`."""

    def __init__(self, source_db: Path, work: Path, threads: int | None = None):
        self.work = Path(work)
        self.project = self.work / "project"
        self.db = self.work / "scratch.duckdb"
        self.threads = threads
        if self.project.exists():
            shutil.rmtree(self.project)
        self.project.mkdir(parents=True)
        repo = project_dir()
        for part in PROJECT_PARTS:
            src = repo / part
            (shutil.copytree if src.is_dir() else shutil.copy)(src, self.project / part)
        (self.project / "seeds").mkdir()
        shutil.copy(repo / "seeds" / "_seeds.yml", self.project / "seeds" / "_seeds.yml")
        copy_raw_tables(Path(source_db), self.db)

    def build(self, seeds: dict[str, list[dict]], as_of: str, select: list[str] | None = None,
              extra_vars: dict | None = None) -> None:
        """Build with these rule seeds at as_of (and extra_vars); raises with dbt's output on failure."""
        write_seeds(self.project / "seeds", seeds)
        # as_of in the environment: a new --vars value would make dbt parse the project again
        env = {**os.environ, "LEAD_SCORING_DB": str(self.db), "DBT_PROFILES_DIR": str(self.project),
               AS_OF_ENV: as_of}
        if self.threads:
            env["LEAD_SCORING_THREADS"] = str(self.threads)
        cmd = [str(Path(sys.executable).with_name("dbt")), "build", "--project-dir", str(self.project),
               "--quiet", "--vars", json.dumps(extra_vars or {})]
        # cautious: a test runs only when all it reads is selected (reset_event_types_in_use
        # reads stg_raw__interactions, which every selection holds, and a model it may not)
        cmd += ["--select", *(f"+{model}" for model in select or REPORTS), "--indirect-selection", "cautious"]
        # raw data quality is the warehouse's concern, and that test reads every base model
        cmd += ["--exclude", "rejected_share_per_batch"]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"scratch build failed (exit {proc.returncode}):\n{proc.stdout[-6000:]}\n"
                               f"{proc.stderr[-2000:]}")

    def connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(str(self.db), read_only=True)
        con.execute("pragma disable_progress_bar")
        return con


def copy_raw_tables(source_db: Path, target_db: Path) -> None:
    """Copy schema raw of the warehouse into a new DuckDB file (read-only on the source)."""
    if not source_db.exists():
        raise SystemExit(f"no warehouse at {source_db}: load raw data first (lead-scoring load DIR)")
    for suffix in ("", ".wal"):
        Path(str(target_db) + suffix).unlink(missing_ok=True)
    con = duckdb.connect(str(target_db))
    try:
        con.execute("pragma disable_progress_bar")
        try:
            con.execute(f"attach '{source_db}' as source (read_only)")
        except duckdb.IOException as exc:
            raise SystemExit(f"cannot read {source_db} (is a build running on it?): {exc}") from None
        con.execute(f"create schema {RAW_SCHEMA}")
        present = {r[0] for r in con.execute(
            f"select table_name from duckdb_tables() where database_name = 'source' and schema_name = '{RAW_SCHEMA}'"
        ).fetchall()}
        for table in RAW_TABLES:
            if table in present:
                con.execute(f"create table {RAW_SCHEMA}.{table} as select * from source.{RAW_SCHEMA}.{table}")
        con.execute("detach source")
    finally:
        con.close()
