"""Operations: one build at a time, readers never blocked, interrupted builds recover."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from conftest import REPO, Project
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


def start_build(project: Project, as_of: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "LEAD_SCORING_DB": project.db}
    env.pop("LEAD_SCORING_READ_DB", None)
    return subprocess.Popen(
        [sys.executable, "-m", "lead_scoring", "--project-dir", str(project.root), "build", "--quiet", *args, "--vars",
         json.dumps({"as_of": as_of})],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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


def test_one_build_at_a_time_and_readers_never_blocked(tmp_path, demo_data):
    project = Project(tmp_path / "p")
    load_directory(project.db, demo_data / "batch_1", "2026-06-01 00:00:00")
    first = start_build(project, AS_OF_1)
    assert first.wait(timeout=300) == 0, first.communicate()
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


def test_failed_build_leaves_read_copy_untouched(tmp_path, demo_data):
    project = Project(tmp_path / "p")
    load_directory(project.db, demo_data / "batch_1", "2026-06-01 00:00:00")
    assert start_build(project, AS_OF_1).wait(timeout=300) == 0
    before = os.stat(read_copy(project)).st_mtime_ns
    rules = project.root / "seeds" / "behavior_rules.csv"
    rules.write_text(rules.read_text().replace(",email_open,,,,1,", ",email_open,,equal,,1,"))
    failed = start_build(project, AS_OF_2)
    _out, err = failed.communicate(timeout=300)
    assert failed.returncode == 1 and "read copy was not changed" in err
    assert os.stat(read_copy(project)).st_mtime_ns == before


@pytest.fixture(scope="module")
def before_batch_2(tmp_path_factory, demo_data):
    """Batch 1 built, batch 2 loaded, and the time an uninterrupted build of it takes."""
    root = tmp_path_factory.mktemp("kill")
    project = Project(root / "base")
    load_directory(project.db, demo_data / "batch_1", "2026-06-01 00:00:00")
    assert start_build(project, AS_OF_1).wait(timeout=300) == 0
    load_directory(project.db, demo_data / "batch_2", "2026-07-01 00:00:00")
    reference = project.clone(root / "reference")
    started = time.time()
    assert start_build(reference, AS_OF_2).wait(timeout=300) == 0
    return project, reference.mart_snapshot(), time.time() - started


@pytest.mark.parametrize("kill_fraction", [0.35, 0.7])
def test_killed_build_then_rerun_equals_uninterrupted(tmp_path, before_batch_2, kill_fraction):
    base, expected, duration = before_batch_2
    victim = base.clone(tmp_path / "victim")
    proc = start_build(victim, AS_OF_2)
    time.sleep(duration * kill_fraction)
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
    return out


def published_at(project: Project):
    with duckdb.connect(read_copy(project), read_only=True) as con:
        return con.execute("select published_at from marts._publication").fetchone()[0]


def test_rerun_with_nothing_new_is_skipped(tmp_path, demo_data):
    project = Project(tmp_path / "p")
    load_directory(project.db, demo_data / "batch_1", "2026-06-01 00:00:00")
    run_build(project, AS_OF_1)
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


def test_only_a_pinned_as_of_can_skip():
    from lead_scoring.building.build import fixed_as_of

    assert fixed_as_of(["--vars", '{as_of: "2026-06-30 00:00:00"}'])
    assert fixed_as_of(["--quiet", '--vars={"as_of": "2026-06-30"}'])
    assert not fixed_as_of([])  # scores "now": a later build is a later scoring time
    assert not fixed_as_of(["--vars", "{as_of: null}"])
    assert not fixed_as_of(["--vars", "{crm_model_id: b2b_general}"])
    assert not fixed_as_of(["--vars", "{as_of: ["])
