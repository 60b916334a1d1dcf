"""The scoring time: var('as_of'), else $LEAD_SCORING_AS_OF (read at run time, so a new value
does not make dbt parse the project again), else the run's start time (macros/as_of.sql)."""
from __future__ import annotations

import scenario
from conftest import Project

FULL_PARSE = "Unable to do partial parsing"


def scored_at(project: Project) -> list[tuple]:
    return project.query("select distinct cast(scored_at as varchar) from marts.fct_lead_scores")


def new_log_text(project: Project, since: int) -> str:
    return (project.root / "logs" / "dbt.log").read_bytes()[since:].decode(errors="replace")


def log_size(project: Project) -> int:
    return (project.root / "logs" / "dbt.log").stat().st_size


def test_environment_as_of_is_used_without_a_new_parse_and_var_wins(project):
    project.write_seeds(**scenario.SEEDS)
    project.load_raw(scenario.LOADED_AT, **scenario.RAW)
    project.build(as_of="2026-06-30 00:00:00")  # the harness passes as_of in LEAD_SCORING_AS_OF
    assert scored_at(project) == [("2026-06-30 00:00:00",)]

    before = log_size(project)
    project.build(as_of="2026-07-01 12:00:00")
    assert scored_at(project) == [("2026-07-01 12:00:00",)]
    log = new_log_text(project, before)
    assert "Partial parsing enabled, no changes found, skipping parsing" in log and FULL_PARSE not in log

    # --vars as_of wins over the environment (and, being new vars, parses everything again)
    before = log_size(project)
    project.build(as_of="2026-07-01 12:00:00", vars={"as_of": "2026-07-02 00:00:00"})
    assert scored_at(project) == [("2026-07-02 00:00:00",)]
    assert FULL_PARSE in new_log_text(project, before)


def test_an_unusable_as_of_names_where_it_came_from(project):
    project.write_seeds(**scenario.SEEDS)
    project.load_raw(scenario.LOADED_AT, **scenario.RAW)
    failed = project.build(as_of="30/06/2026", expect_ok=False)
    assert not failed.success
    assert "LEAD_SCORING_AS_OF must be an ISO timestamp such as '2026-06-30 00:00:00', got '30/06/2026'" in \
        new_log_text(project, 0)
    failed = project.build(as_of="2026-06-30 00:00:00", vars={"as_of": "yesterday"}, expect_ok=False)
    assert not failed.success
    assert "var('as_of') must be an ISO timestamp such as '2026-06-30 00:00:00', got 'yesterday'" in \
        new_log_text(project, 0)
