"""Invariants on the demo data set (late events, replays, identities arriving later, contact
updates) built in two batches with the shipped demo rules, and a rule edit without
--full-refresh that must equal a full refresh."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from conftest import REPO, Project

AS_OF_1 = "2026-05-31 00:00:00"
AS_OF_2 = "2026-06-30 00:00:00"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    data = root / "data"
    subprocess.run([sys.executable, "-m", "lead_scoring", "demo-data", "--out", str(data),
                    "--contacts", "400", "--events", "12000", "--batches", "2", "--seed", "7"], check=True)
    project = Project(root / "project")
    from lead_scoring.loading.loader import load_directory
    load_directory(project.db, data / "batch_1", "2026-06-01 00:00:00")
    project.build(as_of=AS_OF_1)
    load_directory(project.db, data / "batch_2", "2026-07-01 00:00:00")
    project.build(as_of=AS_OF_2)
    return project


def test_contributions_sum_to_fit_and_engagement(demo):
    mismatches = demo.query("""
        select s.model_id, s.contact_id
        from marts.fct_lead_scores s
        left join (
            select model_id, contact_id,
                   sum(case when rule_kind = 'attribute' then points else 0 end) as fit,
                   sum(case when rule_kind <> 'attribute' then points else 0 end) as engagement
            from marts.fct_lead_score_contributions group by all
        ) c using (model_id, contact_id)
        where abs(s.fit_score - coalesce(c.fit, 0)) > 1e-4 or abs(s.engagement_score - coalesce(c.engagement, 0)) > 1e-4
    """)
    assert mismatches == []
    assert demo.query("select count(*) from marts.fct_lead_score_contributions")[0][0] > 1000


def test_one_row_per_active_model_and_contact(demo):
    expected = demo.query("""select count(*) from staging.stg_raw__contacts
                             cross join (select model_id from rules.scoring_models where is_active)""")
    assert demo.query("select count(*) from marts.fct_lead_scores") == expected
    assert demo.query("select count(*) from (select distinct model_id, contact_id from marts.fct_lead_scores)") == expected


def test_ranks_are_unique_and_dense(demo):
    bad = demo.query("""select model_id from marts.fct_lead_scores group by model_id
                        having count(distinct score_rank) <> count(*) or min(score_rank) <> 1
                            or max(score_rank) <> count(*)""")
    assert bad == []
    # rank follows score
    assert demo.query("""select count(*) from marts.fct_lead_scores a join marts.fct_lead_scores b
                         on a.model_id = b.model_id and a.score_rank < b.score_rank and a.score < b.score""") == [(0,)]


def test_score_is_clamped_sum(demo):
    assert demo.query("""
        select count(*) from marts.fct_lead_scores s join rules.scoring_models m using (model_id)
        where abs(s.score - least(coalesce(m.score_cap, 1e18), greatest(coalesce(m.score_floor, -1e18),
                                  s.fit_score + s.engagement_score))) > 1e-4""") == [(0,)]


def test_events_after_as_of_are_ignored(demo):
    assert demo.query("select count(*) from staging.stg_raw__interactions where occurred_at > timestamp '2026-06-30'")[0][0] > 0
    assert demo.query("select count(*) from intermediate.int_behavior_scored_events "
                      "where occurred_at > timestamp '2026-06-30'") == [(0,)]
    assert demo.query("select count(*) from marts.fct_lead_scores where last_activity_at > scored_at") == [(0,)]


def test_replayed_events_count_once(demo):
    replayed = demo.query("select count(*) from (select event_id from raw.interactions group by 1 having count(*) > 1)")
    assert replayed[0][0] > 0
    assert demo.query("select count(*) - count(distinct event_id) from staging.stg_raw__interactions") == [(0,)]
    assert demo.query("""select count(*) - count(distinct model_id || rule_id || event_id)
                         from intermediate.int_behavior_scored_events""") == [(0,)]


def test_one_rules_version_per_mart(demo):
    for mart in ["fct_lead_scores", "fct_lead_score_contributions", "fct_lead_tag_scores"]:
        assert demo.query(f"select count(distinct rules_version) from marts.{mart}") == [(1,)]


def test_rule_edit_without_full_refresh_equals_full_refresh(demo):
    seeds = demo.root / "seeds"
    with (seeds / "behavior_rules.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    fieldnames = list(rows[0])
    for row in rows:
        if row["rule_id"] == "eng_pricing_page":
            row["value"] = "/products"    # condition edit: new matches over all history
        if row["rule_id"] == "eng_email_open":
            row["is_active"] = "false"    # deactivation
    rows.append({**rows[0], "rule_id": "eng_download", "event_type": "download", "field": "", "operator": "",
                 "value": "", "points": "4", "max_points": "12", "lookback_days": "", "description": "Download",
                 "is_active": "true"})
    with (seeds / "behavior_rules.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    version_before = demo.query("select max(rules_version) from marts.fct_lead_scores")
    demo.build(as_of=AS_OF_2)
    incremental = demo.mart_snapshot()
    assert demo.query("select max(rules_version) from marts.fct_lead_scores") != version_before
    assert demo.query("select count(*) from marts.fct_lead_score_contributions where rule_id = 'eng_download'")[0][0] > 0
    assert demo.query("select count(*) from marts.fct_lead_score_contributions where rule_id = 'eng_email_open'") == [(0,)]
    demo.dbt("build", "--full-refresh", as_of=AS_OF_2)
    assert demo.mart_snapshot() == incremental
