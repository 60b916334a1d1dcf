"""Source adapters: collector tables in their documented warehouse layout -> exact scores.

Segment (and RudderStack, same spec): tracks, pages and identifies in schema `segment`, read
through var lead_scoring__event_sources together with the contract's raw tables (the contacts
come from raw.contacts). as_of 2026-06-30; every expected number is derived in a comment.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import scenario
from conftest import Project

PEER = Path("/work/shared/data/peer_samples")
LOADED = "2026-07-01 00:00:00"

RULES = dict(
    scoring_models=[scenario.model("m_seg")],
    # an identify trait (email) reaches attribute rules as a contact attribute
    attribute_rules=[scenario.attr("m_seg", "plan", "plan", "equals", "enterprise", 3)],
    behavior_rules=[
        scenario.beh("m_seg", "pricing", "page_view", 10, "url", "contains", "/pricing"),
        scenario.beh("m_seg", "demo", "demo_request", 30),
        # an unmapped collector name reaches rules trimmed and lower-cased
        scenario.beh("m_seg", "trial", "trial started", 5),
        scenario.beh("m_seg", "utm", "page_view", 2, "source", "equals", "newsletter"),
    ],
    absence_rules=[],
    score_bands=[scenario.band("m_seg", "base", 0)],
)

# Segment's tracks layout (https://segment.com/docs/connections/storage/warehouses/schema/)
TRACKS_COLUMNS = ("id, anonymous_id, user_id, event, event_text, timestamp, original_timestamp, sent_at, "
                  "received_at, uuid_ts, context_page_url, context_page_path, context_campaign_source, "
                  "context_campaign_name")
PAGES_COLUMNS = ("id, anonymous_id, user_id, received_at, sent_at, timestamp, url, path, title, search, "
                 "referrer, context_campaign_source, context_campaign_medium, context_campaign_name, uuid_ts")


def load_collector(project: Project, schema: str) -> None:
    t = f"'{LOADED}'"
    project.execute(f"""
        create schema {schema};
        create table {schema}.tracks as select * from (values
          ('t1', 'a1', 'c_1', 'Demo Requested', 'Demo Requested', '2026-06-25 10:00:00', null, null,
           '2026-06-25 10:00:01', timestamp {t}, 'https://x.com/demo', '/demo', null, null),
          -- t1 delivered twice (a replay, later uuid_ts): counts once
          ('t1', 'a1', 'c_1', 'Demo Requested', 'Demo Requested', '2026-06-25 10:00:00', null, null,
           '2026-06-25 10:00:01', timestamp {t} + interval 1 hour, 'https://x.com/demo', '/demo', null, null),
          ('t2', null, 'c_1', ' Trial Started ', 'Trial Started', '2026-06-26T10:00:00Z', null, null,
           '2026-06-26 10:00:01', timestamp {t}, null, null, null, null),
          (null, 'a9', null, 'Demo Requested', null, '2026-06-26 10:00:00', null, null,
           '2026-06-26 10:00:01', timestamp {t}, null, null, null, null),
          ('t4', 'a9', null, 'Demo Requested', null, null, null, null,
           '2026-06-26 10:00:01', timestamp {t}, null, null, null, null)
        ) as v({TRACKS_COLUMNS});
        -- the peer sample first (dbt-labs/segment's seed: all text, no uuid_ts, so received_at is
        -- its watermark), then our pages in the same layout
        create table {schema}.pages as select *, cast(null as timestamp) as uuid_ts
        from read_csv('{PEER / 'segment' / 'example_segment_pages.csv'}', all_varchar = true);
        insert into {schema}.pages by name select * from (values
          ('p1', 'a1', null, '2026-06-20 10:00:01', null, '2026-06-20 10:00:00', 'https://x.com/pricing',
           '/pricing', 'Pricing', null, 'https://google.com/', 'newsletter', 'email', 'june', timestamp {t}),
          ('p2', 'a2', null, '2026-06-20 11:00:01', null, '2026-06-20 11:00:00', 'https://x.com/pricing',
           '/pricing', 'Pricing', null, null, null, null, null, timestamp {t})
        ) as v({PAGES_COLUMNS});
        -- a1 identified as c_1, later as c_2 (shared device): the first identification wins
        create table {schema}.identifies as select * from (values
          ('i1', 'a1', 'c_1', '2026-06-21 00:00:00', '2026-06-21 00:00:01', timestamp {t}, 'jan@x.com', ' Enterprise '),
          ('i2', 'a1', 'c_2', '2026-06-22 00:00:00', '2026-06-22 00:00:01', timestamp {t}, 'ola@x.com', null),
          ('i3', null, 'c_3', '2026-06-22 00:00:00', '2026-06-22 00:00:01', timestamp {t}, 'server-side', 'free')
        ) as v(id, anonymous_id, user_id, timestamp, received_at, uuid_ts, email, plan);
    """)


@pytest.fixture(scope="module")
def segment(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("segment") / "project")
    project.write_seeds(**RULES)
    project.load_raw(LOADED, contacts=[scenario.contact("c_1"), scenario.contact("c_2"),
                                       scenario.contact("97980cfea0067")])
    load_collector(project, "segment")
    project.build(vars={"lead_scoring__event_sources": ["raw", "segment"]})
    return project


def test_segment_hand_computed_scores(segment):
    scores = segment.scores("m_seg")
    # c_1: anonymous pricing page p1 stitched through identifies a1 -> c_1: +10, its utm_source
    # newsletter +2; Demo Requested -> demo_request (event_type_map), replayed but counted once
    # +30; ' Trial Started ' unmapped -> 'trial started' +5. 10 + 2 + 30 + 5 = 47; fit: the
    # identify trait plan ' Enterprise ' equals enterprise +3. 3 + 47 = 50
    assert scores["c_1"][:3] == (3, 47, 50)
    # c_2's later identification of a1 does not move p1 (first identification wins)
    assert scores["c_2"][:3] == (0, 0, 0)
    contributions = segment.contributions("m_seg")
    assert contributions[("c_1", "demo")] == (30, 1)
    assert contributions[("c_1", "pricing")] == (10, 1)
    # the peer sample's page (2015, /product) is usable and attributed to its user, scoring nothing
    assert segment.query("select contact_id, event_type, url, source, campaign_id from "
                         "staging.stg_raw__interactions where event_id = 'ajs-9527e97fc714abe02a23b3d24cf09a36'") == [
        ("97980cfea0067", "page_view", "https://www.getdbt.com/", "facebook", "autumn_collection_2015")]


def test_segment_rejected_and_unmapped(segment):
    rejected = segment.query("select source_table, reason from marts.rpt_rejected_rows order by reason")
    assert rejected == [("interactions", "segment: missing id (event_id)"),
                        ("interactions", "segment: missing timestamp (occurred_at)")]
    unmapped = segment.query("select collector, collector_event, event_type, event_count "
                             "from marts.rpt_unmapped_event_names")
    assert unmapped == [("segment", "Trial Started", "trial started", 1)]
    # a2 never identified: waits, unscored
    assert segment.query("select count(*) from staging.stg_raw__interactions where contact_id is null") == [(1,)]
    props = segment.query("select properties from staging.stg_raw__interactions where event_id = 'p1'")[0][0]
    assert '"utm_medium":"email"' in props.replace(" ", "") and '"path":"/pricing"' in props.replace(" ", "")


def test_segment_peer_sample_watermark_is_received_at(segment):
    # no uuid_ts on the peer row: its received_at is the load watermark
    assert segment.query("select cast(loaded_at as varchar) from staging.stg_raw__interactions "
                         "where event_id = 'ajs-9527e97fc714abe02a23b3d24cf09a36'") == [("2015-02-23 22:28:55",)]


def test_rudderstack_same_spec_same_scores(tmp_path):
    project = Project(tmp_path / "project")
    project.write_seeds(**RULES)
    project.load_raw(LOADED, contacts=[scenario.contact("c_1"), scenario.contact("c_2"),
                                       scenario.contact("97980cfea0067")])
    load_collector(project, "rudderstack")
    project.build(vars={"lead_scoring__event_sources": ["raw", "rudderstack"]})
    # the Segment case's arithmetic: fit 3 (trait), 10 + 2 + 30 + 5 = 47 for c_1, nothing moves to c_2
    scores = project.scores("m_seg")
    assert scores["c_1"][:3] == (3, 47, 50) and scores["c_2"][:3] == (0, 0, 0)
    assert project.query("select reason from marts.rpt_rejected_rows order by 1") == [
        ("rudderstack: missing id (event_id)",), ("rudderstack: missing timestamp (occurred_at)",)]



def test_segment_and_rudderstack_together(tmp_path):
    """Both collectors on: one base model set reads both, each row keeping its collector's map,
    watermark var, trait columns and rejection prefix."""
    project = Project(tmp_path / "project")
    project.write_seeds(**RULES)
    # RudderStack (only) maps 'Trial Started'
    event_map = project.root / "seeds" / "adapters" / "event_type_map.csv"
    event_map.write_text(event_map.read_text().rstrip("\n") + "\nrudderstack,Trial Started,trial_start\n")
    project.load_raw(LOADED, contacts=[scenario.contact(c) for c in ("c_1", "c_2", "c_3", "97980cfea0067")])
    load_collector(project, "segment")
    load_collector(project, "rudderstack")
    project.execute("""
        update rudderstack.tracks set id = 'r2' where id = 't2';
        insert into rudderstack.tracks by name select 'r5' as id, 'a7' as anonymous_id,
            'Pricing Viewed' as event, '2026-06-27 09:00:00' as timestamp,
            '2026-06-27 09:00:01' as received_at, timestamp '2026-07-01 00:00:00' as uuid_ts;
        alter table rudderstack.identifies add column company varchar;
        update rudderstack.identifies set company = ' Acme ' where id = 'i1';
        insert into rudderstack.identifies by name select 'i4' as id, 'a7' as anonymous_id, 'c_3' as user_id,
            '2026-06-23 00:00:00' as timestamp, '2026-06-23 00:00:01' as received_at, 'Big' as company;
        insert into rudderstack.identifies by name select 'i5' as id, 'a6' as anonymous_id,
            '2026-06-23 00:00:00' as timestamp, '2026-06-23 00:00:01' as received_at;
    """)
    project.build(vars={"lead_scoring__event_sources": ["raw", "segment", "rudderstack"],
                        "lead_scoring__rudderstack_loaded_at_column": "received_at"})
    # t1, p1 and the peer page come from both and count once. c_1: pricing 10 + utm 2 + demo 30
    # + Segment's t2 'trial started' 5 = 47 (RudderStack's r2 maps to trial_start: no rule);
    # fit: plan Enterprise 3. 3 + 47 = 50
    scores = project.scores("m_seg")
    assert scores["c_1"][:3] == (3, 47, 50) and scores["c_2"][:3] == (0, 0, 0)
    assert project.query("select collector, event_type, is_mapped from staging.base_segment__interactions "
                         "where event_id in ('t2', 'r2') order by 1") == [
        ("rudderstack", "trial_start", True), ("segment", "trial started", False)]
    # each collector's watermark var: RudderStack's received_at, Segment's uuid_ts
    assert project.query("select collector, cast(loaded_at as varchar) from staging.base_segment__interactions "
                         "where event_id = 'p1' order by 1") == [
        ("rudderstack", "2026-06-20 10:00:01"), ("segment", "2026-07-01 00:00:00")]
    assert project.query("select collector, collector_event, event_count from marts.rpt_unmapped_event_names "
                         "order by 1") == [("rudderstack", "Pricing Viewed", 1), ("segment", "Trial Started", 1)]
    assert project.query("select source_table, reason from marts.rpt_rejected_rows order by reason") == [
        ("identities", "rudderstack: identify without user_id"),
        ("interactions", "rudderstack: missing id (event_id)"),
        ("interactions", "rudderstack: missing timestamp (occurred_at)"),
        ("interactions", "segment: missing id (event_id)"),
        ("interactions", "segment: missing timestamp (occurred_at)")]
    assert project.query("select raw_values from marts.rpt_rejected_rows where source_table = 'identities'") == [
        ("rudderstack.identifies: id=i5; anonymous_id=a6; user_id=NULL; timestamp=2026-06-23 00:00:00; "
         "received_at=2026-06-23 00:00:01; uuid_ts=NULL; email=NULL; plan=NULL; company=NULL",)]
    # a7 identified (RudderStack only) as c_3: its Pricing Viewed event is c_3's
    assert project.query("select contact_id from staging.stg_raw__interactions where event_id = 'r5'") == [("c_3",)]
    # traits per collector: RudderStack's identifies has company, Segment's does not (5 + 7 rows:
    # i1 email, plan, company; i2 email; i3 email, plan; i4 company; the same values once in staging)
    assert project.query("select collector, count(*) from staging.base_segment__contact_attributes "
                         "group by 1 order by 1") == [("rudderstack", 7), ("segment", 5)]
    assert project.query("select contact_id, attribute, value from staging.stg_raw__contact_attributes "
                         "order by 1, 2") == [
        ("c_1", "company", "Acme"), ("c_1", "email", "jan@x.com"), ("c_1", "plan", "Enterprise"),
        ("c_2", "email", "ola@x.com"), ("c_3", "company", "Big"), ("c_3", "email", "server-side"),
        ("c_3", "plan", "free")]

HUBSPOT = PEER / "fivetran_hubspot"
HUBSPOT_TABLES = {"contact": "contact_data", "email_event": "email_event_data",
                  "email_event_click": "email_event_click_data", "email_event_open": "email_event_open_data",
                  "contact_form_submission": "contact_form_submission_data"}
HUBSPOT_RULES = dict(
    scoring_models=[scenario.model("m_hs")],
    attribute_rules=[scenario.attr("m_hs", "vp", "job_title", "contains", "vp", 3)],
    behavior_rules=[
        scenario.beh("m_hs", "sent", "email_sent", 1),
        scenario.beh("m_hs", "open", "email_open", 2),
        scenario.beh("m_hs", "pricing_click", "email_click", 8, "url", "contains", "/pricing"),
        scenario.beh("m_hs", "form", "form_submit", 5, "properties.title", "equals", "demo request"),
    ],
    absence_rules=[],
    score_bands=[scenario.band("m_hs", "base", 0)],
)


@pytest.fixture(scope="module")
def hubspot(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("hubspot") / "project")
    project.write_seeds(**HUBSPOT_RULES)
    # Fivetran's tables as fivetran/dbt_hubspot's integration seeds have them (all text), plus ours
    statements = ["create schema hubspot"]
    for table, name in HUBSPOT_TABLES.items():
        statements.append(f"create table hubspot.{table} as select * from read_csv("
                          f"'{HUBSPOT / (name + '.csv')}', all_varchar = true)")
    statements += [
        "insert into hubspot.contact by name select * from (values "
        "('h1', ' Ana@X.com ', 'VP Sales', '2026-06-01 00:00:00', 'false', '2026-07-01 00:00:00'), "
        "('h2', 'gone@x.com', 'VP Sales', '2026-06-01 00:00:00', 'true', '2026-07-01 00:00:00')"
        ") as v(id, property_email, property_jobtitle, property_createdate, _fivetran_deleted, _fivetran_synced)",
        "insert into hubspot.email_event by name select * from (values "
        "('e1', 'SENT', '2026-06-20 09:00:00', 'ana@x.com', '7', '2026-07-01 00:00:00'), "
        "('e2', 'OPEN', '2026-06-21 09:00:00', 'ANA@x.com', '7', '2026-07-01 00:00:00'), "
        "('e3', 'CLICK', '2026-06-22 09:00:00', 'ana@x.com', '7', '2026-07-01 00:00:00'), "
        "('e4', 'CLICK', '2026-06-22 10:00:00', 'ana@x.com', '7', '2026-07-01 00:00:00'), "
        "('e5', 'OPEN', null, 'ana@x.com', '7', '2026-07-01 00:00:00')"
        ") as v(id, type, created, recipient, email_campaign_id, _fivetran_synced)",
        "insert into hubspot.email_event_click by name select * from (values "
        "('e3', 'https://x.com/pricing', '2026-07-01 00:00:00'), ('e4', 'https://x.com/blog', '2026-07-01 00:00:00')"
        ") as v(id, url, _fivetran_synced)",
        "insert into hubspot.contact_form_submission by name select * from (values "
        "('2026-06-23 09:00:00', 'f1', 'h1', 'cv1', 'https://x.com/demo', 'Demo Request', '2026-07-01 00:00:00')"
        ") as v(timestamp, form_id, contact_id, conversion_id, page_url, title, _fivetran_synced)",
    ]
    project.execute(";\n".join(statements))
    project.build(vars={"lead_scoring__event_sources": ["hubspot"], "lead_scoring__using_accounts": False,
                        "lead_scoring__using_contact_attributes": False, "lead_scoring__using_conversions": False})
    return project


def test_hubspot_hand_computed_scores(hubspot):
    # h1 (Ana): VP +3; her email events arrive by recipient (any case) and stitch through her email:
    # SENT +1, OPEN +2, CLICK on /pricing +8 (the /blog click matches no rule); form submission
    # 'Demo Request' +5. fit 3, engagement 1 + 2 + 8 + 5 = 16, score 19
    assert hubspot.scores("m_hs")["h1"][:3] == (3, 16, 19)
    # the soft-deleted contact is not a contact
    assert "h2" not in hubspot.scores("m_hs")


def test_hubspot_peer_samples_load_without_rejections(hubspot):
    # only our own bad row is rejected; every row of fivetran/dbt_hubspot's seeds is usable
    assert hubspot.query("select source_table, record_id, reason from marts.rpt_rejected_rows") == [
        ("interactions", "e5", "hubspot: missing created (occurred_at)")]
    peer_events = hubspot.query("select count(*) from staging.stg_raw__interactions where event_id not in "
                                "('e1', 'e2', 'e3', 'e4', 'form:cv1')")[0][0]
    # every peer email event and form submission is staged: 100 + 5 rows in the CSVs
    import csv
    expected = sum(sum(1 for _ in csv.DictReader((HUBSPOT / f"{name}.csv").open()))
                   for name in ("email_event_data", "contact_form_submission_data"))
    assert peer_events == expected == 105


# --- Snowplow ---------------------------------------------------------------------------------
# atomic.events' column layout (docs.snowplow.io canonical event; the columns this adapter reads
# plus their neighbours, in the table's order), timestamps typed as the loaders create them.
SNOWPLOW_COLUMNS = ("app_id, platform, etl_tstamp, collector_tstamp, dvce_created_tstamp, event, event_id, "
                    "user_id, domain_userid, network_userid, page_url, page_title, page_referrer, page_urlpath, "
                    "mkt_medium, mkt_source, mkt_term, mkt_content, mkt_campaign, se_category, se_action, se_label, "
                    "se_property, se_value, event_vendor, event_name, derived_tstamp, domain_sessionid, load_tstamp")
SNOWPLOW_RULES = dict(
    scoring_models=[scenario.model("m_sp")],
    attribute_rules=[],
    behavior_rules=[
        scenario.beh("m_sp", "pricing", "page_view", 10, "url", "contains", "/pricing"),
        scenario.beh("m_sp", "utm", "page_view", 2, "source", "equals", "newsletter"),
        scenario.beh("m_sp", "demo", "demo_request", 30),
        # an unmapped self-describing event reaches rules lower-cased
        scenario.beh("m_sp", "video", "video_play", 4),
        scenario.beh("m_sp", "webinar", "webinar", 7, "properties.se_label", "equals", "june"),
    ],
    absence_rules=[],
    score_bands=[scenario.band("m_sp", "base", 0)],
)


def snowplow_row(event_id, event_name, user_id, domain_userid, derived, url=None, *, collector=None,
                 load=LOADED, event="page_view", mkt_source=None, se_action=None, se_label=None):
    def lit(v, ts=False):
        if v is None:
            return "null"
        return f"timestamp '{v}'" if ts else "'" + v.replace("'", "''") + "'"
    path = None if url is None else "/" + url.split("/", 3)[-1]
    values = [lit("site"), lit("web"), lit(load, True), lit(collector or derived, True), lit(derived, True),
              lit(event), lit(event_id), lit(user_id), lit(domain_userid), lit("n-" + (domain_userid or "x")),
              lit(url), "null", "null", lit(path), "null", lit(mkt_source), "null", "null", "null",
              "null", lit(se_action), lit(se_label), "null", "null",
              lit("com.snowplowanalytics.snowplow"), lit(event_name), lit(derived, True), "null", lit(load, True)]
    return "(" + ", ".join(values) + ")"


def load_snowplow(project: Project) -> None:
    """atomic.events with the hand-computed case's rows (also read by tests_spark)."""
    later = "2026-07-01 01:00:00"
    rows = [
        # d1 browses anonymously, then a structured event with user_id identifies d1 as c_1
        snowplow_row("e1", "page_view", None, "d1", "2026-06-20 10:00:00", "https://x.com/pricing",
                     mkt_source=" Newsletter "),
        snowplow_row("e2", "page_view", None, "d1", "2026-06-20 10:05:00", "https://x.com/blog"),
        snowplow_row("e3", "event", "c_1", "d1", "2026-06-21 09:00:00", event="struct",
                     se_action="demo_requested"),
        # e3 loaded again (a replay, later load_tstamp): counts once
        snowplow_row("e3", "event", "c_1", "d1", "2026-06-21 09:00:00", event="struct",
                     se_action="demo_requested", load=later),
        snowplow_row("e4", "video_play", "c_1", None, "2026-06-22 09:00:00", event="unstruct"),
        # no derived_tstamp (an old tracker): collector_tstamp is the time
        snowplow_row("e5", "page_view", "c_1", None, None, "https://x.com/pricing", collector="2026-06-23 09:00:00"),
        # a structured event with a label a rule reads through properties
        snowplow_row("e6", "event", "c_1", None, "2026-06-24 09:00:00", event="struct", se_action="Webinar",
                     se_label="june"),
        # d1 later signs in as c_2 (shared device): the first identification (c_1) wins
        snowplow_row("e7", "page_view", "c_2", "d1", "2026-06-25 09:00:00", "https://x.com/blog"),
        # d2 never identified: waits
        snowplow_row("e8", "page_view", None, "d2", "2026-06-25 10:00:00", "https://x.com/pricing"),
        # rows the adapter cannot map
        snowplow_row(None, "page_view", "c_1", "d1", "2026-06-25 11:00:00", "https://x.com/pricing"),
        snowplow_row("e10", "page_view", "c_1", "d1", None, "https://x.com/pricing"),
        snowplow_row("e11", "page_view", None, None, "2026-06-25 12:00:00", "https://x.com/pricing"),
    ]
    project.execute("create schema atomic;\n"
                    f"create table atomic.events as select * from (values {', '.join(rows)}) as v({SNOWPLOW_COLUMNS})")


