"""Calibrate and score the real X Education leads end to end; print the cross-validated report.

    lead-scoring study x-education [--work target/x_education] [--folds 5] [--max-rules 40]

1. Imports ../shared/data/x_education_leads/Leads.csv (`lead-scoring import x-education`) and
   loads it into a fresh DuckDB file with `lead-scoring load`.
2. Builds the project on a scratch copy at SCORING_AS_OF and generates candidate rules from the
   data (lead_scoring.calibration.calibrate); the project's SQL scores every candidate.
3. Splits the leads into --folds stratified folds. For each fold, calibrates integer-point rules
   on the other folds only (with its own inner CV for the regularisation) and writes them as a
   model 'x_cv_fold_<k>'. Also calibrates 'x_calibrated' on all leads (the deliverable rules,
   written to <work>/calibrated_rules/ in the contract's seed format).
4. Builds the project once more with every fold model, x_calibrated and the hand-written rules
   (examples/x_education/rules), and reads the scores the project's SQL computed: fold k's AUC
   is measured on fold k's leads only, which its rules never saw.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import click
import numpy as np

from lead_scoring import PROJECT_DIR
from lead_scoring.building.scratch import ScratchBuild, merge_seeds, read_seeds, write_seeds
from lead_scoring.calibration import calibrate as cal
from lead_scoring.commands import CONTEXT, Refused, run as run_command
from lead_scoring.loading.x_education import SCORING_AS_OF

HAND_RULES = PROJECT_DIR / "examples" / "x_education" / "rules"
HAND_MODEL = "x_hand"


def fold_model(k: int) -> str:
    return f"x_cv_fold_{k}"


def run(args) -> str:
    started = time.perf_counter()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    raw_dir, db = work / "raw", work / "x_education.duckdb"
    for path in [db, Path(str(db) + ".wal")]:
        path.unlink(missing_ok=True)
    py = sys.executable
    subprocess.run([py, "-m", "lead_scoring", "import", "x-education", "--out", str(raw_dir),
                    *(["--csv", str(args.csv)] if args.csv else [])], check=True)
    subprocess.run([py, "-m", "lead_scoring", "load", str(raw_dir), "--db", str(db),
                    "--loaded-at", SCORING_AS_OF], check=True, stdout=subprocess.DEVNULL)

    hand = read_seeds(HAND_RULES)
    scratch = ScratchBuild(db, work / "scratch")
    scratch.build({}, SCORING_AS_OF, select=["int_lead_outcomes", "stg_raw__contact_attributes",
                                             "stg_raw__accounts", "stg_raw__interactions"])
    with scratch.connect() as con:
        rules = cal.candidate_rules(con, SCORING_AS_OF, args.min_support, set())
    scratch.build(merge_seeds(hand, cal.candidate_seeds(rules)), SCORING_AS_OF)
    with scratch.connect() as con:
        features = cal.feature_matrix(con, rules)
        hand_scores = dict(con.execute("select contact_id, score from marts.fct_lead_scores where model_id = ?",
                                       [HAND_MODEL]).fetchall())
    X, y, ids = features.X, features.y, np.array(features.contact_ids)
    hand_score = np.array([hand_scores[c] for c in ids])
    print(f"x_education: {len(y):,} leads, {int(y.sum()):,} converted, {len(rules)} candidate rules", flush=True)

    fold_seeds, fold_points, folds = [], [], cal.folds_of(y, args.folds, seed=args.seed)
    for k, (train, _) in enumerate(folds, start=1):
        points, C, _ = cal.calibrate(X[train], y[train], args.max_rules, args.points_to_double_odds, args.folds,
                                     seed=args.seed)
        bands = cal.band_thresholds(X[train] @ points, hand_score[train], hand["score_bands"])
        fold_seeds.append(cal.calibrated_seeds(rules, points, fold_model(k), bands,
                                               f"Fold {k} of {args.folds}: calibrated without fold {k} (C={C})"))
        fold_points.append(points)
        print(f"x_education: fold {k}: {int((points != 0).sum())} rules (C={C})", flush=True)
    points, C, results = cal.calibrate(X, y, args.max_rules, args.points_to_double_odds, args.folds, seed=args.seed)
    bands = cal.band_thresholds(X @ points, hand_score, hand["score_bands"])
    full = cal.calibrated_seeds(rules, points, "x_calibrated", bands,
                                f"Calibrated on all {len(y)} X Education leads (C={C})")
    write_seeds(work / "calibrated_rules", full)

    scratch.build(merge_seeds(hand, full, *fold_seeds), SCORING_AS_OF)
    with scratch.connect() as con:
        sql_scores = {}
        for model_id, contact_id, score in con.execute("select model_id, contact_id, score from marts.fct_lead_scores").fetchall():
            sql_scores.setdefault(model_id, {})[contact_id] = score
        perf = {r[0]: r[1:] for r in con.execute(
            "select model_id, roc_auc, top_decile_lift, top_decile_conversion_rate from marts.rpt_model_performance"
        ).fetchall()}
        bands_report = con.execute(
            "select model_id, band, min_score, leads, won, conversion_rate from marts.rpt_score_band_conversion "
            "where model_id in (?, 'x_calibrated') order by model_id, min_score", [HAND_MODEL]).fetchall()
        rules_report = con.execute(
            "select rule_id, description, points, leads_matched, won_rate_with, lift, information_value, "
            "suggested_points from marts.rpt_rule_effectiveness where model_id = ? order by information_value desc",
            [HAND_MODEL]).fetchall()

    rows, cv = [], []
    for k, ((train, test), pts) in enumerate(zip(folds, fold_points), start=1):
        sql = np.array([sql_scores[fold_model(k)][c] for c in ids[test]])
        mismatch = float(np.max(np.abs(sql - X[test] @ pts)))
        if mismatch > 1e-6:
            raise SystemExit(f"fold {k}: the SQL scores differ from the fitted points by up to {mismatch}")
        fold_auc = cal.auc(y[test], sql)
        cv.append(fold_auc)
        rows.append(f"| {k} | {len(test):,} | {int(y[test].sum()):,} | {int((pts != 0).sum())} | {fold_auc:.4f} | "
                    f"{cal.auc(y[test], hand_score[test]):.4f} |")
    n_full = int((points != 0).sum())
    elapsed = time.perf_counter() - started
    lines = [
        f"X Education: {len(y):,} real leads, {int(y.sum()):,} converted ({y.mean():.1%}); "
        f"{len(rules)} candidate rules; scored at {SCORING_AS_OF}, outcomes after it.",
        "",
        f"**{args.folds}-fold cross-validated ROC AUC of the integer-point rules, scored by the project's "
        f"SQL: {np.mean(cv):.4f}** (sd {np.std(cv):.4f}, min {min(cv):.4f}); each fold's rules were "
        f"calibrated on the other {args.folds - 1} folds and are at most {args.max_rules}.",
        "",
        "| fold | held-out leads | converted | rules | AUC, calibrated rules | AUC, hand-written rules |",
        "|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "| model | rules | ROC AUC (all leads, SQL) | top-decile conversion | top-decile lift |",
        "|---|---:|---:|---:|---:|",
        f"| {HAND_MODEL} (hand-written) | {len(hand['attribute_rules'])} | {perf[HAND_MODEL][0]:.4f} | "
        f"{perf[HAND_MODEL][2]:.1%} | {perf[HAND_MODEL][1]:.2f} |",
        f"| x_calibrated (in-sample) | {n_full} | {perf['x_calibrated'][0]:.4f} | {perf['x_calibrated'][2]:.1%} | "
        f"{perf['x_calibrated'][1]:.2f} |",
        "",
        "Conversion by band (rpt_score_band_conversion):",
        "",
        "| model | band | min_score | leads | converted | rate |",
        "|---|---|---:|---:|---:|---:|",
        *(f"| {m} | {b} | {s:g} | {n:,} | {w:,} | {'' if r is None else f'{r:.1%}'} |"
          for m, b, s, n, w, r in bands_report),
        "",
        "Hand-written rules judged by rpt_rule_effectiveness:",
        "",
        "| rule | points | matched | won rate | lift | IV | suggested points |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(f"| {rid} ({d}) | {p:g} | {n:,} | {'' if r is None else f'{r:.1%}'} | "
          f"{'' if l is None else f'{l:.2f}'} | {iv:.3f} | {sp:g} |" for rid, d, p, n, r, l, iv, sp in rules_report),
        "",
        f"x_calibrated rules: {work / 'calibrated_rules'} (contract seed format). Run took {elapsed:.0f} s.",
    ]
    return "\n".join(lines)


@click.command("x-education", context_settings=CONTEXT)
@click.option("--work", type=click.Path(file_okay=False, path_type=Path), default=PROJECT_DIR / "target" / "x_education",
              show_default=True, help="Working directory (raw files, scratch warehouse, report.md, rules).")
@click.option("--csv", type=click.Path(dir_okay=False, path_type=Path),
              help="Leads.csv (default: ../shared/data/x_education_leads/Leads.csv).")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True)
@click.option("--max-rules", type=click.IntRange(min=1), default=40, show_default=True)
@click.option("--min-support", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--points-to-double-odds", type=float, default=10.0, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Fold split seed.")
def x_education_study(**options) -> None:
    """Calibrate and score the real X Education leads end to end and print the cross-validated
    report (also written to WORK/report.md): each fold's rules are measured on leads they never saw.

    Example: lead-scoring study x-education --work target/x_education --folds 5
    """
    args = SimpleNamespace(**options)
    if args.csv is not None and not args.csv.exists():
        raise Refused(f"{args.csv} not found")
    report = run(args)
    (args.work / "report.md").write_text(report + "\n")
    click.echo()
    click.echo(report)


def main(argv: list[str] | None = None) -> int:
    """The old scripts/x_education_study.py entry point."""
    return run_command(x_education_study, argv, "x_education_study")
