"""`lead-scoring sync`: diff against what the CRM accepted, exactly-once delivery across kills and
budgets, per-row rejections, dry runs, secrets. Scores come from a real build (loader + dbt),
published to a read copy like scripts/build.py does; the CRM is tests_py/fake_crm.py on 127.0.0.1."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lead_scoring.building.publish import publish
from conftest import Project
from fake_crm import FakeCrm
from scenario import band, beh, contact, ev, model

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
AS_OF = "2026-06-30 00:00:00"
# c01..c12: contact ci has i page views worth 10 points each, so lead_score = 10 * i.
# c13 has no email: HubSpot matches on email, so it is invalid there.
SEEDS = {
    "scoring_models": [model("m")],
    "attribute_rules": [],
    "behavior_rules": [beh("m", "visit", "page_view", 10)],
    "absence_rules": [],
    "score_bands": [band("m", "cold", 0), band("m", "warm", 30), band("m", "hot", 80, True)],
}
EMAILS = [f"c{i:02d}@x.com" for i in range(1, 13)]
HUBSPOT_MAPPING = """
destination: hubspot
match: {column: email, field: email}
fields:
  lead_score: hs_lead_score_custom
  lead_band: lead_band
  is_sales_ready: lead_sales_ready
"""
SALESFORCE_MAPPING = """
destination: salesforce
object: Lead
match: {column: contact_id, field: Lead_Score_Key__c}
fields:
  lead_score: Lead_Score__c
  lead_band: Lead_Band__c
  is_sales_ready: Sales_Ready__c
