"""Recent-event lists carried from run to run (int_contact_recent_events, docs/architecture.md).

Lists of two events (recent_events_per_contact = 2, so a stored list is cut back past four
rows), built as of 2026-06-30, then as of 2026-07-10 after a second and a third batch:
- c_push: e1..e3 (06-01..06-03) list e3, e2; a new e4 (06-04) pushes e2 out, and a new e0
  (05-01) is too old to enter; both are appended to the stored list (four rows), and the third
  batch's e5 (06-04, e4's time: the greater id ranks first) makes five, so the list is ranked
  and cut back to e5, e4;
- c_move: its one event f1 moves to c_gain in batch 2, leaving c_move with no list;
- c_reach: g1 (06-10) listed; g2 (07-05) is after the first as_of and reached by the second;
- c_still: h1 (06-20) and h2 (exactly the first as_of: listed, and not reached again by the
  second); h3 (06-25) and h4 (06-26) arrive one per batch and are appended (three, then four
  rows: not cut, so no stored row of it is ranked or dropped);
- c_new: three events in batch 2, more than the length: ranked among themselves (n1 and n2 at
  one time: the greater id ranks first), the newest two written, no stored list read.
"""
from __future__ import annotations

import scenario
from conftest import Project

FIRST, SECOND = "2026-06-30 00:00:00", "2026-07-10 00:00:00"
SHORT_LISTS = {"recent_events_per_contact": 2}
CONTACTS = [scenario.contact(c) for c in ["c_push", "c_move", "c_gain", "c_reach", "c_still", "c_new"]]
BATCH_1 = [
    scenario.ev("e1", "c_push", "page_view", "2026-06-01 00:00:00"),
    scenario.ev("e2", "c_push", "page_view", "2026-06-02 00:00:00"),
    scenario.ev("e3", "c_push", "email_open", "2026-06-03 00:00:00"),
    scenario.ev("f1", "c_move", "page_view", "2026-06-05 00:00:00"),
    scenario.ev("g1", "c_reach", "page_view", "2026-06-10 00:00:00"),
    scenario.ev("g2", "c_reach", "email_open", "2026-07-05 00:00:00"),
    scenario.ev("h1", "c_still", "page_view", "2026-06-20 00:00:00"),
    scenario.ev("h2", "c_still", "page_view", FIRST),
]
BATCH_2 = [
    scenario.ev("e4", "c_push", "page_view", "2026-06-04 00:00:00"),
    scenario.ev("e0", "c_push", "page_view", "2026-05-01 00:00:00"),
    scenario.ev("f1", "c_gain", "page_view", "2026-06-05 00:00:00"),
    scenario.ev("n1", "c_new", "page_view", "2026-06-11 00:00:00"),
    scenario.ev("n2", "c_new", "page_view", "2026-06-11 00:00:00"),
    scenario.ev("n3", "c_new", "page_view", "2026-06-13 00:00:00"),
    scenario.ev("h3", "c_still", "page_view", "2026-06-25 00:00:00"),
]
BATCH_3 = [
    scenario.ev("e5", "c_push", "page_view", "2026-06-04 00:00:00"),
    scenario.ev("h4", "c_still", "page_view", "2026-06-26 00:00:00"),
]
SECOND_LISTS = [("c_gain", 1, "f1"), ("c_new", 1, "n3"), ("c_new", 2, "n2"), ("c_push", 1, "e4"), ("c_push", 2, "e3"),
                ("c_reach", 1, "g2"), ("c_reach", 2, "g1"), ("c_still", 1, "h2"), ("c_still", 2, "h3")]
# after the second run: (event, contact, written by it)
SECOND_ROWS = [("e0", "c_push", True), ("e2", "c_push", False), ("e3", "c_push", False), ("e4", "c_push", True),
               ("f1", "c_gain", True), ("g1", "c_reach", False), ("g2", "c_reach", True), ("h1", "c_still", False),
               ("h2", "c_still", False), ("h3", "c_still", True), ("n2", "c_new", True), ("n3", "c_new", True)]


def project_with_first_lists(tmp_path) -> Project:
    project = Project(tmp_path / "project")
    project.write_seeds(scoring_models=[scenario.model("m")], behavior_rules=[scenario.beh("m", "view", "page_view", 1)],
                        score_bands=[scenario.band("m", "all", 0)])
    project.load_raw("2026-07-09 00:00:00", contacts=CONTACTS, interactions=BATCH_1)
    project.build(as_of=FIRST, vars=SHORT_LISTS)
    return project


def lists(project: Project) -> list[tuple]:
    return project.query("select contact_id, event_rank, event_id from marts.fct_lead_recent_events "
                         "order by contact_id, event_rank")


