"""Both sides of every edge the contract (shared/contract.md, docs/rules.md) states exactly.

One build of boundary_scenario.py (as_of 2026-06-30 00:00:00); each test reads its own contacts.
A one-character change to an edge in the scoring SQL (< for <=, a day count off by one, a sort
direction) fails at least one of these: `make mutate` checks that it does.
"""
from __future__ import annotations

import pytest

import boundary_scenario as bs
from conftest import Project


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("boundaries") / "project")
    project.write_seeds(**bs.SEEDS)
    project.load_raw(bs.LOADED_AT, **bs.RAW)
    project.build(as_of=bs.AS_OF)
    return project


@pytest.fixture(scope="module")
def win(built) -> dict[tuple[str, str], tuple]:
    return built.contributions("e_win")


def rules_of(contributions: dict, contact_id: str) -> dict[str, tuple]:
    return {rule: v for (c, rule), v in contributions.items() if c == contact_id}


def tag_scores(project: Project, model_id: str, contact_id: str) -> list[tuple]:
    return project.query("select tag, tag_score from marts.fct_lead_tag_scores "
                         "where model_id = ? and contact_id = ? order by tag", [model_id, contact_id])


# --- as_of ----------------------------------------------------------------------------------

def test_event_exactly_at_as_of_scores_one_second_after_does_not(built, win):
    # events are evaluated up to and including as_of: age 0 scores 1 point; age -1 s is ignored
    assert win[("c_asof_at", "w_asof")] == (1, 1)
    assert ("c_asof_after", "w_asof") not in win
    # last activity: at or before as_of
    activity = dict(built.query("select contact_id, cast(last_activity_at as varchar) from marts.fct_lead_scores "
                                "where model_id = 'e_win' and contact_id in ('c_asof_at', 'c_asof_after')"))
    assert activity == {"c_asof_at": bs.AS_OF, "c_asof_after": None}


# --- lookback_days: (as_of - N days, as_of] ----------------------------------------------------

def test_lookback_excludes_exactly_n_days_and_includes_one_second_inside(win):
    # w_lb lookback 30: 2026-05-31 00:00:00 is 30.0 days old, not < 30 -> outside;
    # 2026-05-31 00:00:01 is 29.99999 days old -> inside, 1 point
    assert ("c_lb_edge", "w_lb") not in win
    assert win[("c_lb_inside", "w_lb")] == (1, 1)


def test_lookback_numbering_still_counts_older_events(win):
    # w_lb_occ (lookback 30, occurrence_from 2): the 60-day-old event is number 1 (outside the
    # window), the 1-day-old one number 2 -> it scores 1
    assert win[("c_lb_occ", "w_lb_occ")] == (1, 1)


# --- within_days_of_previous ------------------------------------------------------------------

def test_repeat_exactly_n_days_after_previous_scores_just_over_does_not(built, win):
    # w_rep within 7: the first never scores; 06-01 -> 06-08 00:00:00 is 7.0 days (<= 7) -> 1 point,
    # and it is the second event (tag 'second') that scored
    assert win[("c_rep_edge", "w_rep")] == (1, 1)
    assert tag_scores(built, "e_win", "c_rep_edge") == [("second", 1.0)]
    # 06-01 -> 06-08 00:00:01 is 7.00001 days -> nothing
    assert ("c_rep_over", "w_rep") not in win


# --- occurrences ------------------------------------------------------------------------------

def test_occurrence_from_equals_to_scores_exactly_that_occurrence(built, win):
    # four events o1..o4: w_occ22 (2..2) scores o2 only: 1; w_occ23 (2..3) scores o2, o3: 2 x 10
    assert win[("c_occ", "w_occ22")] == (1, 1)
    assert win[("c_occ", "w_occ23")] == (20, 2)
    # tag scores name the events that scored: o2 = 1 + 10, o3 = 10
    assert tag_scores(built, "e_win", "c_occ") == [("o2", 11.0), ("o3", 10.0)]