@pytest.fixture(scope="module")
def snowplow(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("snowplow") / "project")
    project.write_seeds(**SNOWPLOW_RULES)
    project.load_raw(LOADED, contacts=[scenario.contact("c_1"), scenario.contact("c_2")])
    load_snowplow(project)
    project.build(vars={"lead_scoring__event_sources": ["raw", "snowplow"]})
    return project


def test_snowplow_hand_computed_scores(snowplow):
    # c_1: e1 (anonymous /pricing, mkt_source ' Newsletter ') reaches c_1 through e3's
    # d1 -> c_1: pricing +10, utm +2; e3 se_action demo_requested -> demo_request (event_type_map),
    # replayed but counted once +30; e4 video_play unmapped +4; e5 /pricing at collector_tstamp +10;
    # e6 se_action 'Webinar' -> 'webinar', se_label june +7. 10 + 2 + 30 + 4 + 10 + 7 = 63
    assert snowplow.scores("m_sp")["c_1"][:3] == (0, 63, 63)
    assert snowplow.contributions("m_sp")[("c_1", "pricing")] == (20, 2)
    assert snowplow.contributions("m_sp")[("c_1", "demo")] == (30, 1)
    # c_2's own /blog view scores nothing, and d1's history stays with c_1
    assert snowplow.scores("m_sp")["c_2"][:3] == (0, 0, 0)
    assert snowplow.query("select contact_id from staging.stg_raw__identities where anonymous_id = 'd1'") == [("c_1",)]
    assert snowplow.query("select occurred_at, source, url, channel from staging.stg_raw__interactions "
                          "where event_id = 'e5'") == [
        (__import__("datetime").datetime(2026, 6, 23, 9), None, "https://x.com/pricing", "web")]


