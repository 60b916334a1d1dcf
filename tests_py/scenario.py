"""A hand-built data set where every expected score is computed by hand from the contract
(docs in the test module). as_of = 2026-06-30 00:00:00."""
from __future__ import annotations

LOADED_AT = "2026-07-10 00:00:00"  # after as_of, so events after as_of are not 'future' rejects


def model(model_id, decay=None, floor=None, cap=None, active=True):
    return {"model_id": model_id, "model_name": model_id, "description": "test", "decay_half_life_days": decay,
            "score_floor": floor, "score_cap": cap, "is_active": active}


def attr(model_id, rule_id, attribute, operator, value, points, active=True):
    return {"model_id": model_id, "rule_id": rule_id, "attribute": attribute, "operator": operator,
            "value": value, "points": points, "description": rule_id, "is_active": active}


def beh(model_id, rule_id, event_type, points, field=None, operator=None, value=None, max_points=None,
        lookback=None, occ_from=None, occ_to=None, within=None, active=True):
    return {"model_id": model_id, "rule_id": rule_id, "event_type": event_type, "field": field,
            "operator": operator, "value": value, "points": points, "max_points": max_points,
            "lookback_days": lookback, "occurrence_from": occ_from, "occurrence_to": occ_to,
            "within_days_of_previous": within, "description": rule_id, "is_active": active}


def absence(model_id, rule_id, kind, event_type, within, points, response=None, match=None, max_points=None,
            active=True):
    return {"model_id": model_id, "rule_id": rule_id, "rule_kind": kind, "event_type": event_type,
            "response_event_type": response, "match_field": match, "within_days": within, "points": points,
            "max_points": max_points, "description": rule_id, "is_active": active}


def band(model_id, name, min_score, sales_ready=False):
    return {"model_id": model_id, "band": name, "min_score": min_score, "is_sales_ready": sales_ready}


SEEDS = {
    "scoring_models": [
        model("m_example"), model("m_ops"), model("m_beh"), model("m_decay", decay=10), model("m_abs"),
        model("m_clamp", floor=0, cap=50), model("m_off", active=False),
    ],
    "attribute_rules": [
        # contract section 6
        attr("m_example", "ex_director", "job_title", "contains", "director", 10),
        attr("m_example", "ex_region", "region", "equals", "mazowieckie", 5),
        attr("m_example", "ex_city", "city", "equals", "Warszawa", 6),
        attr("m_example", "ex_form", "lead_source", "equals", "form", 3),
        attr("m_example", "ex_consent", "email_consent", "equals", "true", 2),
        # one rule per operator, 1 point each
        attr("m_ops", "r_eq", "industry", "equals", " Software ", 1),
        attr("m_ops", "r_neq", "industry", "not_equals", "software", 1),
        attr("m_ops", "r_in", "region", "in", "emea | apac", 1),
        attr("m_ops", "r_not_in", "region", "not_in", "emea|apac", 1),
        attr("m_ops", "r_contains", "job_title", "contains", "DIRECTOR", 1),
        attr("m_ops", "r_starts", "email", "starts_with", "jan.", 1),
        attr("m_ops", "r_ends", "email", "ends_with", "@GMAIL.com", 1),
        attr("m_ops", "r_matches", "job_title", "matches", "^(vp|head) of", 1),
        attr("m_ops", "r_gt", "company_size", "gt", "99", 1),
        attr("m_ops", "r_gte", "company_size", "gte", "100", 1),
        attr("m_ops", "r_lt", "company_size", "lt", "100", 1),
        attr("m_ops", "r_lte", "company_size", "lte", "50", 1),
        attr("m_ops", "r_between", "company_size", "between", "50 | 100", 1),
        attr("m_ops", "r_is_null", "city", "is_null", None, 1),
        attr("m_ops", "r_is_not_null", "city", "is_not_null", None, 1),
        attr("m_ops", "r_custom", "decision_maker", "equals", "true", 1),
        attr("m_ops", "r_account", "account.employee_count", "gte", "500", 1),
        attr("m_ops", "r_bool", "email_consent", "equals", "TRUE", 1),
        attr("m_ops", "r_extra", "favourite_color", "equals", "green", 1),
        attr("m_ops", "r_budget", "budget", "gt", "10", 1),
        attr("m_ops", "r_in_num", "company_size", "in", "100|200", 1),
        attr("m_ops", "r_acct_null", "account.employee_count", "is_null", None, 1),
        attr("m_ops", "r_inactive", "job_title", "contains", "a", 100, active=False),
        attr("m_clamp", "cl_big", "job_title", "contains", "director", 80),
        attr("m_clamp", "cl_neg", "industry", "equals", "retail", -30),
        attr("m_off", "off_any", "job_title", "contains", "a", 5),
    ],
    "behavior_rules": [
        beh("m_beh", "b_open", "email_open", 2, max_points=5),
        beh("m_beh", "b_inactive", "email_open", 100, active=False),
        beh("m_beh", "b_pricing", "page_view", 10, "url", "contains", "/pricing"),
        beh("m_beh", "b_short", "page_view", -2, "duration_seconds", "lt", "3"),
        beh("m_beh", "b_dur_eq", "page_view", 3, "duration_seconds", "equals", "30"),
        beh("m_beh", "b_prop", "form_submit", 7, "properties.form", "equals", "inquiry"),
        beh("m_beh", "b_purchase", "purchase", 20),
        beh("m_beh", "b_second", "purchase", 30, occ_from=2, occ_to=2, within=182),
        beh("m_beh", "b_repeat30", "purchase", 50, within=30),
        beh("m_beh", "b_amount", "purchase", 9, "amount", "gte", "1000"),
        beh("m_beh", "b_first", "purchase", 11, occ_to=1),
        beh("m_beh", "b_tag_eq", "webinar_attended", 4, "tags", "equals", "BI"),
        beh("m_beh", "b_tag_in", "webinar_attended", 3, "tags", "in", "crm|analytics"),
        beh("m_beh", "b_tag_neq", "webinar_attended", 1, "tags", "not_equals", "crm"),
        beh("m_beh", "b_tag_nin", "webinar_attended", 6, "tags", "not_in", "analytics|crm"),
        beh("m_beh", "b_tag_contains", "webinar_attended", 2, "tags", "contains", "lyt"),
        beh("m_beh", "b_download", "download", 5, lookback=30),
        beh("m_beh", "b_chat_from2", "chat", 1, occ_from=2),
        beh("m_beh", "b_channel", "email_click", 1, "channel", "equals", "email"),
        beh("m_beh", "b_campaign", "email_click", 2, "campaign_id", "starts_with", "SPRING"),
        beh("m_decay", "dc_demo", "demo_request", 30),
        beh("m_decay", "dc_demo_cap", "demo_request", 30, max_points=20),
        beh("m_off", "off_open", "email_open", 5),
    ],
    "absence_rules": [
        absence("m_example", "ex_no_visit", "no_activity", "page_view", 30, -10),
        absence("m_decay", "dc_unopened", "no_response", "email_sent", 3, -4, "email_open", "email_id"),
        absence("m_abs", "a_unopened", "no_response", "email_sent", 3, -1, "email_open", "email_id", max_points=10),
        absence("m_abs", "a_no_visit", "no_activity", "page_view", 30, -10),
        absence("m_abs", "a_no_download", "no_activity", "download", 30, -10),
        absence("m_abs", "a_no_any", "no_activity", "*", 5, -3),
    ],
    "score_bands": [
        band("m_example", "cold", 0), band("m_example", "sales", 30, True),
        band("m_ops", "low", 0), band("m_ops", "mid", 5), band("m_ops", "high", 10, True),
        band("m_beh", "base", 0), band("m_decay", "base", 0), band("m_abs", "base", 0),
        band("m_clamp", "b0", 0), band("m_clamp", "b50", 50, True),
        band("m_off", "base", 0),
    ],
}