def test_same_instant_numbered_by_event_id(built, win):
    # tie_a and tie_b at the same time: (occurred_at, event_id) makes tie_a number 1 (w_first
    # scores it: alpha) and tie_a the previous of tie_b (w_tie_rep, within 1: a gap of 0 days
    # scores tie_b: beta; tie_a has no previous)
    assert win[("c_tie", "w_first")] == (1, 1)
    assert win[("c_tie", "w_tie_rep")] == (1, 1)
    assert tag_scores(built, "e_win", "c_tie") == [("alpha", 1.0), ("beta", 1.0)]


# --- max_points -------------------------------------------------------------------------------

def test_max_points_reached_exactly_and_exceeded(win):
    # w_max 5 points, max 10: 1 event 5; 2 events 10 (exactly the cap); 3 events 15 -> 10
    assert win[("c_max_1", "w_max")] == (5, 1)
    assert win[("c_max_2", "w_max")] == (10, 2)
    assert win[("c_max_3", "w_max")] == (10, 3)
    # w_max_neg -5 points, max_points -10: |max| clips in absolute value: -15 -> -10
    assert win[("c_max_neg", "w_max_neg")] == (-10, 3)


def test_primary_interest_is_highest_tag_score_not_first_alphabetically(built):
    # zeta on two events (2 points), alpha on one (1): zeta wins despite sorting after alpha
    assert tag_scores(built, "e_win", "c_tag") == [("alpha", 1.0), ("zeta", 2.0)]
    assert built.query("select primary_interest_tag from marts.fct_lead_scores "
                       "where model_id = 'e_win' and contact_id = 'c_tag'") == [("zeta",)]


# --- no_activity ------------------------------------------------------------------------------

def test_no_activity_event_at_as_of_counts_one_second_after_does_not(win):
    # x_na_asof (within 10): an event at as_of is activity in (as_of - 10 d, as_of] -> no points;
    # an event 1 s after as_of is ignored -> no activity -> -1
    assert ("c_naa_at", "x_na_asof") not in win
    assert win[("c_naa_after", "x_na_asof")] == (-1, 1)


def test_no_activity_window_excludes_exactly_n_days(win):
    # x_na_win (within 10): an event exactly 10 days old is outside (as_of - 10 d, as_of] -> -1;
    # one second younger is inside -> no points
    assert win[("c_naw_edge", "x_na_win")] == (-1, 1)
    assert ("c_naw_inside", "x_na_win") not in win


def test_no_activity_contact_created_exactly_n_days_before_is_eligible(win):
    # x_na_created (within 10): created 2026-06-20 00:00:00 = at least 10 days before -> -1;
    # created one second later is too recent for every 10-day rule -> no contribution at all
    assert win[("c_nac_edge", "x_na_created")] == (-1, 1)
    assert rules_of(win, "c_nac_late") == {}


# --- no_response ------------------------------------------------------------------------------

def test_response_exactly_within_days_after_counts_just_over_does_not(win):
    # x_nr (within 3): sent 06-01 00:00; a response at 06-04 00:00:00 (3.0 days) answers it;
    # at 06-04 00:00:01 it is too late -> -1
    assert ("c_nr_edge", "x_nr") not in win
    assert win[("c_nr_over", "x_nr")] == (-1, 1)


def test_response_at_the_same_instant_counts_one_second_before_does_not(win):
    # 'followed by ... within 3 days after it': 0 days after is within; a response before the
    # sent event does not follow it -> -1
    assert ("c_nr_same", "x_nr") not in win
    assert win[("c_nr_before", "x_nr")] == (-1, 1)


def test_no_response_deadline_exactly_at_as_of_fires(win):
    # sent 06-27 00:00:00, within 3: it happened at least 3 days before as_of -> -1;
    # sent one second later: its deadline is after as_of -> nothing yet
    assert win[("c_nr_dl_at", "x_nr")] == (-1, 1)
    assert ("c_nr_dl_after", "x_nr") not in win


