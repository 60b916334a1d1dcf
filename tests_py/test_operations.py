"""Operations: one build at a time, readers never blocked, interrupted builds recover."""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import duckdb
import pytest

from conftest import REPO, WALL_CLOCK, Project
from lead_scoring.loading.loader import load_directory

AS_OF_1 = "2026-05-31 00:00:00"
AS_OF_2 = "2026-06-30 00:00:00"


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("opsdata")
    subprocess.run([sys.executable, "-m", "lead_scoring", "demo-data", "--out", str(data),
                    "--contacts", "600", "--events", "30000", "--batches", "2", "--seed", "11"],
                   check=True, capture_output=True)
    return data


@pytest.fixture(scope="module")
def after_batch_1(tmp_path_factory, demo_data) -> Project:
    """Batch 1 loaded and built at AS_OF_1, the start of most tests here: built once, and each test
    works on a clone. A clone skips a rerun like the original (the fingerprint holds the database's
    relative path) but never gets a seed-only build (the published database state is the file's)."""
    project = Project(tmp_path_factory.mktemp("batch1") / "p")
    load_directory(project.db, demo_data / "batch_1", "2026-06-01 00:00:00")
    run_build(project, AS_OF_1)
    return project


def start_build(project: Project, as_of: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "lead_scoring", "--project-dir", str(project.root), "build", "--quiet", *args, "--vars",
         json.dumps({"as_of": as_of})],
        env=project.command_env({"as_of": as_of}), cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)


def read_copy(project: Project) -> str:
    return project.db.replace(".duckdb", "_read.duckdb")


def wait_for_lock(project: Project, proc: subprocess.Popen, timeout: float = 60) -> None:
    lock = project.db + ".build.lock"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(lock) and open(lock).read().strip():
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the build never took its lock")


def test_one_build_at_a_time_and_readers_never_blocked(tmp_path, demo_data, after_batch_1):
    project = after_batch_1.clone(tmp_path / "p")
    load_directory(project.db, demo_data / "batch_2", "2026-07-01 00:00:00")

    running = start_build(project, AS_OF_2)
    wait_for_lock(project, running)
    started = time.time()
    second = start_build(project, AS_OF_2)
    _out, err = second.communicate(timeout=60)
    assert second.returncode == 75
    assert "another build is running" in err and "nothing was changed" in err
    assert time.time() - started < 30  # exits at once; it does not wait for the first build
    # a reader of the published copy is not blocked and sees the last complete build
    with duckdb.connect(read_copy(project), read_only=True) as reader:
        assert reader.execute("select distinct cast(scored_at as varchar) from marts.fct_lead_scores").fetchall() == [
            (AS_OF_1,)]
        assert running.wait(timeout=300) == 0, running.communicate()
        # the open snapshot stays consistent while the new copy is swapped in
        assert reader.execute("select count(distinct scored_at) from marts.fct_lead_scores").fetchone() == (1,)
    with duckdb.connect(read_copy(project), read_only=True) as reader:
        assert reader.execute("select distinct cast(scored_at as varchar) from marts.fct_lead_scores").fetchall() == [
            (AS_OF_2,)]
        published = reader.execute("select count(*) from marts.fct_lead_scores").fetchone()
    assert project.query("select count(*) from marts.fct_lead_scores")[0] == published


def test_failed_build_leaves_read_copy_untouched(tmp_path, after_batch_1):
    project = after_batch_1.clone(tmp_path / "p")
    before = os.stat(read_copy(project)).st_mtime_ns
    rules = project.root / "seeds" / "behavior_rules.csv"
    rules.write_text(rules.read_text().replace(",email_open,,,,1,", ",email_open,,equal,,1,"))
    failed = start_build(project, AS_OF_2)
    _out, err = failed.communicate(timeout=300)
    assert failed.returncode == 1 and "read copy was not changed" in err
    assert os.stat(read_copy(project)).st_mtime_ns == before


