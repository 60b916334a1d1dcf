"""The project's own key tests on stg_raw__interactions. `unique_recent`
(tests/generic/unique_recent.sql): an incremental build checks the keys its newest run wrote
against every row; rows of earlier runs were checked by their own builds, and `full_checks` checks
every row again. `not_null_columns` (tests/generic/not_null_columns.sql): one test per model
finds a NULL in any of its columns; `unique_combination` and `unique_recent` with `not_null` and
`expect` check a key, the NULLs and the rows' expectations in one query (`unique_recent` on the
rows its key check covers)."""
from __future__ import annotations

import scenario
from conftest import Project, describe_failures

SEEDS = {
    "scoring_models": [scenario.model("m")],
    "behavior_rules": [scenario.beh("m", "view", "page_view", 1)],
    "score_bands": [scenario.band("m", "all", 0)],
}
TABLE = "staging.stg_raw__interactions"
KEY_TEST = ["test", "--select", "stg_raw__interactions,test_name:unique_recent"]


def newest(project: Project):
    return project.query(f"select max(processed_at) from {TABLE}")[0][0]


def fails_after(project: Project, table: str, key_test: list[str], change: str, params: list,
                vars: dict | None = None) -> bool:
    """Put `table` back to main.kept, apply `change`, run `key_test`: whether it failed (and,
    if so, that the failure names the test)."""
    project.execute(f"delete from {table}")
    project.execute(f"insert into {table} select * from main.kept")
    project.execute(change, params)
    result = project.dbt(*key_test, vars=vars, expect_ok=False)
    if not result.success:
        assert key_test[-1].split(":")[-1] + "_" + table.split(".")[-1] in describe_failures(result)
    return not result.success


def test_unique_recent_checks_the_newest_rows_against_all_rows(tmp_path):
    project = Project(tmp_path / "project")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-06-01 00:00:00", contacts=[scenario.contact("c1")],
                     interactions=[scenario.ev("e1", "c1", "page_view", "2026-05-01 00:00:00")])
    project.build()
    project.load_raw("2026-06-02 00:00:00",
                     interactions=[scenario.ev("e2", "c1", "page_view", "2026-05-02 00:00:00")])
    project.build()
    stamps = project.query(f"select event_id, processed_at from {TABLE} order by 1")
    assert stamps[0][1] < stamps[1][1] == newest(project)  # two runs wrote the two rows
    assert project.dbt(*KEY_TEST).success

    # the newest run's row repeats an older run's id: found
    project.execute(f"insert into {TABLE} select * replace (cast(? as timestamp) as processed_at) "
                    f"from {TABLE} where event_id = 'e1'", [newest(project)])
    failed = project.dbt(*KEY_TEST, expect_ok=False)
    assert not failed.success and "unique_recent_stg_raw__interactions_event_id" in describe_failures(failed)

    # a repeat among an earlier run's rows only: left to that run's build, found with full_checks
    project.execute(f"delete from {TABLE} where event_id = 'e1' and processed_at = ?", [newest(project)])
    assert project.dbt(*KEY_TEST).success
    project.execute(f"insert into {TABLE} select * from {TABLE} where event_id = 'e1'")
    assert project.dbt(*KEY_TEST).success
    assert not project.dbt(*KEY_TEST, vars={"full_checks": True}, expect_ok=False).success


def test_not_null_columns_finds_a_null_in_each_listed_column_only(tmp_path):
    project = Project(tmp_path / "project")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-06-01 00:00:00", contacts=[scenario.contact("c1")],
                     interactions=[scenario.ev("e1", "c1", "page_view", "2026-05-01 00:00:00", channel="web")])
    project.build()
    nulls_test = ["test", "--select", "stg_raw__interactions,test_name:not_null_columns"]
    assert project.dbt(*nulls_test).success
    # the model lists event_id, event_type and occurred_at: a NULL in any one of them fails it
    project.execute(f"create table main.kept as select * from {TABLE}")
    for column in ("event_id", "event_type", "occurred_at"):
        project.execute(f"update {TABLE} set {column} = null")
        failed = project.dbt(*nulls_test, expect_ok=False)
        assert not failed.success, column
        assert "not_null_columns_stg_raw__interactions" in describe_failures(failed)
        project.execute(f"delete from {TABLE}")
        project.execute(f"insert into {TABLE} select * from main.kept")
    # a column it does not list may be NULL
    project.execute(f"update {TABLE} set channel = null")
    assert project.dbt(*nulls_test).success


