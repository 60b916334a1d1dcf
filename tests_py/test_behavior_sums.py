"""Behaviour sums carried from run to run (int_behavior_rule_sums, docs/architecture.md).

One model with a 10-day half-life: page_view 2 points with a 30-day lookback, email_open
1 point without. Built as of 2026-06-30, then as of 2026-07-10 after a second batch. Expected
engagement is sum of points * 0.5 ** (age_days / 10) over the counted events, per contact:
- c_move: its page view e_move (06-25) moves to c_new in batch 2 (a rewrite: summed again);
- c_leave: page views on 06-05 (age 25 -> 35: leaves the window) and 06-28 (age 2 -> 12);
- c_reach: an email open on 07-03, after the first as_of, reached by the second;
- c_add: a new email open on 07-08 in batch 2 (added without reading the history);
- c_still: one email open on 06-29 and nothing later: its sum is not rewritten, only decayed;
- c_edge: page views at both ends of what leaves the window, 05-31 12:00 (age 29.5 -> 39.5) and
  06-10 00:00 (age 20 -> exactly 30: out), and one a second later (age under 30: still in).
"""
from __future__ import annotations

import re

import scenario
from conftest import Project

FIRST, SECOND = "2026-06-30 00:00:00", "2026-07-10 00:00:00"
SEEDS = {
    "scoring_models": [scenario.model("m", decay=10)],
    "behavior_rules": [scenario.beh("m", "view", "page_view", 2, lookback=30),
                       scenario.beh("m", "open", "email_open", 1)],
    "score_bands": [scenario.band("m", "all", 0)],
}
CONTACTS = [scenario.contact(c) for c in ["c_move", "c_new", "c_leave", "c_reach", "c_add", "c_still", "c_edge"]]
BATCH_1 = [
    scenario.ev("e_move", "c_move", "page_view", "2026-06-25 00:00:00"),
    scenario.ev("e_old", "c_leave", "page_view", "2026-06-05 00:00:00"),
    scenario.ev("e_recent", "c_leave", "page_view", "2026-06-28 00:00:00"),
    scenario.ev("e_future", "c_reach", "email_open", "2026-07-03 00:00:00"),
    scenario.ev("e_first", "c_add", "email_open", "2026-06-20 00:00:00"),
    scenario.ev("e_still", "c_still", "email_open", "2026-06-29 00:00:00"),
    scenario.ev("e_edge_low", "c_edge", "page_view", "2026-05-31 12:00:00"),
    scenario.ev("e_edge_high", "c_edge", "page_view", "2026-06-10 00:00:00"),
    scenario.ev("e_edge_in", "c_edge", "page_view", "2026-06-10 00:00:01"),
]
BATCH_2 = [
    scenario.ev("e_move", "c_new", "page_view", "2026-06-25 00:00:00"),
    scenario.ev("e_added", "c_add", "email_open", "2026-07-08 00:00:00"),
]


SECOND_OF_DAY = 1 / 86400


def decayed(points: float, age_days: float) -> float:
    return points * 0.5 ** (age_days / 10)


def engagement_at_second() -> dict[str, float]:
    """SEEDS' engagement as of SECOND, after both batches."""
    return {"c_move": 0.0, "c_new": round(decayed(2, 15), 6),
            "c_leave": round(decayed(2, 12), 6),  # the 06-05 view left the 30-day window
            "c_reach": round(decayed(1, 7), 6),
            "c_add": round(decayed(1, 20) + decayed(1, 2), 6), "c_still": round(decayed(1, 11), 6),
            "c_edge": round(decayed(2, 30 - SECOND_OF_DAY), 6)}  # the two older views left, at either end


def one_model_project(tmp_path, *behavior_rules: dict, decay: float | None = 10) -> Project:
    """A project with model m (one band) and these behaviour rules."""
    project = Project(tmp_path / "project")
    project.write_seeds(scoring_models=[scenario.model("m", decay=decay)], behavior_rules=list(behavior_rules),
                        score_bands=[scenario.band("m", "all", 0)])
    return project


def engagement(project: Project) -> dict[str, float]:
    return {c: round(v, 6) for c, v in project.query(
        "select contact_id, engagement_score from marts.fct_lead_scores where model_id = 'm'")}


