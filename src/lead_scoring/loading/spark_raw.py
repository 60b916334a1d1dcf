"""Copy the raw tables of a DuckDB warehouse into Spark (schema raw, parquet tables).

    lead-scoring copy-to-spark --duckdb PATH

The loader (`lead-scoring load`) validates and stamps batches into DuckDB; this copies the
result to the local Spark metastore of the `spark` target in profiles.yml, so both engines
build from identical raw tables. Each table is replaced whole (loaded_at stamps are kept, so
the Spark build sees exactly the batches DuckDB has). On a real cluster, land raw tables with
your own ingestion instead (docs/scaling.md).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
import duckdb
import jinja2
import yaml

from lead_scoring.commands import CONTEXT, Refused, run
from lead_scoring.config import project_dir
from lead_scoring.loading.raw_schema import RAW_TABLES


def spark_parameters() -> dict[str, str]:
    """The spark target's server_side_parameters, rendered like dbt renders profiles.yml."""
    profiles = (project_dir() / "profiles.yml").read_text()
    rendered = jinja2.Template(profiles).render(env_var=lambda name, default=None: os.environ.get(name, default))
    target = yaml.safe_load(rendered)["lead_scoring"]["outputs"]["spark"]
    return {k: str(v) for k, v in target.get("server_side_parameters", {}).items()}


def spark_session():
    """The same local SparkSession dbt-spark's session method builds (one per process)."""
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_parameters().items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def copy_raw_tables(spark, duckdb_path: str, schema: str = "raw") -> dict[str, int]:
    """Replace Spark's tables of `schema` with DuckDB's; returns row counts. For raw, the contract's
    tables; for another schema (a collector's landing tables, in the Spark tests) every table in it."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampNTZType
    counts = {}
    spark.sql(f"create database if not exists {schema}")
    with tempfile.TemporaryDirectory(prefix="spark_raw_") as tmp, duckdb.connect(duckdb_path, read_only=True) as con:
        catalog = con.execute("select current_database()").fetchone()[0]
        tables = list(RAW_TABLES) if schema == "raw" else [t for t, in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [schema]).fetchall()]
        for table in tables:
            path = Path(tmp) / f"{table}.parquet"
            con.execute(f"copy \"{catalog}\".{schema}.{table} to '{path}' (format parquet)")
            df = spark.read.parquet(str(path))
            # DuckDB writes TIMESTAMP as local (NTZ) time; the contract's times are UTC timestamps
            for field in df.schema.fields:
                if isinstance(field.dataType, TimestampNTZType):
                    df = df.withColumn(field.name, F.col(field.name).cast("timestamp"))
            df.write.mode("overwrite").format("parquet").saveAsTable(f"{schema}.{table}")
            counts[table] = spark.table(f"{schema}.{table}").count()
    return counts


@click.command("copy-to-spark", context_settings=CONTEXT)
@click.option("--duckdb", "duckdb_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="DuckDB file whose schema raw is copied.")
def copy_to_spark(duckdb_path: Path) -> None:
    """Copy the raw tables of a DuckDB warehouse into the local Spark metastore of the `spark`
    target (parquet tables, each replaced whole), so both engines build from identical raw data.
    Needs requirements-spark.txt and Java (`make test-spark` installs them).

    Example: lead-scoring copy-to-spark --duckdb lead_scoring.duckdb
    """
    if not duckdb_path.exists():
        raise Refused(f"{duckdb_path} not found")
    counts = copy_raw_tables(spark_session(), str(duckdb_path))
    click.echo("spark_raw: " + ", ".join(f"raw.{t} {n:,}" for t, n in counts.items()))


def main(argv: list[str] | None = None) -> int:
    """The old scripts/spark_raw.py entry point."""
    return run(copy_to_spark, argv, "spark_raw")