def test_unique_combination_with_not_null_finds_a_repeated_key_a_null_in_each_listed_column_and_a_broken_expectation(
        tmp_path):
    project = Project(tmp_path / "project")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-06-01 00:00:00", contacts=[scenario.contact("c1"), scenario.contact("c2")],
                     interactions=[scenario.ev("e1", "c1", "page_view", "2026-05-01 00:00:00")])
    project.build()
    scores = "marts.fct_lead_scores"
    key_test = ["test", "--select", "fct_lead_scores,test_name:unique_combination"]
    name = "unique_combination_fct_lead_scores_model_id__contact_id"  # not the score_rank key's test
    assert project.dbt(*key_test).success
    # a copy without the contract's constraints, so the checks below can write NULLs into it
    project.execute(f"create table main.kept as select * from {scores}")

    def restore() -> None:
        project.execute(f"create or replace table {scores} as select * from main.kept")

    # key [model_id, contact_id], not_null [model_id, contact_id, band]: each NULL fails it, on
    # either row, key column or not
    for column in ("model_id", "contact_id", "band"):
        for contact in ("c1", "c2"):
            restore()
            project.execute(f"update {scores} set {column} = null where contact_id = ?", [contact])
            failed = project.dbt(*key_test, expect_ok=False)
            assert not failed.success and name in describe_failures(failed), (column, contact)
    # a repeated key fails it
    restore()
    project.execute(f"insert into {scores} select * from main.kept where contact_id = 'c1'")
    failed = project.dbt(*key_test, expect_ok=False)
    assert not failed.success and name in describe_failures(failed)
    # a column it does not list may be NULL
    restore()
    project.execute(f"update {scores} set fit_score = null")
    assert project.dbt(*key_test).success
    # expect [score_percentile between 0 and 100]: a row outside fails it; a NULL passes, as in
    # accepted_range
    for percentile, passes in ((100.5, False), (-0.5, False), (100, True), (None, True)):
        restore()
        project.execute(f"update {scores} set score_percentile = ? where contact_id = 'c2'", [percentile])
        result = project.dbt(*key_test, expect_ok=passes)
        assert result.success == passes and (passes or name in describe_failures(result)), percentile


def test_unique_recent_with_not_null_finds_a_null_in_the_newest_rows_and_where_required(tmp_path):
    """int_condition_events: not_null [condition_id, scope_id, contact_id, is_sequenced, is_removed,
    {event_id: not is_removed}, {occurrence_number: is_sequenced}], expect [occurrence_number >= 1,
    not is_tombstone]. Two runs write e1 (c1) and e2 (c2) of a sequenced condition; the checks
    change one row at a time and put it back."""
    project = Project(tmp_path / "project")
    project.write_seeds(
        scoring_models=[scenario.model("m")],
        behavior_rules=[scenario.beh("m", "first_view", "page_view", 1, occ_from=1, occ_to=1)],
        score_bands=[scenario.band("m", "all", 0)])
    project.load_raw("2026-06-01 00:00:00", contacts=[scenario.contact("c1"), scenario.contact("c2")],
                     interactions=[scenario.ev("e1", "c1", "page_view", "2026-05-01 00:00:00")])
    project.build()
    project.load_raw("2026-06-02 00:00:00",
                     interactions=[scenario.ev("e2", "c2", "page_view", "2026-05-02 00:00:00")])
    project.build()
    table = "intermediate.int_condition_events"
    key_test = ["test", "--select", "int_condition_events,test_name:unique_recent"]
    stamps = project.query(f"select event_id, processed_at, is_sequenced, is_removed from {table} order by 1")
    assert [row[0] for row in stamps] == ["e1", "e2"] and stamps[0][1] < stamps[1][1]
    assert all(row[2] and not row[3] for row in stamps)
    assert project.dbt(*key_test).success
    project.execute(f"create table main.kept as select * from {table}")

    def fails(change: str, event_id: str, vars: dict | None = None) -> bool:
        return fails_after(project, table, key_test, f"update {table} set {change} where event_id = ?",
                           [event_id], vars)

    # a NULL in a required column of the newest run's row fails it
    for column in ("condition_id", "scope_id", "contact_id", "is_sequenced", "is_removed"):
        assert fails(f"{column} = null", "e2"), column
    # event_id is required unless the row is a removal; occurrence_number where sequenced
    assert fails("event_id = null", "e2")
    assert not fails("event_id = null, is_removed = true", "e2")
    assert fails("occurrence_number = null", "e2")
    assert not fails("occurrence_number = null, is_sequenced = false", "e2")
    # an expectation fails the newest run's row that breaks it; a NULL result passes
    assert fails("occurrence_number = 0", "e2")
    assert fails("is_tombstone = true", "e2")
    assert not fails("is_tombstone = null", "e2")
    # an earlier run's row was checked by its own build; full_checks checks it again
    assert not fails("contact_id = null", "e1")
    assert fails("contact_id = null", "e1", vars={"full_checks": True})
    assert not fails("occurrence_number = 0", "e1")
    assert fails("occurrence_number = 0", "e1", vars={"full_checks": True})


