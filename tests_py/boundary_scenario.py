"""Data for test_contract_boundaries.py: one case on each side of every edge the contract and
docs/rules.md state exactly. as_of = 2026-06-30 00:00:00 (conftest.AS_OF).

Every edge has its own event type (t_*) so that cases cannot interfere, and its own contacts;
the expected values and their hand computation are in the test module.
"""
from __future__ import annotations

from scenario import absence, attr, band, beh, contact, ev, model

LOADED_AT = "2026-07-10 00:00:00"  # after as_of: events one second after as_of are not 'future' rejects

AS_OF = "2026-06-30 00:00:00"
AS_OF_PLUS_1S = "2026-06-30 00:00:01"
DAYS_10_BEFORE = "2026-06-20 00:00:00"   # as_of - 10 days
DAYS_30_BEFORE = "2026-05-31 00:00:00"   # as_of - 30 days

SEEDS = {
    "scoring_models": [
        model("e_win"),                       # time windows, occurrences, max_points, absence
        model("e_dec", decay=10),             # decay at age 0 and one half-life
        model("e_band"),                      # band thresholds
        model("e_clamp", floor=-5, cap=50),   # floor and cap
        model("e_num"),                       # numeric operators on equal values, between ends
        model("e_rank"),                      # rank tie-breaks
        model("e_tie"),                       # two bands with the same min_score
        model("e_pos_floor", floor=1),        # a floor above, and a cap below, the score 0
        model("e_neg_cap", cap=-1),         # of a contact without any contribution
    ],
    "attribute_rules": [
        attr("e_band", "bd_ten", "bcase", "equals", "ten", 10),
        attr("e_band", "bd_below_ten", "bcase", "equals", "below_ten", 9.5),
        attr("e_band", "bd_twenty", "bcase", "equals", "twenty", 20),
        attr("e_band", "bd_neg", "bcase", "equals", "negative", -1),
        attr("e_clamp", "cl_cap", "ccase", "equals", "cap", 50),
        attr("e_clamp", "cl_over", "ccase", "equals", "over", 51),
        attr("e_clamp", "cl_floor", "ccase", "equals", "floor", -5),
        attr("e_clamp", "cl_under", "ccase", "equals", "under", -6),
        attr("e_num", "n_gt", "company_size", "gt", "100", 1),
        attr("e_num", "n_gte", "company_size", "gte", "100", 1),
        attr("e_num", "n_lt", "company_size", "lt", "100", 1),
        attr("e_num", "n_lte", "company_size", "lte", "100", 1),
        attr("e_num", "n_eq", "company_size", "equals", "100", 1),
        attr("e_num", "n_neq", "company_size", "not_equals", "100", 1),
        attr("e_num", "n_between", "company_size", "between", "50|100", 1),
        attr("e_num", "tx_contains", "job_title", "contains", "director", 1),
        attr("e_num", "tx_starts", "job_title", "starts_with", "director", 1),
        attr("e_num", "tx_ends", "job_title", "ends_with", "sales", 1),
        attr("e_num", "tx_in", "job_title", "in", "director of sales|cto", 1),
        attr("e_num", "tx_not_in", "job_title", "not_in", "director of sales|cto", 1),
        attr("e_num", "tx_in_other", "job_title", "in", "cto|ceo", 1),
        attr("e_num", "tx_not_in_other", "job_title", "not_in", "cto|ceo", 1),
        attr("e_rank", "rk_top", "rank_case", "is_not_null", None, 100),
        attr("e_tie", "tb_pts", "bcase", "equals", "tie", 5),
    ],
    "behavior_rules": [
        beh("e_win", "w_asof", "t_asof", 1),
        beh("e_win", "w_lb", "t_lb", 1, lookback=30),
        beh("e_win", "w_lb_occ", "t_lbo", 1, lookback=30, occ_from=2),
        beh("e_win", "w_rep", "t_rep", 1, within=7),
        beh("e_win", "w_occ22", "t_occ", 1, occ_from=2, occ_to=2),
        beh("e_win", "w_occ23", "t_occ", 10, occ_from=2, occ_to=3),
        beh("e_win", "w_first", "t_tie", 1, occ_to=1),
        beh("e_win", "w_tie_rep", "t_tie", 1, within=1),
        beh("e_win", "w_max", "t_max", 5, max_points=10),
        beh("e_win", "w_max_neg", "t_maxn", -5, max_points=-10),
        beh("e_win", "w_tag", "t_tag", 1),
        beh("e_win", "w_tags_null", "t_tagn", 1, "tags", "is_null"),
        beh("e_win", "w_tags_nn", "t_tagn", 1, "tags", "is_not_null"),
        beh("e_win", "w_tags_neq", "t_tagn", 1, "tags", "not_equals", "y"),
        beh("e_dec", "d_evt", "t_dec", 8),
        beh("e_band", "bd_bump", "t_bump", 5),
        beh("e_num", "nb_gt", "t_num", 1, "amount", "gt", "100"),
        beh("e_num", "nb_gte", "t_num", 1, "amount", "gte", "100"),
        beh("e_num", "nb_lt", "t_num", 1, "amount", "lt", "100"),
        beh("e_num", "nb_lte", "t_num", 1, "amount", "lte", "100"),
        beh("e_num", "nb_eq", "t_num", 1, "amount", "equals", "100"),
        beh("e_num", "nb_between", "t_num", 1, "amount", "between", "100|200"),
    ],
    "absence_rules": [
        absence("e_win", "x_na_asof", "no_activity", "t_naa", 10, -1),
        absence("e_win", "x_na_win", "no_activity", "t_naw", 10, -1),
        absence("e_win", "x_na_created", "no_activity", "t_nac", 10, -1),
        absence("e_win", "x_nr", "no_response", "t_sent", 3, -1, response="t_resp"),
        absence("e_win", "x_nr_match", "no_response", "t_msent", 3, -1, response="t_mresp", match="email_id"),
        absence("e_win", "x_nr_max", "no_response", "t_xsent", 3, -1, response="t_xresp", max_points=2),
        absence("e_dec", "d_nr", "no_response", "t_dsent", 5, -4, response="t_dresp"),
    ],
    "score_bands": [
        band("e_win", "base", 0), band("e_dec", "base", 0), band("e_num", "base", 0),
        band("e_rank", "base", 0),
        band("e_tie", "base", 0), band("e_pos_floor", "base", 0), band("e_neg_cap", "base", 0), band("e_tie", "warm_b", 5), band("e_tie", "warm_a", 5),
        band("e_band", "low", 0), band("e_band", "mid", 10), band("e_band", "high", 20, True),
        band("e_clamp", "bottom", -5), band("e_clamp", "middle", 0), band("e_clamp", "top", 50, True),
    ],
    # sales-ready leads of e_band without an owner go to 'pool'
    "routing_rules": [{"model_id": "e_band", "priority": 10, "attribute": None, "operator": None, "value": None,
                       "owner_id": "pool", "is_active": True}],
}

