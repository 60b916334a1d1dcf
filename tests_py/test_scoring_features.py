"""Issue 13 features, exact values computed by hand (as_of 2026-06-30 00:00 unless stated):
rule groups with limits, fit grades / engagement tiers / lead matrix (and routing on them),
fit-gated bands, recycling (engagement reset) and fct_lead_score_changes.

Each expected number is derived in the comment next to it. Every contact is scored by every
model; a test looks only at the (model, contact) pairs its comment explains.
"""
from __future__ import annotations

import csv

import pytest

import scenario
from conftest import SEED_COLUMNS, Project, write_csv
from scenario import absence, attr, band, beh, contact, ev, model

AS_OF = "2026-06-30 00:00:00"


def grouped(row: dict, group_id: str) -> dict:
    return {**row, "group_id": group_id}


def group(model_id, group_id, max_points=None, min_points=None, active=True):
    return {"model_id": model_id, "group_id": group_id, "max_points": max_points, "min_points": min_points,
            "description": group_id, "is_active": active}


def routing(model_id, priority, attribute, operator, value, owner_id):
    return {"model_id": model_id, "priority": priority, "attribute": attribute, "operator": operator,
            "value": value, "owner_id": owner_id, "is_active": True}


SEEDS = {
    "scoring_models": [
        model("g_email"), model("g_decay", decay=10), model("m_grade"), model("m_fit"), model("m_tie"),
        {**model("m_recycle"), "reset_event_types": " Recycled | disqualified "},
    ],
    "attribute_rules": [
        grouped(attr("g_email", "t_dir", "job_title", "contains", "director", 10), "title"),
        grouped(attr("g_email", "t_vp", "job_title", "contains", "vp", 10), "title"),
        attr("m_grade", "a_dir", "job_title", "contains", "director", 20),
        attr("m_grade", "a_mgr", "job_title", "contains", "manager", 19),
        attr("m_grade", "a_intern", "job_title", "contains", "intern", -5),
        attr("m_fit", "f_ceo", "job_title", "contains", "ceo", 25),
        attr("m_fit", "f_dir", "job_title", "contains", "director", 20),
        attr("m_fit", "f_mgr", "job_title", "contains", "manager", 19),
        attr("m_recycle", "r_dir", "job_title", "contains", "director", 10),
        attr("m_tie", "t_ceo", "job_title", "contains", "ceo", 25),
    ],
    "behavior_rules": [
        grouped(beh("g_email", "e_open", "email_open", 1), "email"),
        grouped(beh("g_email", "e_click", "email_click", 3), "email"),
        grouped(beh("g_email", "e_unsub", "unsubscribe", -4), "penalties"),
        grouped(beh("g_email", "e_short", "page_view", -2, "duration_seconds", "lt", "3"), "penalties"),
        grouped(beh("g_decay", "d_demo", "demo_request", 30), "hot"),
        grouped(beh("g_decay", "d_web", "webinar_attended", 20), "hot"),
        beh("m_grade", "b_open", "email_open", 5),
        beh("m_grade", "b_chat", "chat", 4),
        beh("m_grade", "b_unsub", "unsubscribe", -3),
        beh("m_fit", "p_purchase", "purchase", 40),
        beh("m_fit", "p_demo", "demo_request", 25),
        beh("m_fit", "p_chat", "chat", -1),
        beh("m_tie", "t_demo", "demo_request", 25),
        beh("m_recycle", "r_open", "email_open", 5),
        beh("m_recycle", "r_purchase2", "purchase", 20, occ_from=2),
    ],
    "absence_rules": [
        absence("m_recycle", "r_no_visit", "no_activity", "page_view", 30, -10),
        absence("m_recycle", "r_unanswered", "no_response", "email_sent", 3, -2, "email_open"),
    ],
    "rule_groups": [
        group("g_email", "email", max_points=10),
        group("g_email", "penalties", min_points=-5),
        group("g_email", "title", max_points=15),
        group("g_decay", "hot", max_points=40),
    ],
    "fit_grades": [
        {"model_id": "m_grade", "grade": "A", "min_fit_score": 20},
        {"model_id": "m_grade", "grade": "B", "min_fit_score": 10},
        {"model_id": "m_grade", "grade": "C", "min_fit_score": 0},
        # m_tie: two grades at the same threshold, first by name wins (like bands)
        {"model_id": "m_tie", "grade": "B", "min_fit_score": 20},
        {"model_id": "m_tie", "grade": "A", "min_fit_score": 20},
        {"model_id": "m_tie", "grade": "C", "min_fit_score": 0},
    ],
    "engagement_tiers": [
        {"model_id": "m_grade", "tier": "1", "min_engagement_score": 10},
        {"model_id": "m_grade", "tier": "2", "min_engagement_score": 0},
        {"model_id": "m_tie", "tier": "2", "min_engagement_score": 10},
        {"model_id": "m_tie", "tier": "1", "min_engagement_score": 10},
        {"model_id": "m_tie", "tier": "3", "min_engagement_score": 0},
    ],
    "score_bands": [
        band("g_email", "base", 0), band("g_decay", "base", 0), band("m_recycle", "base", 0),
        band("m_grade", "cold", 0), band("m_grade", "sales", 10, True),
        band("m_fit", "cold", 0), band("m_fit", "warm", 30),
        {**band("m_fit", "sales", 50, True), "min_fit_score": 20},
        # equal min_score: the gated band the fit reaches wins over the ungated one despite its name
        band("m_tie", "cold", 0), band("m_tie", "a_open", 50),
        {**band("m_tie", "z_gated", 50, True), "min_fit_score": 20},
        {**band("m_tie", "b_gated", 50, True), "min_fit_score": 30},
        {**band("m_tie", "y_gated", 50, True), "min_fit_score": 10},
    ],
    "routing_rules": [
        routing("m_grade", 10, "score.matrix_cell", "equals", "A1", "ae_a1"),
        routing("m_grade", 20, "score.fit_grade", "equals", "b", "ae_b"),
        routing("m_grade", 99, None, None, None, "pool"),
    ],
}