def test_sums_carry_over_as_of_moves_and_events_arrive(tmp_path):
    project = Project(tmp_path / "project")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-07-09 00:00:00", contacts=CONTACTS, interactions=BATCH_1)
    project.build(as_of=FIRST)
    assert engagement(project) == {
        "c_move": round(decayed(2, 5), 6), "c_new": 0.0,
        "c_leave": round(decayed(2, 25) + decayed(2, 2), 6),
        "c_reach": 0.0,  # its event is after as_of
        "c_add": round(decayed(1, 10), 6), "c_still": round(decayed(1, 1), 6),
        "c_edge": round(decayed(2, 29.5) + decayed(2, 20) + decayed(2, 20 - SECOND_OF_DAY), 6)}

    project.load_raw("2026-07-10 00:00:00", interactions=BATCH_2)
    project.build(as_of=SECOND)
    expected = engagement_at_second()
    assert engagement(project) == expected
    # the untouched sum kept the first run's reference time; the touched ones moved on
    references = dict(project.query(
        "select contact_id, cast(max(reference_at) as varchar) from intermediate.int_behavior_rule_sums "
        "group by contact_id"))
    assert references == {"c_still": FIRST, "c_new": SECOND, "c_leave": SECOND, "c_reach": SECOND, "c_add": SECOND,
                          "c_edge": SECOND}
    # the counts follow the events: c_leave has one view left, c_add two opens
    counts = dict(project.query("select contact_id || ':' || rule_id, event_count "
                                "from intermediate.int_behavior_rule_sums"))
    assert counts == {"c_new:view": 1, "c_leave:view": 1, "c_reach:open": 1, "c_add:open": 2, "c_still:open": 1,
                      "c_edge:view": 1}

    project.dbt("build", "--full-refresh", as_of=SECOND)
    assert engagement(project) == expected


def test_changed_batches_read_by_subquery_stage_what_literals_do(tmp_path):
    """Staging names the changed load batches as literals, or, past max_literal_load_stamps
    (here 0), reads them by subquery: the second build then stages batch 2 all the same."""
    project = Project(tmp_path / "project")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-07-09 00:00:00", contacts=CONTACTS, interactions=BATCH_1)
    project.build(as_of=FIRST)
    project.load_raw("2026-07-10 00:00:00", interactions=BATCH_2)
    project.build(as_of=SECOND, vars={"lead_scoring__max_literal_load_stamps": 0})
    staged = (project.root / "target" / "compiled" / "lead_scoring" / "models" / "staging" / "raw"
              / "stg_raw__interactions.sql").read_text()
    assert "loaded_at is null or loaded_at in (select loaded_at from" in staged
    assert engagement(project) == engagement_at_second()


def test_tag_scores_read_scored_events_only_while_a_model_has_two_rules_on_one_event_type(tmp_path):
    """int_lead_tag_scores adds the per-rule sums per tag list, and reads the per-event view
    int_behavior_scored_events only while some model has two rules on one event type (an event
    may then score under both and must count once). The tag lists "a,b" and "b"."""
    project = one_model_project(tmp_path, scenario.beh("m", "view", "page_view", 2), decay=None)
    project.load_raw("2026-06-29 00:00:00", contacts=[scenario.contact("c1")], interactions=[
        scenario.ev("w1", "c1", "page_view", "2026-06-01 00:00:00", tags="a,b"),
        scenario.ev("w2", "c1", "page_view", "2026-06-02 00:00:00", tags="b")])
    compiled = (project.root / "target" / "compiled" / "lead_scoring" / "models" / "intermediate"
                / "int_lead_tag_scores.sql")
    reads_scored_events = re.compile(r"from\s+\S*int_behavior_scored_events")

    def tag_scores() -> list[tuple]:
        return project.query("select tag, tag_score, event_count from marts.fct_lead_tag_scores "
                             "where model_id = 'm' and contact_id = 'c1' order by tag")

    project.build(as_of=FIRST)
    assert not reads_scored_events.search(compiled.read_text())
    assert tag_scores() == [("a", 2.0, 1), ("b", 4.0, 2)]
    # a second rule on page_view: w1 scores 2 + 1 under the two, w2 as well; each event once.
    # Model m2, one rule per type beside it, keeps summing per rule and counts each event once.
    project.write_seeds(scoring_models=[scenario.model("m"), scenario.model("m2")],
                        score_bands=[scenario.band("m", "all", 0), scenario.band("m2", "all", 0)],
                        behavior_rules=[scenario.beh("m", "view", "page_view", 2),
                                        scenario.beh("m", "view_again", "page_view", 1),
                                        scenario.beh("m2", "view", "page_view", 5)])
    project.build(as_of=FIRST)
    assert reads_scored_events.search(compiled.read_text())
    assert tag_scores() == [("a", 3.0, 1), ("b", 6.0, 2)]
    assert project.query("select tag, tag_score, event_count from marts.fct_lead_tag_scores "
                         "where model_id = 'm2' order by tag") == [("a", 5.0, 1), ("b", 10.0, 2)]


def test_an_earlier_as_of_sums_everything_again(tmp_path):
    project = Project(tmp_path / "project")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-07-09 00:00:00", contacts=CONTACTS, interactions=BATCH_1)
    project.build(as_of=SECOND)
    project.build(as_of=FIRST)  # a backfill: stored sums are ahead of as_of
    assert engagement(project)["c_leave"] == round(decayed(2, 25) + decayed(2, 2), 6)
    assert engagement(project)["c_reach"] == 0.0
    assert project.query("select distinct cast(reference_at as varchar) from intermediate.int_behavior_rule_sums") \
        == [(FIRST,)]


