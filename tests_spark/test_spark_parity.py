"""The same project on Apache Spark (dbt-spark session, local pyspark, parquet tables) gives exactly
the marts DuckDB gives: on the hand-computed fixtures, after an incremental batch (replays, late
events, a late identity, contact updates) and after a rule change with as_of moving forward.

Both engines read identical raw tables: the fixtures are loaded with the project's loader into
DuckDB and copied to Spark (lead_scoring/loading/spark_raw.py). dbt runs in-process for both; the Spark
session is shared with dbt-spark's session method (one JVM for the whole module).
"""
from __future__ import annotations

import copy
import json
import math
import os
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests_py"))
sys.path.insert(0, str(REPO / "scripts"))
os.environ["TZ"] = "UTC"  # pyspark returns timestamps in the Python process's time zone
time.tzset()
# The fixtures are a few hundred rows: one shuffle partition instead of the profile's 4 took a
# Spark build from 278 s to 223 s (2026-12-01, one run each). Set it to check other partitionings.
os.environ.setdefault("LEAD_SCORING_SPARK_SHUFFLE_PARTITIONS", "1")

import scenario  # noqa: E402
from conftest import MARTS, WALL_CLOCK, Project  # noqa: E402
from scenario import attr, beh, contact, ev  # noqa: E402

OUTCOME_MARTS = {"rpt_model_performance": ["model_id"], "rpt_score_band_conversion": ["model_id", "band"],
                 "rpt_rule_effectiveness": ["model_id", "rule_id"]}
COMPARED = {**MARTS, **OUTCOME_MARTS, "rpt_rejected_rows": ["source_table", "raw_values"],
            "rpt_pending_identities": ["anonymous_id"]}
CONVERSIONS = [
    {"conversion_id": "w_d", "contact_id": "c_d", "converted_at": "2026-07-03 00:00:00", "outcome": "won"},
    {"conversion_id": "w_acc1", "account_id": "acc1", "converted_at": "2026-07-04 00:00:00", "outcome": "won"},
    {"conversion_id": "l_e", "contact_id": "c_e", "converted_at": "2026-07-02 00:00:00", "outcome": "lost"},
]


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    os.environ["LEAD_SCORING_SPARK_DIR"] = str(tmp_path_factory.mktemp("spark"))
    from lead_scoring.loading.spark_raw import spark_session
    session = spark_session()
    # The fixtures are a few hundred rows: planning and Java code generation cost more than they
    # save. Without adaptive execution and whole-stage codegen the batches test took 0.88x the
    # time (2026-12-02, two pairs run in turn: 304 s against 346 s); results are the same.
    session.conf.set("spark.sql.adaptive.enabled", "false")
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    yield session
    session.stop()


def duckdb_build(project: Project, as_of: str, vars: dict | None = None, compared: dict = COMPARED) -> dict:
    project.build(as_of=as_of, vars=vars)
    snapshot = {}
    for mart, key in compared.items():
        columns = [c for c, in project.query(
            "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ? "
            "order by column_index", [mart]) if c != WALL_CLOCK.get(mart)]
        rows = project.query(f"select {', '.join(columns)} from marts.{mart} order by {', '.join(key)}")
        snapshot[mart] = normalised(rows)
    return snapshot


def spark_build(project: Project, spark, as_of: str, vars: dict | None = None, compared: dict = COMPARED,
                data_tests: bool = True) -> dict:
    """`dbt build` on Spark and the compared marts. data_tests=False leaves out the data tests (each
    a Spark job, one at a time: 50-60 s of a build); every test here runs them in one build at least."""
    from dbt.cli.main import dbtRunner
    from lead_scoring.loading.spark_raw import copy_raw_tables
    copy_raw_tables(spark, project.db)
    result = dbtRunner().invoke([
        "build", "--target", "spark", "--project-dir", str(project.root), "--profiles-dir", str(project.root),
        "--target-path", str(project.root / "target_spark"), "--log-path", str(project.root / "logs_spark"),
        "--quiet", "--no-write-json", "--vars", json.dumps({"as_of": as_of, **(vars or {})}),
        *([] if data_tests else ["--exclude-resource-type", "test"])])
    if not result.success:
        failures = [f"{r.node.name}: {r.message}" for r in result.result or [] if r.status in ("error", "fail")]
        raise AssertionError(f"spark build failed: {result.exception or failures}")
    snapshot = {}
    for mart, key in compared.items():
        columns = [c for c in spark.table(f"marts.{mart}").columns if c != WALL_CLOCK.get(mart)]
        rows = spark.sql(f"select {', '.join(columns)} from marts.{mart} order by {', '.join(key)}").collect()
        snapshot[mart] = normalised([tuple(r) for r in rows])
    return snapshot


def normalised(rows) -> list[tuple]:
    """Rows sorted in Python (the engines order NULLs differently; floats rounded for the key only)."""
    def key(row):
        return tuple((v is None, 0 if v is None else round(v, 4) if isinstance(v, float) else v) for v in row)
    return sorted((tuple(row) for row in rows), key=key)


def same_rows(a: list[tuple], b: list[tuple]) -> bool:
    """Equal rows; floats equal to 1e-6 (the engines' ln/power differ in the last bits)."""
    def same(x, y):
        if isinstance(x, float) and isinstance(y, float):
            return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6)
        return x == y
    return len(a) == len(b) and all(len(r) == len(q) and all(map(same, r, q)) for r, q in zip(a, b))