@pytest.fixture(scope="module")
def before_batch_2(tmp_path_factory, demo_data, after_batch_1):
    """Batch 1 built, batch 2 loaded, and the marts an uninterrupted build of it gives."""
    root = tmp_path_factory.mktemp("kill")
    project = after_batch_1.clone(root / "base")
    load_directory(project.db, demo_data / "batch_2", "2026-07-01 00:00:00")
    reference = project.clone(root / "reference")
    run_build(reference, AS_OF_2)  # keeps its parse for the victims' builds
    return project, reference.mart_snapshot()


def wait_for_nodes(project: Project, proc: subprocess.Popen, share: float, timeout: float = 300) -> None:
    """Until the running build has finished `share` of its nodes (dbt's log, from where it stood).
    Counting nodes, not seconds, interrupts at the same point on a busy or an idle machine."""
    log = project.root / "logs" / "dbt.log"
    start = log.stat().st_size if log.exists() else 0
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = log.read_bytes()[start:].decode(errors="replace") if log.exists() else ""
        done = re.findall(r" (\d+) of (\d+) (?:OK|PASS)", text)
        if done and int(done[-1][0]) >= share * int(done[-1][1]):
            return
        assert proc.poll() is None, "the build finished before it could be interrupted"
        time.sleep(0.05)
    raise AssertionError(f"the build did not reach {share:.0%} of its nodes")


@pytest.mark.parametrize("kill_share", [0.35, 0.7])
def test_killed_build_then_rerun_equals_uninterrupted(tmp_path, before_batch_2, kill_share):
    base, expected = before_batch_2
    victim = base.clone(tmp_path / "victim")
    proc = start_build(victim, AS_OF_2)
    wait_for_nodes(victim, proc, kill_share)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert start_build(victim, AS_OF_2).wait(timeout=300) == 0
    assert victim.mart_snapshot() == expected


def run_build(project: Project, as_of: str, *args: str) -> str:
    """A successful build.py run's standard output."""
    proc = start_build(project, as_of, *args)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    project.keep_parse({"as_of": as_of})
    return out


def published_at(project: Project):
    with duckdb.connect(read_copy(project), read_only=True) as con:
        return con.execute("select published_at from marts._publication").fetchone()[0]


def test_rerun_with_nothing_new_is_skipped(tmp_path, demo_data, after_batch_1):
    project = after_batch_1.clone(tmp_path / "p")
    first = published_at(project)

    assert "nothing new" in run_build(project, AS_OF_1)
    assert published_at(project) == first

    # each input the marts depend on makes the next build run: new raw rows, a rule edit,
    # another as_of; --force always builds
    load_directory(project.db, demo_data / "batch_2", "2026-07-01 00:00:00")
    assert "nothing new" not in run_build(project, AS_OF_1)
    second = published_at(project)
    assert second > first
    assert "nothing new" in run_build(project, AS_OF_1)

    rules = project.root / "seeds" / "behavior_rules.csv"
    rules.write_text(rules.read_text().replace(",email_open,,,,1,", ",email_open,,,,2,"))
    assert "nothing new" not in run_build(project, AS_OF_1)
    third = published_at(project)
    assert third > second

    assert "nothing new" not in run_build(project, AS_OF_2)
    assert "nothing new" not in run_build(project, AS_OF_2, "--force")
    assert published_at(project) > third


def published_tables(project: Project) -> dict[str, list[tuple]]:
    """Every published table of the read copy (marts and rules) but _publication, rows sorted,
    floats rounded, wall-clock columns left out."""
    snap = {}
    with duckdb.connect(read_copy(project), read_only=True) as con:
        for schema, name in con.execute("select schema_name, table_name from duckdb_tables() "
                                        "where table_name != '_publication' order by 1, 2").fetchall():
            columns = f"* exclude ({WALL_CLOCK[name]})" if name in WALL_CLOCK else "*"
            rows = con.execute(f'select {columns} from "{schema}"."{name}"').fetchall()
            snap[f"{schema}.{name}"] = sorted((tuple(round(v, 6) if isinstance(v, float) else v for v in row)
                                               for row in rows), key=repr)
    return snap


PARTIAL = "building those seeds and what depends on them"