def test_no_response_match_field(win):
    # A1 answered by ' a1 ' (normalised equal); B2 answered only by C3 -> one unanswered: -1
    assert win[("c_nr_match", "x_nr_match")] == (-1, 1)


def test_no_response_max_points_reached_exactly_and_exceeded(win):
    # -1 per unanswered, max 2: two -> -2 (exactly), three -> -3 clipped to -2
    assert win[("c_nr_max_2", "x_nr_max")] == (-2, 2)
    assert win[("c_nr_max_3", "x_nr_max")] == (-2, 3)


# --- decay ------------------------------------------------------------------------------------

def test_decay_at_age_zero_and_one_half_life(built):
    dec = built.contributions("e_dec")
    # half-life 10: an event at as_of keeps 8 * 0.5^0 = 8; 10 days old 8 * 0.5^1 = 4
    assert dec[("c_dec0", "d_evt")] == (8, 1)
    assert dec[("c_dec1", "d_evt")] == (4, 1)
    # no_response decays by the age of its deadline (occurred_at + 5 d): deadline at as_of
    # -> -4 * 0.5^0 = -4; sent 06-15, deadline 06-20 (one half-life) -> -4 * 0.5 = -2
    assert dec[("c_dnr0", "d_nr")] == (-4, 1)
    assert dec[("c_dnr1", "d_nr")] == (-2, 1)
    assert built.scores("e_dec")["c_dec0"][:3] == (0, 8, 8)


# --- bands, floor, cap ------------------------------------------------------------------------

def test_score_exactly_at_min_score_gets_that_band(built):
    scores = built.scores("e_band")
    # bands low 0, mid 10, high 20 (sales-ready)
    assert scores["c_band_at"] == (10, 0, 10, "mid", False)         # 10 >= 10
    assert scores["c_band_below"] == (9.5, 0, 9.5, "low", False)    # 9.5 < 10
    assert scores["c_band_top"] == (20, 0, 20, "high", True)        # 20 >= 20
    assert scores["c_band_neg"] == (-1, 0, -1, "low", False)        # below every band: lowest


def test_score_at_floor_and_cap(built):
    scores = built.scores("e_clamp")
    # floor -5, cap 50; bands bottom -5, middle 0, top 50 (sales-ready)
    assert scores["c_cl_cap"] == (50, 0, 50, "top", True)           # exactly the cap
    assert scores["c_cl_over"] == (51, 0, 50, "top", True)          # 51 -> 50
    assert scores["c_cl_floor"] == (-5, 0, -5, "bottom", False)     # exactly the floor
    assert scores["c_cl_under"] == (-6, 0, -5, "bottom", False)     # -6 -> -5
    assert scores["c_asof_at"] == (0, 0, 0, "middle", False)


def test_floor_and_cap_apply_to_contacts_without_any_contribution(built):
    # c_nac_late has no contribution in any model: fit 0 + engagement 0 = 0, raised to the
    # floor 1 of e_pos_floor and lowered to the cap -1 of e_neg_cap (below every band: lowest)
    assert built.scores("e_pos_floor")["c_nac_late"] == (0, 0, 1, "base", False)
    assert built.scores("e_neg_cap")["c_nac_late"] == (0, 0, -1, "base", False)


# --- numeric operators ------------------------------------------------------------------------

@pytest.mark.parametrize("contact_id, expected", [
    ("c_num_100", {"n_gte", "n_lte", "n_eq", "n_between"}),   # 100: not > 100, not < 100; upper end
    ("c_num_50", {"n_lt", "n_lte", "n_neq", "n_between"}),    # 50: lower end of 50|100
    ("c_num_49", {"n_lt", "n_lte", "n_neq"}),                 # 49: just below the range
    ("c_num_101", {"n_gt", "n_gte", "n_neq"}),                # 101: just above the range
])
def test_numeric_attribute_operators_on_equal_values(built, contact_id, expected):
    assert set(rules_of(built.contributions("e_num"), contact_id)) == expected


