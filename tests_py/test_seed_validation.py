"""Invalid rule seeds stop `dbt build` before any score is published, naming seed, rule and problem."""
from __future__ import annotations

import pytest

import scenario
from conftest import Project, failure_messages
from scenario import absence, attr, band, beh, model

GOOD = {
    "scoring_models": [model("m")],
    "attribute_rules": [attr("m", "fit_ok", "job_title", "contains", "director", 10)],
    "behavior_rules": [beh("m", "eng_ok", "email_open", 1)],
    "absence_rules": [absence("m", "abs_ok", "no_activity", "*", 30, -5)],
    "score_bands": [band("m", "cold", 0), band("m", "hot", 20, True)],
}

BROKEN = {
    "scoring_models": GOOD["scoring_models"] + [model("nobands"), model("m_decay_bad", decay=-3)],
    "attribute_rules": GOOD["attribute_rules"] + [
        attr("m", "bad_op", "job_title", "equal", "x", 1),
        attr("m", "bad_gt", "company_size", "gt", "ten", 1),
        attr("m", "bad_between", "company_size", "between", "1|2|3", 1),
        attr("m", "bad_between_order", "company_size", "between", "9|1", 1),
        attr("m", "bad_regex", "job_title", "matches", "([a-z", 1),
        attr("m", "dup_rule", "job_title", "contains", "a", 1),
        attr("nope", "bad_model", "job_title", "contains", "a", 1),
        attr("m", "bad_noval", "job_title", "contains", None, 1),
    ],
    "behavior_rules": GOOD["behavior_rules"] + [
        beh("m", "dup_rule", "email_open", 1),
        beh("m", "bad_lookback", "email_open", 1, lookback=-5),
        beh("m", "bad_occurrence", "purchase", 1, occ_from=3, occ_to=1),
        beh("m", "bad_field", "page_view", 1, "colour", "equals", "red"),
        beh("m", "bad_nofield", "page_view", 1, None, "equals", "red"),
        beh("m", "bad_lt", "page_view", 1, "duration_seconds", "lt", "soon"),
    ],
    "absence_rules": GOOD["absence_rules"] + [
        absence("m", "bad_within", "no_activity", "*", -1, -5),
        absence("m", "bad_kind", "never_seen", "*", 3, -5),
        absence("m", "bad_response", "no_response", "email_sent", 3, -1),
    ],
    "score_bands": GOOD["score_bands"] + [band("ghost", "x", 0), band("m_decay_bad", "x", 0)],
}

EXPECTED = [
    ("scoring_models", "nobands", "model nobands has no bands in score_bands.csv"),
    ("scoring_models", "m_decay_bad", "decay_half_life_days must be above 0"),
    ("attribute_rules", "bad_op", "unknown operator 'equal'"),
    ("attribute_rules", "bad_gt", "operator 'gt' needs a number, got 'ten'"),
    ("attribute_rules", "bad_between", "between needs 'low|high' with two numbers, got '1|2|3'"),
    ("attribute_rules", "bad_between_order", "between low is above high: '9|1'"),
    ("attribute_rules", "bad_regex", "invalid regular expression '([a-z'"),
    ("attribute_rules", "dup_rule", "duplicate rule_id dup_rule in model m"),
    ("attribute_rules", "bad_model", "unknown model_id 'nope'"),
    ("attribute_rules", "bad_noval", "operator 'contains' needs a value"),
    ("behavior_rules", "dup_rule", "duplicate rule_id dup_rule in model m"),
    ("behavior_rules", "bad_lookback", "negative lookback_days"),
    ("behavior_rules", "bad_occurrence", "occurrence_from is greater than occurrence_to"),
    ("behavior_rules", "bad_field", "unknown field 'colour'"),
    ("behavior_rules", "bad_nofield", "operator given without a field"),
    ("behavior_rules", "bad_lt", "operator 'lt' needs a number, got 'soon'"),
    ("absence_rules", "bad_within", "negative within_days"),
    ("absence_rules", "bad_kind", "unknown rule_kind 'never_seen'"),
    ("absence_rules", "bad_response", "no_response needs a response_event_type"),
    ("score_bands", "ghost/x", "unknown model_id 'ghost'"),
]