def edit_points(project: Project, old: str = ",email_open,,,,1,", new: str = ",email_open,,,,3,") -> None:
    rules = project.root / "seeds" / "behavior_rules.csv"
    assert old in rules.read_text()
    rules.write_text(rules.read_text().replace(old, new))


def test_rule_edit_builds_its_descendants_only_and_publishes_what_a_full_build_would(tmp_path, demo_data,
                                                                                   after_batch_1):
    project = after_batch_1.clone(tmp_path / "p")
    load_directory(project.db, demo_data / "batch_2", "2026-07-01 00:00:00")
    run_build(project, AS_OF_2)  # two scoring times: history, band changes and the CRM table have state
    before = published_tables(project)
    reference = project.clone(tmp_path / "reference")

    edit_points(project)
    out = run_build(project, AS_OF_2)
    assert "only seeds/behavior_rules.csv changed" in out and PARTIAL in out
    edit_points(reference)
    assert PARTIAL not in run_build(reference, AS_OF_2, "--force")  # --force: a full build

    partial = published_tables(project)
    assert partial == published_tables(reference)
    # the edit changed published scores, so the equality above compares new values
    assert partial["marts.fct_lead_scores"] != before["marts.fct_lead_scores"]
    assert partial["rules.behavior_rules"] != before["rules.behavior_rules"]
    # the inputs now equal the published build's: the rerun is skipped
    assert "nothing new" in run_build(project, AS_OF_2)


def test_invalid_rule_edit_fails_before_publishing_and_other_changes_build_everything(tmp_path, demo_data):
    # its own build, not a clone: the seed-only builds below need the database file it published
    project = Project(tmp_path / "p")
    load_directory(project.db, demo_data / "batch_1", "2026-06-01 00:00:00")
    run_build(project, AS_OF_1)
    published = os.stat(read_copy(project)).st_mtime_ns
    reference = project.clone(tmp_path / "reference")

    # the validation gate runs on the narrowed build: the file, rule and problem, nothing published
    edit_points(project, ",email_open,,,,1,", ",email_open,,equal,,1,")
    failed = start_build(project, AS_OF_1)
    out, err = failed.communicate(timeout=300)
    assert failed.returncode == 1 and PARTIAL in out and "read copy was not changed" in err
    assert "seeds/behavior_rules.csv: rule eng_email_open: operator given without a field" in out + err
    assert os.stat(read_copy(project)).st_mtime_ns == published

    # the failed build wrote only below the edited seed: the fix is a seed-only build too, and
    # publishes what a full build of the fixed rules does
    edit_points(project, ",email_open,,equal,,1,", ",email_open,,,,2,")
    assert PARTIAL in run_build(project, AS_OF_1)
    edit_points(reference, ",email_open,,,,1,", ",email_open,,,,2,")
    run_build(reference, AS_OF_1, "--force")
    assert published_tables(project) == published_tables(reference)
    # ... but not once anything else wrote to the database after the failed build
    edit_points(project, ",email_open,,,,2,", ",email_open,,equal,,2,")
    assert start_build(project, AS_OF_1).wait(timeout=300) == 1
    with duckdb.connect(project.db) as con:
        con.execute("create table main.scratch as select 1 as x")
    edit_points(project, ",email_open,,equal,,2,", ",email_open,,,,3,")
    assert PARTIAL not in run_build(project, AS_OF_1)

    # a rule edit with new raw data, or with a changed project file, builds everything
    edit_points(project, ",email_open,,,,3,", ",email_open,,,,4,")
    load_directory(project.db, demo_data / "batch_2", "2026-07-01 00:00:00")
    assert PARTIAL not in run_build(project, AS_OF_1)
    edit_points(project, ",email_open,,,,4,", ",email_open,,,,5,")
    settings = project.root / "dbt_project.yml"
    settings.write_text(settings.read_text().replace("history_min_score_change: 1", "history_min_score_change: 2"))
    assert PARTIAL not in run_build(project, AS_OF_1)
    # ... and so does any other write to the database since the published build
    edit_points(project, ",email_open,,,,5,", ",email_open,,,,6,")
    with duckdb.connect(project.db) as con:
        con.execute("create table main.scratch2 as select 1 as x")
    assert PARTIAL not in run_build(project, AS_OF_1)