def opens(contact_id, *times):
    return [ev(f"{contact_id}_open{i}", contact_id, "email_open", t) for i, t in enumerate(times)]


CONTACTS = [
    contact("c_g6"), contact("c_g10"), contact("c_g11"), contact("c_pen"), contact("c_vp", job_title="VP, Director"),
    contact("c_gd"),
    contact("c_fa", job_title="Director", email="fa@x.com"), contact("c_fb", job_title="Manager"),
    contact("c_fc"), contact("c_fd", job_title="Intern"),
    contact("c_ceo", job_title="CEO"), contact("c_ceo2", job_title="CEO"),
    contact("c_r1", job_title="Director"), contact("c_r2"), contact("c_r3"), contact("c_r4"), contact("c_r5"),
    contact("c_r6"), contact("c_r7"),
]
INTERACTIONS = [
    *opens("c_g6", *[f"2026-06-0{d} 10:00:00" for d in range(1, 7)]),
    *[ev(f"c_g6_click{i}", "c_g6", "email_click", f"2026-06-1{i} 10:00:00") for i in range(3)],
    *opens("c_g10", "2026-06-01 10:00:00"),
    *[ev(f"c_g10_click{i}", "c_g10", "email_click", f"2026-06-1{i} 10:00:00") for i in range(3)],
    *opens("c_g11", "2026-06-01 10:00:00", "2026-06-02 10:00:00"),
    *[ev(f"c_g11_click{i}", "c_g11", "email_click", f"2026-06-1{i} 10:00:00") for i in range(3)],
    ev("c_pen_unsub", "c_pen", "unsubscribe", "2026-06-01 10:00:00"),
    ev("c_pen_pv1", "c_pen", "page_view", "2026-06-02 10:00:00", duration_seconds=1),
    ev("c_pen_pv2", "c_pen", "page_view", "2026-06-03 10:00:00", duration_seconds=2),
    ev("c_gd_demo1", "c_gd", "demo_request", "2026-06-20 00:00:00"),
    ev("c_gd_demo2", "c_gd", "demo_request", "2026-06-30 00:00:00"),
    ev("c_gd_web", "c_gd", "webinar_attended", "2026-06-10 00:00:00"),
    *opens("c_fa", "2026-06-01 10:00:00", "2026-06-02 10:00:00"),
    ev("c_fa_buy", "c_fa", "purchase", "2026-06-03 10:00:00"),
    *opens("c_fb", "2026-06-01 10:00:00"),
    ev("c_fb_chat", "c_fb", "chat", "2026-06-02 10:00:00"),
    ev("c_fb_buy", "c_fb", "purchase", "2026-06-03 10:00:00"),
    ev("c_fc_unsub", "c_fc", "unsubscribe", "2026-06-01 10:00:00"),
    ev("c_ceo_demo", "c_ceo", "demo_request", "2026-06-01 10:00:00"),
    ev("c_ceo2_demo", "c_ceo2", "demo_request", "2026-06-01 10:00:00"),
    ev("c_ceo2_chat", "c_ceo2", "chat", "2026-06-02 10:00:00"),
    # c_r1: three opens, a purchase and an unanswered email before the reset on 06-15
    *opens("c_r1", "2026-06-02 10:00:00", "2026-06-05 10:00:00", "2026-06-08 10:00:00", "2026-06-20 00:00:00"),
    ev("c_r1_buy1", "c_r1", "purchase", "2026-05-01 10:00:00"),
    ev("c_r1_sent1", "c_r1", "email_sent", "2026-05-20 10:00:00"),
    ev("c_r1_reset", "c_r1", "Recycled", "2026-06-15 00:00:00"),
    ev("c_r1_sent2", "c_r1", "email_sent", "2026-06-21 00:00:00"),
    ev("c_r1_buy2", "c_r1", "purchase", "2026-06-25 10:00:00"),
    # c_r2: reset exactly at as_of; an open at the same instant is not after it
    *opens("c_r2", "2026-06-29 12:00:00", "2026-06-30 00:00:00"),
    ev("c_r2_reset", "c_r2", "disqualified", "2026-06-30 00:00:00"),
    # c_r3: a reset one second after as_of is ignored
    *opens("c_r3", "2026-06-29 12:00:00"),
    ev("c_r3_reset", "c_r3", "recycled", "2026-06-30 00:00:01"),
    # c_r4 / c_r5: reset exactly 30 days before as_of, and one second later
    ev("c_r4_reset", "c_r4", "recycled", "2026-05-31 00:00:00"),
    ev("c_r5_reset", "c_r5", "recycled", "2026-05-31 00:00:01"),
    # c_r6 / c_r7: an email sent at the reset instant (not after it), and one second later
    ev("c_r6_reset", "c_r6", "recycled", "2026-06-15 00:00:00"),
    ev("c_r6_sent", "c_r6", "email_sent", "2026-06-15 00:00:00"),
    ev("c_r7_reset", "c_r7", "recycled", "2026-06-15 00:00:00"),
    ev("c_r7_sent", "c_r7", "email_sent", "2026-06-15 00:00:01"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("features") / "project")
    project.write_seeds(**SEEDS)
    project.load_raw(scenario.LOADED_AT, contacts=CONTACTS, interactions=INTERACTIONS)
    project.build(vars={"crm_model_id": "m_grade"})
    return project


def contribution_rows(project, model_id, contact_id):
    rows = project.query("select rule_id, rule_kind, score_part, points from marts.fct_lead_score_contributions "
                         "where model_id = ? and contact_id = ?", [model_id, contact_id])
    return {r[0]: r[1:] for r in rows}


# --- 1. rule groups with limits ---------------------------------------------------------------

def test_issue_example_six_opens_three_clicks_capped_at_ten(built):
    # opens 6 x 1 = 6, clicks 3 x 3 = 9, group email total 15 > max 10: a group_limit row of -5
    rows = contribution_rows(built, "g_email", "c_g6")
    assert rows == {"e_open": ("behavior", "engagement", 6), "e_click": ("behavior", "engagement", 9),
                    "email": ("group_limit", "engagement", -5)}
    assert built.scores("g_email")["c_g6"][:3] == (0, 10, 10)


@pytest.mark.parametrize("contact_id, limit_row, engagement", [
    ("c_g10", None, 10),   # 1 + 9 = 10 = max: reached exactly, nothing clipped, no group_limit row
    ("c_g11", -1, 10),     # 2 + 9 = 11: one above max, group_limit -1
])
def test_group_limit_reached_exactly_and_just_above(built, contact_id, limit_row, engagement):
    rows = contribution_rows(built, "g_email", contact_id)
    assert rows.get("email", (None, None, None))[2] == limit_row
    assert built.scores("g_email")[contact_id][1] == engagement


def test_min_points_limits_penalties(built):
    # unsubscribe -4, two visits under 3 s 2 x -2 = -4: total -8 < min -5, group_limit +3
    rows = contribution_rows(built, "g_email", "c_pen")
    assert rows["penalties"] == ("group_limit", "engagement", 3)
    assert built.scores("g_email")["c_pen"][1] == -5


def test_attribute_group_limit_counts_to_fit(built):
    # 'VP, Director': director +10 and vp +10 = 20 > max 15, group_limit -5 on the fit side
    rows = contribution_rows(built, "g_email", "c_vp")
    assert rows["title"] == ("group_limit", "fit", -5)
    assert built.scores("g_email")["c_vp"][:3] == (15, 0, 15)


def test_group_limit_with_decay(built):
    # half-life 10 days: demo at 06-20 (age 10) 30 x 0.5 = 15, demo at as_of (age 0) 30: d_demo 45;
    # webinar at 06-10 (age 20) 20 x 0.25 = 5: d_web 5. Group hot 50 > max 40: group_limit -10.
    rows = contribution_rows(built, "g_decay", "c_gd")
    assert rows == {"d_demo": ("behavior", "engagement", 45), "d_web": ("behavior", "engagement", 5),
                    "hot": ("group_limit", "engagement", -10)}
    assert built.scores("g_decay")["c_gd"][:3] == (0, 40, 40)


def test_contributions_sum_to_fit_and_engagement(built):
    mismatches = built.query("""
        select s.model_id, s.contact_id from marts.fct_lead_scores as s
        left join (
            select model_id, contact_id,
                sum(case when score_part = 'fit' then points else 0 end) as fit,
                sum(case when score_part = 'engagement' then points else 0 end) as engagement
            from marts.fct_lead_score_contributions group by model_id, contact_id
        ) as c on s.model_id = c.model_id and s.contact_id = c.contact_id
        where abs(s.fit_score - coalesce(c.fit, 0)) > 1e-9 or abs(s.engagement_score - coalesce(c.engagement, 0)) > 1e-9""")
    assert mismatches == []


# --- 2. fit grades, engagement tiers, lead matrix ---------------------------------------------

@pytest.mark.parametrize("contact_id, expected", [
    ("c_fa", (20, 10, "A", "1", "A1")),   # fit 20 = A's threshold exactly; 2 opens x 5 = 10 = tier 1's
    ("c_fb", (19, 9, "B", "2", "B2")),    # fit 19 just below A; open 5 + chat 4 = 9 just below tier 1
    ("c_fc", (0, -3, "C", "2", "C2")),    # engagement -3 below every tier: the lowest tier
    ("c_fd", (-5, 0, "C", "2", "C2")),    # fit -5 below every grade: the lowest grade
])
def test_grades_tiers_and_matrix(built, contact_id, expected):
    row = built.query("select fit_score, engagement_score, fit_grade, engagement_tier, matrix_cell "
                      "from marts.fct_lead_scores where model_id = 'm_grade' and contact_id = ?", [contact_id])
    assert row == [expected]


def test_models_without_grades_leave_the_columns_null(built):
    assert built.query("select distinct fit_grade, engagement_tier, matrix_cell from marts.fct_lead_scores "
                       "where model_id = 'g_email'") == [(None, None, None)]


def test_grades_reach_history_and_crm(built):
    # c_fa: score 30 >= 10, sales-ready, matrix A1
    assert built.query("select fit_grade, engagement_tier, matrix_cell from marts.fct_lead_score_history "
                       "where model_id = 'm_grade' and contact_id = 'c_fa'") == [("A", "1", "A1")]
    assert built.query("select fit_grade, engagement_tier, matrix_cell from marts.crm_lead_scores "
                       "where contact_id = 'c_fa'") == [("A", "1", "A1")]


def test_routing_on_matrix_cell_and_grade(built):
    owners = dict(built.query("select contact_id, owner_id from marts.fct_lead_scores "
                              "where model_id = 'm_grade' and contact_id in ('c_fa', 'c_fb', 'c_vp', 'c_fc')"))
    # c_fa A1 (score 30) -> priority 10; c_fb B2 (score 28) -> priority 20 (grade 'B' vs rule
    # 'b'); c_vp A2 (director 20, score 20) -> the catch-all; c_fc (-3) is not sales-ready
    assert owners == {"c_fa": "ae_a1", "c_fb": "ae_b", "c_vp": "pool", "c_fc": None}


# --- 3. bands gated on fit --------------------------------------------------------------------

@pytest.mark.parametrize("contact_id, expected", [
    ("c_fa", (20, 60, "sales", True)),    # director 20 + purchase 40 = 60; fit 20 = min_fit_score exactly
    ("c_fb", (19, 58, "warm", False)),    # manager 19 + 40 - chat 1 = 58 >= 50 but fit 19 < 20: warm
    ("c_ceo", (25, 50, "sales", True)),   # ceo 25 + demo 25 = 50 = min_score exactly, fit 25
    ("c_ceo2", (25, 49, "warm", False)),  # 25 + 25 - 1 = 49 just below 50
])
def test_band_that_needs_fit(built, contact_id, expected):
    row = built.query("select fit_score, score, band, is_sales_ready from marts.fct_lead_scores "
                      "where model_id = 'm_fit' and contact_id = ?", [contact_id])
    assert row == [expected]


@pytest.mark.parametrize("contact_id, expected", [
    # ceo 25 + demo 25 = 50: qualifies for a_open (no fit), y_gated (fit 25 >= 10) and z_gated
    # (25 >= 20), not for b_gated (25 < 30). Tie on min_score 50: the highest min_fit_score,
    # z_gated (not a_open or y_gated, which sort first by name).
    # Grades A and B both start at 20 <= 25: first by name, A; tiers 1 and 2 both at 10 <= 25: 1.
    ("c_ceo", (25, 50, "z_gated", True, "A", "1")),
    # ceo 25 + demo 25 = 50 as well (m_tie has no chat rule)
    ("c_ceo2", (25, 50, "z_gated", True, "A", "1")),
    # two demos 25 + 25 = 50 with fit 0: of the bands at 50 only the ungated a_open applies;
    # fit 0 reaches only grade C (0), engagement 50 the tied tiers: 1
    ("c_gd", (0, 50, "a_open", False, "C", "1")),
    # director: fit 0, no demo: score 0 reaches only cold, grade C, tier 3
    ("c_fa", (0, 0, "cold", False, "C", "3")),
])
def test_ties_on_a_threshold(built, contact_id, expected):
    row = built.query("select fit_score, score, band, is_sales_ready, fit_grade, engagement_tier "
                      "from marts.fct_lead_scores where model_id = 'm_tie' and contact_id = ?", [contact_id])
    assert row == [expected]


# --- 4. recycling -----------------------------------------------------------------------------

@pytest.mark.parametrize("contact_id, expected", [
    # reset 06-15 ('Recycled'): only the open of 06-20 counts (5); purchase of 06-25 is still
    # the 2nd purchase over all history (20); no_activity measures from 06-15 (15 days < 30:
    # no penalty); of the unanswered emails only the one sent 06-21 counts (-2). Fit 10 kept.
    # (Without the reset: 4 opens 20 + 20 - 10 - 2 x 2 = 26.)
    ("c_r1", (10, 23, 33, "2026-06-15 00:00:00")),
    # reset exactly at as_of: the open at the same instant is not after it; age 0 < 30
    ("c_r2", (0, 0, 0, "2026-06-30 00:00:00")),
    # reset one second after as_of: ignored; open 5, no page view in 30 days -10
    ("c_r3", (0, -5, -5, None)),
    # reset exactly 30 days before as_of: 'created' 30 days ago, no page view since: -10
    ("c_r4", (0, -10, -10, "2026-05-31 00:00:00")),
    # reset one second later: 29.99999 days, no penalty yet
    ("c_r5", (0, 0, 0, "2026-05-31 00:00:01")),
    # no_response after a reset: an email sent at the reset instant is not after it (0); one
    # sent a second later and unanswered for 3 days costs -2. no_activity from 06-15: 15 < 30 days
    ("c_r6", (0, 0, 0, "2026-06-15 00:00:00")),
    ("c_r7", (0, -2, -2, "2026-06-15 00:00:00")),
])
def test_recycling(built, contact_id, expected):
    row = built.query("select fit_score, engagement_score, score, strftime(engagement_reset_at, '%Y-%m-%d %H:%M:%S') "
                      "from marts.fct_lead_scores where model_id = 'm_recycle' and contact_id = ?", [contact_id])
    assert row == [expected]


def test_models_without_reset_types_never_reset(built):
    assert built.query("select count(*) from marts.fct_lead_scores "
                       "where model_id <> 'm_recycle' and engagement_reset_at is not null") == [(0,)]


# --- 5. score changes, across builds ----------------------------------------------------------

CHANGE_SEEDS = {
    "scoring_models": [{**model("m_plain"), "reset_event_types": "recycled"},
                       model("m_dec", decay=10, cap=50)],
    "attribute_rules": [attr("m_plain", "p_dir", "job_title", "contains", "director", 10),
                        attr("m_dec", "x_dir", "job_title", "contains", "director", 10)],
    "behavior_rules": [beh("m_plain", "p_open", "email_open", 5), beh("m_dec", "x_demo", "demo_request", 30)],
    "absence_rules": [absence("m_dec", "x_no_visit", "no_activity", "page_view", 3, -10)],
    "score_bands": [band("m_plain", "base", 0), band("m_dec", "base", 0)],
}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("changes") / "project")
    project.write_seeds(**CHANGE_SEEDS)
    project.load_raw(scenario.LOADED_AT, contacts=[contact("c_x", job_title="Director"), contact("c_y")], interactions=[
        *opens("c_x", "2026-06-01 10:00:00", "2026-06-02 10:00:00", "2026-06-03 10:00:00"),
        *opens("c_y", "2026-06-10 10:00:00", "2026-06-11 10:00:00"),
        ev("x_demo1", "c_x", "demo_request", "2026-06-30 00:00:00"),
        ev("x_pv", "c_x", "page_view", "2026-06-29 00:00:00"),
    ])
    project.build(as_of=AS_OF)
    # between the builds: c_x is recycled on 07-01 and requests a demo at the second as_of
    project.load_raw("2026-07-11 00:00:00", interactions=[
        ev("x_recycled", "c_x", "recycled", "2026-07-01 00:00:00"),
        ev("x_demo2", "c_x", "demo_request", "2026-07-05 00:00:00"),
        # c_y's opens land again: the first unchanged (a replay), the second corrected to a page view
        ev("c_y_open0", "c_y", "email_open", "2026-06-10 10:00:00"),
        ev("c_y_open1", "c_y", "page_view", "2026-06-11 10:00:00"),
    ])
    project.build(as_of="2026-07-05 00:00:00")
    return project