@pytest.mark.parametrize("contact_id, expected", [
    ("c_amt_100", {"nb_gte", "nb_lte", "nb_eq", "nb_between"}),  # amount 100: lower end of 100|200
    ("c_amt_200", {"nb_gt", "nb_gte", "nb_between"}),            # 200: upper end
    ("c_amt_99", {"nb_lt", "nb_lte"}),                           # 99.5: below
])
def test_numeric_event_conditions_on_equal_values(built, contact_id, expected):
    got = rules_of(built.contributions("e_num"), contact_id)
    assert set(got) == expected
    assert all(v == (1, 1) for v in got.values())


def test_text_operators_at_the_start_and_end_of_the_value(built):
    # 'director of sales': contains 'director' at position 1, starts with it, ends with 'sales';
    # it is the first item of 'director of sales|cto' (in, not not_in) and not in 'cto|ceo'
    assert set(rules_of(built.contributions("e_num"), "c_txt")) == {"tx_contains", "tx_starts", "tx_ends", "tx_in",
                                                                    "tx_not_in_other"}


@pytest.mark.parametrize("contact_id, expected", [
    ("c_tagn_none", {"w_tags_null"}),                # no tags: is_null; not_equals needs tags
    ("c_tagn_some", {"w_tags_nn", "w_tags_neq"}),    # tags 'x': is_not_null; no tag equals 'y'
])
def test_tag_null_tests_and_not_equals_on_untagged_events(win, contact_id, expected):
    assert {rule for rule in rules_of(win, contact_id) if rule.startswith("w_")} == expected


def test_unidentified_events_score_nothing(built):
    # anon_sent (t_sent, 29 days old, never answered) and anon_lb (t_lb, inside the lookback)
    # have no contact: no rule scores them, for nobody
    assert built.query("select count(*) from marts.fct_lead_score_contributions where contact_id is null") == [(0,)]
    assert built.query("select count(*) from marts.fct_lead_scores where contact_id is null") == [(0,)]


def test_events_of_a_contact_missing_from_contacts_score_nothing(built):
    # unknown_sent (t_sent, 29 days old, never answered: x_nr) and unknown_lb (t_lb, inside the
    # lookback: w_lb) name c_unknown, which raw.contacts lacks: no contribution, no score
    assert built.query("select count(*) from staging.stg_raw__interactions where contact_id = 'c_unknown'") == [(2,)]
    assert built.query("select count(*) from marts.fct_lead_score_contributions where contact_id = 'c_unknown'") == [(0,)]
    assert built.query("select count(*) from marts.fct_lead_scores where contact_id = 'c_unknown'") == [(0,)]


def test_bands_with_the_same_min_score_pick_the_first_by_name(built):
    # warm_a and warm_b both start at 5 (the contract is silent; docs/rules.md: first by name)
    assert built.scores("e_tie")["c_band_tie"] == (5, 0, 5, "warm_a", False)


# --- rank -------------------------------------------------------------------------------------

def test_rank_ties_break_on_latest_activity_desc_then_contact_id_asc(built):
    # all four score 100; c_rk_b active 06-20, c_rk_a 06-10, c_rk_c and c_rk_d never (last),
    # then by contact_id ascending
    rows = built.query("select contact_id, score_rank from marts.fct_lead_scores "
                       "where model_id = 'e_rank' and score_rank <= 4 order by score_rank")
    assert rows == [("c_rk_b", 1), ("c_rk_a", 2), ("c_rk_c", 3), ("c_rk_d", 4)]


# --- routing ----------------------------------------------------------------------------------

def test_sales_ready_leads_without_owner_are_routed(built):
    rows = built.query("select contact_id, owner_id, routing_rule_id from marts.fct_lead_scores "
                       "where model_id = 'e_band' and contact_id in ('c_band_top', 'c_band_owned', 'c_band_at') "
                       "order by contact_id")
    # c_band_at (10, mid) is not sales-ready: keeps its (missing) owner; c_band_owned (20, high)
    # keeps its own owner (routing_overrides_owner false); c_band_top (20, high) goes to 'pool'
    assert rows == [("c_band_at", None, None), ("c_band_owned", "own", None), ("c_band_top", "pool", "e_band:10")]