OLD = "2026-01-01 00:00:00"

CONTACTS = [
    # as_of itself
    contact("c_asof_at"), contact("c_asof_after"),
    # lookback
    contact("c_lb_edge"), contact("c_lb_inside"), contact("c_lb_occ"),
    # within_days_of_previous
    contact("c_rep_edge"), contact("c_rep_over"),
    # occurrences
    contact("c_occ"), contact("c_tie"),
    # max_points
    contact("c_max_2"), contact("c_max_3"), contact("c_max_1"), contact("c_max_neg"),
    # interest
    contact("c_tag"),
    # no_activity
    contact("c_naa_at"), contact("c_naa_after"), contact("c_naw_edge"), contact("c_naw_inside"),
    contact("c_nac_edge", created_at=DAYS_10_BEFORE), contact("c_nac_late", created_at="2026-06-20 00:00:01"),
    # no_response
    contact("c_nr_edge"), contact("c_nr_over"), contact("c_nr_same"), contact("c_nr_before"),
    contact("c_nr_dl_at"), contact("c_nr_dl_after"), contact("c_nr_match"), contact("c_nr_max_2"),
    contact("c_nr_max_3"),
    # decay
    contact("c_dec0"), contact("c_dec1"), contact("c_dnr0"), contact("c_dnr1"),
    # bands, clamp
    contact("c_band_at", bcase="ten"), contact("c_band_below", bcase="below_ten"),
    contact("c_band_top", bcase="twenty"), contact("c_band_neg", bcase="negative"),
    contact("c_band_owned", bcase="twenty", owner_id="own"),
    contact("c_band_tie", bcase="tie"),
    # text operators where the value sits at the very start / end of the text
    contact("c_txt", job_title="Director of Sales"),
    # tags is_null / is_not_null / not_equals on events with and without tags
    contact("c_tagn_none"), contact("c_tagn_some"),
    contact("c_cl_cap", ccase="cap"), contact("c_cl_over", ccase="over"),
    contact("c_cl_floor", ccase="floor"), contact("c_cl_under", ccase="under"),
    # numbers
    contact("c_num_100", company_size=100), contact("c_num_50", company_size=50),
    contact("c_num_49", company_size=49), contact("c_num_101", company_size=101),
    contact("c_amt_100"), contact("c_amt_200"), contact("c_amt_99"),
    # rank ties: c_rk_b is active later than c_rk_a; c_rk_c and c_rk_d were never active
    contact("c_rk_a", rank_case="x"), contact("c_rk_b", rank_case="x"),
    contact("c_rk_c", rank_case="x"), contact("c_rk_d", rank_case="x"),
]