def changes(project, model_id, changed_at):
    rows = project.query("select rule_id, change_kind, points_before, points_after, delta "
                         "from marts.fct_lead_score_changes where model_id = ? and contact_id = 'c_x' "
                         "and changed_at = cast(? as timestamp) order by rule_id, change_kind", [model_id, changed_at])
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in r) for r in rows]


def test_recycled_between_builds_restarts_engagement_not_fit(two_builds):
    # build 1: director 10 + 3 opens x 5 = 25. Build 2: reset 07-01, no open since: 10 + 0.
    history = two_builds.query("select score from marts.fct_lead_score_history where model_id = 'm_plain' "
                               "and contact_id = 'c_x' order by valid_from")
    assert history == [(25,), (10,)]
    assert two_builds.scores("m_plain")["c_x"][:3] == (10, 0, 10)


def test_replayed_and_corrected_events_between_builds(two_builds):
    # build 1: two opens x 5 = 10. Build 2: the replayed open counts once (latest load wins, same
    # values) and the corrected one is a page view now: 5. Stored matches of re-landed events
    # must be replaced, not kept next to the new ones.
    history = two_builds.query("select score from marts.fct_lead_score_history where model_id = 'm_plain' "
                               "and contact_id = 'c_y' order by valid_from")
    assert history == [(10,), (5,)]