def test_snowplow_rejected_and_unmapped(snowplow):
    assert snowplow.query("select source_table, reason from marts.rpt_rejected_rows order by reason") == [
        ("interactions", "snowplow: missing id (event_id)"),
        ("interactions", "snowplow: missing timestamp (derived_tstamp)"),
        ("interactions", "snowplow: no user_id and no domain_userid"),
    ]
    assert snowplow.query("select collector, collector_event, event_type, event_count "
                          "from marts.rpt_unmapped_event_names order by 3") == [
        ("snowplow", "video_play", "video_play", 1), ("snowplow", "Webinar", "webinar", 1)]
    assert snowplow.query("select count(*) from staging.stg_raw__interactions where contact_id is null") == [(1,)]


# --- GA4 --------------------------------------------------------------------------------------
# The BigQuery export's layout (developers.google.com/analytics/bigquery/event-schema): daily
# tables events_YYYYMMDD, event_timestamp in microseconds (UTC), event_params a repeated
# (key, value struct) record. The columns the adapter reads plus their neighbours, in order.
GA4_PARAMS = ("STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value BIGINT, float_value DOUBLE, "
              "double_value DOUBLE))[]")
GA4_COLUMNS = (f"event_date VARCHAR, event_timestamp BIGINT, event_name VARCHAR, event_params {GA4_PARAMS}, "
               "event_previous_timestamp BIGINT, event_value_in_usd DOUBLE, event_bundle_sequence_id BIGINT, "
               "event_server_timestamp_offset BIGINT, user_id VARCHAR, user_pseudo_id VARCHAR, "
               "stream_id VARCHAR, platform VARCHAR, batch_event_index BIGINT")
