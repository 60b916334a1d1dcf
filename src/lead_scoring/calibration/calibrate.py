"""Calibrate rule points from outcomes and write candidate rule seeds in the contract's format.

    lead-scoring calibrate --as-of "2026-05-31 00:00:00" [--model b2b_general] [--rules seeds]
                           [--out calibration] [--model-id calibrated] [--max-rules 40] [--folds 5]

1. Copies the warehouse's raw tables ($LEAD_SCORING_DB, or --db) into a scratch database, so
   nothing is published, and builds the project there at --as-of (a past scoring time: only
   conversions after it count as wins; see docs/calibration.md).
2. Generates candidate rules from the data: every value of a categorical attribute (contact
   column, custom field, account.<column>) with enough support, quantile thresholds of numeric
   attributes, missing values, and event counts per type in 7/30/90-day and all-time windows
   (capped at 1, 3 and 10 events).
3. Scores every candidate with the project's own SQL (one scratch build, each candidate worth
   one point), so the features the fit sees are exactly what the rules will compute.
4. Fits an L1-regularised logistic regression, choosing its strength by stratified k-fold CV
   AUC of the final integer points, keeps at most --max-rules rules, refits them, and scales the
   coefficients to integer points (var points_to_double_odds points double the odds).
5. Writes all the rule seeds for the new model into --out, with bands that keep the current
   model's band sizes, and prints a report: CV AUC of the candidate against the current model,
   then a backtest of both on the same history (`lead-scoring backtest`).
"""
from __future__ import annotations

import math
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np

from lead_scoring import config
from lead_scoring.building.scratch import ScratchBuild, merge_seeds, read_seeds, write_seeds
from lead_scoring.commands import CONTEXT, Refused, run
from lead_scoring.config import MARTS_SCHEMA
from lead_scoring.progress import progress

CANDIDATE_MODEL = "calibration_candidates"
# Contact and account columns that identify, name or time a record: never scoring attributes.
NOT_ATTRIBUTES = {"contact_id", "account_id", "email", "first_name", "last_name", "owner_id", "created_at",
                  "updated_at", "loaded_at", "rejection_reason", "raw_values", "version_rank", "name", "domain"}
WINDOWS = [7, 30, 90, None]
CAPS = [1, 3, 10]
C_GRID = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
NUMERIC_MIN_DISTINCT = 12
QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


@dataclass
class Features:
    contact_ids: list[str]
    rules: list[dict]
    X: np.ndarray
    y: np.ndarray


# ------------------------------------------------------------------------------ candidates
def number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else format(x, ".10g")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40]


def attribute_sources(con) -> dict[str, str]:
    """attribute name -> SQL giving (contact_id, v: trimmed lower-cased text, x: number or NULL)."""
    def columns(table: str) -> list[str]:
        return [r[0] for r in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'staging' and table_name = ? "
            "order by column_index", [table]).fetchall()]

    sources = {}
    for col in columns("stg_raw__contacts"):
        if col not in NOT_ATTRIBUTES:
            sources[col] = (f'select contact_id, nullif(lower(trim(cast("{col}" as varchar))), \'\') as v, '
                            f'try_cast("{col}" as double) as x from staging.stg_raw__contacts')
    for (name,) in con.execute("select distinct attribute from staging.stg_raw__contact_attributes "
                               "order by attribute").fetchall():
        if name not in sources:
            quoted = name.replace("'", "''")
            sources[name] = ("select contact_id, nullif(lower(trim(value)), '') as v, try_cast(value as double) as x "
                             f"from staging.stg_raw__contact_attributes where attribute = '{quoted}'")
    for col in columns("stg_raw__accounts"):
        if col not in NOT_ATTRIBUTES:
            sources[f"account.{col}"] = (
                f'select c.contact_id, nullif(lower(trim(cast(a."{col}" as varchar))), \'\') as v, '
                f'try_cast(a."{col}" as double) as x from staging.stg_raw__contacts c '
                f'join staging.stg_raw__accounts a on c.account_id = a.account_id')
    return sources