def contact(contact_id, created_at="2026-01-01 00:00:00", **kw):
    return {"contact_id": contact_id, "created_at": created_at, **kw}


CONTACTS = [
    contact("c_jan", first_name="Jan", last_name="Kowalski", job_title="Sales Director", region="mazowieckie",
            city="Warszawa", lead_source="form", email_consent=True, favourite_color="red"),
    contact("c_a", industry=" SOFTWARE ", region="EMEA", job_title="Sales Director", email="Jan.Nowak@Acme.com",
            company_size=100, city="Warszawa", email_consent=True, account_id="acc1", favourite_color="Green"),
    contact("c_b", industry="Retail", region="LATAM", job_title="VP of Sales", email="b@gmail.com",
            company_size=50, email_consent=False, account_id="acc2", favourite_color="blue"),
    contact("c_c", job_title="Head of Data", city="  "),
    contact("c_d"), contact("c_e"), contact("c_f"),
    contact("c_g", created_at="2026-06-20 00:00:00"),
    contact("c_h"),
]
ACCOUNTS = [
    {"account_id": "acc1", "name": "Acme", "employee_count": 600},
    {"account_id": "acc2", "name": "Tiny", "employee_count": 40},
]
CONTACT_ATTRIBUTES = [
    {"contact_id": "c_a", "attribute": "decision_maker", "value": "TRUE", "updated_at": "2026-02-01"},
    {"contact_id": "c_a", "attribute": "budget", "value": "25", "updated_at": "2026-02-01"},
    {"contact_id": "c_b", "attribute": "budget", "value": "lots", "updated_at": "2026-02-01"},
    # an older value of the same custom field: the latest updated_at wins
    {"contact_id": "c_b", "attribute": "decision_maker", "value": "true", "updated_at": "2026-01-01"},
    {"contact_id": "c_b", "attribute": "decision_maker", "value": "false", "updated_at": "2026-03-01"},
]


