"""Test harness: a copy of the dbt project in a temp dir, raw data loaded with the project's own
loader, dbt driven in-process with dbtRunner, results read back with DuckDB."""
from __future__ import annotations

import atexit
import csv
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from lead_scoring.loading.loader import load_directory  # noqa: E402
from lead_scoring.loading.raw_schema import RAW_TABLES  # noqa: E402

AS_OF = "2026-06-30 00:00:00"
SEED_COLUMNS = {
    "scoring_models": ["model_id", "model_name", "description", "decay_half_life_days", "score_floor",
                       "score_cap", "is_active"],
    "attribute_rules": ["model_id", "rule_id", "attribute", "operator", "value", "points", "description",
                        "is_active"],
    "behavior_rules": ["model_id", "rule_id", "event_type", "field", "operator", "value", "points",
                       "max_points", "lookback_days", "occurrence_from", "occurrence_to",
                       "within_days_of_previous", "description", "is_active"],
    "absence_rules": ["model_id", "rule_id", "rule_kind", "event_type", "response_event_type", "match_field",
                      "within_days", "points", "max_points", "description", "is_active"],
    "score_bands": ["model_id", "band", "min_score", "is_sales_ready"],
    "routing_rules": ["model_id", "priority", "attribute", "operator", "value", "owner_id", "is_active"],
    # issue 13: rule groups, fit grades, engagement tiers
    "rule_groups": ["model_id", "group_id", "max_points", "min_points", "description", "is_active"],
    "fit_grades": ["model_id", "grade", "min_fit_score"],
    "engagement_tiers": ["model_id", "tier", "min_engagement_score"],
}
# issue 13: optional columns of existing seeds
SEED_COLUMNS["scoring_models"].append("reset_event_types")
for _seed in ("attribute_rules", "behavior_rules", "absence_rules"):
    SEED_COLUMNS[_seed].append("group_id")
SEED_COLUMNS["score_bands"].append("min_fit_score")
MARTS = {
    "fct_lead_scores": ["model_id", "contact_id"],
    "fct_lead_score_contributions": ["model_id", "contact_id", "rule_id"],
    "fct_lead_tag_scores": ["model_id", "contact_id", "tag"],
    "fct_lead_score_history": ["model_id", "contact_id", "valid_from"],
    "fct_lead_band_changes": ["model_id", "contact_id", "changed_at"],
    "fct_account_scores": ["model_id", "account_id"],
    "dim_contacts": ["contact_id"],
    "crm_lead_scores": ["contact_id"],
    "fct_lead_recent_events": ["contact_id", "event_rank"],
    "fct_lead_score_changes": ["model_id", "contact_id", "changed_at", "rule_kind", "rule_id", "change_kind"],
}
# Wall-clock columns: they record when a build ran, not what it computed.
WALL_CLOCK = {"crm_lead_scores": "score_updated_at"}


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            unknown = set(row) - set(columns)
            if unknown:
                raise ValueError(f"{path.name}: unknown columns {unknown}")
            writer.writerow(["" if row.get(c) is None else _text(row.get(c)) for c in columns])


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


class ParseCache:
    """dbt parses the whole project again whenever --vars change (Project.dbt passes as_of in the
    environment instead), and a fresh copy has nothing to parse from: 7.8-14.6 s before a test
    build's first node, against 0.8-1.7 s from a partial parse (docs/testing.md). This keeps each
    worker's partial-parse files, keyed by the project's files (seeds aside) and the vars, and puts
    the matching one in a project's target before dbt runs. dbt's partial parsing then re-reads
    only what differs: the seeds a test wrote."""

    directory: Path | None = None
    PARSED = ("models", "macros", "tests", "analyses", "dbt_project.yml", "profiles.yml")

    @classmethod
    def key(cls, root: Path, all_vars: dict) -> str:
        digest = hashlib.sha256(json.dumps(all_vars, sort_keys=True).encode())
        for name in cls.PARSED:
            top = root / name
            for path in sorted(top.rglob("*")) if top.is_dir() else [top]:
                if path.is_file():
                    digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    @classmethod
    def cached(cls, key: str) -> Path:
        if cls.directory is None:  # outside tests_py (the Spark tests): a directory of its own
            cls.directory = Path(tempfile.mkdtemp(prefix="lead-scoring-parse-"))
            atexit.register(shutil.rmtree, cls.directory, True)
        return cls.directory / f"{key}.msgpack"

    @classmethod
    def prime(cls, target: Path, key: str) -> None:
        cached = cls.cached(key)
        if cached.exists():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, target / "partial_parse.msgpack")

    @classmethod
    def keep(cls, target: Path, key: str) -> None:
        parsed = target / "partial_parse.msgpack"
        if parsed.exists():
            partial = cls.cached(key).with_suffix(".part")
            shutil.copyfile(parsed, partial)
            os.replace(partial, cls.cached(key))