def attribute_rules(con, min_support: int, exclude: set[str]) -> list[dict]:
    """Attribute candidates (missing values, values, decile thresholds of numeric attributes) with
    enough support among the leads in the temp table `evaluated`."""
    n = con.execute("select count(*) from evaluated").fetchone()[0]
    rules: list[dict] = []

    def supported(count: int) -> bool:
        return min_support <= count <= n - min_support

    for attribute, sql in attribute_sources(con).items():
        if attribute in exclude:
            continue
        con.execute(f"create or replace temp table a as select e.contact_id, s.v, s.x from evaluated e "
                    f"left join ({sql}) s using (contact_id)")
        nulls, distinct, numeric = con.execute(
            "select count(*) filter (where v is null), count(distinct v), "
            "count(*) filter (where v is not null and x is null) = 0 from a").fetchone()
        if supported(nulls):
            rules.append({"attribute": attribute, "operator": "is_null", "value": None,
                          "description": f"{attribute} is missing"})
        if numeric and distinct >= NUMERIC_MIN_DISTINCT:
            qs = con.execute(f"select quantile_disc(x, {QUANTILES}) from a where x is not null").fetchone()[0]
            for q in sorted(set(qs)):
                count = con.execute("select count(*) from a where x >= ?", [q]).fetchone()[0]
                if supported(count):
                    rules.append({"attribute": attribute, "operator": "gte", "value": number_text(q),
                                  "description": f"{attribute} at least {number_text(q)}"})
        else:
            for value, count in con.execute("select v, count(*) from a where v is not null group by v "
                                            "order by count(*) desc, v").fetchall():
                if supported(count):
                    rules.append({"attribute": attribute, "operator": "equals", "value": value,
                                  "description": f"{attribute} is '{value}'"})
    return rules


def candidate_rules(con, as_of: str, min_support: int, exclude: set[str]) -> list[dict]:
    """Candidate rules (one point each) with enough support among the evaluated leads."""
    con.execute("create or replace temp table evaluated as "
                "select contact_id, is_won from intermediate.int_lead_outcomes where is_evaluated")
    rules = attribute_rules(con, min_support, exclude)
    events = con.execute(
        "select i.event_type, count(distinct i.contact_id) from staging.stg_raw__interactions i "
        "join evaluated e using (contact_id) where i.occurred_at <= cast(? as timestamp) "
        "group by i.event_type order by i.event_type", [as_of]).fetchall()
    for event_type, contacts in events:
        if contacts < min_support:
            continue
        for window in WINDOWS:
            for cap in CAPS:
                span = f"in {window} days" if window else "ever"
                rules.append({"event_type": event_type, "lookback_days": window, "max_points": cap,
                              "description": f"{event_type} events {span} (counted up to {cap})"})
    for i, rule in enumerate(rules, start=1):
        subject = rule.get("attribute") or rule["event_type"]
        detail = rule.get("value") or rule.get("operator") or f"{rule.get('lookback_days') or 'all'}_{rule['max_points']}"
        rule["rule_id"] = f"cal_{i:04d}_{slug(subject + '_' + str(detail))}"
    return rules


def candidate_seeds(rules: list[dict]) -> dict[str, list[dict]]:
    """The candidates as one model worth one point per rule (caps count events)."""
    attribute, behavior = [], []
    for r in rules:
        if "attribute" in r:
            attribute.append({"model_id": CANDIDATE_MODEL, "rule_id": r["rule_id"], "attribute": r["attribute"],
                              "operator": r["operator"], "value": r["value"], "points": 1,
                              "description": r["description"], "is_active": True})
        else:
            behavior.append({"model_id": CANDIDATE_MODEL, "rule_id": r["rule_id"], "event_type": r["event_type"],
                             "points": 1, "max_points": r["max_points"], "lookback_days": r["lookback_days"],
                             "description": r["description"], "is_active": True})
    return {"scoring_models": [{"model_id": CANDIDATE_MODEL, "model_name": "Calibration candidates",
                                "description": "Every candidate rule, one point each", "is_active": True}],
            "attribute_rules": attribute, "behavior_rules": behavior,
            "score_bands": [{"model_id": CANDIDATE_MODEL, "band": "all", "min_score": 0, "is_sales_ready": False}]}