# --- a second, incremental build ----------------------------------------------------------------

@pytest.fixture(scope="module")
def later(built, tmp_path_factory) -> Project:
    project = built.clone(tmp_path_factory.mktemp("boundaries_later") / "project")
    project.write_seeds(**bs.SEEDS_2)
    project.load_raw(bs.LOADED_AT_2, **bs.RAW_2)
    project.build(as_of=bs.LATER)
    return project


def test_late_event_renumbers_occurrences_incrementally(later):
    win = later.contributions("e_win")
    # occ_0 (2026-05-31) lands late before o1..o4: o0 #1, o1 #2, o2 #3 -> w_occ22 scores o1,
    # w_occ23 scores o1 and o2
    assert win[("c_occ", "w_occ22")] == (1, 1)
    assert win[("c_occ", "w_occ23")] == (20, 2)
    assert tag_scores(later, "e_win", "c_occ") == [("o1", 11.0), ("o2", 10.0)]


def test_new_rule_matches_all_history_incrementally(later):
    win = later.contributions("e_win")
    # w_new (t_lb, 2 points, no window) is added with batch 2: the two old t_lb events score
    assert win[("c_lb_edge", "w_new")] == (2, 1)
    assert win[("c_lb_inside", "w_new")] == (2, 1)
    # the unidentified anon_lb matches the new rule's condition but has nobody to score for
    assert later.query("select count(*) from marts.fct_lead_score_contributions where contact_id is null") == [(0,)]


def test_band_entry_and_points_in_band_after_a_second_build(later):
    rows = later.query("select contact_id, score, band, cast(band_entered_at as varchar), points_in_band "
                       "from marts.fct_lead_scores where model_id = 'e_band' "
                       "and contact_id in ('c_band_at', 'c_band_below', 'c_band_top') order by contact_id")
    assert rows == [
        # 10 -> 15 (t_bump +5), still mid: in the band since the first build, 15 - 10 = 5 points
        ("c_band_at", 15.0, "mid", "2026-06-30 00:00:00", 5.0),
        # 9.5 (low) -> 10 (mid): entered mid at the second build, 0 points since
        ("c_band_below", 10.0, "mid", "2026-07-20 00:00:00", 0.0),
        # unchanged 20 (high)
        ("c_band_top", 20.0, "high", "2026-06-30 00:00:00", 0.0),
    ]


@pytest.fixture(scope="module")
def latest(later, tmp_path_factory) -> Project:
    project = later.clone(tmp_path_factory.mktemp("boundaries_latest") / "project")
    project.write_seeds(**bs.SEEDS_3)
    project.load_raw(bs.LOADED_AT_3, **bs.RAW_3)
    project.build(as_of=bs.LATEST, vars={"routing_overrides_owner": True})
    return project


def test_band_entry_when_a_lead_returns_to_an_earlier_band(latest):
    history = latest.query("select band, score from marts.fct_lead_score_history where model_id = 'e_band' "
                           "and contact_id = 'c_band_below' order by valid_from")
    assert history == [("low", 9.5), ("mid", 10.0), ("low", 9.5)]
    # back in low at LATEST: the current run began at LATEST (not at the first build), 0 points since
    assert latest.query("select band, cast(band_entered_at as varchar), points_in_band from marts.fct_lead_scores "
                        "where model_id = 'e_band' and contact_id = 'c_band_below'") == [
        ("low", "2026-08-10 00:00:00", 0.0)]


def test_unrouted_sales_ready_lead_keeps_its_owner_when_routing_overrides(latest):
    rows = latest.query("select contact_id, is_sales_ready, owner_id, routing_rule_id from marts.fct_lead_scores "
                        "where model_id = 'e_band' and contact_id in ('c_band_owned', 'c_band_top') order by contact_id")
    # both 20 (high, sales-ready); no active routing rule: the owner is kept, or stays empty
    assert rows == [("c_band_owned", True, "own", None), ("c_band_top", True, None, None)]