GA4_RULES = dict(
    scoring_models=[scenario.model("m_ga")],
    attribute_rules=[],
    behavior_rules=[
        scenario.beh("m_ga", "pricing", "page_view", 10, "url", "contains", "/pricing"),
        scenario.beh("m_ga", "utm", "page_view", 2, "source", "equals", "newsletter"),
        scenario.beh("m_ga", "demo", "demo_request", 30),
        # engagement_time_msec -> duration_seconds; user_engagement is unmapped (passes through)
        scenario.beh("m_ga", "engaged", "user_engagement", 5, "duration_seconds", "gte", "30"),
    ],
    absence_rules=[],
    score_bands=[scenario.band("m_ga", "base", 0)],
)


def micros(iso: str) -> int:
    import datetime as dt
    return int(dt.datetime.fromisoformat(iso).replace(tzinfo=dt.timezone.utc).timestamp()) * 1_000_000


def ga4_params(**params) -> str:
    items = []
    for key, value in params.items():
        s, i = ("'" + value + "'", "null") if isinstance(value, str) else ("null", str(value))
        items.append(f"{{'key': '{key}', 'value': {{'string_value': {s}, 'int_value': {i}, "
                     "'float_value': null, 'double_value': null}}")
    return "[" + ", ".join(items) + "]"