def test_staging_marks_only_events_it_had_not_stored_as_first_versions(two_builds):
    # build 2 wrote two new events and two that build 1 had stored (a replay, a correction);
    # build 1, a first build, marks none: downstream reads its stored rows for the others only
    assert two_builds.query("select event_id, is_first_version from staging.stg_raw__interactions "
                            "where event_id in ('x_recycled', 'x_demo2', 'c_y_open0', 'c_y_open1', 'x_pv') "
                            "order by event_id") == [
        ("c_y_open0", False), ("c_y_open1", False), ("x_demo2", True), ("x_pv", False), ("x_recycled", True)]


def test_first_version_is_explained_from_zero(two_builds):
    # first version: every contribution from 0; they sum to the score 25
    assert changes(two_builds, "m_plain", AS_OF) == [("p_dir", "update", 0, 10, 10), ("p_open", "update", 0, 15, 15)]


def test_change_after_recycling_rule_by_rule(two_builds):
    # the opens go (15 -> 0); fit does not change, so no p_dir row; -15 = 10 - 25
    assert changes(two_builds, "m_plain", "2026-07-05 00:00:00") == [("p_open", "update", 15, 0, -15)]


def test_change_with_decay_clamp_and_absence_sums_to_the_score_change(two_builds):
    # m_dec (half-life 10, cap 50). Build 1 (06-30): director 10 + demo at as_of 30 = 40; page
    # view 06-29, within 3 days. Build 2 (07-05, 5 days later): the first demo decays to
    # 30 x 0.5^(5/10) = 21.213203 (decay line -8.786797) and the demo at the new as_of adds 30
    # (update 21.213203 -> 51.213203); no page view in 3 days: -10. Rules 10 + 51.213203 - 10 =
    # 51.213203 > cap 50: score_clamp 0 -> -1.213203. Score 40 -> 50, and
    # -8.786797 + 30 - 10 - 1.213203 = 10. Director is unchanged: no row.
    rows = changes(two_builds, "m_dec", "2026-07-05 00:00:00")
    assert rows == [("score_clamp", "update", 0, -1.213203, -1.213203),
                    ("x_demo", "decay", 30, 21.213203, -8.786797),
                    ("x_demo", "update", 21.213203, 51.213203, 30),
                    ("x_no_visit", "update", 0, -10, -10)]
    assert round(sum(r[4] for r in rows), 6) == 50 - 40


