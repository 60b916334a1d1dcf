"""Exact scores for cases computed by hand from the contract (as_of 2026-06-30 00:00).

Each expected number below is derived in the comment next to it; the data is in scenario.py.
"""
from __future__ import annotations

import pytest

import scenario
from conftest import Project


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("cases") / "project")
    project.write_seeds(**scenario.SEEDS)
    project.load_raw(scenario.LOADED_AT, **scenario.RAW)
    project.build()
    return project


def matched_rules(project, model_id, contact_id):
    return {rule for (c, rule) in project.contributions(model_id) if c == contact_id}


def test_contract_example_jan_kowalski(built):
    # director +10, mazowieckie +5, Warszawa +6, form +3, consent +2 = 26; last page_view
    # 60 days before as_of -> no page_view in 30 days -10. 26 - 10 = 16 < 30: band cold.
    fit, engagement, score, band, sales_ready = built.scores("m_example")["c_jan"]
    assert (fit, engagement, score) == (26, -10, 16)
    assert band == "cold" and sales_ready is False


@pytest.mark.parametrize("contact_id, expected", [
    ("c_a", {"r_eq", "r_in", "r_contains", "r_starts", "r_gt", "r_gte", "r_between", "r_is_not_null",
             "r_custom", "r_account", "r_bool", "r_extra", "r_budget", "r_in_num"}),
    # NULL industry/region/email never match not_equals/not_in/ends_with; 'lots' is not a number
    ("c_b", {"r_neq", "r_not_in", "r_ends", "r_matches", "r_lt", "r_lte", "r_between", "r_is_null"}),
    # blank city is NULL; no account -> account.employee_count is NULL
    ("c_c", {"r_matches", "r_is_null", "r_acct_null"}),
])
def test_every_attribute_operator(built, contact_id, expected):
    assert matched_rules(built, "m_ops", contact_id) == expected
    fit, engagement, score, _band, _ready = built.scores("m_ops")[contact_id]
    assert (fit, engagement, score) == (len(expected), 0, len(expected))


def test_bands_pick_highest_min_score_not_above(built):
    scores = built.scores("m_ops")
    assert scores["c_a"][3:] == ("high", True)   # 14 >= 10
    assert scores["c_b"][3:] == ("mid", False)   # 8 in [5, 10)
    assert scores["c_c"][3:] == ("low", False)   # 3 in [0, 5)


def test_band_below_every_threshold_gets_lowest_band(tmp_path):
    project = Project(tmp_path / "p")
    project.write_seeds(
        scoring_models=[scenario.model("m")],
        attribute_rules=[scenario.attr("m", "neg", "job_title", "is_not_null", None, -7)],
        behavior_rules=[], absence_rules=[],
        score_bands=[scenario.band("m", "warm", 10), scenario.band("m", "cold", 0)],
    )
    project.load_raw(scenario.LOADED_AT, contacts=[scenario.contact("c1", job_title="x")])
    project.build()
    assert project.scores("m")["c1"] == (-7, 0, -7, "cold", False)


BEHAVIOUR_D = {
    "b_open": (5, 3),          # 3 opens x 2 = 6, clipped to max_points 5; replay and future open ignored
    "b_pricing": (10, 1),      # ' PAGE_VIEW ' normalised; url contains '/pricing' (case-insensitive)
    "b_short": (-2, 1),        # duration 2.5 < 3
    "b_dur_eq": (3, 1),        # duration 30.0 equals '30' numerically
    "b_prop": (7, 1),          # properties.form ' Inquiry ' equals 'inquiry'
    "b_purchase": (60, 3),     # 3 purchases x 20
    "b_second": (30, 1),       # 2nd purchase, 50 days after the 1st (<= 182)
    "b_amount": (9, 1),        # amount 1500 >= 1000
    "b_first": (11, 1),        # occurrence_to 1
    "b_tag_eq": (4, 1),        # tags analytics,bi contain 'bi'
    "b_tag_in": (3, 1),        # 'analytics' in crm|analytics
    "b_tag_neq": (1, 1),       # no tag equals crm
    "b_tag_contains": (2, 1),  # a tag contains 'lyt'
    "b_download": (5, 1),      # only the download 0.5 days old is within the 30-day lookback
    "b_chat_from2": (2, 2),    # chats 2 and 3 of 3
    "b_channel": (1, 1),       # channel 'Email' equals email
    "b_campaign": (2, 1),      # campaign 'Spring-2026' starts with 'spring'
}


