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
    label = {"scoring_models": "model", "score_bands": "band"}.get(seed, "rule")
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