def test_unchanged_rule_gets_no_row_even_when_it_would_decay(two_builds):
    # a rule whose contribution is the same in both versions has no row, decaying model or not
    assert two_builds.query("select count(*) from marts.fct_lead_score_changes "
                            "where rule_id in ('x_dir', 'p_dir') and changed_at > '2026-07-01'") == [(0,)]


def test_every_change_sums_to_the_score_change(two_builds):
    bad = two_builds.query("""
        with versions as (
            select model_id, contact_id, valid_from, score,
                lag(score, 1, 0) over (partition by model_id, contact_id order by valid_from) as previous_score
            from marts.fct_lead_score_history)
        select v.model_id, v.contact_id, v.valid_from from versions as v
        left join (select model_id, contact_id, changed_at, sum(delta) as total from marts.fct_lead_score_changes
                   group by all) as c
            on v.model_id = c.model_id and v.contact_id = c.contact_id and v.valid_from = c.changed_at
        where abs(v.score - v.previous_score - coalesce(c.total, 0)) > 1e-6""")
    assert bad == []


def test_changes_survive_rerun_full_refresh_and_backfill(two_builds, tmp_path):
    project = two_builds.clone(tmp_path / "again")
    before = project.query("select * from marts.fct_lead_score_changes order by all")
    project.build(as_of="2026-07-05 00:00:00")
    project.dbt("build", "--full-refresh", as_of="2026-07-05 00:00:00")
    assert project.query("select * from marts.fct_lead_score_changes order by all") == before
    # the backfill's reset forgets changes from 07-01 on; scoring at 07-05 again restores them
    project.dbt("run-operation", "reset_score_history", "--args", '{since: "2026-07-01"}', as_of=None)
    assert project.query("select count(*) from marts.fct_lead_score_changes "
                         "where changed_at >= '2026-07-01'") == [(0,)]
    project.build(as_of="2026-07-05 00:00:00")
    assert project.query("select * from marts.fct_lead_score_changes order by all") == before