def feature_matrix(con, rules: list[dict]) -> Features:
    """Each evaluated lead's points from each candidate, as the project's SQL computed them."""
    leads = con.execute("select contact_id, is_won from intermediate.int_lead_outcomes where is_evaluated "
                        "order by contact_id").fetchall()
    index = {c: i for i, (c, _) in enumerate(leads)}
    column = {r["rule_id"]: j for j, r in enumerate(rules)}
    X = np.zeros((len(leads), len(rules)))
    rows = con.execute(f"select contact_id, rule_id, points from {MARTS_SCHEMA}.fct_lead_score_contributions "
                       "where model_id = ?", [CANDIDATE_MODEL]).fetchall()
    for contact_id, rule_id, points in rows:
        if contact_id in index:
            X[index[contact_id], column[rule_id]] = points
    y = np.array([1 if won else 0 for _, won in leads])
    return Features([c for c, _ in leads], rules, X, y)


# ------------------------------------------------------------------------------ fitting
def auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(y, score))


def fit_points(X: np.ndarray, y: np.ndarray, C: float, max_rules: int, points_to_double_odds: float) -> np.ndarray:
    """Integer points per feature (0 = rule not kept): L1 selection, refit, scale, round."""
    from sklearn.linear_model import LogisticRegression
    usable = X.std(axis=0) > 0
    points = np.zeros(X.shape[1])
    if not usable.any() or len(set(y)) < 2:
        return points
    cols = np.flatnonzero(usable)
    lasso = LogisticRegression(C=C, l1_ratio=1.0, solver="liblinear", max_iter=5000, random_state=0).fit(X[:, cols], y)
    coef = lasso.coef_[0]
    strength = np.abs(coef) * X[:, cols].std(axis=0)
    keep = [cols[j] for j in np.argsort(-strength)[:max_rules] if coef[j] != 0]
    if not keep:
        return points
    refit = LogisticRegression(C=1.0, max_iter=5000).fit(X[:, keep], y)
    scale = points_to_double_odds / math.log(2)
    points[keep] = np.round(refit.coef_[0] * scale)
    return points