def ev(event_id, contact_id, event_type, occurred_at, **kw):
    return {"event_id": event_id, "contact_id": contact_id, "event_type": event_type, "occurred_at": occurred_at,
            **kw}


INTERACTIONS = [
    ev("j_pv", "c_jan", "page_view", "2026-05-01 09:00:00", url="https://x.com/home"),
    # D: behaviour options
    ev("d_open1", "c_d", "email_open", "2026-06-01 10:00:00"),
    ev("d_open1", "c_d", "email_open", "2026-06-01 10:00:00"),  # replay: counts once
    ev("d_open2", "c_d", "email_open", "2026-06-10 10:00:00"),
    ev("d_open3", "c_d", "email_open", "2026-06-20 10:00:00"),
    ev("d_open_future", "c_d", "email_open", "2026-07-05 10:00:00"),  # after as_of: ignored
    ev("d_pricing", "c_d", " PAGE_VIEW ", "2026-06-15 10:00:00", url="https://x.com/Pricing?ref=1",
       duration_seconds=30),
    ev("d_short", "c_d", "page_view", "2026-06-16 10:00:00", url="https://x.com/blog", duration_seconds=2.5),
    ev("d_long", "c_d", "page_view", "2026-06-17 10:00:00", url="https://x.com/blog", duration_seconds=10),
    ev("d_inquiry", "c_d", "form_submit", "2026-06-18 10:00:00", properties={"form": " Inquiry "}),
    ev("d_newsletter", "c_d", "form_submit", "2026-06-18 11:00:00", properties={"form": "newsletter"}),
    ev("d_p1", "c_d", "purchase", "2026-01-10 10:00:00", amount=100),
    ev("d_p2", "c_d", "purchase", "2026-03-01 10:00:00", amount=200),
    ev("d_p3", "c_d", "purchase", "2026-06-25 10:00:00", amount=1500),
    ev("d_web", "c_d", "webinar_attended", "2026-06-05 10:00:00", tags=" Analytics , BI "),
    ev("d_dl1", "c_d", "download", "2026-03-01 10:00:00"),
    ev("d_dl2", "c_d", "download", "2026-06-29 12:00:00"),
    ev("d_ch1", "c_d", "chat", "2026-04-01 10:00:00"),
    ev("d_ch2", "c_d", "chat", "2026-04-02 10:00:00"),
    ev("d_ch3", "c_d", "chat", "2026-04-03 10:00:00"),
    ev("d_click", "c_d", "email_click", "2026-06-12 10:00:00", channel="Email", campaign_id="Spring-2026"),
    # E: decay (half-life 10 days)
    ev("e_demo1", "c_e", "demo_request", "2026-06-20 00:00:00"),
    ev("e_demo2", "c_e", "demo_request", "2026-06-10 00:00:00"),
    ev("e_sent", "c_e", "email_sent", "2026-06-17 00:00:00", email_id="x1"),
    # F: absence rules
    ev("f_s1", "c_f", "email_sent", "2026-06-01 09:00:00", email_id="m1"),
    ev("f_o1", "c_f", "email_open", "2026-06-02 09:00:00", email_id="m1"),
    ev("f_s2", "c_f", "email_sent", "2026-06-05 09:00:00", email_id="m2"),
    ev("f_o2", "c_f", "email_open", "2026-06-09 09:00:00", email_id="m2"),
    ev("f_s3", "c_f", "email_sent", "2026-06-28 09:00:00", email_id="m3"),
    ev("f_s4", "c_f", "email_sent", "2026-06-10 09:00:00", email_id="m4"),
    ev("f_o4", "c_f", "email_open", "2026-06-11 09:00:00", email_id="m5"),
    ev("f_pv", "c_f", "page_view", "2026-06-15 09:00:00", url="https://x.com/"),
    # H: an anonymous visit identified later; X: an anonymous visit never identified
    {"event_id": "h_anon", "anonymous_id": "anon-h", "event_type": "page_view",
     "occurred_at": "2026-06-20 10:00:00", "url": "https://x.com/pricing"},
    {"event_id": "x_anon", "anonymous_id": "anon-x", "event_type": "page_view",
     "occurred_at": "2026-06-20 10:00:00", "url": "https://x.com/pricing"},
    # unusable rows: rejected with a reason, never scored
    {"event_id": "bad_nobody", "event_type": "page_view", "occurred_at": "2026-06-20 10:00:00"},
    {"event_id": "bad_notype", "contact_id": "c_d", "occurred_at": "2026-06-20 10:00:00"},
    {"contact_id": "c_d", "event_type": "purchase", "occurred_at": "2026-06-20 10:00:00"},
]
IDENTITIES = [{"anonymous_id": "anon-h", "contact_id": "c_h", "identified_at": "2026-06-21 00:00:00"}]

RAW = {
    "contacts": CONTACTS,
    "accounts": ACCOUNTS,
    "contact_attributes": CONTACT_ATTRIBUTES,
    "interactions": INTERACTIONS,
    "identities": IDENTITIES,
}