def stored_rows(project: Project, since) -> list[tuple]:
    return project.query("select event_id, contact_id, processed_at > ? from intermediate.int_contact_recent_events "
                         "order by event_id", [since])


def newest_stamp(project: Project):
    return project.query("select max(processed_at) from intermediate.int_contact_recent_events")[0][0]


def last_activity(project: Project) -> dict[str, str | None]:
    return {c: (None if at is None else str(at)) for c, at in project.query(
        "select contact_id, last_activity_at from marts.fct_lead_scores where model_id = 'm'")}


def test_lists_take_new_events_and_drop_what_they_push_out(tmp_path):
    project = project_with_first_lists(tmp_path)
    assert lists(project) == [("c_move", 1, "f1"), ("c_push", 1, "e3"), ("c_push", 2, "e2"),
                              ("c_reach", 1, "g1"), ("c_still", 1, "h2"), ("c_still", 2, "h1")]
    first_stamp = newest_stamp(project)

    project.load_raw("2026-07-09 12:00:00", interactions=BATCH_2)
    project.build(as_of=SECOND, vars=SHORT_LISTS)
    assert lists(project) == SECOND_LISTS
    assert last_activity(project) == {"c_push": "2026-06-04 00:00:00", "c_move": None, "c_gain": "2026-06-05 00:00:00",
                                      "c_reach": "2026-07-05 00:00:00", "c_still": "2026-06-30 00:00:00",
                                      "c_new": "2026-06-13 00:00:00"}
    # the new events were appended without reading the stored lists (c_push holds four rows,
    # twice the length, and lists two); c_move's f1 is gone with its relisted list
    assert stored_rows(project, first_stamp) == SECOND_ROWS

    # c_push's fifth row passes twice the length: its list is ranked and cut back to two;
    # c_still's fourth is appended, and none of its stored rows is ranked or dropped
    second_stamp = newest_stamp(project)
    project.load_raw("2026-07-09 18:00:00", interactions=BATCH_3)
    project.build(as_of=SECOND, vars=SHORT_LISTS)
    expected = [("c_gain", 1, "f1"), ("c_new", 1, "n3"), ("c_new", 2, "n2"), ("c_push", 1, "e5"), ("c_push", 2, "e4"),
                ("c_reach", 1, "g2"), ("c_reach", 2, "g1"), ("c_still", 1, "h2"), ("c_still", 2, "h4")]
    assert lists(project) == expected
    assert stored_rows(project, second_stamp) == [
        ("e4", "c_push", False), ("e5", "c_push", True), ("f1", "c_gain", False), ("g1", "c_reach", False),
        ("g2", "c_reach", False), ("h1", "c_still", False), ("h2", "c_still", False), ("h3", "c_still", False),
        ("h4", "c_still", True), ("n2", "c_new", False), ("n3", "c_new", False)]
    assert last_activity(project)["c_push"] == "2026-06-04 00:00:00"

    project.dbt("build", "--full-refresh", as_of=SECOND, vars=SHORT_LISTS)
    assert lists(project) == expected


def test_events_staged_without_is_first_version_are_read_as_written_again(tmp_path):
    """Rows staged before is_first_version existed hold NULL there (the column is appended on
    upgrade): the models downstream treat them as written again, so c_move's moved f1 still
    leaves its list and its score."""
    project = project_with_first_lists(tmp_path)
    first_stamp = newest_stamp(project)
    project.load_raw("2026-07-09 12:00:00", interactions=BATCH_2)
    project.dbt("run", "--select", "+stg_raw__interactions", as_of=SECOND, vars=SHORT_LISTS)
    project.execute("update staging.stg_raw__interactions set is_first_version = null")
    project.build(as_of=SECOND, vars=SHORT_LISTS)
    # the build staged nothing again: the models downstream read the NULLs
    assert project.query("select count(*) from staging.stg_raw__interactions where is_first_version is not null") == [(0,)]
    assert lists(project) == SECOND_LISTS
    assert stored_rows(project, first_stamp) == SECOND_ROWS
    engagement = {contact: row[1] for contact, row in project.scores("m").items()}
    assert (engagement["c_move"], engagement["c_gain"]) == (0, 1)


def test_a_longer_list_lists_every_contact_again(tmp_path):
    project = project_with_first_lists(tmp_path)
    project.build(as_of=FIRST, vars={"recent_events_per_contact": 3})
    assert lists(project) == [("c_move", 1, "f1"), ("c_push", 1, "e3"), ("c_push", 2, "e2"), ("c_push", 3, "e1"),
                              ("c_reach", 1, "g1"), ("c_still", 1, "h2"), ("c_still", 2, "h1")]
    project.build(as_of=FIRST, vars={"recent_events_per_contact": 0})
    assert lists(project) == []
    assert last_activity(project)["c_push"] == "2026-06-03 00:00:00"
