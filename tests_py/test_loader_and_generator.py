"""`lead-scoring load` and `lead-scoring demo-data` (lead_scoring/loading)."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import duckdb
import pytest

from conftest import REPO, write_csv
from lead_scoring.loading.loader import LoadError, load_directory
from lead_scoring.loading.raw_schema import RAW_TABLES


def table_counts(db):
    with duckdb.connect(db, read_only=True) as con:
        return {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in RAW_TABLES}


def test_loads_csv_parquet_and_json_appending_with_loaded_at(tmp_path):
    db = str(tmp_path / "w.duckdb")
    batch = tmp_path / "b1"
    write_csv(batch / "contacts.csv", ["contact_id", "created_at", "job_title", "favourite_color"],
              [{"contact_id": "c1", "created_at": "2026-01-01", "job_title": "CEO", "favourite_color": "red"}])
    batch.joinpath("interactions.json").write_text(json.dumps(
        [{"event_id": "e1", "contact_id": "c1", "event_type": "page_view", "occurred_at": "2026-02-01 10:00:00"}]))
    with duckdb.connect() as con:
        con.execute(f"copy (select 'a1' as account_id, 12 as employee_count) to '{batch / 'accounts.parquet'}' "
                    "(format parquet)")
    counts = load_directory(db, batch, "2026-03-01 00:00:00")
    assert counts["contacts"] == 1 and counts["interactions"] == 1 and counts["accounts"] == 1
    load_directory(db, batch, "2026-03-02 00:00:00")
    assert table_counts(db) == {"contacts": 2, "contact_attributes": 0, "accounts": 2, "interactions": 2,
                                "identities": 0, "conversions": 0}
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("select distinct cast(loaded_at as varchar) from raw.contacts order by 1").fetchall() == [
            ("2026-03-01 00:00:00",), ("2026-03-02 00:00:00",)]
        # an extra column is kept; contract columns are typed
        assert con.execute("select favourite_color, typeof(created_at) from raw.contacts limit 1").fetchone() == (
            "red", "TIMESTAMP")


def test_missing_required_column_refuses_the_whole_batch(tmp_path):
    db = str(tmp_path / "w.duckdb")
    batch = tmp_path / "b1"
    write_csv(batch / "contacts.csv", ["contact_id", "created_at"], [{"contact_id": "c1", "created_at": "2026-01-01"}])
    write_csv(batch / "interactions.csv", ["event_id", "contact_id", "occurred_at"],
              [{"event_id": "e1", "contact_id": "c1", "occurred_at": "2026-01-02"}])
    with pytest.raises(LoadError, match=r"interactions\.csv: missing required column\(s\) event_type"):
        load_directory(db, batch)
    assert set(table_counts(db).values()) == {0}  # nothing half-loaded; tables exist, empty


def test_wrong_type_names_file_column_and_row(tmp_path):
    db = str(tmp_path / "w.duckdb")
    batch = tmp_path / "b1"
    write_csv(batch / "contacts.csv", ["contact_id", "created_at", "company_size"], [
        {"contact_id": "c1", "created_at": "2026-01-01", "company_size": "10"},
        {"contact_id": "c2", "created_at": "2026-01-01", "company_size": "about ten"},
    ])
    with pytest.raises(LoadError, match=r"contacts\.csv: column company_size, row 2: value 'about ten' is not a valid INTEGER"):
        load_directory(db, batch)
    assert table_counts(db)["contacts"] == 0


def test_cli_exit_code_and_message(tmp_path):
    batch = tmp_path / "b1"
    write_csv(batch / "identities.csv", ["anonymous_id", "contact_id", "identified_at"],
              [{"anonymous_id": "a", "contact_id": "c", "identified_at": "yesterday"}])
    proc = subprocess.run([sys.executable, "-m", "lead_scoring", "load", str(batch), "--db",
                           str(tmp_path / "w.duckdb")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "identities.csv: column identified_at, row 1" in proc.stderr and "nothing loaded" in proc.stderr


def _digest(directory):
    h = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        h.update(path.relative_to(directory).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_generator_is_deterministic_and_realistic(tmp_path):
    def generate(out, seed):
        subprocess.run([sys.executable, "-m", "lead_scoring", "demo-data", "--out", str(out),
                        "--contacts", "300", "--events", "6000", "--batches", "2", "--seed", str(seed),
                        "--format", "csv"], check=True, capture_output=True)
    generate(tmp_path / "a", 1)
    generate(tmp_path / "b", 1)
    generate(tmp_path / "c", 2)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")
    with duckdb.connect() as con:
        ev = lambda b: f"read_csv('{tmp_path / 'a' / b / 'interactions.csv'}', all_varchar=true)"  # noqa: E731
        anon, = con.execute(f"select count(*) from {ev('batch_1')} where contact_id is null").fetchone()
        replays, = con.execute(f"select count(*) from (select event_id from (select * from {ev('batch_1')} "
                               f"union all select * from {ev('batch_2')}) group by 1 having count(*) > 1)").fetchone()
        late, = con.execute(f"select count(*) from {ev('batch_2')} where cast(occurred_at as timestamp) < "
                            f"(select max(cast(occurred_at as timestamp)) from {ev('batch_1')})").fetchone()
        ids_later, = con.execute(f"select count(*) from read_csv('{tmp_path / 'a' / 'batch_2' / 'identities.csv'}')").fetchone()
    assert anon > 0 and replays > 0 and late > 0 and ids_later > 0