"""


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    """Two published read copies: the first build, and a rebuild where c01..c03 each got one more
    page view (10 -> 20, 20 -> 30, 30 -> 40 points)."""
    root = tmp_path_factory.mktemp("crm_sync")
    project = Project(root / "project")
    project.write_seeds(**SEEDS)
    contacts = [contact(f"c{i:02d}", email=f"C{i:02d}@x.com" if i < 13 else None) for i in range(1, 14)]
    events = [ev(f"e{i}_{n}", f"c{i:02d}", "page_view", f"2026-06-{n + 1:02d} 10:00:00")
              for i in range(1, 13) for n in range(i)]
    project.load_raw("2026-06-20 00:00:00", contacts=contacts, interactions=events)
    project.build(as_of=AS_OF, vars={"crm_model_id": "m"})
    first = root / "read_1.duckdb"
    publish(Path(project.db), first)
    project.load_raw("2026-06-25 00:00:00", interactions=[
        ev(f"late_{i}", f"c{i:02d}", "page_view", "2026-06-24 10:00:00") for i in (1, 2, 3)])
    project.build(as_of=AS_OF, vars={"crm_model_id": "m"})
    second = root / "read_2.duckdb"
    publish(Path(project.db), second)
    return first, second


@pytest.fixture
def crm():
    fake = FakeCrm(TOKEN)
    yield fake
    fake.close()


def mapping_file(tmp_path, text, name="mapping.yml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def command(kind, db, state, mapping, *args):
    return [sys.executable, "-c", "from lead_scoring.cli import main; main()", "sync", kind, "--db", str(db),
            "--state-db", str(state), "--mapping", str(mapping), *args]


def environment(crm, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "SALESFORCE_", "WEBHOOK_"))}
    env.update(HUBSPOT_BASE_URL=crm.url, SALESFORCE_INSTANCE_URL=crm.url, HUBSPOT_ACCESS_TOKEN=TOKEN,
               SALESFORCE_ACCESS_TOKEN=TOKEN, WEBHOOK_TOKEN=TOKEN, **extra)
    return env


def sync(crm, kind, db, state, mapping, *args, env=None):
    return subprocess.run(command(kind, db, state, mapping, *args), env=env or environment(crm),
                          capture_output=True, text=True, timeout=120)


def query(state, sql, params=None):
    with duckdb.connect(str(state), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# --- HubSpot ---------------------------------------------------------------------------------

def test_first_full_sync_then_only_the_three_changed_scores(scores, crm, tmp_path):
    first, second = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, HUBSPOT_MAPPING)
    run = sync(crm, "hubspot", first, state, mapping, "--batch-size", "5")
    assert run.returncode == 0, run.stderr
    # 12 contacts with an email, 5 per request: 3 requests; each contact written once
    assert crm.write_counts() == {email: 1 for email in EMAILS}
    assert [c for c in crm.calls if c[1].endswith("/batch/upsert")] == [("POST", "/crm/v3/objects/contacts/batch/upsert")] * 3
    assert crm.records["c03@x.com"]["hs_lead_score_custom"] == "30"        # 3 page views x 10
    assert crm.records["c03@x.com"]["lead_band"] == "warm"                 # 30 >= 30
    assert crm.records["c09@x.com"]["lead_sales_ready"] == "true"          # 90 >= 80: hot
    assert "12 accepted, 0 rejected, 3 requests" in run.stdout
    assert run.stderr == ""  # no progress bar when stderr is not a terminal
    assert query(state, "select contact_id, status, error from sync.log where status = 'invalid'") == [
        ("c13", "invalid", "email is empty (the match key)")]
    assert query(state, "select status, planned, to_create, to_update, unchanged, invalid, accepted, requests "
                        "from sync.runs") == [("complete", 12, 12, 0, 0, 1, 12, 3)]

    # nothing changed: nothing sent
    again = sync(crm, "hubspot", first, state, mapping, "--batch-size", "5")
    assert again.returncode == 0 and "0 accepted, 0 rejected, 0 requests" in again.stdout
    assert len(crm.applied) == 12

    # the rebuild changed c01..c03 only: the plan shows what changes, and exactly those three are sent
    plan = sync(crm, "hubspot", second, state, mapping, "--dry-run")
    assert "  update c01@x.com: hs_lead_score_custom 10 -> 20" in plan.stdout.splitlines()
    assert "  update c03@x.com: hs_lead_score_custom 30 -> 40" in plan.stdout.splitlines()  # band stays warm
    assert "  update c02@x.com: hs_lead_score_custom 20 -> 30, lead_band cold -> warm" in plan.stdout.splitlines()
    changed = sync(crm, "hubspot", second, state, mapping, "--batch-size", "5")
    assert changed.returncode == 0, changed.stderr
    assert [(key, fields["hs_lead_score_custom"]) for _api, key, fields in crm.applied[12:]] == [
        ("c01@x.com", "20"), ("c02@x.com", "30"), ("c03@x.com", "40")]
    assert query(state, "select key, operation, status, attempt from sync.log where run_id = "
                        "(select run_id from sync.runs order by started_at desc limit 1) and status <> 'invalid' "
                        "order by key") == [("c01@x.com", "update", "accepted", 1), ("c02@x.com", "update", "accepted", 1),
                                            ("c03@x.com", "update", "accepted", 1)]


def test_rejected_rows_stay_pending_and_succeed_next_run(scores, crm, tmp_path):
    first, _ = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, HUBSPOT_MAPPING)
    crm.reject = {"c04@x.com": "Property values were not valid: lead_band", "c07@x.com": "Contact is locked"}
    run = sync(crm, "hubspot", first, state, mapping, "--batch-size", "4")
    assert run.returncode == 3, run.stderr  # some rows rejected
    assert set(crm.write_counts()) == set(EMAILS) - {"c04@x.com", "c07@x.com"}
    assert query(state, "select key, status, error, http_status from sync.log where status = 'rejected' order by key") == [
        ("c04@x.com", "rejected", "VALIDATION_ERROR: Property values were not valid: lead_band", 207),
        ("c07@x.com", "rejected", "VALIDATION_ERROR: Contact is locked", 207)]
    assert query(state, "select count(*) from sync.delivered") == [(10,)]

    # the CRM accepts them now; it first answers one 429 with Retry-After, which is honoured and retried
    crm.reject = {}
    crm.inject = [(429, {"Retry-After": "1"}, {"status": "error", "category": "RATE_LIMITS",
                                               "message": "You have reached your secondly limit."})]
    rerun = sync(crm, "hubspot", first, state, mapping, "--batch-size", "4")
    assert rerun.returncode == 0, rerun.stderr
    assert crm.write_counts() == {email: 1 for email in EMAILS}
    assert "2 accepted, 0 rejected, 2 requests (1 retried)" in rerun.stdout
    assert query(state, "select key, attempt from sync.log where status = 'accepted' and attempt > 1 order by key") == [
        ("c04@x.com", 2), ("c07@x.com", 2)]


def test_a_batch_refused_as_a_whole_is_split_until_the_bad_rows_are_found(scores, crm, tmp_path):
    first, _ = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, HUBSPOT_MAPPING)
    crm.reject = {"c02@x.com": "Property values were not valid", "c03@x.com": "Property values were not valid"}
    crm.reject_whole_batch = True  # 400 for the batch, naming no input (no multi-status)
    crm.inject = [(503, {}, {"status": "error", "message": "Service unavailable"})]  # retried, not recorded
    run = sync(crm, "hubspot", first, state, mapping, "--batch-size", "4")
    assert run.returncode == 3, run.stderr
    assert set(crm.write_counts()) == set(EMAILS) - {"c02@x.com", "c03@x.com"}
    assert max(crm.write_counts().values()) == 1
    # batch c01-c04 refused -> halves c01,c02 and c03,c04 refused -> single rows: c01 ok, c02 refused,
    # c03 refused, c04 ok; the other two batches go through: 1 (503) + 1 + 2 + 4 + 2 = 10 requests
    assert query(state, "select key, status, http_status, error from sync.log where status <> 'invalid' "
                        "and status <> 'accepted' order by key") == [
        ("c02@x.com", "rejected", 400, "HTTP 400 VALIDATION_ERROR: Property values were not valid"),
        ("c03@x.com", "rejected", 400, "HTTP 400 VALIDATION_ERROR: Property values were not valid")]
    assert query(state, "select requests, retries, accepted, rejected from sync.runs") == [(10, 1, 10, 2)]


def test_a_field_the_crm_does_not_have_stops_the_run_instead_of_splitting_every_batch(scores, crm, tmp_path):
    first, _ = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, HUBSPOT_MAPPING)
    crm.hubspot_properties = {"hs_lead_score_custom", "lead_band"}  # lead_sales_ready was never created
    run = sync(crm, "hubspot", first, state, mapping, "--batch-size", "4")
    assert run.returncode == 1
    assert "refuses row after row with the same error" in run.stderr and "lead_sales_ready" in run.stderr
    # batches of 4 split to 2 and 1: rows c01..c10 refused one by one, then the run stops
    assert query(state, "select count(*), count(distinct error) from sync.log where status = 'rejected'") == [(10, 1)]
    assert len(crm.calls) < 30 and crm.applied == []
    assert query(state, "select status from sync.runs") == [("failed",)]


def test_killed_mid_run_then_rerun_delivers_every_change_once(scores, crm, tmp_path):
    first, _ = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, HUBSPOT_MAPPING)
    crm.block_at = 3  # the third request is held unanswered: the process is killed waiting for it
    proc = subprocess.Popen(command("hubspot", first, state, mapping, "--batch-size", "2"), env=environment(crm),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert crm.blocked.wait(60), "the sync never reached its third request"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    crm.release.set()
    assert sum(crm.write_counts().values()) == 4  # two batches of two were answered
    crm.block_at = None
    rerun = sync(crm, "hubspot", first, state, mapping, "--batch-size", "2")
    assert rerun.returncode == 0, rerun.stderr
    assert crm.write_counts() == {email: 1 for email in EMAILS}
    assert "8 accepted" in rerun.stdout
    assert [r[0] for r in query(state, "select status from sync.runs order by started_at")] == ["interrupted", "complete"]


def test_request_budget_stops_cleanly_and_the_next_run_resumes(scores, crm, tmp_path):
    first, _ = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, HUBSPOT_MAPPING)
    run = sync(crm, "hubspot", first, state, mapping, "--batch-size", "3", "--max-requests", "2")
    assert run.returncode == 75, run.stderr
    assert "request budget of 2 spent; rerun to continue" in run.stderr
    assert sum(crm.write_counts().values()) == 6
    rerun = sync(crm, "hubspot", first, state, mapping, "--batch-size", "3")
    assert rerun.returncode == 0, rerun.stderr
    assert crm.write_counts() == {email: 1 for email in EMAILS}


def test_time_budget_and_hubspot_daily_limit_stop_cleanly(scores, crm, tmp_path):
    first, _ = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, HUBSPOT_MAPPING)
    # a 429 asking for 30 s while half a second is left: stop now rather than overrun the budget
    crm.inject = [(429, {"Retry-After": "30"}, {"status": "error", "category": "RATE_LIMITS", "message": "slow down"})]
    run = sync(crm, "hubspot", first, state, mapping, "--batch-size", "6", "--time-budget", "0.5")
    assert run.returncode == 75, run.stderr
    assert "time budget would run out while waiting 30.0s" in run.stderr and crm.applied == []
    # HubSpot says the daily limit is used up: the answered batch is recorded, then the run stops
    crm.hubspot_limits = {"X-HubSpot-RateLimit-Daily": "250000", "X-HubSpot-RateLimit-Daily-Remaining": "0"}
    run = sync(crm, "hubspot", first, state, mapping, "--batch-size", "6", "--time-budget", "10m")
    assert run.returncode == 75 and "daily API limit is used up" in run.stderr
    assert query(state, "select count(*) from sync.delivered") == [(6,)]
    crm.hubspot_limits = {}
    assert sync(crm, "hubspot", first, state, mapping, "--batch-size", "6").returncode == 0
    assert crm.write_counts() == {email: 1 for email in EMAILS}


def test_dry_run_sends_nothing_and_writes_nothing(scores, crm, tmp_path):
    first, _ = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, HUBSPOT_MAPPING)
    run = sync(crm, "hubspot", first, state, mapping, "--dry-run", env={**environment(crm), "HUBSPOT_ACCESS_TOKEN": ""})
    assert run.returncode == 0, run.stderr
    assert crm.calls == [] and not state.exists()
    lines = run.stdout.splitlines()
    assert any(line.split()[:3] == ["to", "create", "12"] for line in lines)
    assert any(line.split()[:2] == ["invalid", "1"] for line in lines)
    assert "  contact c13: email is empty (the match key)" in lines
    assert "  create c01@x.com: hs_lead_score_custom=10, lead_band=cold, lead_sales_ready=false" in lines


def test_token_never_appears_in_output_or_sync_state(scores, crm, tmp_path):
    first, _ = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, HUBSPOT_MAPPING)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    env = {**environment(crm), "HUBSPOT_ACCESS_TOKEN": "", "HUBSPOT_ACCESS_TOKEN_FILE": str(token_file)}
    crm.reject = {"c05@x.com": f"echoing the request header: Bearer {TOKEN}"}  # a CRM that leaks it back
    ok = sync(crm, "hubspot", first, state, mapping, env=env)
    assert ok.returncode == 3
    assert all(h.get("Authorization") == f"Bearer {TOKEN}" for h in crm.headers_seen)  # it was used
    wrong = sync(crm, "hubspot", first, state, mapping, env={**env, "HUBSPOT_ACCESS_TOKEN_FILE": "",
                                                               "HUBSPOT_ACCESS_TOKEN": "pat-wrong-token-value"})
    assert wrong.returncode == 1 and "INVALID_AUTHENTICATION" in wrong.stderr
    assert "pat-wrong-token-value" not in wrong.stdout + wrong.stderr
    for output in (ok.stdout, ok.stderr, wrong.stdout, wrong.stderr):
        assert TOKEN not in output
    with duckdb.connect(str(state), read_only=True) as con:
        dump = json.dumps([con.execute(f"select * from sync.{t}").fetchall()
                           for t in ("delivered", "log", "runs", "bulk_jobs")], default=str)
    assert "[redacted]" in dump and TOKEN not in dump and "pat-wrong-token-value" not in dump
    assert TOKEN.encode() not in state.read_bytes()


# --- Salesforce ------------------------------------------------------------------------------

def test_salesforce_collections_record_per_record_errors(scores, crm, tmp_path):
    first, second = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, SALESFORCE_MAPPING)
    crm.reject = {"c05": "Lead score out of range"}
    run = sync(crm, "salesforce", first, state, mapping, "--api", "composite", "--batch-size", "200")
    assert run.returncode == 3, run.stderr
    # 13 contacts (matched on contact_id, so c13 without email is valid), one PATCH of 13 records
    assert crm.calls == [("PATCH", "/services/data/v62.0/composite/sobjects/Lead/Lead_Score_Key__c")]
    assert sorted(crm.write_counts()) == [f"c{i:02d}" for i in range(1, 14) if i != 5]
    assert (crm.records["c12"]["Lead_Score__c"], crm.records["c12"]["Sales_Ready__c"]) == (120, True)  # 12 x 10
    assert query(state, "select key, error from sync.log where status = 'rejected'") == [
        ("c05", "FIELD_CUSTOM_VALIDATION_EXCEPTION: Lead score out of range (Lead_Score__c)")]
    assert query(state, "select count(*) filter (where crm_created) from sync.log where status = 'accepted'") == [(12,)]
    crm.reject = {}
    rerun = sync(crm, "salesforce", second, state, mapping, "--api", "composite")
    assert rerun.returncode == 0, rerun.stderr
    # c05 (pending) and the three changed scores
    assert sorted(key for _api, key, _f in crm.applied[12:]) == ["c01", "c02", "c03", "c05"]


def test_salesforce_bulk_job_with_failed_rows_and_a_budget_stop_while_polling(scores, crm, tmp_path):
    first, _ = scores
    state, mapping = tmp_path / "state.duckdb", mapping_file(tmp_path, SALESFORCE_MAPPING)
    crm.reject = {"c02": "Lead score out of range", "c11": "Lead score out of range"}
    crm.unprocessed = {"c13"}
    # create, upload, UploadComplete, one poll (InProgress): the budget ends while Salesforce works
    run = sync(crm, "salesforce", first, state, mapping, "--api", "bulk", "--max-requests", "4")
    assert run.returncode == 75, run.stderr
    assert [m for m, _p in crm.calls] == ["POST", "PUT", "PATCH", "GET"]
    assert query(state, "select count(*) from sync.bulk_jobs") == [(1,)]
    assert crm.applied == []
    # the next run records that job's results first instead of sending the rows again
    rerun = sync(crm, "salesforce", first, state, mapping, "--api", "bulk")
    assert rerun.returncode == 3, rerun.stderr
    assert "Bulk job(s) an earlier run left in flight: 10 accepted, 3 rejected" in rerun.stdout
    assert query(state, "select count(*) from sync.bulk_jobs") == [(0,)]
    # recorded from the recovered job (attempt 1), then sent again in a new job and rejected again
    assert query(state, "select key, attempt from sync.log where status = 'rejected' and attempt = 2 "
                        "order by key") == [("c02", 2), ("c11", 2), ("c13", 2)]
    assert query(state, "select key, error from sync.log where status = 'rejected' and attempt = 1 "
                        "order by key") == [
        ("c02", "FIELD_CUSTOM_VALIDATION_EXCEPTION:Lead score out of range:Lead_Score__c --"),
        ("c11", "FIELD_CUSTOM_VALIDATION_EXCEPTION:Lead score out of range:Lead_Score__c --"),
        ("c13", "not processed: job JobComplete")]
    first_wave = crm.write_counts()
    assert sorted(first_wave) == [f"c{i:02d}" for i in range(1, 13) if i not in (2, 11)]
    # the three rejected rows stay pending and go in a new job once the CRM takes them
    crm.reject, crm.unprocessed = {}, set()
    final = sync(crm, "salesforce", first, state, mapping, "--api", "bulk")
    assert final.returncode == 0, final.stderr
    assert crm.write_counts() == {f"c{i:02d}": 1 for i in range(1, 14)}


# --- mapping validation, webhook, file -------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("destination: hubspot\nmatch: {column: email, field: email}\nfields: {lead_scor: x}\n",
     "fields.lead_scor: unknown column"),
    ("destination: hubspot\nmatch: {column: email, field: email}\nfields: {lead_score: score, fit_score: Score}\n",
     "fields.fit_score: duplicate target 'Score' (also fields.lead_score)"),
    ("destination: hubspot\nmatch: {column: email, field: email}\nfields: {lead_score: email}\n",
     "fields.lead_score: duplicate target 'email' (also match.field)"),
    ("destination: hubspot\nfields: {lead_score: score}\n", "match: missing match key"),
    ("destination: salesforce\nmatch: {column: contact_id, field: K__c}\nfields: {lead_score: S__c}\n",
     "destination: this file is for 'salesforce', not 'hubspot'"),
])
def test_mapping_errors_are_one_line_and_send_nothing(scores, crm, tmp_path, text, message):
    first, _ = scores
    mapping = mapping_file(tmp_path, text)
    run = sync(crm, "hubspot", first, tmp_path / "state.duckdb", mapping)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and message in run.stderr and str(mapping) in run.stderr
    assert crm.calls == []


def test_webhook_and_file_destinations(scores, crm, tmp_path):
    first, second = scores
    state = tmp_path / "state.duckdb"
    hook = mapping_file(tmp_path, f"destination: webhook\nurl: {crm.url}/hook\nmatch: {{column: contact_id, "
                                  "field: contact_id}\nfields: {lead_score: score}\n", "hook.yml")
    crm.reject = {"c08": "unknown contact"}
    run = sync(crm, "webhook", first, state, hook, "--batch-size", "5")
    assert run.returncode == 3, run.stderr
    keys = {h.get("Idempotency-Key") for h in crm.headers_seen}
    assert len(keys) == 3 and None not in keys
    assert query(state, "select key, error from sync.log where status = 'rejected'") == [("c08", "unknown contact")]
    out = tmp_path / "out"
    files = mapping_file(tmp_path, f"destination: file\nout: {out}\nformat: jsonl\nmatch: {{column: contact_id, "
                                   "field: contact_id}\nfields: {lead_score: score}\n", "file.yml")
    assert sync(crm, "file", first, state, files).returncode == 0
    assert sync(crm, "file", second, state, files).returncode == 0
    written = sorted((p.read_text() for p in out.iterdir()), key=len)
    assert [json.loads(line) for line in written[0].splitlines()] == [
        {"contact_id": "c01", "score": 20}, {"contact_id": "c02", "score": 30}, {"contact_id": "c03", "score": 40}]
    assert len(written[1].splitlines()) == 13


def test_plain_http_is_refused_for_remote_hosts(scores, crm, tmp_path):
    first, _ = scores
    mapping = mapping_file(tmp_path, HUBSPOT_MAPPING)
    run = sync(crm, "hubspot", first, tmp_path / "state.duckdb", mapping, "--base-url", "http://api.hubapi.com")
    assert run.returncode == 2
    assert "plain http is allowed only for 127.0.0.1/localhost" in run.stderr


# --- invariant: whatever fails or stops in between, the CRM ends with every change, none twice ----

def write_read_copy(path, scores: dict[str, int]) -> None:
    """A read copy holding marts.crm_lead_scores only, with the mart's columns (faithful enough
    for the sync, which reads nothing else)."""
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("""create table marts.crm_lead_scores (contact_id varchar, email varchar, lead_score integer,
            fit_score double, engagement_score double, lead_band varchar, is_sales_ready boolean, owner_id varchar,
            primary_interest varchar, score_updated_at timestamp, payload_hash varchar)""")
        con.executemany("insert into marts.crm_lead_scores values (?, ?, ?, 0, ?, ?, ?, null, null, "
                        "timestamp '2026-06-30', md5(cast(? as varchar)))",
                        [[cid, f"{cid}@x.com", s, float(s), "hot" if s >= 80 else "cold", s >= 80, s]
                         for cid, s in scores.items()])


step = st.one_of(
    st.tuples(st.just("rebuild"), st.dictionaries(st.sampled_from([f"k{i}" for i in range(8)]),
                                                  st.integers(0, 100), max_size=4)),
    st.tuples(st.just("reject"), st.sets(st.sampled_from([f"k{i}@x.com" for i in range(8)]), max_size=3)),
    st.tuples(st.just("sync"), st.one_of(st.none(), st.integers(1, 3))),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=6))
def test_every_change_reaches_the_crm_and_nothing_is_sent_twice(steps):
    from click.testing import CliRunner

    from lead_scoring.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        scores = {f"k{i}": i for i in range(8)}
        db, state = tmp / "read.duckdb", tmp / "state.duckdb"
        mapping = mapping_file(tmp, HUBSPOT_MAPPING)
        write_read_copy(db, scores)
        crm = FakeCrm(TOKEN)
        try:
            def run(max_requests=None):
                args = ["sync", "hubspot", "--db", str(db), "--state-db", str(state), "--mapping", str(mapping),
                        "--batch-size", "3"] + (["--max-requests", str(max_requests)] if max_requests else [])
                result = CliRunner().invoke(main, args, env={"HUBSPOT_BASE_URL": crm.url,
                                                             "HUBSPOT_ACCESS_TOKEN": TOKEN})
                assert result.exit_code in (0, 3, 75), result.output
            for kind, arg in steps:
                if kind == "rebuild":
                    scores.update(arg)
                    write_read_copy(db, scores)
                elif kind == "reject":
                    crm.reject = {key: "rejected by a validation rule" for key in arg}
                else:
                    run(arg)
            crm.reject = {}
            run()
            # the CRM holds the current score of every contact ...
            assert {key: int(rec["hs_lead_score_custom"]) for key, rec in crm.records.items()} == {
                f"{cid}@x.com": s for cid, s in scores.items()}
            # ... and never got the same values for a contact twice in a row
            last: dict[str, dict] = {}
            for _api, key, fields in crm.applied:
                assert last.get(key) != fields, f"{key} sent twice with {fields}"
                last[key] = fields
        finally:
            crm.close()


def test_bad_options_and_a_missing_read_copy_are_one_line_errors(scores, crm, tmp_path):
    first, _ = scores
    mapping = mapping_file(tmp_path, HUBSPOT_MAPPING)
    too_big = sync(crm, "hubspot", first, tmp_path / "state.duckdb", mapping, "--batch-size", "101")
    assert too_big.returncode == 2 and too_big.stderr == "sync: --batch-size: HubSpot takes 1 to 100 inputs per request\n"
    missing = sync(crm, "hubspot", tmp_path / "nowhere_read.duckdb", tmp_path / "state.duckdb", mapping)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "no published scores at" in missing.stderr and "run scripts/build.py first" in missing.stderr
    no_token = sync(crm, "hubspot", first, tmp_path / "state.duckdb", mapping,
                    env={**environment(crm), "HUBSPOT_ACCESS_TOKEN": ""})
    assert no_token.returncode == 2
    assert no_token.stderr == "sync: HubSpot private app token: set HUBSPOT_ACCESS_TOKEN or HUBSPOT_ACCESS_TOKEN_FILE\n"
    assert crm.calls == []


def test_salesforce_contact_object(scores, crm, tmp_path):
    first, _ = scores
    mapping = mapping_file(tmp_path, SALESFORCE_MAPPING.replace("object: Lead", "object: Contact")
                           .replace("Lead_Score_Key__c", "Warehouse_Id__c"))
    run = sync(crm, "salesforce", first, tmp_path / "state.duckdb", mapping, "--batch-size", "7")
    assert run.returncode == 0, run.stderr
    # 13 rows, fewer than bulk_threshold: sObject Collections, 7 then 6 records
    assert crm.calls == [("PATCH", "/services/data/v62.0/composite/sobjects/Contact/Warehouse_Id__c")] * 2
    assert crm.write_counts() == {f"c{i:02d}": 1 for i in range(1, 14)}