def ga4_row(day, at, name, user_id, pseudo, seq, **params) -> str:
    def lit(v):
        return "null" if v is None else f"'{v}'"
    ts = "null" if at is None else str(micros(at))
    return (f"('{day}', {ts}, '{name}', {ga4_params(**params)}, null, null, {seq}, 0, {lit(user_id)}, "
            f"{lit(pseudo)}, '123', 'WEB', 0)")


GA4_DAYS = {
    "20260624": [
        ga4_row("20260624", "2026-06-24 10:00:00", "page_view", None, "u1", 1,
                page_location="https://x.com/pricing", source="newsletter", engagement_time_msec=1500),
        ga4_row("20260624", "2026-06-24 10:01:00", "user_engagement", None, "u1", 2, engagement_time_msec=45000),
        ga4_row("20260624", "2026-06-24 10:02:00", "user_engagement", None, "u1", 3, engagement_time_msec=12000),
        ga4_row("20260624", "2026-06-24 11:00:00", "page_view", None, None, 4, page_location="https://x.com/pricing"),
        ga4_row("20260624", None, "page_view", None, "u9", 5, page_location="https://x.com/pricing"),
    ],
    "20260625": [
        ga4_row("20260625", "2026-06-25 09:00:00", "generate_lead", "c_1", "u1", 6),
        ga4_row("20260625", "2026-06-25 10:00:00", "page_view", "c_2", "u2", 7, page_location="https://x.com/blog"),
        # u1 later signs in as c_2 (shared device): the first identification (c_1) wins
        ga4_row("20260625", "2026-06-25 12:00:00", "page_view", "c_2", "u1", 8, page_location="https://x.com/blog"),
    ],
}
# a late hit GA4 writes into the 2026-06-25 table when it rewrites it (within three days)
GA4_LATE = ga4_row("20260625", "2026-06-25 23:30:00", "page_view", "c_1", "u1", 9,
                   page_location="https://x.com/pricing")