def folds_of(y: np.ndarray, k: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedKFold
    return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


def cross_validate(X, y, C, max_rules, points_to_double_odds, k, seed=0, on_fold=None) -> list[float]:
    """AUC on each held-out fold of integer points fitted on the other folds."""
    out = []
    for train, test in folds_of(y, k, seed):
        points = fit_points(X[train], y[train], C, max_rules, points_to_double_odds)
        out.append(auc(y[test], X[test] @ points))
        if on_fold:
            on_fold()
    return out


def calibrate(X, y, max_rules=40, points_to_double_odds=10.0, k=5, seed=0) -> tuple[np.ndarray, float, dict]:
    """Choose the regularisation by k-fold CV AUC of integer points; fit on all rows."""
    with progress("cross-validation folds", total=len(C_GRID) * k) as bar:
        results = {}
        for C in C_GRID:
            bar.update(description=f"cross-validation folds, C={C}")
            results[C] = cross_validate(X, y, C, max_rules, points_to_double_odds, k, seed, on_fold=bar.advance)
    best = max(C_GRID, key=lambda C: (round(float(np.mean(results[C])), 4), -C))
    return fit_points(X, y, best, max_rules, points_to_double_odds), best, results


# ------------------------------------------------------------------------------ seeds
def band_thresholds(scores: np.ndarray, current_scores: np.ndarray | None,
                    current_bands: list[dict]) -> list[dict]:
    """Bands for the candidate: the current model's bands with the same share of leads each."""
    if not current_bands:
        current_bands = [{"band": "cold", "min_score": 0, "is_sales_ready": "false"},
                         {"band": "warm", "min_score": 1, "is_sales_ready": "false"},
                         {"band": "hot", "min_score": 2, "is_sales_ready": "false"},
                         {"band": "sales_ready", "min_score": 3, "is_sales_ready": "true"}]
        shares = [0.5, 0.3, 0.15, 0.05]
    else:
        current_bands = sorted(current_bands, key=lambda b: float(b["min_score"]))
        mins = [float(b["min_score"]) for b in current_bands] + [math.inf]
        shares = [float(np.mean((current_scores >= lo) & (current_scores < hi))) if i else
                  float(np.mean(current_scores < hi)) for i, (lo, hi) in enumerate(zip(mins, mins[1:]))]
    out, cumulative, previous = [], 0.0, None
    for i, band in enumerate(current_bands):
        if i == 0:
            threshold = float(min(0.0, np.floor(scores.min()))) if len(scores) else 0.0
        else:
            threshold = float(np.ceil(np.quantile(scores, min(cumulative, 1.0)))) if len(scores) else float(i)
        if previous is not None and threshold <= previous:
            threshold = previous + 1
        out.append({"band": band["band"], "min_score": threshold,
                    "is_sales_ready": str(band.get("is_sales_ready", "false")).strip().lower() == "true"})
        cumulative += shares[i]
        previous = threshold
    return out


def calibrated_seeds(rules: list[dict], points: np.ndarray, model_id: str, bands: list[dict],
                     description: str) -> dict[str, list[dict]]:
    attribute, behavior = [], []
    for rule, p in zip(rules, points):
        if p == 0:
            continue
        base = {"model_id": model_id, "rule_id": rule["rule_id"], "points": int(p),
                "description": rule["description"], "is_active": True}
        if "attribute" in rule:
            attribute.append({**base, "attribute": rule["attribute"], "operator": rule["operator"],
                              "value": rule["value"]})
        else:
            behavior.append({**base, "event_type": rule["event_type"], "lookback_days": rule["lookback_days"],
                             "max_points": None if rule["max_points"] is None else abs(int(p)) * rule["max_points"]})
    return {"scoring_models": [{"model_id": model_id, "model_name": "Calibrated from outcomes",
                                "description": description, "is_active": True}],
            "attribute_rules": attribute, "behavior_rules": behavior, "absence_rules": [],
            "score_bands": [{"model_id": model_id, **b} for b in bands], "routing_rules": []}


def only_model(seeds: dict[str, list[dict]], model_id: str) -> dict[str, list[dict]]:
    return {name: [r for r in rows if r.get("model_id") == model_id] for name, rows in seeds.items()}


# ------------------------------------------------------------------------------ command
@click.command("calibrate", context_settings=CONTEXT)
@click.option("--as-of", required=True, help="Past scoring time; wins after it are the outcome.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Warehouse whose raw tables are copied (default: the configured database).")
@click.option("--rules", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Current rule seeds, a directory (default: the project's seeds/).")
@click.option("--model", help="Current model to compare with and take band sizes from.")
@click.option("--model-id", default="calibrated", show_default=True, help="model_id of the written candidate.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the candidate's rule seeds go (default: <project>/calibration).")
@click.option("--max-rules", type=click.IntRange(min=1), default=40, show_default=True)
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True)
@click.option("--min-support", type=click.IntRange(min=1), default=30, show_default=True,
              help="Leads a candidate must match (and miss).")
@click.option("--points-to-double-odds", type=float, default=10.0, show_default=True)
@click.option("--exclude-attribute", multiple=True,
              help="Attribute never to use (e.g. one filled in after the outcome); repeatable.")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path), help="Scratch directory (default: a temporary one).")
@click.option("--no-backtest", is_flag=True, help="Skip the backtest against the current model.")
def calibrate_command(as_of: str, db: Path | None, rules: Path | None, model: str | None, model_id: str,
                      out: Path | None, max_rules: int, folds: int, min_support: int, points_to_double_odds: float,
                      exclude_attribute: tuple[str, ...], work: Path | None, no_backtest: bool) -> None:
    """Calibrate rule points from outcomes on a scratch copy of the warehouse (nothing is
    published) and write a candidate model's rule seeds, with a cross-validated report.

    Example: lead-scoring calibrate --as-of "2026-05-31 00:00:00" --model b2b_general --out target/calibration
    """
    db = db or config.database_path()
    rules_dir = rules or config.project_dir() / "seeds"
    out = out or config.project_dir() / "calibration"
    if not rules_dir.is_dir():
        raise Refused(f"--rules {rules_dir} is not a directory", 2)
    run_calibration(as_of, db, rules_dir, model, model_id, out, max_rules, folds, min_support,
                    points_to_double_odds, list(exclude_attribute), work, no_backtest)


