"""`lead-scoring`: one command-line tool for the project (`lead-scoring --help`)."""
from __future__ import annotations

import os
from pathlib import Path

import click

from lead_scoring.bench import bench
from lead_scoring.building.backfill import backfill
from lead_scoring.building.build import build
from lead_scoring.building.watch import watch
from lead_scoring.calibration.backtest import backtest
from lead_scoring.calibration.calibrate import calibrate_command
from lead_scoring.calibration.x_education_study import x_education_study
from lead_scoring.dashboard_cli import dashboard
from lead_scoring.exporting.crm_changes import export
from lead_scoring.loading.demo_data import demo_data
from lead_scoring.loading.imports import import_group
from lead_scoring.loading.loader import load
from lead_scoring.loading.spark_raw import copy_to_spark
from lead_scoring.mutate import mutate
from lead_scoring.study import study
from lead_scoring.sync.cli import sync
from lead_scoring.top_leads import top

# The global options set the one configuration every command reads (lead_scoring/config.py).
SETTINGS = {"db": "LEAD_SCORING_DB", "read_db": "LEAD_SCORING_READ_DB", "target": "LEAD_SCORING_TARGET",
            "project_dir": "LEAD_SCORING_PROJECT_DIR"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lead-scoring-warehouse")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="The DuckDB warehouse [$LEAD_SCORING_DB; default: <project dir>/lead_scoring.duckdb].")
@click.option("--read-db", type=click.Path(dir_okay=False, path_type=Path),
              help="The published read copy [$LEAD_SCORING_READ_DB; default: <db>_read.duckdb].")
@click.option("--target", help="dbt target of profiles.yml [$LEAD_SCORING_TARGET; default: the profile's].")
@click.option("--project-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The dbt project [$LEAD_SCORING_PROJECT_DIR; default: this checkout].")
def main(**settings) -> None:
    """Lead scoring as code in your own warehouse.

    Example: lead-scoring --db lead_scoring.duckdb load demo_data/batch_1 && lead-scoring build && lead-scoring top
    """
    for name, value in settings.items():
        if value is not None:
            os.environ[SETTINGS[name]] = str(Path(value).resolve()) if isinstance(value, Path) else value


for command in (dashboard, mutate, study, sync):
    main.add_command(command)
main.add_command(load)
main.add_command(build)
main.add_command(watch)
main.add_command(top)
main.add_command(export)
main.add_command(backfill)
main.add_command(calibrate_command)
main.add_command(backtest)
main.add_command(bench)
main.add_command(demo_data)
main.add_command(import_group)
main.add_command(copy_to_spark)
study.add_command(x_education_study)
