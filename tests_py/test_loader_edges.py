"""The loader's edges: late load stamps, time zones, nested JSON, unknown files, duplicate ids
and odd column names. Each case failed before the fix it guards (issue #19)."""
from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import REPO, Project, write_csv
from lead_scoring.loading.loader import LoadError, load_directory
from lead_scoring.loading.raw_schema import RAW_TABLES
from scenario import band, beh, contact, ev, model

SEEDS = {
    "scoring_models": [model("m")],
    "attribute_rules": [],
    "behavior_rules": [
        beh("m", "views", "page_view", 1),
        beh("m", "demo", "demo_request", 10),
        beh("m", "prop", "form_submit", 5, "properties.form", "equals", "pricing"),
    ],
    "absence_rules": [],
    "score_bands": [band("m", "base", 0)],
}
AS_OF = "2026-06-30 00:00:00"


def scores(project: Project) -> dict[str, float]:
    return {c: s[2] for c, s in project.scores("m").items()}


@pytest.mark.parametrize("late_stamp", ["2026-07-09 00:00:00", "2026-07-10 00:00:00"],
                         ids=["earlier", "equal"])
def test_a_batch_stamped_no_later_than_the_last_one_is_scored(tmp_path, late_stamp):
    """Batch 2's loaded_at is earlier than (or equal to) batch 1's: its rows are still staged,
    scored and equal to a full refresh; a replay with the older stamp loses to the newer one."""
    project = Project(tmp_path / "p")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-07-10 00:00:00",
                     contacts=[contact("c1"), contact("c2", job_title="old title")],
                     interactions=[ev("e1", "c1", "page_view", "2026-06-01 00:00:00"),
                                   ev("e2", "c1", "demo_request", "2026-06-02 00:00:00")])
    project.build(as_of=AS_OF)
    assert scores(project) == {"c1": 11, "c2": 0}
    project.load_raw(late_stamp,
                     contacts=[contact("c3"), contact("c2", job_title="older title")],
                     interactions=[ev("e3", "c3", "page_view", "2026-06-03 00:00:00"),
                                   ev("e4", "c2", "page_view", "2026-06-03 00:00:00"),
                                   # a replay of e2 stamped no later: with an earlier stamp the
                                   # stored version wins; with an equal stamp the tie-break does
                                   ev("e2", "c1", "page_view", "2026-06-02 00:00:00")])
    project.build(as_of=AS_OF)
    incremental = project.mart_snapshot()
    got = scores(project)
    # c3: one page view (1); c2: one page view (1); c1: e1 (1) + e2 as demo_request (10) when the
    # stored version is newer; with equal stamps the tie-break (occurred_at, then event_type
    # descending) keeps the page_view version: 1 + 1 = 2.
    assert got == {"c1": 11 if late_stamp < "2026-07-10" else 2, "c2": 1, "c3": 1}
    # the contact version stamped later keeps its title when the new one is older
    title = project.query("select job_title from staging.stg_raw__contacts where contact_id = 'c2'")[0][0]
    assert title == ("old title" if late_stamp < "2026-07-10" else max("old title", "older title"))
    project.dbt("build", "--full-refresh", as_of=AS_OF)
    assert project.mart_snapshot() == incremental


def test_rows_appended_by_another_tool_under_an_old_stamp_are_scored(tmp_path):
    project = Project(tmp_path / "p")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-07-10 00:00:00", contacts=[contact("c1")],
                     interactions=[ev("e1", "c1", "page_view", "2026-06-01 00:00:00")])
    project.build(as_of=AS_OF)
    project.execute("insert into raw.interactions (event_id, contact_id, event_type, occurred_at, loaded_at) "
                    "values ('e9', 'c1', 'demo_request', '2026-06-05', '2026-07-10 00:00:00')")
    project.build(as_of=AS_OF)
    assert scores(project) == {"c1": 11}


def write_batch(directory, table, rows, name=None):
    columns = list(RAW_TABLES[table])
    extra = sorted({k for r in rows for k in r} - set(columns))
    write_csv(directory / (name or f"{table}.csv"), columns + extra, rows)


def stored(db: str, sql: str) -> list[tuple]:
    with duckdb.connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_times_are_stored_in_utc_whatever_the_offset_or_the_machine_tz(tmp_path, tz, monkeypatch):
    monkeypatch.setenv("TZ", tz)
    import time
    time.tzset()
    try:
        batch = tmp_path / "batch"
        write_batch(batch, "interactions", [
            ev("offset", "c1", "page_view", "2026-05-20T10:00:00+02:00"),
            ev("zulu", "c1", "page_view", "2026-05-20T10:00:00Z"),
            ev("naive", "c1", "page_view", "2026-05-20 10:00:00"),
        ])
        aware = pa.table({
            "event_id": ["parquet_aware"], "contact_id": ["c1"], "event_type": ["page_view"],
            "occurred_at": pa.array([1779271200000000], pa.timestamp("us", tz="Europe/Warsaw")),
        })  # 1779271200 s = 2026-05-20 10:00:00 UTC
        pq.write_table(aware, batch / "interactions_aware.parquet")
        db = str(tmp_path / "w.duckdb")
        load_directory(db, batch, "2026-07-10 00:00:00+02:00")
        rows = dict(stored(db, "select event_id, cast(occurred_at as varchar) from raw.interactions"))
        assert rows == {"offset": "2026-05-20 08:00:00", "zulu": "2026-05-20 10:00:00",
                        "naive": "2026-05-20 10:00:00", "parquet_aware": "2026-05-20 10:00:00"}
        assert stored(db, "select distinct cast(loaded_at as varchar) from raw.interactions") == [
            ("2026-07-09 22:00:00",)]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_text_raw_columns_from_other_loaders_apply_offsets(tmp_path):
    """A raw table another tool created with text timestamps: staging applies offsets too."""
    project = Project(tmp_path / "p")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-07-10 00:00:00", contacts=[contact("c1")])
    project.execute("drop table raw.interactions")
    project.execute("create table raw.interactions (event_id varchar, contact_id varchar, anonymous_id varchar, "
                    "event_type varchar, occurred_at varchar, loaded_at timestamp)")
    project.execute("insert into raw.interactions values "
                    "('a', 'c1', null, 'page_view', '2026-06-29T23:30:00-02:00', '2026-07-10'), "
                    "('b', 'c1', null, 'page_view', '2026-06-29 23:30:00', '2026-07-10')")
    project.build(as_of=AS_OF)
    # a: 2026-06-30 01:30 UTC, after as_of: not scored; b: before as_of: 1 point
    assert project.query("select event_id, cast(occurred_at as varchar) from staging.stg_raw__interactions "
                         "order by 1") == [("a", "2026-06-30 01:30:00"), ("b", "2026-06-29 23:30:00")]
    assert scores(project) == {"c1": 1}