def ga4_day_table(day: str, rows: list[str]) -> str:
    return (f"create or replace table ga4.events_{day} ({GA4_COLUMNS});\n"
            f"insert into ga4.events_{day} values {', '.join(rows)};\n")


def load_ga4(project: Project) -> None:
    """The export's daily tables with the hand-computed case's rows (also read by tests_spark)."""
    sql = "create schema ga4;\n" + "".join(ga4_day_table(day, rows) for day, rows in GA4_DAYS.items())
    # a day exported to files and landed with event_params as JSON text (BigQuery's JSON export
    # writes INT64 as strings): one good row, one whose params are not JSON
    json_params = ('[{"key": "page_location", "value": {"string_value": "https://x.com/pricing"}}, '
                   '{"key": "engagement_time_msec", "value": {"int_value": "800"}}]')
    sql += ("create table ga4.events_20260626 as select * from (values "
            f"('20260626', '{micros('2026-06-26 08:00:00')}', 'page_view', '{json_params}', 'u1', null, '10'), "
            f"('20260626', '{micros('2026-06-26 08:30:00')}', 'page_view', '[{{\"key\": \"page_loc', 'u1', null, '11')"
            ") as v(event_date, event_timestamp, event_name, event_params, user_pseudo_id, user_id, "
            "event_bundle_sequence_id);\n")
    # the streaming export's intraday table is replaced by its daily table: not read
    sql += ga4_day_table("20260627", [ga4_row("20260627", "2026-06-27 08:00:00", "page_view", "c_1", "u1", 12,
                                              page_location="https://x.com/pricing")]).replace(
        "events_20260627", "events_intraday_20260627")
    project.execute(sql)