# issue 13: rule groups, grades, tiers, fit-gated bands (added to BROKEN below)
BROKEN["scoring_models"] = BROKEN["scoring_models"] + [model("m_gate")]
BROKEN["score_bands"] = BROKEN["score_bands"] + [
    {**band("m_gate", "low", 0), "min_fit_score": 5}, {**band("m_gate", "high", 10, True), "min_fit_score": 20}]
BROKEN["attribute_rules"] = BROKEN["attribute_rules"] + [
    {**attr("m", "fit_nogroup", "job_title", "contains", "x", 1), "group_id": "nogroup"},
    {**attr("m", "fit_mixed", "job_title", "contains", "x", 1), "group_id": "g_mixed"},
]
BROKEN["behavior_rules"] = BROKEN["behavior_rules"] + [
    {**beh("m", "eng_mixed", "email_open", 1), "group_id": "g_mixed"},
    {**beh("m", "eng_mixed2", "email_click", 1), "group_id": "g_mixed"},
]
BROKEN["absence_rules"] = BROKEN["absence_rules"] + [
    {**absence("m", "abs_nogroup", "no_activity", "*", 30, -5), "group_id": "other_group"},
]


def _group(model_id, group_id, max_points=None, min_points=None):
    return {"model_id": model_id, "group_id": group_id, "max_points": max_points, "min_points": min_points,
            "description": group_id, "is_active": True}


BROKEN["rule_groups"] = [
    _group("m", "g_mixed", max_points=10),
    _group("m", "g_inverted", max_points=-8, min_points=-2),
    _group("m", "g_neg_max", max_points=-5),
    _group("m", "g_pos_min", min_points=5),
    _group("m", "g_ok_edge", max_points=0, min_points=0),  # zero limits are valid: no problem
    _group("m", "g_dup", max_points=1), _group("m", "g_dup", max_points=2),
    _group("m", "fit_ok", max_points=5),
    _group("ghost", "g_ghost", max_points=5),
]
BROKEN["fit_grades"] = [
    {"model_id": "m", "grade": "A", "min_fit_score": 20}, {"model_id": "m", "grade": "A", "min_fit_score": 30},
    {"model_id": "m", "grade": "B", "min_fit_score": None},
    {"model_id": "ghost", "grade": "Z", "min_fit_score": 0},
]
BROKEN["engagement_tiers"] = [
    {"model_id": "m", "tier": "1", "min_engagement_score": 10}, {"model_id": "m", "tier": "1", "min_engagement_score": 0},
]
EXPECTED += [
    ("attribute_rules", "fit_nogroup", "unknown group_id 'nogroup' (not in rule_groups.csv for model m)"),
    ("absence_rules", "abs_nogroup", "unknown group_id 'other_group' (not in rule_groups.csv for model m)"),
    ("rule_groups", "m/g_mixed", "group mixes attribute rules (fit_mixed) with behaviour/absence rules "
                                 "(eng_mixed, eng_mixed2); a group counts to fit or to engagement, not both"),
    ("rule_groups", "m/g_inverted", "min_points is above max_points"),
    ("rule_groups", "m/g_neg_max", "negative max_points (a limit on penalties is a negative min_points)"),
    ("rule_groups", "m/g_pos_min", "positive min_points (a limit on points is a positive max_points)"),
    ("rule_groups", "m/g_dup", "duplicate group_id g_dup in model m"),
    ("rule_groups", "m/fit_ok", "group_id fit_ok is also a rule_id in model m"),
    ("rule_groups", "ghost/g_ghost", "unknown model_id 'ghost'"),
    ("fit_grades", "m/A", "duplicate grade A in model m"),
    ("fit_grades", "m/B", "min_fit_score is required"),
    ("fit_grades", "ghost/Z", "unknown model_id 'ghost'"),
    ("engagement_tiers", "m/1", "duplicate tier 1 in model m"),
    ("score_bands", "m_gate/low", "min_fit_score on the lowest band has no effect"),
]
LABELS = {"scoring_models": "model", "score_bands": "band", "rule_groups": "group", "fit_grades": "grade",
          "engagement_tiers": "tier"}


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("validation") / "project")
    project.write_seeds(**GOOD)
    project.load_raw(scenario.LOADED_AT, contacts=[scenario.contact("c1", job_title="Director")],
                     interactions=[scenario.ev("e1", "c1", "email_open", "2026-06-01 00:00:00")])
    project.build()
    before = project.mart_snapshot()
    project.write_seeds(**BROKEN)
    result = project.build(expect_ok=False)
    return project, before, result


