"""Benchmark the scoring build against a hand-written baseline query, in whole processes.

    lead-scoring bench --contacts 1000000 --events 20000000 [--runs 3] [--work DIR]

Measures, as separate processes (median of --runs), with peak memory (max RSS) of each:
  (a) full `dbt build` on freshly loaded raw data
  (b) incremental `dbt build` after appending 1% new events
  (c) `dbt build` again with nothing new
  (c') the same rerun through `lead-scoring build`, which skips a build whose inputs are unchanged
  (e) the next day's run: `dbt build` with as_of one day later and nothing new (decay, windows,
      ranks move for everyone)
  (d) baseline: one DuckDB SQL query computing the same per-contact totals from the raw tables
  pandas: the same totals computed in pandas
The benchmark rule set (benchmarks/rules) is restricted to what one query can express: plain
per-event points, caps, lookback and decay. The baseline's totals are checked against
marts.fct_lead_scores before any time is reported, so the comparison is honest.
The first run's dbt node timings (target/run_results.json) are kept in --work as
profile_<step>.json, and --profile N prints the N slowest nodes of each build.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from lead_scoring import config
from lead_scoring.commands import CONTEXT, Refused, run

PY = sys.executable
# the CLI in a subprocess, whatever PATH holds
CLI = [PY, "-m", "lead_scoring"]
AS_OF = "2026-06-30 00:00:00"
NEXT_DAY = "2026-07-01 00:00:00"
PROJECT_PARTS = ["models", "macros", "tests", "dbt_project.yml", "profiles.yml"]

# Totals the baseline computes: decayed, windowed, capped event points per contact.
BASELINE_SQL = """
with identities as (
    select anonymous_id, arg_min(contact_id, (identified_at, loaded_at, contact_id)) as contact_id
    from raw.identities group by anonymous_id
),
events as (
    select coalesce(e.contact_id, i.contact_id) as contact_id, e.event_type, e.occurred_at from (
        select contact_id, anonymous_id, lower(trim(event_type)) as event_type, occurred_at,
               row_number() over (partition by event_id order by loaded_at desc, occurred_at desc) as version
        from raw.interactions
        where event_id is not null and nullif(trim(event_type), '') is not null and occurred_at is not null
          and (contact_id is not null or anonymous_id is not null)
    ) e left join identities i on e.contact_id is null and e.anonymous_id = i.anonymous_id
    where e.version = 1 and e.occurred_at <= timestamp '{as_of}'
      and coalesce(e.contact_id, i.contact_id) is not null
),
rules as (
    select r.rule_id, lower(trim(r.event_type)) as event_type, r.points, r.max_points, r.lookback_days,
           m.decay_half_life_days
    from rules.behavior_rules r join rules.scoring_models m using (model_id)
    where r.is_active and m.is_active
),
per_rule as (
    select e.contact_id, r.rule_id, any_value(r.max_points) as max_points,
           sum(r.points * case when r.decay_half_life_days is null then 1
               else power(0.5, (epoch(timestamp '{as_of}') - epoch(e.occurred_at)) / 86400.0 / r.decay_half_life_days) end
           ) as points
    from events e join rules r using (event_type)
    where r.lookback_days is null
       or (epoch(timestamp '{as_of}') - epoch(e.occurred_at)) / 86400.0 < r.lookback_days
    group by all
)
select contact_id,
       round(sum(case when max_points is null then points
                      else greatest(-abs(max_points), least(abs(max_points), points)) end), 6) as engagement
from per_rule group by contact_id
"""

PANDAS_CODE = """
import duckdb, numpy as np, pandas as pd, sys
db, as_of = sys.argv[1], pd.Timestamp(sys.argv[2])
con = duckdb.connect(db, read_only=True)
con.execute("pragma disable_progress_bar")
ev = con.execute("select event_id, contact_id, anonymous_id, event_type, occurred_at, loaded_at from raw.interactions").df()
ids = con.execute("select anonymous_id, contact_id, identified_at, loaded_at from raw.identities").df()
rules = con.execute("select r.rule_id, r.event_type, r.points, r.max_points, r.lookback_days, m.decay_half_life_days "
                    "from rules.behavior_rules r join rules.scoring_models m using (model_id) "
                    "where r.is_active and m.is_active").df()
con.close()
ev["event_type"] = ev.event_type.str.strip().str.lower().replace("", np.nan)
ev = ev.dropna(subset=["event_id", "event_type", "occurred_at"])
ev = ev[ev.contact_id.notna() | ev.anonymous_id.notna()]
ev = ev.sort_values(["loaded_at", "occurred_at"], ascending=False).drop_duplicates("event_id")
ids = ids.sort_values(["identified_at", "loaded_at", "contact_id"]).drop_duplicates("anonymous_id")
ev = ev.merge(ids[["anonymous_id", "contact_id"]].rename(columns={"contact_id": "identified"}), on="anonymous_id",
              how="left")