@pytest.fixture(scope="module")
def ga4(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("ga4") / "project")
    project.write_seeds(**GA4_RULES)
    project.load_raw(LOADED, contacts=[scenario.contact("c_1"), scenario.contact("c_2")])
    load_ga4(project)
    project.build(vars={"lead_scoring__event_sources": ["raw", "ga4"]})
    return project


def test_ga4_hand_computed_scores(ga4):
    # c_1 (u1 identified by generate_lead on 06-25): 06-24 page_view /pricing +10, source
    # newsletter +2; user_engagement 45000 ms = 45 s >= 30 +5 (the 12 s one not); generate_lead
    # -> demo_request +30; 06-26 (JSON-text params) /pricing +10. 10 + 2 + 5 + 30 + 10 = 57
    assert ga4.scores("m_ga")["c_1"][:3] == (0, 57, 57)
    assert ga4.scores("m_ga")["c_2"][:3] == (0, 0, 0)
    assert ga4.query("select contact_id from staging.stg_raw__identities where anonymous_id = 'u1'") == [("c_1",)]
    import datetime as dt
    # microseconds -> UTC time, msec -> seconds, also from JSON text with INT64 as a string
    assert ga4.query("select occurred_at, duration_seconds from staging.stg_raw__interactions "
                     "where url = 'https://x.com/pricing' order by occurred_at") == [
        (dt.datetime(2026, 6, 24, 10), 1.5), (dt.datetime(2026, 6, 26, 8), 0.8)]