def test_nested_json_properties_are_stored_as_json_and_scored(tmp_path):
    project = Project(tmp_path / "p")
    project.write_seeds(**SEEDS)
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "interactions.json").write_text(json.dumps([
        {"event_id": "e1", "contact_id": "c1", "event_type": "form_submit", "occurred_at": "2026-06-01 00:00:00",
         "properties": {"form": "pricing", "fields": {"size": 50}, "tags": ["a", "b"]}},
    ]))
    write_batch(batch, "contacts", [contact("c1")])
    load_directory(project.db, batch, "2026-07-10 00:00:00")
    props = project.query("select properties from raw.interactions")[0][0]
    assert json.loads(props) == {"form": "pricing", "fields": {"size": 50}, "tags": ["a", "b"]}
    project.build(as_of=AS_OF)
    assert scores(project) == {"c1": 5}


@pytest.mark.parametrize("name", ["events.csv", "Interaction.csv", "contacts.xlsx", "notes.txt"])
def test_unrecognised_files_refuse_the_batch(tmp_path, name):
    batch = tmp_path / "batch"
    write_batch(batch, "contacts", [contact("c1")])
    (batch / name).write_text("event_id,event_type,occurred_at\ne1,page_view,2026-06-01\n")
    db = str(tmp_path / "w.duckdb")
    with pytest.raises(LoadError) as err:
        load_directory(db, batch, "2026-07-10 00:00:00")
    message = str(err.value)
    assert name in message and "interactions" in message and "contacts" in message
    with duckdb.connect(db) as con:  # nothing of the batch was loaded
        assert con.execute("select count(*) from information_schema.tables "
                           "where table_schema = 'raw'").fetchone()[0] in (0, len(RAW_TABLES))
        if con.execute("select count(*) from information_schema.tables where table_name = 'contacts'").fetchone()[0]:
            assert con.execute("select count(*) from raw.contacts").fetchone()[0] == 0


@pytest.mark.parametrize("name", ["Interactions.csv", "interactions-2026-07.csv", "INTERACTIONS_2026_07.csv"])
def test_documented_name_variants_load(tmp_path, name):
    batch = tmp_path / "batch"
    write_batch(batch, "interactions", [ev("e1", "c1", "page_view", "2026-06-01 00:00:00")], name=name)
    (batch / ".DS_Store").write_text("x")  # hidden files are not data
    db = str(tmp_path / "w.duckdb")
    assert load_directory(db, batch, "2026-07-10 00:00:00")["interactions"] == 1


def test_a_quote_in_a_column_name_is_a_one_line_refusal(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "interactions.csv").write_text('event_id,event_type,occurred_at,"we""ird"\ne1,page_view,2026-06-01,x\n')
    result = subprocess.run([sys.executable, "-m", "lead_scoring", "load", str(batch),
                             "--db", str(tmp_path / "w.duckdb")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert 'we"ird' in result.stderr and "double quote" in result.stderr


def test_duplicate_ids_within_a_batch_are_reported_with_the_rule(tmp_path):
    project = Project(tmp_path / "p")
    project.write_seeds(**SEEDS)
    batch = tmp_path / "batch"
    write_batch(batch, "interactions", [
        ev("dup", "c1", "page_view", "2026-06-01 00:00:00"),
        ev("dup", "c1", "demo_request", "2026-06-01 00:00:00"),
        ev("same", "c1", "page_view", "2026-06-02 00:00:00"),
        ev("same", "c1", "page_view", "2026-06-02 00:00:00"),
        ev("one", "c1", "page_view", "2026-06-03 00:00:00"),
    ])
    write_batch(batch, "contacts", [contact("c1")])
    result = subprocess.run([sys.executable, "-m", "lead_scoring", "load", str(batch), "--db", project.db,
                             "--loaded-at", "2026-07-10 00:00:00"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "2 event_id values appear more than once" in result.stdout
    project.build(as_of=AS_OF)
    assert project.query("select source_table, record_id, versions, distinct_versions "
                         "from marts.rpt_duplicate_rows order by record_id") == [
        ("interactions", "dup", 2, 2), ("interactions", "same", 2, 1)]
    # the documented tie-break: same occurred_at, so event_type descending keeps page_view
    assert project.query("select event_type from staging.stg_raw__interactions where event_id = 'dup'") == [
        ("page_view",)]
