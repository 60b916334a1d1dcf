"""Bad raw rows are kept with a reason; untrusted text in rules and data stays data."""
from __future__ import annotations

import scenario
from conftest import Project
from scenario import attr, band, beh, contact, ev, model

MINIMAL_SEEDS = {
    "scoring_models": [model("m")],
    "attribute_rules": [attr("m", "fit", "job_title", "is_not_null", None, 1)],
    "behavior_rules": [beh("m", "eng", "page_view", 1)],
    "absence_rules": [],
    "score_bands": [band("m", "base", 0)],
}


def test_text_typed_raw_tables_reject_unparseable_and_future_rows(tmp_path):
    """Raw tables created by another tool (text columns, missing optional columns): staging
    parses, fills the gaps with NULL and rejects what it cannot use."""
    project = Project(tmp_path / "p")
    project.write_seeds(**MINIMAL_SEEDS)
    project.load_raw(scenario.LOADED_AT, contacts=[contact("c0")])
    # contacts as another tool might create them: fewer columns and no loaded_at
    project.execute("drop table raw.contacts")
    project.execute("create table raw.contacts as select 'c1' as contact_id, 'x' as job_title, "
                    "timestamp '2026-01-01' as created_at")
    project.execute("drop table raw.interactions")
    project.execute("""create table raw.interactions (event_id varchar, contact_id varchar, anonymous_id varchar,
        event_type varchar, occurred_at varchar, duration_seconds varchar, loaded_at timestamp)""")
    project.execute("""insert into raw.interactions values
        ('ok1', 'c1', null, 'page_view', '2026-06-01 10:00:00', '12.5', '2026-07-10'),
        ('bad_time', 'c1', null, 'page_view', 'yesterday', null, '2026-07-10'),
        ('bad_num', 'c1', null, 'page_view', '2026-06-01 10:00:00', 'long', '2026-07-10'),
        ('future', 'c1', null, 'page_view', '2026-07-12 00:00:01', null, '2026-07-10'),
        ('skew_ok', 'c1', null, 'page_view', '2026-07-10 23:00:00', null, '2026-07-10'),
        ('pending', null, 'anon-9', 'page_view', '2026-06-01 10:00:00', null, '2026-07-10')""")
    result = project.build(as_of="2026-07-11 00:00:00")
    rows = project.query("select record_id, reason, raw_values from marts.rpt_rejected_rows order by record_id")
    assert [(r[0], r[1]) for r in rows] == [
        ("bad_num", "unparseable duration_seconds"),
        ("bad_time", "unparseable occurred_at"),
        ("future", "occurred_at in the future"),
    ]
    assert "occurred_at=yesterday" in rows[1][2] and "duration_seconds=long" in rows[0][2]
    assert project.query("select anonymous_id, pending_events from marts.rpt_pending_identities") == [("anon-9", 1)]
    # 3 of 6 rows rejected in the batch: the share warning fires (a warning, not a failure)
    warned = [r for r in result.result if r.node.name == "rejected_share_per_batch"]
    assert warned and str(warned[0].status) == "warn"
    assert project.contributions("m")[("c1", "eng")] == (2, 2)  # ok1 and skew_ok (within 24h of landing)


NASTY = "O'Brien; drop table raw.contacts; -- {{ var('as_of') }} {% if true %}x{% endif %}"


def test_untrusted_text_matches_literally(tmp_path):
    project = Project(tmp_path / "p")
    project.write_seeds(
        scoring_models=[model("m")],
        attribute_rules=[
            attr("m", "quote_eq", "last_name", "equals", NASTY, 1),
            attr("m", "quote_in", "last_name", "in", f"nobody|{NASTY}", 2),
            attr("m", "jinja_contains", "job_title", "contains", "{{ 1 + 1 }}", 4),
            attr("m", "sql_starts", "city", "starts_with", "select * from", 8),
            attr("m", "like_chars", "department", "ends_with", "100%_", 16),
            attr("m", "regex_literal", "job_title", "matches", r"\{\{ 1 \+ 1 \}\}", 32),
        ],
        behavior_rules=[
            beh("m", "url_quote", "page_view", 64, "url", "contains", "'; delete from rules.behavior_rules; --"),
            beh("m", "prop_key", "form_submit", 128, "properties.it's", "equals", "a\"b"),
        ],
        absence_rules=[],
        score_bands=[band("m", "base", 0)],
    )
    project.load_raw(scenario.LOADED_AT, contacts=[
        contact("c_nasty", last_name=NASTY, job_title="Head of {{ 1 + 1 }}", city="Select * FROM leads",
                department="sales 100%_"),
        contact("c_plain", last_name="O'Brien", job_title="Head of 2", city="selected", department="sales 100"),
    ], interactions=[
        ev("e1", "c_nasty", "page_view", "2026-06-01 00:00:00", url="https://x.com/?q='; delete from rules.behavior_rules; --"),
        ev("e2", "c_plain", "page_view", "2026-06-01 00:00:00", url="https://x.com/?q=delete"),
        ev("e3", "c_nasty", "form_submit", "2026-06-01 00:00:00", properties={"it's": 'a"b'}),
    ])
    project.build()
    contributions = project.contributions("m")
    assert {rule for (c, rule) in contributions if c == "c_nasty"} == {
        "quote_eq", "quote_in", "jinja_contains", "sql_starts", "like_chars", "regex_literal", "url_quote", "prop_key"}
    assert {rule for (c, rule) in contributions if c == "c_plain"} == set()
    assert project.scores("m")["c_nasty"][2] == 255
    assert project.query("select count(*) from rules.behavior_rules") == [(2,)]
    assert project.query("select count(*) from raw.contacts") == [(2,)]