def test_build_that_spills_to_disk_completes(tmp_path, monkeypatch):
    """dbt-duckdb re-applies profile `settings` on every cursor and DuckDB refuses a new
    temp_directory once a query has spilled; with temp_directory among the settings this build
    failed ('Cannot switch temporary directory'), as the 100M-event benchmark build did."""
    data = tmp_path / "data"
    subprocess.run([sys.executable, "-m", "lead_scoring", "demo-data", "--out", str(data),
                    "--contacts", "20000", "--events", "400000", "--seed", "42"], check=True, capture_output=True)
    project = Project(tmp_path / "p")
    load_directory(project.db, data, "2026-06-30 01:00:00")
    monkeypatch.setenv("LEAD_SCORING_MEMORY_LIMIT", "80MB")  # the event sorts spill at this limit
    monkeypatch.setenv("LEAD_SCORING_THREADS", "1")
    project.build(as_of="2026-06-30 00:00:00")
    assert project.query("select count(*) from marts.fct_lead_scores")[0][0] > 0


def test_only_a_pinned_as_of_can_skip(monkeypatch, tmp_path):
    from lead_scoring.building.build import build_fingerprint, fixed_as_of

    monkeypatch.delenv("LEAD_SCORING_AS_OF", raising=False)
    assert fixed_as_of(["--vars", '{as_of: "2026-06-30 00:00:00"}'])
    assert fixed_as_of(["--quiet", '--vars={"as_of": "2026-06-30"}'])
    assert not fixed_as_of([])  # scores "now": a later build is a later scoring time
    assert not fixed_as_of(["--vars", "{as_of: null}"])
    assert not fixed_as_of(["--vars", "{crm_model_id: b2b_general}"])
    assert not fixed_as_of(["--vars", "{as_of: ["])
    # without as_of in --vars, LEAD_SCORING_AS_OF pins it, and is part of what a build reads
    monkeypatch.setenv("LEAD_SCORING_AS_OF", "2026-06-30 00:00:00")
    assert fixed_as_of([]) and fixed_as_of(["--vars", "{crm_model_id: b2b_general}"])
    db = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(db)).close()
    first = build_fingerprint(db, [])
    assert first is not None and build_fingerprint(db, []) == first
    monkeypatch.setenv("LEAD_SCORING_AS_OF", "2026-07-01 00:00:00")
    assert build_fingerprint(db, []) != first


class Watched:
    """`lead-scoring watch` on a project, its output lines read with a deadline."""

    def __init__(self, project: Project, as_of: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lead_scoring", "--project-dir", str(project.root), "watch", "--quiet", "--vars",
             json.dumps({"as_of": as_of})],
            env={**project.command_env({"as_of": as_of}), "PYTHONUNBUFFERED": "1"}, cwd=project.root,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.proc.stdout], daemon=True).start()

    def next_rebuild(self, timeout: float = 300) -> str:
        """The output up to and including the next rebuild's outcome line."""
        out, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.proc.poll() is None, "".join(out)
                continue
            out.append(line)
            if line.startswith(("watch: done", "watch: failed")):
                return "".join(out)
        raise AssertionError(f"no rebuild within {timeout} s: {''.join(out)}")