ev["contact_id"] = ev.contact_id.fillna(ev.identified)
ev = ev.dropna(subset=["contact_id"])
ev = ev[ev.occurred_at <= as_of]
rules["event_type"] = rules.event_type.str.strip().str.lower()
m = ev.merge(rules, on="event_type")
age = (as_of - m.occurred_at).dt.total_seconds() / 86400.0
m = m[m.lookback_days.isna() | (age < m.lookback_days)]
age = age[m.index]
decay = np.where(m.decay_half_life_days.isna(), 1.0, np.power(0.5, age / m.decay_half_life_days))
m = m.assign(points=m.points * decay)
per_rule = m.groupby(["contact_id", "rule_id"]).agg(points=("points", "sum"), max_points=("max_points", "first"))
cap = per_rule.max_points.abs()
per_rule["points"] = np.where(cap.isna(), per_rule.points, per_rule.points.clip(-cap, cap))
totals = per_rule.groupby("contact_id").points.sum().round(6)
print(len(totals))
"""


def timed(cmd: list[str], env: dict) -> tuple[float, int, float, str]:
    """Run a command as its own process: wall seconds, peak RSS (KiB), CPU seconds, stdout."""
    wrapper = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "el = time.perf_counter() - t; "
               "print(p.stdout[-4000:]); print(p.stderr[-4000:], file=sys.stderr); "
               "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
               "print('@@', el, u.ru_maxrss, p.returncode, u.ru_utime + u.ru_stime)")
    proc = subprocess.run([PY, "-c", wrapper, *cmd], capture_output=True, text=True, env=env)
    marker = [line for line in proc.stdout.splitlines() if line.startswith("@@")][-1].split()
    seconds, rss, code, cpu = float(marker[1]), int(marker[2]), int(marker[3]), float(marker[4])
    if code != 0:
        raise SystemExit(f"benchmark: {' '.join(cmd[:3])} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds, rss, cpu, proc.stdout


def profile(run_results: Path, top: int) -> list[str]:
    """The slowest nodes of one dbt invocation, and the totals for models, tests and seeds."""
    results = json.loads(run_results.read_text())["results"]
    totals: dict[str, float] = {}
    for r in results:
        kind = r["unique_id"].split(".")[0]
        totals[kind] = totals.get(kind, 0.0) + r["execution_time"]
    lines = [f"  {len(results)} nodes, node time {sum(totals.values()):.1f} s ("
             + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(totals.items())) + ")"]
    for r in sorted(results, key=lambda r: -r["execution_time"])[:top]:
        lines.append(f"  {r['execution_time']:8.2f} s  {r['unique_id'].split('.', 2)[-1]}")
    return lines


def setup_project(work: Path) -> Path:
    project = work / "project"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    repo = config.project_dir()
    for part in PROJECT_PARTS:
        src = repo / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / part)
    # the project's seeds (configs, adapter maps, every rule seed's header), then the benchmark's
    # rules; a rule seed the benchmark does not set keeps its header only
    shutil.copytree(repo / "seeds", project / "seeds")
    for seed in (project / "seeds").glob("*.csv"):
        bench_rules = repo / "benchmarks" / "rules" / seed.name
        if bench_rules.exists():
            shutil.copy(bench_rules, seed)
        else:
            seed.write_text(seed.read_text().splitlines()[0] + "\n")
    return project


def generate(work: Path, contacts: int, events: int) -> tuple[Path, Path]:
    """Base data and a 1% increment of new events (the generator's events beyond the base)."""
    data = work / "data"
    extra = max(1, events // 100)
    if not (data / "done").exists():
        if data.exists():
            shutil.rmtree(data)
        subprocess.run([*CLI, "demo-data", "--out", str(data / "all"),
                        "--contacts", str(contacts), "--events", str(events + extra), "--seed", "42"], check=True)
        import duckdb
        con = duckdb.connect()
        (data / "base").mkdir()
        (data / "increment").mkdir()
        for f in (data / "all").iterdir():
            if f.name.startswith("interactions"):
                continue
            shutil.copy(f, data / "base" / f.name)
        src = str(data / "all" / "interactions.parquet")
        con.execute(f"copy (select * from '{src}' where cast(substr(event_id, 2) as bigint) < {events}) "
                    f"to '{data / 'base' / 'interactions.parquet'}' (format parquet)")
        con.execute(f"copy (select * from '{src}' where cast(substr(event_id, 2) as bigint) >= {events}) "
                    f"to '{data / 'increment' / 'interactions.parquet'}' (format parquet)")
        shutil.rmtree(data / "all")
        (data / "done").touch()
    return data / "base", data / "increment"


@click.command("bench", context_settings=CONTEXT)
@click.option("--contacts", type=click.IntRange(min=1), default=20_000, show_default=True)
@click.option("--events", type=click.IntRange(min=100), default=400_000, show_default=True)
@click.option("--runs", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--work", type=click.Path(file_okay=False, path_type=Path), help="Working directory (kept; data is reused).")
@click.option("--threads", default=lambda: os.environ.get("LEAD_SCORING_THREADS", "2"), show_default="2")
@click.option("--memory-limit", default=lambda: os.environ.get("LEAD_SCORING_MEMORY_LIMIT", "12GB"),
              show_default="12GB")
@click.option("--no-pandas", is_flag=True,
              help="Skip the pandas timing (it holds every event in memory: about 36 GiB at 100M).")
@click.option("--profile", "profile_top", type=click.IntRange(min=0), default=8, metavar="N", show_default=True,
              help="Print the N slowest dbt nodes of each build of the first run (0: none).")
@click.option("--baseline-only", is_flag=True,
              help="Reuse the database of an earlier run in --work; time only (d) and pandas.")
def bench(contacts: int, events: int, runs: int, work: Path | None, threads: str, memory_limit: str,
          no_pandas: bool, profile_top: int, baseline_only: bool) -> None:
    """Benchmark the scoring build against a hand-written baseline query, in whole processes:
    full, incremental and no-op builds, the baseline SQL and pandas (median of --runs, peak memory).

    Example: lead-scoring bench --contacts 20000 --events 400000 --runs 3
    """
    if baseline_only and not (work and (work / "bench.duckdb").exists()):
        raise Refused("--baseline-only needs --work with the database of an earlier run", 2)
    # the generator and the loader honour the same limit as the builds
    os.environ["LEAD_SCORING_MEMORY_LIMIT"] = memory_limit
    work = work or Path(tempfile.mkdtemp(prefix="lead_scoring_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    base, increment = generate(work, contacts, events)
    project = setup_project(work)
    raw_db = work / "raw.duckdb"
    db = work / "bench.duckdb"
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "LEAD_SCORING_THREADS": str(threads),
           "LEAD_SCORING_MEMORY_LIMIT": memory_limit, "LEAD_SCORING_DB": str(db)}
    dbt = [str(Path(PY).with_name("dbt")), "build", "--project-dir", str(project), "--quiet",
           "--vars", json.dumps({"as_of": AS_OF})]
    load = [*CLI, "load"]
    build_py = [*CLI, "--project-dir", str(project), "build", "--quiet", "--vars", json.dumps({"as_of": AS_OF})]
    dbt_next_day = [*dbt[:-1], json.dumps({"as_of": NEXT_DAY})]
    run_results = project / "target" / "run_results.json"

    def keep_profile(step: str, run: int) -> None:
        if run == 0:
            shutil.copy(run_results, work / f"profile_{step}.json")

    steps = ["full", "incremental", "rerun", "rerun_build_py", "next_day", "baseline", "pandas"]
    results: dict[str, list[tuple[float, int, float]]] = {k: [] for k in steps}
    if not baseline_only:
        for f in [raw_db, db]:
            f.unlink(missing_ok=True)
            f.with_name(f.name + ".wal").unlink(missing_ok=True)  # a killed run's log would replay
        subprocess.run([*load, str(base), "--db", str(raw_db), "--loaded-at", "2026-06-30 01:00:00"], check=True)
    for run in range(0 if baseline_only else runs):
        shutil.copy(raw_db, db)
        db.with_name(db.stem + "_read" + db.suffix).unlink(missing_ok=True)
        results["full"].append(timed(dbt, env)[:3])
        keep_profile("full", run)
        subprocess.run([*load, str(increment), "--db", str(db), "--loaded-at", "2026-06-30 02:00:00"], check=True,
                       stdout=subprocess.DEVNULL)
        results["incremental"].append(timed(dbt, env)[:3])
        keep_profile("incremental", run)
        results["rerun"].append(timed(dbt, env)[:3])
        keep_profile("rerun", run)
        # build.py publishes the read copy with its input fingerprint (untimed), then the timed
        # rerun finds nothing new
        subprocess.run(build_py, env=env, check=True, stdout=subprocess.DEVNULL)
        seconds, rss, cpu, out = timed(build_py, env)
        if "nothing new" not in out:
            raise SystemExit(f"benchmark: lead-scoring build rebuilt although nothing changed:\n{out}")
        results["rerun_build_py"].append((seconds, rss, cpu))
        results["next_day"].append(timed(dbt_next_day, env)[:3])
        keep_profile("next_day", run)
        print(f"run {run + 1}/{runs}: full {results['full'][-1][0]:.1f}s, incremental "
              f"{results['incremental'][-1][0]:.1f}s, rerun {results['rerun'][-1][0]:.1f}s, "
              f"build.py rerun {seconds:.2f}s, next day {results['next_day'][-1][0]:.1f}s "
              f"(cpu {results['full'][-1][2]:.0f}/{results['incremental'][-1][2]:.0f}/"
              f"{results['rerun'][-1][2]:.0f}/{results['next_day'][-1][2]:.0f}s)", flush=True)

    # Baseline and pandas read the same raw data (base + increment) and rules as the last build,
    # whose scores are as of the next day when (e) ran; the timed baseline scores as of AS_OF.
    baseline_sql = BASELINE_SQL.format(as_of=AS_OF)
    checked_sql = BASELINE_SQL.format(as_of=NEXT_DAY if results["next_day"] else AS_OF)
    check = subprocess.run([PY, "-c", (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "con.execute('pragma disable_progress_bar'); "
        f"con.execute('''create temp table b as {checked_sql}'''); "
        "print(con.execute('''select count(*) from marts.fct_lead_scores s left join b using (contact_id) "
        "where s.model_id = 'bench' and abs(s.engagement_score - coalesce(b.engagement, 0)) > 1e-4''').fetchone()[0], "
        "con.execute('select count(*) from b').fetchone()[0])"), str(db)], capture_output=True, text=True, check=True)
    mismatched, baseline_rows = map(int, check.stdout.split()[-2:])
    if mismatched:
        raise SystemExit(f"benchmark: baseline totals differ from fct_lead_scores for {mismatched} contacts")
    for _ in range(runs):
        results["baseline"].append(timed([PY, "-c", (
            "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True, "
            f"config={{'threads': {threads}, 'memory_limit': '{memory_limit}'}}); "
            "con.execute('pragma disable_progress_bar'); "
            f"print(len(con.execute('''{baseline_sql}''').fetchall()))"), str(db)], env)[:3])
        if not no_pandas:
            results["pandas"].append(timed([PY, "-c", PANDAS_CODE, str(db), AS_OF], env)[:3])

    results = {k: v for k, v in results.items() if v}
    med = {k: statistics.median(t for t, _, _ in v) for k, v in results.items()}
    peak = {k: max(m for _, m, _ in v) for k, v in results.items()}
    # CPU seconds (user + system) say more than wall time on a machine shared with other work
    cpu = {k: statistics.median(c for _, _, c in v) for k, v in results.items()}
    events = events
    print()
    print(f"Lead-scoring benchmark: {contacts:,} contacts, {events:,} events (+{events // 100:,} incremental), "
          f"threads={threads}, memory_limit={memory_limit}, median of {runs} runs")
    print(f"baseline totals checked equal to fct_lead_scores for {baseline_rows:,} contacts")
    print(f"{'step':<28}{'median s':>10}{'cpu s':>10}{'peak MiB':>10}{'events/s':>14}")
    labels = {"full": "(a) full dbt build", "incremental": "(b) incremental (+1%)", "rerun": "(c) rerun, nothing new",
              "rerun_build_py": "(c') rerun via build.py", "next_day": "(e) next day, nothing new",
              "baseline": "(d) baseline SQL query", "pandas": "pandas"}
    for k, label in labels.items():
        if k not in med:
            continue
        # a rerun processes no events: no rate
        rate = "n/a" if k.startswith("rerun") or k == "next_day" else f"{(events // 100 if k == 'incremental' else events) / med[k]:,.0f}"
        print(f"{label:<28}{med[k]:>10.2f}{cpu[k]:>10.1f}{peak[k] / 1024:>10.0f}{rate:>14}")
    ratios = []
    if "full" in med:
        ratios += [f"a/d {med['full'] / med['baseline']:.2f}", f"b/a {med['incremental'] / med['full']:.2f}",
                   f"c/a {med['rerun'] / med['full']:.2f}", f"c'/a {med['rerun_build_py'] / med['full']:.3f}",
                   f"e/a {med['next_day'] / med['full']:.2f}"]
    if "pandas" in med:
        ratios.append(f"pandas/d {med['pandas'] / med['baseline']:.2f}")
    print("ratios: " + "  ".join(ratios))
    for step in ["full", "incremental", "rerun", "next_day"] if profile_top and "full" in med else []:
        print(f"\nslowest dbt nodes, {labels[step]} (first run; {work / f'profile_{step}.json'}):")
        print("\n".join(profile(work / f"profile_{step}.json", profile_top)))


def main(argv: list[str] | None = None) -> int:
    """The old scripts/benchmark.py entry point."""
    return run(bench, argv, "benchmark")