def test_clamp_row_keeps_the_sum_exact(tmp_path):
    # cap 40: director 10 + demo 30 + demo 30 = 70 -> 40; first version rows 10 + 60 and a
    # score_clamp row of -30, summing to the published 40
    project = Project(tmp_path / "p")
    project.write_seeds(scoring_models=[model("m", cap=40)],
                        attribute_rules=[attr("m", "dir", "job_title", "contains", "director", 10)],
                        behavior_rules=[beh("m", "demo", "demo_request", 30)],
                        score_bands=[band("m", "base", 0)])
    project.load_raw(scenario.LOADED_AT, contacts=[contact("c1", job_title="Director")],
                     interactions=[ev("d1", "c1", "demo_request", "2026-06-01 00:00:00"),
                                   ev("d2", "c1", "demo_request", "2026-06-02 00:00:00")])
    project.build()
    rows = project.query("select rule_id, rule_kind, delta from marts.fct_lead_score_changes order by rule_id")
    assert rows == [("demo", "behavior", 60), ("dir", "attribute", 10), ("score_clamp", "score_clamp", -30)]


# --- optional columns: seeds written before these features keep working ----------------------

OLD_COLUMNS = {
    "scoring_models": ["model_id", "model_name", "description", "decay_half_life_days", "score_floor",
                       "score_cap", "is_active"],
    "attribute_rules": ["model_id", "rule_id", "attribute", "operator", "value", "points", "description",
                        "is_active"],
    "behavior_rules": ["model_id", "rule_id", "event_type", "field", "operator", "value", "points",
                       "max_points", "lookback_days", "occurrence_from", "occurrence_to",
                       "within_days_of_previous", "description", "is_active"],
    "absence_rules": ["model_id", "rule_id", "rule_kind", "event_type", "response_event_type", "match_field",
                      "within_days", "points", "max_points", "description", "is_active"],
    "score_bands": ["model_id", "band", "min_score", "is_sales_ready"],
    "routing_rules": ["model_id", "priority", "attribute", "operator", "value", "owner_id", "is_active"],
}