def test_ga4_rejected_rows(ga4):
    assert ga4.query("select source_table, reason from marts.rpt_rejected_rows order by reason") == [
        ("interactions", "ga4: missing event_timestamp (occurred_at)"),
        ("interactions", "ga4: no user_id and no user_pseudo_id"),
        ("interactions", "ga4: unparseable event_params"),
    ]
    assert ga4.query("select collector_event, event_count from marts.rpt_unmapped_event_names") == [
        ("user_engagement", 2)]


def test_ga4_rewritten_day_adds_late_rows_once(ga4, tmp_path):
    project = ga4.clone(tmp_path / "late")
    # GA4 rewrites events_20260625 with its rows plus a late hit: only the late hit is new
    project.execute(ga4_day_table("20260625", GA4_DAYS["20260625"] + [GA4_LATE]))
    project.build(vars={"lead_scoring__event_sources": ["raw", "ga4"]})
    # 57 + the late /pricing view 10 = 67; generate_lead still counted once
    assert project.scores("m_ga")["c_1"][:3] == (0, 67, 67)
    assert project.contributions("m_ga")[("c_1", "demo")] == (30, 1)
    assert project.contributions("m_ga")[("c_1", "pricing")] == (30, 3)
    # usable rows: 06-24 three (g1-g3), 06-25 three and the late one, 06-26 one: 3 + 4 + 1 = 8, each once
    assert project.query("select count(*), count(distinct event_id) from staging.stg_raw__interactions") == [(8, 8)]


def test_segment_identify_traits_are_contact_attributes(segment):
    # identifies' trait columns (email, plan) become attributes of user_id, one row per trait a
    # call sent (i2 sent no plan); the server-side i3 (no anonymous_id) still carries c_3's
    # traits. The spec's own columns (id, timestamp, uuid_ts, ...) are not traits.
    assert segment.query("select contact_id, attribute, value, cast(updated_at as varchar) "
                         "from staging.stg_raw__contact_attributes order by contact_id, attribute") == [
        ("c_1", "email", "jan@x.com", "2026-06-21 00:00:00"),
        ("c_1", "plan", "Enterprise", "2026-06-21 00:00:00"),
        ("c_2", "email", "ola@x.com", "2026-06-22 00:00:00"),
        ("c_3", "email", "server-side", "2026-06-22 00:00:00"),
        ("c_3", "plan", "free", "2026-06-22 00:00:00")]