def test_every_behaviour_option(built):
    contributions = {rule: v for (c, rule), v in built.contributions("m_beh").items() if c == "c_d"}
    assert contributions == BEHAVIOUR_D
    # b_repeat30 (gaps 50 and 116 days > 30), b_tag_nin (has analytics) and inactive b_inactive: nothing
    fit, engagement, score, _band, _ready = built.scores("m_beh")["c_d"]
    assert (fit, engagement, score) == (0, 153, 153)


def test_tag_scores_and_primary_interest(built):
    rows = built.query("select tag, tag_score from marts.fct_lead_tag_scores "
                       "where model_id = 'm_beh' and contact_id = 'c_d' order by tag")
    # the webinar carries analytics and bi and scores 4 + 3 + 1 + 2 = 10 under four rules
    assert rows == [("analytics", 10.0), ("bi", 10.0)]
    interest = built.query("select primary_interest_tag from marts.fct_lead_scores "
                           "where model_id = 'm_beh' and contact_id = 'c_d'")
    assert interest == [("analytics",)]  # tie on 10: alphabetical


def test_anonymous_events_score_once_identified(built):
    assert built.contributions("m_beh")[("c_h", "b_pricing")] == (10, 1)
    pending = built.query("select count(*) from staging.stg_raw__interactions where contact_id is null")
    assert pending == [(1,)]  # x_anon waits for an identity


def test_decay_and_cap_after_decay(built):
    contributions = {rule: v for (c, rule), v in built.contributions("m_decay").items() if c == "c_e"}
    # demo 10 days old: 30 * 0.5 = 15; demo 20 days old: 30 * 0.25 = 7.5
    assert contributions["dc_demo"] == (22.5, 2)
    assert contributions["dc_demo_cap"] == (20, 2)  # 22.5 clipped to 20 after decay
    # email sent 13 days ago, never opened: deadline 10 days ago -> -4 * 0.5 = -2
    assert contributions["dc_unopened"] == (-2, 1)
    assert built.scores("m_decay")["c_e"][:3] == (0, 40.5, 40.5)


def test_absence_rules(built):
    f = {rule: v for (c, rule), v in built.contributions("m_abs").items() if c == "c_f"}
    # m2 opened after 4 days and m4 never opened (open of m5 does not count): -1 each;
    # m3's deadline (Jul 1) has not passed; m1 opened the next day
    assert f == {"a_unopened": (-2, 2), "a_no_download": (-10, 1)}
    g = {rule: v for (c, rule), v in built.contributions("m_abs").items() if c == "c_g"}
    # created 10 days ago: too recent for the 30-day rules; no event of any type in 5 days
    assert g == {"a_no_any": (-3, 1)}
    assert built.scores("m_abs")["c_f"][:3] == (0, -12, -12)


def test_floor_and_cap_clamp_the_score_not_the_parts(built):
    scores = built.scores("m_clamp")
    assert scores["c_a"] == (80, 0, 50, "b50", True)
    assert scores["c_b"] == (-30, 0, 0, "b0", False)


def test_rank_ties_break_on_latest_activity_then_contact_id(built):
    rows = built.query("select contact_id, score_rank, score_percentile from marts.fct_lead_scores "
                       "where model_id = 'm_clamp' order by score_rank")
    # c_jan and c_a both 50; c_jan has activity, c_a none
    assert rows[0] == ("c_jan", 1, 87.5)  # percent_rank (8 - 1) / (9 - 1)
    assert rows[1] == ("c_a", 2, 87.5)
    assert [r[1] for r in rows] == list(range(1, 10))


def test_inactive_model_and_rules_have_no_effect(built):
    for mart in ["fct_lead_scores", "fct_lead_score_contributions", "fct_lead_tag_scores"]:
        assert built.query(f"select count(*) from marts.{mart} where model_id = 'm_off'") == [(0,)]
    rules = {r[0] for r in built.query("select distinct rule_id from marts.fct_lead_score_contributions")}
    assert not rules & {"r_inactive", "b_inactive", "off_any", "off_open"}


def test_rejected_rows_are_kept_with_a_reason(built):
    rows = built.query("select record_id, reason from marts.rpt_rejected_rows "
                       "where source_table = 'interactions' order by reason")
    assert rows == [
        (None, "missing event_id"),
        ("bad_notype", "missing event_type"),
        ("bad_nobody", "no contact_id and no anonymous_id"),
    ]