def test_matches_rebuilt_alone_are_not_added_twice(tmp_path):
    project = Project(tmp_path / "project")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-07-09 00:00:00", contacts=CONTACTS, interactions=BATCH_1)
    project.build(as_of=FIRST)
    before = engagement(project)
    # every match gets a new processed_at: without the check they would all be added again
    project.dbt("build", "--full-refresh", "--select", "int_condition_events", as_of=FIRST)
    project.build(as_of=FIRST)
    assert engagement(project) == before
    assert before["c_leave"] == round(decayed(2, 25) + decayed(2, 2), 6)


def test_a_redelivered_event_moved_in_time_is_numbered_once(tmp_path):
    """Occurrence numbers after an event arrives again with a new time: the sequenced scope is
    numbered again from its other stored events and the event's new version, not its old one too.
    Batch 1: views e_a (06-01) and e_b (06-05): e_a is the first view (10), e_b a repeat (1).
    Batch 2 moves e_a to 06-10: e_b is now the first view (10) and e_a the repeat (1): still 11,
    from the two events once each."""
    project = one_model_project(tmp_path, scenario.beh("m", "first_view", "page_view", 10, occ_from=1, occ_to=1),
                                scenario.beh("m", "repeat_view", "page_view", 1, occ_from=2), decay=None)
    project.load_raw("2026-07-09 00:00:00", contacts=[scenario.contact("c_seq")], interactions=[
        scenario.ev("e_a", "c_seq", "page_view", "2026-06-01 00:00:00"),
        scenario.ev("e_b", "c_seq", "page_view", "2026-06-05 00:00:00")])
    project.build(as_of=FIRST)
    numbered = ("select event_id, occurrence_number from intermediate.int_condition_events "
                "where not is_removed and event_id is not null order by occurrence_number")
    assert project.query(numbered) == [("e_a", 1), ("e_b", 2)]

    project.load_raw("2026-07-10 00:00:00", interactions=[
        scenario.ev("e_a", "c_seq", "page_view", "2026-06-10 00:00:00")])
    project.build(as_of=SECOND)
    assert project.query(numbered) == [("e_b", 1), ("e_a", 2)]
    assert engagement(project) == {"c_seq": 11.0}
    assert project.query("select rule_id, points, event_count from marts.fct_lead_score_contributions "
                         "where model_id = 'm' order by rule_id") == [("first_view", 10.0, 1), ("repeat_view", 1.0, 1)]


def test_an_event_on_a_windows_edge_at_the_last_run_is_not_taken_away_again(tmp_path):
    """The left edge at the stored reference time: two rules on one condition, 10 and 30 days.
    e_edge is exactly 10 days old at the first as_of: outside the 10-day window then (ages count
    while under the lookback), inside the 30-day one. One day later it is still outside the short
    window, so nothing leaves it: its points were never added. e_inside (9.5 days old) did count
    for the short rule and leaves it; e_recent (2 days old) stays, so the short sum is kept (an
    edge event taken away too would empty it). All three stay in the 30-day window."""
    project = one_model_project(tmp_path, scenario.beh("m", "short", "page_view", 2, lookback=10),
                                scenario.beh("m", "long", "page_view", 1, lookback=30))
    project.load_raw("2026-07-09 00:00:00", contacts=[scenario.contact("c_twin")], interactions=[
        scenario.ev("e_edge", "c_twin", "page_view", "2026-06-20 00:00:00"),
        scenario.ev("e_inside", "c_twin", "page_view", "2026-06-20 12:00:00"),
        scenario.ev("e_recent", "c_twin", "page_view", "2026-06-28 00:00:00")])
    by_rule = ("select rule_id, round(points, 6) from marts.fct_lead_score_contributions "
               "where model_id = 'm' order by rule_id")
    project.build(as_of=FIRST)
    assert project.query(by_rule) == [("long", round(decayed(1, 10) + decayed(1, 9.5) + decayed(1, 2), 6)),
                                      ("short", round(decayed(2, 9.5) + decayed(2, 2), 6))]

    next_day = "2026-07-01 00:00:00"
    project.build(as_of=next_day)
    expected = [("long", round(decayed(1, 11) + decayed(1, 10.5) + decayed(1, 3), 6)),
                ("short", round(decayed(2, 3), 6))]
    assert project.query(by_rule) == expected
    assert project.query("select rule_id, event_count from intermediate.int_behavior_rule_sums "
                         "order by rule_id") == [("long", 3), ("short", 1)]
    project.dbt("build", "--full-refresh", as_of=next_day)
    assert project.query(by_rule) == expected