def run_calibration(as_of, db, rules_dir, model, model_id, out, max_rules, folds, min_support,
                    points_to_double_odds, exclude_attribute, work, no_backtest) -> None:
    work = work or Path(tempfile.mkdtemp(prefix="lead_scoring_calibrate_"))
    current = read_seeds(rules_dir)
    if model and model not in {r["model_id"] for r in current["scoring_models"]}:
        raise Refused(f"model {model!r} is not in {rules_dir}/scoring_models.csv")
    current = only_model(current, model) if model else None
    scratch = ScratchBuild(db, work)
    print(f"calibrate: scratch build in {work} (nothing is published)", flush=True)
    scratch.build({}, as_of, select=["int_lead_outcomes", "stg_raw__contact_attributes", "stg_raw__accounts",
                                     "stg_raw__interactions"])
    with scratch.connect() as con:
        rules = candidate_rules(con, as_of, min_support, set(exclude_attribute))
    if not rules:
        raise Refused("no candidate rule has enough support; lower --min-support")
    print(f"calibrate: {len(rules)} candidate rules; scoring them with the project's SQL", flush=True)
    scratch.build(merge_seeds(*(s for s in [current, candidate_seeds(rules)] if s)), as_of)
    with scratch.connect() as con:
        features = feature_matrix(con, rules)
        current_scores = None
        if model:
            by_contact = dict(con.execute(f"select contact_id, score from {MARTS_SCHEMA}.fct_lead_scores where model_id = ?",
                                          [model]).fetchall())
            current_scores = np.array([by_contact[c] for c in features.contact_ids])
    X, y = features.X, features.y
    if len(set(y)) < 2:
        raise Refused(f"the {len(y)} evaluated leads at {as_of} are all "
                      f"{'won' if y.any() else 'not won'}; choose an earlier --as-of")
    points, C, results = calibrate(X, y, max_rules, points_to_double_odds, folds)
    cv = results[C]
    scores = X @ points
    bands = band_thresholds(scores, current_scores, current["score_bands"] if current else [])
    description = (f"Calibrated on outcomes after {as_of}: {int((points != 0).sum())} rules, "
                   f"{folds}-fold CV AUC {np.mean(cv):.3f}")
    seeds = calibrated_seeds(rules, points, model_id, bands, description)
    write_seeds(out, seeds)

    print()
    print(f"Calibration at as_of {as_of}: {len(y):,} evaluated leads, {int(y.sum()):,} won after it, "
          f"{len(rules)} candidates")
    print(f"chosen L1 strength C={C}; {int((points != 0).sum())} rules (max {max_rules})")
    print(f"{'':<34}{'AUC':>8}")
    if current_scores is not None:
        print(f"{'current model ' + model:<34}{auc(y, current_scores):>8.3f}")
    print(f"{'candidate, ' + str(folds) + '-fold CV (mean)':<34}{np.mean(cv):>8.3f}   folds: "
          + " ".join(f"{a:.3f}" for a in cv))
    print(f"{'candidate, in-sample':<34}{auc(y, scores):>8.3f}")
    print(f"wrote {out}/ (rule seeds, model_id {model_id}); try it with lead-scoring backtest "
          f"--candidate {out} --as-of '{as_of}'" + (f" --model {model}" if model else ""))
    if not no_backtest:
        from lead_scoring.calibration.backtest import backtest_report

        print()
        print(backtest_report(scratch, current, seeds, model, model_id, as_of))


def main(argv: list[str] | None = None) -> int:
    """The old scripts/calibrate.py entry point."""
    return run(calibrate_command, argv, "calibrate")