def test_broken_seeds_fail_the_build(broken_run):
    _project, _before, result = broken_run
    assert not result.success


@pytest.mark.parametrize("seed, rule_id, problem", EXPECTED, ids=[f"{s}:{r}" for s, r, _ in EXPECTED])
def test_each_problem_is_named(broken_run, seed, rule_id, problem):
    _project, _before, result = broken_run
    label = LABELS.get(seed, "rule")
    assert f"seeds/{seed}.csv: {label} {rule_id}: {problem}" in failure_messages(result)


def test_previous_marts_stay_unchanged(broken_run):
    project, before, _result = broken_run
    assert before["fct_lead_scores"], "the good build published scores"
    assert project.mart_snapshot() == before


def test_valid_rules_pass_again_after_fix(broken_run):
    project, before, _result = broken_run
    project.write_seeds(**GOOD)
    project.build()
    assert project.mart_snapshot() == before


def test_unparseable_number_in_seed_fails_at_load(tmp_path):
    project = Project(tmp_path / "p")
    project.write_seeds(**{**GOOD, "attribute_rules": [attr("m", "fit_bad_points", "job_title", "contains", "x", "ten")]})
    project.load_raw(scenario.LOADED_AT, contacts=[scenario.contact("c1")])
    result = project.build(expect_ok=False)
    assert not result.success
    message = failure_messages(result)
    assert "attribute_rules" in message and "ten" in message
    assert project.query("select count(*) from information_schema.tables where table_schema = 'marts' "
                         "and table_name = 'fct_lead_scores'") == [(0,)]


def test_no_problem_named_for_valid_new_rows(broken_run):
    _project, _before, result = broken_run
    messages = failure_messages(result)
    assert "g_ok_edge" not in messages and "m_gate/high" not in messages


def test_unparseable_min_fit_score_fails_at_load(tmp_path):
    project = Project(tmp_path / "p")
    project.write_seeds(**{**GOOD, "score_bands": [band("m", "cold", 0), {**band("m", "hot", 20, True),
                                                                          "min_fit_score": "twenty"}]})
    project.load_raw(scenario.LOADED_AT, contacts=[scenario.contact("c1")])
    result = project.build(expect_ok=False)
    assert not result.success
    message = failure_messages(result)
    assert "score_bands" in message and "twenty" in message


def test_reset_type_no_event_uses_is_a_warning(tmp_path):
    from dbt.cli.main import dbtRunner

    from conftest import release_duckdb

    project = Project(tmp_path / "p")
    project.write_seeds(**{**GOOD, "scoring_models": [{**model("m"), "reset_event_types": "recycled|recyled"}]})
    project.load_raw(scenario.LOADED_AT, contacts=[scenario.contact("c1")],
                     interactions=[scenario.ev("e1", "c1", "recycled", "2026-06-01 00:00:00")])
    warnings = []

    def collect(event):
        if event.info.level == "warn":
            warnings.append(event.info.msg)

    import json
    import os
    os.environ["LEAD_SCORING_DB"] = project.db
    try:
        result = dbtRunner(callbacks=[collect]).invoke([
            "build", "--project-dir", str(project.root), "--profiles-dir", str(project.root),
            "--target-path", str(project.root / "target"), "--log-path", str(project.root / "logs"),
            "--quiet", "--vars", json.dumps({"as_of": scenario_as_of()})])
    finally:
        release_duckdb()
    assert result.success, "a warning does not stop the build"
    statuses = {r.node.name: str(r.status) for r in result.result}
    assert statuses["reset_event_types_in_use"] == "warn"
    assert any("seeds/scoring_models.csv: model m: reset event type 'recyled' is not the type of any event" in m
               for m in warnings), warnings
    assert not any("'recycled'" in m for m in warnings)


def scenario_as_of() -> str:
    return "2026-06-30 00:00:00"
