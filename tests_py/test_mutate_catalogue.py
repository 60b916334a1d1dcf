"""The mutation catalogue of `lead-scoring mutate` (no dbt run): deterministic ids, the five
boundary mutants of issue 20 present, nothing mutated inside strings, comments or Jinja, and
every allow-list entry matching a mutant."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import REPO
from lead_scoring import mutate as mt


@pytest.fixture(scope="module")
def mutants() -> list[mt.Mutant]:
    # every file `--all` mutates: allow-list entries may name files outside the default scope
    return mt.scan(REPO, mt.scope_files(REPO, True, ()))


def find(mutants, path_end, kind, line_contains):
    hits = [m for m in mutants if m.path.endswith(path_end) and m.kind == kind and line_contains in m.line_text]
    assert hits, f"no {kind} mutant of '{line_contains}' in {path_end}"
    return hits


def test_ids_are_unique_and_the_scan_deterministic(mutants):
    ids = [m.id for m in mutants]
    assert len(ids) == len(set(ids))
    assert ids == [m.id for m in mt.scan(REPO, mt.scope_files(REPO, True, ()))]


def test_the_five_boundary_mutants_of_issue_20_are_in_the_catalogue(mutants):
    # each edge is exactly one mutant, and applying it changes exactly that operator
    expected = [
        # lookback: age_days < lookback_days -> <=
        ("behavior_points.sql", "lt_to_lte", "as_of_at) }} < rules.lookback_days",
         "as_of_at) }} <= rules.lookback_days"),
        # repeat: <= within_days_of_previous -> <
        ("behavior_points.sql", "lte_to_lt", "<= rules.within_days_of_previous",
         "< rules.within_days_of_previous"),
        # band: min_score <= score -> < (the one comparison every sort key of pick_band reads)
        ("rule_condition.sql", "lte_to_lt", "bands.min_score <= {{ scored }}.{{ score }}",
         "bands.min_score < {{ scored }}.{{ score }}"),
        # no_response window: <= within_days -> <
        ("int_absence_contributions.sql", "lte_to_lt", "'response.occurred_at') }} <= rules.within_days",
         "'response.occurred_at') }} < rules.within_days"),
        # no_activity creation age: within_days <= age_days -> <
        ("int_absence_contributions.sql", "lte_to_lt", "rules.within_days <= contacts.age_days",
         "rules.within_days < contacts.age_days"),
    ]
    for path_end, kind, original, mutated in expected:
        hits = find(mutants, path_end, kind, original)
        assert len(hits) == 1, f"{original!r} should be one mutant, found {[m.id for m in hits]}"
        m = hits[0]
        text = (REPO / m.path).read_text()
        after = m.apply(text)
        line = after.split("\n")[m.line - 1]
        assert mutated in line and original not in line, (m.id, line)


def test_the_band_edge_is_not_the_grade_or_tier_edge(mutants):
    # pick_band's comparison (bands.min_score) and pick_threshold's (thresholds.*) are distinct
    # mutants; the band edge must be plain SQL, not a Jinja string the mutator cannot see
    band = find(mutants, "rule_condition.sql", "lte_to_lt", "bands.min_score <=")
    assert all("thresholds." not in m.line_text for m in band)
    text = (REPO / "macros/rule_condition.sql").read_text()
    assert "'bands.min_score <=" not in text and '"bands.min_score <=' not in text


def test_strings_comments_and_jinja_are_not_mutated(tmp_path):
    sql = ("-- a < b and not c\n"
           "{# x = y #}\n"
           "select {{ f('a = b') }}, 'p <= q or r' as s\n"
           "from t where a <= b\n")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.sql").write_text(sql)
    found = mt.scan(tmp_path, ["models/m.sql"])
    assert [(m.line, m.kind) for m in found] == [(4, "lte_to_lt")]
    assert found[0].apply(sql).endswith("where a < b\n")


def test_window_order_coalesce_and_rank_mutants(tmp_path):
    sql = ("select coalesce(f(a, b), 0) as x,\n"
           "row_number() over (partition by k order by t, id desc nulls last) as n\n"
           "from r where n = 1\n")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.sql").write_text(sql)
    applied = {m.id: m.apply(sql) for m in mt.scan(tmp_path, ["models/m.sql"])}
    assert "select (f(a, b)) as x," in applied["models/m.sql:1:drop_coalesce#1"]
    assert "order by t desc, id desc nulls last" in applied["models/m.sql:2:flip_order#1"]
    assert "order by t, id asc nulls last" in applied["models/m.sql:2:flip_order#2"]
    assert "rank() over" in applied["models/m.sql:2:row_number_to_rank#1"]
    assert "where n = 2" in applied["models/m.sql:3:plus_1#1"]
    assert "where n = 0" in applied["models/m.sql:3:minus_1#1"]
    assert "where n <> 1" in applied["models/m.sql:3:eq_to_ne#1"]


def test_every_allow_list_entry_matches_a_mutant_and_has_a_reason(mutants):
    entries = mt.load_allowlist(REPO / mt.ALLOWLIST)
    assert entries
    for entry in entries:
        assert any(mt.allowed(m, [entry]) for m in mutants), f"stale allow-list entry {entry['id']}"


def test_only_takes_names_and_name_globs_in_the_order_given():
    files = mt.scope_files(REPO, False, ("rule_condition.sql", "int_absence_*", "int_behavior_*.sql"))
    assert files[0] == "macros/rule_condition.sql"
    assert files[1] == "models/intermediate/int_absence_contributions.sql"
    assert files[2:] and all(f.startswith("models/intermediate/int_behavior_") for f in files[2:])


def test_cli_rejects_bad_input_with_one_line(tmp_path):
    runner = CliRunner()
    result = runner.invoke(mt.mutate, ["--project-dir", str(tmp_path)])
    assert result.exit_code != 0 and "no dbt_project.yml" in result.output
    result = runner.invoke(mt.mutate, ["--project-dir", str(REPO), "--only", "no_such_model.sql", "--list"])
    assert result.exit_code != 0 and "no .sql file in scope matches" in result.output
    result = runner.invoke(mt.mutate, ["--project-dir", str(REPO), "--mutant", "x.sql:1:eq_to_ne#1", "--list"])
    assert result.exit_code != 0 and "unknown mutant id" in result.output