def assert_same_marts(duck: dict, spark: dict) -> None:
    differing = [m for m in duck if not same_rows(duck[m], spark[m])]
    details = []
    for m in differing:
        only_duck = [r for r in duck[m] if r not in spark[m]][:3]
        only_spark = [r for r in spark[m] if r not in duck[m]][:3]
        details.append(f"{m} ({len(duck[m])} vs {len(spark[m])} rows):\n  duckdb only {only_duck}\n"
                       f"  spark only  {only_spark}")
    assert not differing, "marts differ between DuckDB and Spark:\n" + "\n".join(details)
    assert duck["fct_lead_scores"], "nothing was scored"


def test_same_marts_on_spark_after_batches_and_a_rule_change(tmp_path, spark):
    project = Project(tmp_path / "project")
    project.write_seeds(**scenario.SEEDS)
    project.load_raw(scenario.LOADED_AT, **scenario.RAW, conversions=CONVERSIONS)
    as_of = scenario_as_of = "2026-06-30 00:00:00"
    # the data tests run on Spark in the last build only (incremental, after the rule change)
    assert_same_marts(duckdb_build(project, as_of), spark_build(project, spark, as_of, data_tests=False))

    # batch 2: a replay that changes an event, late and new events, a late identity, contact updates
    project.load_raw("2026-07-11 00:00:00",
                     interactions=[ev("d_open2", "c_d", "email_click", "2026-06-10 10:00:00", channel="email"),
                                   ev("late_demo", "c_e", "demo_request", "2026-06-25 00:00:00"),
                                   ev("new_purchase", "c_b", "purchase", "2026-06-29 00:00:00", amount=50),
                                   ev("g_web", "c_g", "webinar_attended", "2026-06-26 00:00:00", tags="BI,ML")],
                     identities=[{"anonymous_id": "anon-x", "contact_id": "c_c",
                                  "identified_at": "2026-06-22 00:00:00"}],
                     contacts=[contact("c_b", industry="Software", region="EMEA", job_title="Director of Sales",
                                       updated_at="2026-07-01 00:00:00"), contact("c_new", job_title="CTO")])
    assert_same_marts(duckdb_build(project, scenario_as_of),
                      spark_build(project, spark, scenario_as_of, data_tests=False))

    # a rule change (edit, addition, deactivation) and a later as_of
    seeds = copy.deepcopy(scenario.SEEDS)
    for rule in seeds["behavior_rules"]:
        if rule["rule_id"] == "b_open":
            rule["points"] = 3
    seeds["behavior_rules"].append(beh("m_beh", "b_any_click", "email_click", 4, lookback=60))
    seeds["attribute_rules"].append(attr("m_example", "ex_cto", "job_title", "equals", "cto", 12))
    seeds["attribute_rules"] = [{**r, "is_active": False} if r["rule_id"] == "ex_city" else r
                                for r in seeds["attribute_rules"]]
    project.write_seeds(**seeds)
    as_of = "2026-07-01 00:00:00"
    assert_same_marts(duckdb_build(project, as_of), spark_build(project, spark, as_of))


def test_same_marts_on_spark_from_snowplow_and_ga4(tmp_path, spark):
    # the Snowplow and GA4 adapters' hand-computed fixtures (tests_py/test_source_adapters.py),
    # combined: struct access, JSON parsing, table listing and micros are dispatched per engine
    import test_source_adapters as adapters
    from lead_scoring.loading.spark_raw import copy_raw_tables
    # the module's tests share one Spark warehouse: drop what an earlier test built (its
    # incremental tables carry that test's extra raw columns), as each DuckDB project starts empty
    for (database,) in spark.sql("show databases").collect():
        if database != "default":
            spark.sql(f"drop database if exists {database} cascade")
    project = Project(tmp_path / "project")
    rules = {name: adapters.SNOWPLOW_RULES[name] + adapters.GA4_RULES[name] for name in adapters.GA4_RULES}
    project.write_seeds(**rules)
    project.load_raw(adapters.LOADED, contacts=[contact("c_1"), contact("c_2")])
    adapters.load_snowplow(project)
    adapters.load_ga4(project)
    for schema in ("atomic", "ga4"):
        copy_raw_tables(spark, project.db, schema)
    sources = {"lead_scoring__event_sources": ["raw", "snowplow", "ga4"]}
    compared = {"fct_lead_scores": ["model_id", "contact_id"],
                "fct_lead_score_contributions": ["model_id", "contact_id", "rule_id"],
                "rpt_rejected_rows": ["source_table", "raw_values"],
                "rpt_unmapped_event_names": ["collector", "collector_event"]}
    as_of = "2026-06-30 00:00:00"
    duck = duckdb_build(project, as_of, sources, compared)
    assert_same_marts(duck, spark_build(project, spark, as_of, sources, compared))
    # combined, each model's rules also read the other collector's events of c_1 (d1 and u1 are
    # both c_1's): m_sp 63 (Snowplow alone) + GA4's /pricing views g1, g7 +20, g1's newsletter
    # source +2, generate_lead -> demo_request +30 = 115; m_ga 57 (GA4 alone) + Snowplow's
    # /pricing views e1, e5 +20, e1's newsletter source +2, demo_requested +30 = 109
    assert project.scores("m_sp")["c_1"][:3] == (0, 115, 115)
    assert project.scores("m_ga")["c_1"][:3] == (0, 109, 109)