INTERACTIONS = [
    ev("asof_at", "c_asof_at", "t_asof", AS_OF),
    ev("asof_after", "c_asof_after", "t_asof", AS_OF_PLUS_1S),
    ev("lb_edge", "c_lb_edge", "t_lb", DAYS_30_BEFORE),
    ev("lb_inside", "c_lb_inside", "t_lb", "2026-05-31 00:00:01"),
    ev("lbo_1", "c_lb_occ", "t_lbo", "2026-05-01 00:00:00"),
    ev("lbo_2", "c_lb_occ", "t_lbo", "2026-06-29 00:00:00"),
    ev("rep_e1", "c_rep_edge", "t_rep", "2026-06-01 00:00:00", tags="first"),
    ev("rep_e2", "c_rep_edge", "t_rep", "2026-06-08 00:00:00", tags="second"),
    ev("rep_o1", "c_rep_over", "t_rep", "2026-06-01 00:00:00"),
    ev("rep_o2", "c_rep_over", "t_rep", "2026-06-08 00:00:01"),
    ev("occ_1", "c_occ", "t_occ", "2026-06-01 00:00:00", tags="o1"),
    ev("occ_2", "c_occ", "t_occ", "2026-06-02 00:00:00", tags="o2"),
    ev("occ_3", "c_occ", "t_occ", "2026-06-03 00:00:00", tags="o3"),
    ev("occ_4", "c_occ", "t_occ", "2026-06-04 00:00:00", tags="o4"),
    # same instant: numbered by event_id, so tie_a is number 1
    ev("tie_b", "c_tie", "t_tie", "2026-06-05 00:00:00", tags="beta"),
    ev("tie_a", "c_tie", "t_tie", "2026-06-05 00:00:00", tags="alpha"),
    ev("max2_1", "c_max_2", "t_max", "2026-06-01 00:00:00"),
    ev("max2_2", "c_max_2", "t_max", "2026-06-02 00:00:00"),
    ev("max3_1", "c_max_3", "t_max", "2026-06-01 00:00:00"),
    ev("max3_2", "c_max_3", "t_max", "2026-06-02 00:00:00"),
    ev("max3_3", "c_max_3", "t_max", "2026-06-03 00:00:00"),
    ev("max1_1", "c_max_1", "t_max", "2026-06-01 00:00:00"),
    ev("maxn_1", "c_max_neg", "t_maxn", "2026-06-01 00:00:00"),
    ev("maxn_2", "c_max_neg", "t_maxn", "2026-06-02 00:00:00"),
    ev("maxn_3", "c_max_neg", "t_maxn", "2026-06-03 00:00:00"),
    ev("tag_1", "c_tag", "t_tag", "2026-06-01 00:00:00", tags="zeta"),
    ev("tag_2", "c_tag", "t_tag", "2026-06-02 00:00:00", tags="zeta"),
    ev("tag_3", "c_tag", "t_tag", "2026-06-03 00:00:00", tags="alpha"),
    ev("naa_at", "c_naa_at", "t_naa", AS_OF),
    ev("naa_after", "c_naa_after", "t_naa", AS_OF_PLUS_1S),
    ev("naw_edge", "c_naw_edge", "t_naw", DAYS_10_BEFORE),
    ev("naw_inside", "c_naw_inside", "t_naw", "2026-06-20 00:00:01"),
    ev("nr_edge_s", "c_nr_edge", "t_sent", "2026-06-01 00:00:00"),
    ev("nr_edge_r", "c_nr_edge", "t_resp", "2026-06-04 00:00:00"),
    ev("nr_over_s", "c_nr_over", "t_sent", "2026-06-01 00:00:00"),
    ev("nr_over_r", "c_nr_over", "t_resp", "2026-06-04 00:00:01"),
    ev("nr_same_s", "c_nr_same", "t_sent", "2026-06-01 00:00:00"),
    ev("nr_same_r", "c_nr_same", "t_resp", "2026-06-01 00:00:00"),
    ev("nr_before_s", "c_nr_before", "t_sent", "2026-06-01 00:00:00"),
    ev("nr_before_r", "c_nr_before", "t_resp", "2026-05-31 23:59:59"),
    ev("nr_dl_at_s", "c_nr_dl_at", "t_sent", "2026-06-27 00:00:00"),
    ev("nr_dl_after_s", "c_nr_dl_after", "t_sent", "2026-06-27 00:00:01"),
    ev("nrm_s1", "c_nr_match", "t_msent", "2026-06-01 00:00:00", email_id="A1"),
    ev("nrm_r1", "c_nr_match", "t_mresp", "2026-06-02 00:00:00", email_id=" a1 "),
    ev("nrm_s2", "c_nr_match", "t_msent", "2026-06-01 00:00:00", email_id="B2"),
    ev("nrm_r2", "c_nr_match", "t_mresp", "2026-06-02 00:00:00", email_id="C3"),
    ev("nrx2_1", "c_nr_max_2", "t_xsent", "2026-06-01 00:00:00"),
    ev("nrx2_2", "c_nr_max_2", "t_xsent", "2026-06-02 00:00:00"),
    ev("nrx3_1", "c_nr_max_3", "t_xsent", "2026-06-01 00:00:00"),
    ev("nrx3_2", "c_nr_max_3", "t_xsent", "2026-06-02 00:00:00"),
    ev("nrx3_3", "c_nr_max_3", "t_xsent", "2026-06-03 00:00:00"),
    ev("dec0", "c_dec0", "t_dec", AS_OF),
    ev("dec1", "c_dec1", "t_dec", DAYS_10_BEFORE),
    ev("dnr0", "c_dnr0", "t_dsent", "2026-06-25 00:00:00"),
    ev("dnr1", "c_dnr1", "t_dsent", "2026-06-15 00:00:00"),
    ev("amt_100", "c_amt_100", "t_num", "2026-06-01 00:00:00", amount=100),
    ev("amt_200", "c_amt_200", "t_num", "2026-06-01 00:00:00", amount=200),
    ev("amt_99", "c_amt_99", "t_num", "2026-06-01 00:00:00", amount=99.5),
    ev("tagn_none", "c_tagn_none", "t_tagn", "2026-06-01 00:00:00"),
    ev("tagn_some", "c_tagn_some", "t_tagn", "2026-06-01 00:00:00", tags="x"),
    # never identified: waits unscored, under every rule of its type
    {"event_id": "anon_sent", "anonymous_id": "anon-1", "event_type": "t_sent", "occurred_at": "2026-06-01 00:00:00"},
    {"event_id": "anon_lb", "anonymous_id": "anon-1", "event_type": "t_lb", "occurred_at": "2026-06-25 00:00:00"},
    # a contact id that raw.contacts lacks: scores nobody either (known contacts only)
    ev("unknown_sent", "c_unknown", "t_sent", "2026-06-01 00:00:00"),
    ev("unknown_lb", "c_unknown", "t_lb", "2026-06-25 00:00:00"),
    ev("rk_a", "c_rk_a", "rk_ping", "2026-06-10 00:00:00"),
    ev("rk_b", "c_rk_b", "rk_ping", "2026-06-20 00:00:00"),
]