def test_watch_rebuilds_each_edit_with_the_parsed_project_and_publishes_what_a_full_build_would(
        tmp_path, after_batch_1):
    project = after_batch_1.clone(tmp_path / "p")
    watched = Watched(project, AS_OF_1)
    try:
        start = watched.next_rebuild()
        assert "watch: parsing the project" in start and "nothing new" in start  # the read copy is current

        # a clone's first rebuild builds everything (its database file is not the published one's),
        # the next is seed-only; both with the project parsed at start
        results, log = project.root / "target" / "run_results.json", project.root / "logs" / "dbt.log"
        results_before = results.stat().st_mtime_ns if results.exists() else None
        log_before = log.stat().st_mtime_ns if log.exists() else None
        edit_points(project, ",email_open,,,,1,", ",email_open,,,,3,")
        first = watched.next_rebuild()
        assert "watch: done" in first and PARTIAL not in first and "parsing" not in first
        edit_points(project, ",email_open,,,,3,", ",email_open,,,,4,")
        second = watched.next_rebuild()
        assert "watch: done" in second and PARTIAL in second and "parsing" not in second
        assert (results.stat().st_mtime_ns if results.exists() else None) == results_before  # no JSON artifacts
        assert (log.stat().st_mtime_ns if log.exists() else None) == log_before  # nor a dbt log file
        reference = after_batch_1.clone(tmp_path / "reference")
        edit_points(reference, ",email_open,,,,1,", ",email_open,,,,4,")
        run_build(reference, AS_OF_1, "--force")
        assert published_tables(project) == published_tables(reference)
        assert published_tables(project)["rules.behavior_rules"] != published_tables(after_batch_1)[
            "rules.behavior_rules"]

        # an invalid edit: the gate's message, nothing published, and the watch goes on
        published = os.stat(read_copy(project)).st_mtime_ns
        edit_points(project, ",email_open,,,,4,", ",email_open,,equal,,4,")
        failed = watched.next_rebuild()
        assert "watch: failed" in failed
        assert "seeds/behavior_rules.csv: rule eng_email_open: operator given without a field" in failed
        assert os.stat(read_copy(project)).st_mtime_ns == published

        # the fix is seed-only too (the failed build wrote only below the seed) ...
        edit_points(project, ",email_open,,equal,,4,", ",email_open,,,,5,")
        fixed = watched.next_rebuild()
        assert "watch: done" in fixed and PARTIAL in fixed and "parsing" not in fixed
        # ... and a change to anything but seed contents parses the project again
        settings = project.root / "dbt_project.yml"
        settings.write_text(settings.read_text().replace("history_min_score_change: 1", "history_min_score_change: 2"))
        changed = watched.next_rebuild()
        assert "watch: parsing the project" in changed and "watch: done" in changed and PARTIAL not in changed
    finally:
        watched.proc.send_signal(signal.SIGTERM)  # what a supervisor sends: the watch ends cleanly
        assert watched.proc.wait(timeout=60) == 0


def test_a_stop_between_rebuilds_asks_the_watcher_to_end_and_one_during_a_rebuild_interrupts_it():
    from lead_scoring.building.watch import Stop

    stop = Stop()
    stop(signal.SIGTERM, None)  # it may land outside the watcher's wait, where raising would escape
    assert stop.event.is_set()
    stop.building = True
    with pytest.raises(KeyboardInterrupt):
        stop(signal.SIGINT, None)


def test_watch_parses_with_the_build_arguments_that_change_what_dbt_parses():
    from lead_scoring.building.watch import parse_arguments

    assert parse_arguments(["--quiet", "--vars", "{as_of: 2026-06-30}", "--full-refresh", "--target=prod",
                            "--threads", "4", "-t", "dev", "--profiles-dir", "/p"]) == [
        "--vars", "{as_of: 2026-06-30}", "--target=prod", "-t", "dev", "--profiles-dir", "/p"]
    assert parse_arguments(["--vars"]) == ["--vars"]  # check_vars refuses it before dbt starts


def test_a_copied_project_loads_its_own_seed_files(tmp_path):
    # dbt-duckdb loads a seed from the root_path saved in the partial-parse file, which a copy
    # keeps for every seed it did not change (macros/duckdb_seeds.sql)
    original = Project(tmp_path / "original")
    original.dbt("seed", "--select", "behavior_rules")
    copy = original.clone(tmp_path / "copy")
    edit_points(original, ",email_open,,,,1,", ",email_open,,,,9,")  # the old location changes
    copy.dbt("seed", "--select", "behavior_rules")
    assert copy.query("select points from rules.behavior_rules where rule_id = 'eng_email_open'") == [(1,)]