def test_a_new_event_in_a_sequenced_scope_numbers_the_scope_again(tmp_path):
    """A new view of c_seq is its third: repeat_view (occurrence 2 on) counts it, so c_seq goes
    from 10 + 1 to 10 + 1 + 1. The rewritten scope is summed again, not added to (its events come
    back renumbered); c_other's scope is not rewritten and keeps its sums and reference time.
    A 10-day half-life, so a sum left as it was would also show in its decay."""
    project = one_model_project(tmp_path, scenario.beh("m", "first_view", "page_view", 10, occ_from=1, occ_to=1),
                                scenario.beh("m", "repeat_view", "page_view", 1, occ_from=2))
    project.load_raw("2026-07-09 00:00:00", contacts=[scenario.contact("c_seq"), scenario.contact("c_other")],
                     interactions=[scenario.ev("e_a", "c_seq", "page_view", "2026-06-20 00:00:00"),
                                   scenario.ev("e_b", "c_seq", "page_view", "2026-06-25 00:00:00"),
                                   scenario.ev("e_o", "c_other", "page_view", "2026-06-29 00:00:00")])
    project.build(as_of=FIRST)
    assert engagement(project) == {"c_seq": round(decayed(10, 10) + decayed(1, 5), 6),
                                   "c_other": round(decayed(10, 1), 6)}

    project.load_raw("2026-07-10 00:00:00", interactions=[
        scenario.ev("e_c", "c_seq", "page_view", "2026-07-05 00:00:00")])
    project.build(as_of=SECOND)
    expected = {"c_seq": round(decayed(10, 20) + decayed(1, 15) + decayed(1, 5), 6),
                "c_other": round(decayed(10, 11), 6)}
    assert engagement(project) == expected
    assert project.query("select contact_id || ':' || rule_id, event_count, cast(reference_at as varchar) "
                         "from intermediate.int_behavior_rule_sums order by 1") == [
        ("c_other:first_view", 1, FIRST), ("c_seq:first_view", 1, SECOND), ("c_seq:repeat_view", 2, SECOND)]
    project.dbt("build", "--full-refresh", as_of=SECOND)
    assert engagement(project) == expected


def test_the_ranges_a_run_reads_include_their_edges_and_only_stored_events(tmp_path):
    """The ranges of stored events a run reads (reached by as_of, leaving a window), at their
    edges, and an old event delivered late. 10-day half-life; page_view 2 points, 30-day lookback;
    form_submit 3 points, 5-day lookback.
    - c_late: a view on 06-28, then in batch 2 a view of 06-05 12:00, inside the window at the
      first as_of (24.5 days) and outside at the second (34.5): never counted, so nothing is
      taken away for it either;
    - c_exact: a view at exactly the second as_of, stored by the first run: reached, age 0;
    - c_short: a form at exactly the first as_of (age 0: counted) and one on 07-08: at the second
      as_of the first is 10 days old, out of its 5-day window, and taken away;
    - c_gone: its only view (06-01) leaves the window: its sum is dropped, not kept at 0 events."""
    project = one_model_project(tmp_path, scenario.beh("m", "view", "page_view", 2, lookback=30),
                                scenario.beh("m", "form", "form_submit", 3, lookback=5))
    contacts = [scenario.contact(c) for c in ["c_late", "c_exact", "c_short", "c_gone"]]
    project.load_raw("2026-07-09 00:00:00", contacts=contacts,
                     interactions=[scenario.ev("e_kept", "c_late", "page_view", "2026-06-28 00:00:00"),
                                   scenario.ev("e_exact", "c_exact", "page_view", SECOND),
                                   scenario.ev("e_form_first", "c_short", "form_submit", FIRST),
                                   scenario.ev("e_form_later", "c_short", "form_submit", "2026-07-08 00:00:00"),
                                   scenario.ev("e_gone", "c_gone", "page_view", "2026-06-01 00:00:00")])
    project.build(as_of=FIRST)
    assert engagement(project) == {"c_late": round(decayed(2, 2), 6), "c_exact": 0.0, "c_short": 3.0,
                                   "c_gone": round(decayed(2, 29), 6)}

    project.load_raw("2026-07-10 00:00:00", interactions=[
        scenario.ev("e_late", "c_late", "page_view", "2026-06-05 12:00:00")])
    project.build(as_of=SECOND)
    expected = {"c_late": round(decayed(2, 12), 6), "c_exact": 2.0, "c_short": round(decayed(3, 2), 6),
                "c_gone": 0.0}
    assert engagement(project) == expected
    assert project.query("select contact_id || ':' || rule_id, event_count from intermediate.int_behavior_rule_sums "
                         "order by 1") == [("c_exact:view", 1), ("c_late:view", 1), ("c_short:form", 1)]
    project.dbt("build", "--full-refresh", as_of=SECOND)
    assert engagement(project) == expected