def test_unique_recent_keyed_by_its_stamp_groups_only_the_newest_rows(tmp_path):
    """fct_lead_score_changes: key (model_id, contact_id, changed_at, rule_kind, rule_id,
    change_kind), stamp changed_at. A repeated key shares its changed_at, so an incremental build
    reads and groups only the newest changes; full_checks groups every kept change."""
    project = Project(tmp_path / "project")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-06-01 00:00:00", contacts=[scenario.contact("c1")],
                     interactions=[scenario.ev("e1", "c1", "page_view", "2026-05-01 00:00:00")])
    project.build(as_of="2026-06-01 00:00:00")
    project.load_raw("2026-06-02 00:00:00",
                     interactions=[scenario.ev("e2", "c1", "page_view", "2026-06-01 12:00:00")])
    project.build(as_of="2026-06-02 00:00:00")
    table = "marts.fct_lead_score_changes"
    key_test = ["test", "--select", "fct_lead_score_changes,test_name:unique_recent"]
    # c1's first version (+1 from zero) and its change to 2 (+1): one behavior row each
    assert project.query(f"select cast(changed_at as varchar), rule_id, delta from {table} order by 1") == [
        ("2026-06-01 00:00:00", "view", 1.0), ("2026-06-02 00:00:00", "view", 1.0)]
    assert project.dbt(*key_test).success
    project.execute(f"create table main.kept as select * from {table}")

    def fails(changed_at: str, vars: dict | None = None) -> bool:
        return fails_after(project, table, key_test, f"insert into {table} select * from main.kept where changed_at = ?",
                           [changed_at], vars)

    # a repeated newest change fails it; a repeated older one was checked by its own build
    assert fails("2026-06-02 00:00:00")
    assert not fails("2026-06-01 00:00:00")
    # it read the newest changes only (a literal the scan can skip by)
    compiled = [p.read_text() for p in (project.root / "target" / "compiled").rglob("unique_recent_fct_lead*.sql")]
    assert len(compiled) == 1 and "changed_at = cast('2026-06-02 00:00:00" in compiled[0]
    assert fails("2026-06-01 00:00:00", vars={"full_checks": True})


def test_unique_recent_reads_older_rows_only_inside_the_newest_keys_range(tmp_path):
    """The newest run wrote e2 and e3: older rows are read only where event_id is between them
    (literals the scan can skip by), which still holds every repeat of a newest key. A bound
    with a quote gives no range (engines escape it differently); repeats are still found."""
    project = Project(tmp_path / "project")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-06-01 00:00:00", contacts=[scenario.contact("c1")], interactions=[
        scenario.ev(e, "c1", "page_view", "2026-05-01 00:00:00") for e in ("e1", "e5")])
    project.build()
    project.load_raw("2026-06-02 00:00:00", interactions=[
        scenario.ev(e, "c1", "page_view", "2026-05-02 00:00:00") for e in ("e2", "e3")])
    project.build()
    project.execute(f"create table main.kept as select * from {TABLE}")
    older = project.query(f"select min(processed_at) from {TABLE}")[0][0]

    def compiled() -> str:
        paths = list((project.root / "target" / "compiled").rglob("unique_recent_stg_raw__interactions*.sql"))
        assert len(paths) == 1
        return paths[0].read_text()

    def repeat(event_id: str) -> bool:
        return fails_after(project, TABLE, KEY_TEST, f"insert into {TABLE} select * replace (cast(? as timestamp) "
                           f"as processed_at) from main.kept where event_id = ?", [older, event_id])

    # a newest id repeated by an older row: found, the older rows read inside e2..e3 only
    assert repeat("e3") and repeat("e2")
    assert "event_id between 'e2' and 'e3'" in compiled()
    # an older id repeated among older rows: left to that run's build
    assert not repeat("e5")
    # a longer key gets no range (its first column, here the condition, spans every row)
    assert project.dbt("test", "--select", "int_condition_events,test_name:unique_recent").success
    conditions_test = list((project.root / "target" / "compiled").rglob("unique_recent_int_condition_ev*.sql"))
    assert len(conditions_test) == 1 and " between " not in conditions_test[0].read_text()

    project.load_raw("2026-06-03 00:00:00", interactions=[scenario.ev("e'9", "c1", "page_view", "2026-05-03 00:00:00")])
    project.build()
    project.execute(f"create or replace table main.kept as select * from {TABLE}")
    assert repeat("e'9")
    assert " between " not in compiled()