class Project:
    """A private copy of the dbt project with its own DuckDB file."""

    def __init__(self, root: Path, fresh: bool = True):
        self.root = root
        self.db = str(root / "warehouse.duckdb")
        self._batch = 0
        if not fresh:
            return
        for name in ["models", "macros", "tests", "seeds", "analyses", "scripts"]:
            if (REPO / name).exists():
                shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        for name in ["dbt_project.yml", "profiles.yml"]:
            shutil.copy(REPO / name, root / name)

    def clone(self, root: Path) -> "Project":
        """A copy of this project and its database files, to branch a scenario."""
        shutil.copytree(self.root, root)
        clone = Project(root, fresh=False)
        clone._batch = self._batch
        return clone

    # --- inputs -------------------------------------------------------------------------
    def write_seeds(self, **seeds: list[dict]) -> None:
        if "scoring_models" in seeds:  # the demo seeds name demo models: replace them all
            seeds = {**{name: [] for name in SEED_COLUMNS}, **seeds}
        for name, rows in seeds.items():
            write_csv(self.root / "seeds" / f"{name}.csv", SEED_COLUMNS[name], rows)

    def load_raw(self, loaded_at: str, **tables: list[dict]) -> None:
        self._batch += 1
        batch_dir = self.root / "raw_batches" / f"batch_{self._batch}"
        for table, rows in tables.items():
            columns = list(RAW_TABLES[table])
            extra = sorted({k for r in rows for k in r} - set(columns))
            write_csv(batch_dir / f"{table}.csv", columns + extra, rows)
        batch_dir.mkdir(parents=True, exist_ok=True)
        load_directory(self.db, batch_dir, loaded_at)

    # --- dbt ----------------------------------------------------------------------------
    def dbt(self, *args: str, as_of: str | None = AS_OF, vars: dict | None = None, expect_ok: bool = True):
        all_vars = dict(vars or {})
        cli = [*args, "--project-dir", str(self.root), "--profiles-dir", str(self.root),
               "--target-path", str(self.root / "target"), "--log-path", str(self.root / "logs"),
               "--quiet", "--vars", json.dumps(all_vars)]
        if args[0] != "docs":
            # no manifest.json / run_results.json (the tests read results in-process): writing
            # the manifest took about 1 s of a 12 s test build (cProfile, 2026-12-02)
            cli.append("--no-write-json")
        parse_key = ParseCache.key(self.root, all_vars)
        ParseCache.prime(self.root / "target", parse_key)
        # The database path is part of what dbt's parse depends on (the profile), so dbt runs in
        # the project's directory with the same relative path in every copy. as_of goes in
        # LEAD_SCORING_AS_OF, not --vars: a new --vars value makes dbt parse everything again.
        os.environ["LEAD_SCORING_DB"] = os.path.relpath(self.db, self.root)
        os.environ.pop("LEAD_SCORING_AS_OF", None)
        if as_of is not None:
            os.environ["LEAD_SCORING_AS_OF"] = as_of
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            result = dbtRunner().invoke(cli)
        finally:
            os.chdir(cwd)
            os.environ["LEAD_SCORING_DB"] = self.db
            os.environ.pop("LEAD_SCORING_AS_OF", None)
            release_duckdb()
        ParseCache.keep(self.root / "target", parse_key)
        if expect_ok and not result.success:
            raise AssertionError(f"dbt {' '.join(args)} failed: {describe_failures(result)}")
        return result

    def build(self, **kwargs):
        return self.dbt("build", **kwargs)

    def command_env(self, all_vars: dict) -> dict[str, str]:
        """The environment of a `lead-scoring build` subprocess run with cwd=self.root and these
        vars, the parse cache primed as for in-process builds (keep_parse after a success)."""
        ParseCache.prime(self.root / "target", ParseCache.key(self.root, all_vars))
        env = {**os.environ, "LEAD_SCORING_DB": os.path.relpath(self.db, self.root)}
        env.pop("LEAD_SCORING_READ_DB", None)
        return env

    def keep_parse(self, all_vars: dict) -> None:
        ParseCache.keep(self.root / "target", ParseCache.key(self.root, all_vars))

    def execute(self, sql: str, params: list | None = None) -> None:
        with duckdb.connect(self.db) as con:
            con.execute(sql, params or [])

    # --- outputs ------------------------------------------------------------------------
    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(self.db, read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def scores(self, model_id: str) -> dict[str, tuple]:
        rows = self.query("select contact_id, fit_score, engagement_score, score, band, is_sales_ready "
                          "from marts.fct_lead_scores where model_id = ?", [model_id])
        return {r[0]: r[1:] for r in rows}

    def contributions(self, model_id: str) -> dict[tuple[str, str], tuple]:
        rows = self.query("select contact_id, rule_id, points, event_count "
                          "from marts.fct_lead_score_contributions where model_id = ?", [model_id])
        return {(r[0], r[1]): (r[2], r[3]) for r in rows}

    def mart_snapshot(self) -> dict[str, list[tuple]]:
        """Every mart, sorted by its key, with floats rounded: for equality checks."""
        snap = {}
        for mart, key in MARTS.items():
            columns = f"* exclude ({WALL_CLOCK[mart]})" if mart in WALL_CLOCK else "*"
            rows = self.query(f"select {columns} from marts.{mart} order by {', '.join(key)}")
            snap[mart] = [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]
        return snap


def release_duckdb() -> None:
    """dbt-duckdb keeps its database open in-process after an invocation; close it so the
    test can read the file (DuckDB refuses a second handle with another configuration)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()


def describe_failures(result) -> str:
    if result.exception is not None:
        return repr(result.exception)
    messages = []
    for r in result.result or []:
        if getattr(r, "status", None) in ("error", "fail"):
            messages.append(f"{r.node.name}: {r.message}")
    return "; ".join(messages) or "unknown failure"


def failure_messages(result) -> str:
    """All error/failure messages of a dbt result, joined."""
    parts = []
    if result.exception is not None:
        parts.append(str(result.exception))
    for r in result.result or []:
        if getattr(r, "status", None) in ("error", "fail") and r.message:
            parts.append(str(r.message))
    return "\n".join(parts)


# Test files, longest first, by their summed time in a CI-style run (2026-12-01, --durations=0).
# pytest-xdist's loadfile hands files out in collection order (make test turns off its own
# reorder, which puts files with few tests, such as the property test, last), so the two workers
# finish close together instead of one running a long file alone at the end.
LONGEST_FIRST = ["test_operations.py", "test_incremental_property.py", "test_consumer_outputs.py",
                 "test_scoring_features.py", "test_loader_edges.py", "test_bpic2012.py", "test_source_adapters.py",
                 "test_behavior_sums.py", "test_outcomes.py", "test_seed_validation.py", "test_demo_invariants.py",
                 "test_dashboard_apptest.py", "test_crm_sync.py", "test_exposure.py"]


def pytest_collection_modifyitems(items) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file keeps its order


@pytest.fixture(scope="session", autouse=True)
def parse_cache(tmp_path_factory) -> None:
    """The worker's parse cache lives in its pytest temp directory, removed like the others."""
    ParseCache.directory = tmp_path_factory.mktemp("parse_cache")


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path / "project")