RAW = {"contacts": CONTACTS, "interactions": INTERACTIONS}

# Second batch, built incrementally as of LATER: a late event renumbers c_occ's occurrences, a
# new rule (a new condition) is matched against all history, and e_band scores move.
LATER = "2026-07-20 00:00:00"
LOADED_AT_2 = "2026-07-25 00:00:00"
SEEDS_2 = {**SEEDS, "behavior_rules": [*SEEDS["behavior_rules"], beh("e_win", "w_new", "t_lb", 2)]}
RAW_2 = {
    "contacts": [
        # 9.5 (low) -> 10 (mid): a band change at LATER
        contact("c_band_below", bcase="ten", updated_at="2026-07-15 00:00:00"),
    ],
    "interactions": [
        ev("occ_0", "c_occ", "t_occ", "2026-05-31 00:00:00", tags="o0"),
        # c_band_at 10 -> 15: a new version in the same band (mid)
        ev("bump_1", "c_band_at", "t_bump", "2026-07-10 00:00:00"),
    ],
}

# Third batch, built incrementally as of LATEST: c_band_below goes back to its first band, so its
# current band run must be the latest one, not the first (low -> mid -> low).
LATEST = "2026-08-10 00:00:00"
LOADED_AT_3 = "2026-08-12 00:00:00"
RAW_3 = {"contacts": [contact("c_band_below", bcase="below_ten", updated_at="2026-08-01 00:00:00")]}
# ... with routing_overrides_owner on and the routing rule switched off: a sales-ready lead that no
# rule routes keeps its own owner (c_band_owned 'own'), one without an owner stays without
SEEDS_3 = {**SEEDS_2, "routing_rules": [{**SEEDS_2["routing_rules"][0], "is_active": False}]}
