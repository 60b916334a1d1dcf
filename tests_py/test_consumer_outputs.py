"""Score history, band changes, stage scores, owner routing, account scores and the CRM sync."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

import scenario
from conftest import REPO, Project
from scenario import attr, band, beh, contact, ev, model

LIFECYCLE_SEEDS = {
    "scoring_models": [model("m")],
    "attribute_rules": [],
    "behavior_rules": [beh("m", "demo", "demo_request", 25, lookback=10), beh("m", "visit", "page_view", 0.5)],
    "absence_rules": [],
    "score_bands": [band("m", "cold", 0), band("m", "sales", 20, True)],
}


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory):
    """c1 crosses into sales-ready, drops out when the demo request leaves the 10-day window,
    and re-qualifies with a new one. Builds at each as_of record what the marts said then."""
    project = Project(tmp_path_factory.mktemp("lifecycle") / "project")
    project.write_seeds(**LIFECYCLE_SEEDS)
    project.load_raw("2026-05-29 00:00:00", contacts=[contact("c1", email="c1@x.com", owner_id="rep_1"),
                                                      contact("c2", email="c2@x.com")])
    seen = {}

    def build(as_of):
        project.build(as_of=as_of, vars={"crm_model_id": "m"})
        seen[as_of] = {
            "scores": project.query("select score, band, band_entered_at, points_in_band from marts.fct_lead_scores "
                                    "where contact_id = 'c1'")[0],
            "crm": project.query("select contact_id, lead_score, score_updated_at from marts.crm_lead_scores "
                                 "order by contact_id"),
        }

    build("2026-05-30 00:00:00")                                  # 0, cold
    project.load_raw("2026-06-01 12:00:00", interactions=[ev("e1", "c1", "demo_request", "2026-06-01 00:00:00")])
    build("2026-06-02 00:00:00")                                  # 25, sales: up
    project.load_raw("2026-06-03 12:00:00", interactions=[ev("e2", "c1", "page_view", "2026-06-03 00:00:00")])
    build("2026-06-10 00:00:00")                                  # 25.5: moved < 1, no new version
    build("2026-06-20 00:00:00")                                  # demo 19 days old: 0.5, cold: down
    project.load_raw("2026-06-25 12:00:00", interactions=[ev("e3", "c1", "demo_request", "2026-06-25 00:00:00")])
    build("2026-06-26 00:00:00")                                  # 25.5, sales again: up
    return project, seen


def test_history_versions(lifecycle):
    project, _seen = lifecycle
    rows = project.query("""select cast(valid_from as varchar), cast(valid_to as varchar), score, band, is_current
                            from marts.fct_lead_score_history where contact_id = 'c1' order by valid_from""")
    assert rows == [
        ("2026-05-30 00:00:00", "2026-06-02 00:00:00", 0.0, "cold", False),
        ("2026-06-02 00:00:00", "2026-06-20 00:00:00", 25.0, "sales", False),
        ("2026-06-20 00:00:00", "2026-06-26 00:00:00", 0.5, "cold", False),
        ("2026-06-26 00:00:00", None, 25.5, "sales", True),
    ]
    # the score on any past day is one query
    assert project.query("""select score from marts.fct_lead_score_history where contact_id = 'c1'
        and valid_from <= timestamp '2026-06-15' and (valid_to > timestamp '2026-06-15' or valid_to is null)""") == [(25.0,)]


def test_band_changes_cover_qualify_drop_and_requalify(lifecycle):
    project, _seen = lifecycle
    rows = project.query("""select from_band, to_band, direction, cast(changed_at as varchar), is_sales_ready
                            from marts.fct_lead_band_changes where contact_id = 'c1' order by changed_at""")
    assert rows == [
        ("cold", "sales", "up", "2026-06-02 00:00:00", True),
        ("sales", "cold", "down", "2026-06-20 00:00:00", False),
        ("cold", "sales", "up", "2026-06-26 00:00:00", True),
    ]


def test_stage_scores(lifecycle):
    _project, seen = lifecycle
    as_str = lambda row: (row[0], row[1], str(row[2]), row[3])  # noqa: E731
    assert as_str(seen["2026-06-02 00:00:00"]["scores"]) == (25.0, "sales", "2026-06-02 00:00:00", 0.0)
    # 25.5 now, 25 on entering 'sales' on Jun 2
    assert as_str(seen["2026-06-10 00:00:00"]["scores"]) == (25.5, "sales", "2026-06-02 00:00:00", 0.5)
    assert as_str(seen["2026-06-26 00:00:00"]["scores"]) == (25.5, "sales", "2026-06-26 00:00:00", 0.0)


def test_crm_rows_change_only_when_synced_values_change(lifecycle):
    _project, seen = lifecycle
    c2 = [s["crm"][1] for s in seen.values()]
    assert len({row[2] for row in c2}) == 1  # c2 never changed: one score_updated_at throughout
    c1 = [s["crm"][0] for s in seen.values()]
    stamps = [row[2] for row in c1]
    # lead_score 0 -> 25 -> 26 (25.5 rounds half away from zero; the row changes) -> 1 -> 26
    assert [row[1] for row in c1] == [0, 25, 26, 1, 26]
    assert len(set(stamps)) == 5 and stamps == sorted(stamps)


def test_history_survives_full_refresh_and_reruns(lifecycle):
    project, _seen = lifecycle
    before = project.query("select * from marts.fct_lead_score_history order by contact_id, valid_from")
    crm = project.query("select * from marts.crm_lead_scores order by contact_id")
    project.dbt("build", "--full-refresh", as_of="2026-06-26 00:00:00", vars={"crm_model_id": "m"})
    assert project.query("select * from marts.fct_lead_score_history order by contact_id, valid_from") == before
    assert project.query("select * from marts.crm_lead_scores order by contact_id") == crm


def test_backfill_rebuilds_past_history(lifecycle, tmp_path):
    project = lifecycle[0].clone(tmp_path / "backfill")
    env = {"LEAD_SCORING_DB": project.db, "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "lead_scoring", "--project-dir", str(project.root), "backfill", "--from",
                           "2026-06-01", "--to", "2026-06-29", "--step", "7d", "--final-as-of", "2026-06-30"],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    rows = project.query("""select cast(valid_from as varchar), score, band from marts.fct_lead_score_history
                            where contact_id = 'c1' order by valid_from""")
    # kept: May 30 (cold, 0). Rescored Jun 1, 8, 15, 22, 29 and Jun 30 (final build):
    # Jun 1: the demo request (00:00) is in the window -> 25, sales; Jun 8: 25.5 (moved < 1);
    # Jun 15: demo 14 days old -> 0.5 cold; Jun 22: 0.5; Jun 29: new demo -> 25.5 sales
    assert rows == [
        ("2026-05-30 00:00:00", 0.0, "cold"),
        ("2026-06-01 00:00:00", 25.0, "sales"),
        ("2026-06-15 00:00:00", 0.5, "cold"),
        ("2026-06-29 00:00:00", 25.5, "sales"),
    ]


ROUTING_SEEDS = {
    "scoring_models": [model("m")],
    "attribute_rules": [attr("m", "titled", "job_title", "is_not_null", None, 100)],
    "behavior_rules": [],
    "absence_rules": [],
    "score_bands": [band("m", "cold", 0), band("m", "sales", 50, True)],
    "routing_rules": [
        {"model_id": "m", "priority": 99, "owner_id": "pool", "is_active": True},
        {"model_id": "m", "priority": 20, "attribute": "job_title", "operator": "contains", "value": "director",
         "owner_id": "rep_director", "is_active": True},
        {"model_id": "m", "priority": 10, "attribute": "region", "operator": "equals", "value": "emea",
         "owner_id": "rep_emea", "is_active": True},
        {"model_id": "m", "priority": 5, "attribute": "region", "operator": "equals", "value": "emea",
         "owner_id": "rep_inactive", "is_active": False},
    ],
}


def test_routing_precedence(tmp_path):
    project = Project(tmp_path / "p")
    project.write_seeds(**ROUTING_SEEDS)
    project.load_raw(scenario.LOADED_AT, contacts=[
        contact("c_emea_director", region="EMEA", job_title="Sales Director"),
        contact("c_director", region="APAC", job_title="IT Director"),
        contact("c_other", region="APAC", job_title="Engineer"),
        contact("c_owned", region="EMEA", job_title="Engineer", owner_id="owner_x"),
        contact("c_cold", region="EMEA"),
    ])

    def owners():
        return {r[0]: r[1:] for r in project.query(
            "select contact_id, owner_id, routing_rule_id from marts.fct_lead_scores")}

    project.build()
    assert owners() == {
        "c_emea_director": ("rep_emea", "m:10"),     # priority 10 before 20; inactive 5 ignored
        "c_director": ("rep_director", "m:20"),
        "c_other": ("pool", "m:99"),                 # blank attribute: catch-all
        "c_owned": ("owner_x", None),                # the existing owner wins
        "c_cold": (None, None),                      # not sales-ready: not routed
    }
    project.build(vars={"routing_overrides_owner": True})
    assert owners()["c_owned"] == ("rep_emea", "m:10")


@pytest.mark.parametrize("method", ["sum", "max", "top3_avg"])
def test_account_score_methods(tmp_path, method):
    project = Project(tmp_path / "p")
    project.write_seeds(
        scoring_models=[model("m")],
        attribute_rules=[attr("m", "size", "company_size", "gte", "0", 0)] + [
            attr("m", f"p{n}", "city", "equals", f"city{n}", n) for n in (10, 20, 30, 40, 50)],
        behavior_rules=[beh("m", "open", "email_open", 0.001)],
        absence_rules=[],
        score_bands=[band("m", "low", 0), band("m", "high", 45, True)],
    )
    project.load_raw(scenario.LOADED_AT, contacts=[
        contact("a1_50", account_id="acc1", city="city50"), contact("a1_40", account_id="acc1", city="city40"),
        contact("a1_30", account_id="acc1", city="city30"), contact("a1_20", account_id="acc1", city="city20"),
        contact("a2_10", account_id="acc2", city="city10"), contact("lone", city="city50"),
    ], interactions=[ev("o1", "a1_20", "email_open", "2026-06-01 00:00:00")])
    project.build(vars={"account_score_method": method})
    rows = project.query("""select account_id, account_score, contact_count, engaged_contact_count,
                                   sales_ready_contact_count, top_contact_id, band
                            from marts.fct_account_scores order by account_id""")
    # acc1 contacts score 50, 40, 30 and 20.001 (one email open); only a1_50 is sales-ready (>= 45)
    acc1_score = {"sum": 140.001, "max": 50.0, "top3_avg": 40.0}[method]
    assert rows[0] == ("acc1", acc1_score, 4, 1, 1, "a1_50", "high" if acc1_score >= 45 else "low")
    assert rows[1] == ("acc2", 10.0, 1, 0, 0, "a2_10", "low")


# --- CRM export ------------------------------------------------------------------------------

def make_crm_db(path, n, stamp="2026-06-01 00:00:00"):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("""create or replace table marts.crm_lead_scores as
            select 'c' || lpad(cast(i as varchar), 3, '0') as contact_id, 'c' || i || '@x.com' as email,
                   cast(i as integer) as lead_score, 1.0 * i as fit_score, 0.0 as engagement_score, 'cold' as lead_band,
                   false as is_sales_ready, null as owner_id, 'analytics' as primary_interest,
                   cast(? as timestamp) as score_updated_at, md5(cast(i as varchar)) as payload_hash
            from range(?) t(i)""", [stamp, n])


def touch_rows(path, ids, stamp):
    with duckdb.connect(str(path)) as con:
        con.execute(f"update marts.crm_lead_scores set lead_score = lead_score + 100, score_updated_at = cast(? as timestamp), "
                    f"payload_hash = md5(payload_hash) where contact_id in ({', '.join('?' for _ in ids)})", [stamp, *ids])


class CrmServer:
    """A local CRM endpoint: fails requests as told, records accepted batches."""

    def __init__(self):
        self.accepted: list[tuple[str, list[str]]] = []
        self.requests = 0
        self.fail_when = lambda n: False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests += 1
                if outer.fail_when(outer.requests):
                    self.send_response(503)
                    self.end_headers()
                    return
                outer.accepted.append((self.headers["Idempotency-Key"], [r["contact_id"] for r in body["rows"]]))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/leads"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self):
        return [cid for _key, ids in self.accepted for cid in ids]


def export(*args):
    return subprocess.run([sys.executable, "-m", "lead_scoring", "export", *args],
                          capture_output=True, text=True, timeout=120)


def test_http_export_interrupted_halfway_and_rerun(tmp_path):
    db, state = tmp_path / "crm.duckdb", tmp_path / "state.json"
    make_crm_db(db, 50)
    crm = CrmServer()
    try:
        common = ["--url", crm.url, "--db", str(db), "--state", str(state), "--batch-size", "10",
                  "--retries", "2", "--backoff", "0.01"]
        # flaky: every third request fails once; retries deliver every batch exactly once
        crm.fail_when = lambda n: n % 3 == 0
        first = export(*common)
        assert first.returncode == 0, first.stderr
        assert sorted(crm.delivered()) == [f"c{i:03d}" for i in range(50)]
        # 30 rows change; the CRM goes down after accepting one more batch: the export stops halfway
        touch_rows(db, [f"c{i:03d}" for i in range(10, 40)], "2026-06-02 00:00:00")
        accepted_before = len(crm.accepted)
        crm.fail_when = lambda n, cutoff=crm.requests + 1: n > cutoff
        halfway = export(*common)
        assert halfway.returncode == 1 and "progress saved" in halfway.stderr
        assert len(crm.accepted) == accepted_before + 1
        # rerun when the CRM is back: the rest, and nothing twice
        crm.fail_when = lambda n: False
        rerun = export(*common)
        assert rerun.returncode == 0, rerun.stderr
        second_wave = crm.delivered()[50:]
        assert sorted(second_wave) == [f"c{i:03d}" for i in range(10, 40)]
        keys = [key for key, _ids in crm.accepted]
        assert len(keys) == len(set(keys))
        assert export(*common).stdout.strip() == "export: nothing changed since the last export"
    finally:
        crm.server.shutdown()


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_file_export_is_idempotent(tmp_path, fmt):
    db, out = tmp_path / "crm.duckdb", tmp_path / "out"
    state = out / ".crm_export_state.json"
    make_crm_db(db, 20)
    assert export("--out", str(out), "--format", fmt, "--db", str(db)).returncode == 0
    first_state = json.loads(state.read_text())
    touch_rows(db, ["c003", "c007"], "2026-06-02 00:00:00")
    assert export("--out", str(out), "--format", fmt, "--db", str(db)).returncode == 0
    assert export("--out", str(out), "--format", fmt, "--db", str(db)).stdout.startswith("export: nothing changed")
    # a crash after writing the second file but before saving the watermark: the rerun rewrites
    # the same file instead of adding a duplicate
    state.write_text(json.dumps({**first_state, "pending": {"until": "2026-06-02 00:00:00", "cursor": None}}))
    assert export("--out", str(out), "--format", fmt, "--db", str(db)).returncode == 0
    files = sorted((p for p in out.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_size,
                   reverse=True)
    assert len(files) == 2
    reader = {"csv": "read_csv", "jsonl": "read_json", "parquet": "read_parquet"}[fmt]
    with duckdb.connect() as con:
        ids = [con.execute(f"select list(contact_id order by contact_id) from {reader}('{f}')").fetchone()[0]
               for f in files]
    assert len(ids[0]) == 20 and ids[1] == ["c003", "c007"]


def test_docs_generate_exposures_and_persisted_descriptions(lifecycle):
    project, _seen = lifecycle
    project.dbt("docs", "generate", vars={"crm_model_id": "m"})
    manifest = json.loads((project.root / "target" / "manifest.json").read_text())
    assert {e["name"] for e in manifest["exposures"].values()} == {"lead_dashboard", "crm_sync"}
    catalog = json.loads((project.root / "target" / "catalog.json").read_text())
    assert "model.lead_scoring.fct_lead_band_changes" in catalog["nodes"]
    # every mart column carries its description in the database itself
    missing = project.query("""select table_name, column_name from duckdb_columns()
                               where schema_name = 'marts' and table_name not like '\\_%' escape '\\'
                                 and (comment is null or comment = '')""")
    assert missing == []