def test_seeds_without_the_new_columns_score_the_same(tmp_path):
    project = Project(tmp_path / "p")
    project.write_seeds(**scenario.SEEDS)  # new columns present and empty
    project.load_raw(scenario.LOADED_AT, **scenario.RAW)
    project.build()
    with_columns = project.query("select * exclude (rules_version) from marts.fct_lead_scores order by all")
    for name, columns in OLD_COLUMNS.items():
        assert set(columns) < set(SEED_COLUMNS[name]) or name == "routing_rules"
        write_csv(project.root / "seeds" / f"{name}.csv", columns, scenario.SEEDS.get(name, []))
    with open(project.root / "seeds" / "behavior_rules.csv") as fh:
        assert "group_id" not in next(csv.reader(fh))
    project.dbt("seed", "--full-refresh")  # dbt keeps a seed table's columns unless told
    project.build()
    assert project.query("select * exclude (rules_version) from marts.fct_lead_scores order by all") == with_columns


def test_history_older_than_the_changes_table(tmp_path):
    # An upgraded project: history has a version (06-30: director 10 + open 5 = 15) that the
    # changes table never saw. At 07-02 (score 20) the rules are explained from zero (10 + 10)
    # and an untracked row takes the old 15 away: 10 + 10 - 15 = 5 = 20 - 15. From then on the
    # table knows the lead: at 07-03 (25) only the opens' +5 appears.
    project = Project(tmp_path / "p")
    project.write_seeds(scoring_models=[model("m")],
                        attribute_rules=[attr("m", "dir", "job_title", "contains", "director", 10)],
                        behavior_rules=[beh("m", "open", "email_open", 5)], score_bands=[band("m", "base", 0)])
    project.load_raw(scenario.LOADED_AT, contacts=[contact("c1", job_title="Director")],
                     interactions=opens("c1", "2026-06-01 00:00:00"))
    project.build(as_of=AS_OF)
    project.execute("drop table marts.fct_lead_score_changes")
    project.load_raw("2026-07-11 00:00:00", interactions=[ev("o2", "c1", "email_open", "2026-07-01 00:00:00")])
    project.build(as_of="2026-07-02 00:00:00")
    project.load_raw("2026-07-12 00:00:00", interactions=[ev("o3", "c1", "email_open", "2026-07-03 00:00:00")])
    project.build(as_of="2026-07-03 00:00:00")
    rows = project.query("select strftime(changed_at, '%m-%d'), rule_id, points_before, points_after, delta "
                         "from marts.fct_lead_score_changes order by changed_at, rule_id")
    assert rows == [("07-02", "dir", 0, 10, 10), ("07-02", "open", 0, 10, 10), ("07-02", "untracked", 15, 0, -15),
                    ("07-03", "open", 10, 15, 5)]
