#!/usr/bin/env python3
"""Behaviour scoring on a real event log: the BPI Challenge 2012 study (docs/calibration.md).

    scripts/bpic2012_study.py [--work target/bpic2012] [--folds 5] [--max-rules 40]
    lead-scoring study bpic2012          (the same)

1. Imports ../shared/data/bpic2012/BPI_Challenge_2012.xes.gz (lead_scoring.loading.xes) and loads it
   with `lead-scoring load`: 13,087 applications (leads), their events, their outcomes. The
   loaded database is cached in <work> (--reimport to redo).
2. Time-honest evaluation at AS_OF_TIMES: at each time the population is the applications
   created by then with no outcome yet (var exclude_lost_before_as_of); a win is an approval
   after it. One lead open at several times gives one row per time.
3. Generates behaviour candidates (calibration/calibrate_behavior.py) and computes them in numpy at
   every time, once per candidate half-life (python_features: the contract's words, tested equal
   to the SQL; no scratch build per time).
4. Splits the leads into --folds folds grouped by lead (stratified). For each fold, chooses the
   half-life and L1 strength by an inner grouped CV on the other folds and fits integer points
   there (model b12_fold_<k>); b12_calibrated is fitted on all rows (the deliverable rules,
   written to <work>/calibrated_rules/).
5. Builds the project once per time with the fold models, b12_calibrated and the hand-written
   rules (examples/bpic2012/rules), checks that the SQL scores equal the fitted points and that
   the fitted rows and labels are int_lead_outcomes' evaluated leads, and measures out-of-fold
   ROC AUC per time and pooled, next to a logistic regression and gradient boosting on the same
   candidate features, folds and times. The report ends with the time of each phase.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from lead_scoring import PROJECT_DIR as REPO
from lead_scoring.building.scratch import ScratchBuild, merge_seeds, read_seeds, write_seeds
from lead_scoring.calibration import calibrate as cal
from lead_scoring.calibration import calibrate_behavior as cb
from lead_scoring.loading import raw_schema

AS_OF_TIMES = ["2011-11-15 00:00:00", "2011-12-15 00:00:00", "2012-01-15 00:00:00", "2012-02-15 00:00:00"]
HALF_LIVES = [None, 14.0, 45.0]
HAND_RULES = REPO / "examples" / "bpic2012" / "rules"
HAND_MODEL = "b12_hand"
FINAL_MODEL = "b12_calibrated"
CANDIDATES = "b12_cand"
NO_RESPONSE_PAIRS = [("o_sent_complete", "o_sent_back_complete"), ("a_preaccepted_complete", "a_accepted_complete"),
                     ("a_accepted_complete", "o_sent_complete")]
# the funnel's other waits: validation scheduled but not started, completion not accepted, a
# missing-documents call not followed by validation, follow-up calls without the offer back
MORE_NO_RESPONSE_PAIRS = [("w_valideren_aanvraag_schedule", "w_valideren_aanvraag_start"),
                          ("w_completeren_aanvraag_schedule", "a_accepted_complete"),
                          ("w_nabellen_incomplete_dossiers_schedule", "w_valideren_aanvraag_start"),
                          ("w_nabellen_offertes_start", "o_sent_back_complete")]
VARS = {"exclude_lost_before_as_of": True}
# what the study reads (and their parents, with the tests of what is built): the history, CRM
# and account marts and the other reports are left out
SELECT_SCORING = ["fct_lead_scores", "int_lead_outcomes", "rpt_score_band_conversion"]
SELECT_STAGING = ["int_lead_outcomes", "stg_raw__contact_attributes", "stg_raw__accounts", "stg_raw__interactions"]


DEFAULT_XES = REPO.parent / "shared" / "data" / "bpic2012" / "BPI_Challenge_2012.xes.gz"
# The calibrated models' bands hold about the shares of leads the hand-written bands hold
# (pooled over the times: cold 30%, warm 55%, hot 15%), so the band reports compare like with like.
BAND_SHARES = [0.30, 0.55, 0.15]


def bands_by_share(scores: np.ndarray, hand_bands: list[dict], shares: list[float] = BAND_SHARES) -> list[dict]:
    """The hand-written bands' names and sales-ready flags, thresholds at the scores' quantiles."""
    bands = sorted(hand_bands, key=lambda b: float(b["min_score"]))
    out, cumulative, previous = [], 0.0, None
    for i, (band, share) in enumerate(zip(bands, shares)):
        lo = float(min(0.0, np.floor(scores.min()))) if i == 0 else float(np.ceil(np.quantile(scores, cumulative)))
        if previous is not None and lo <= previous:
            lo = previous + 1
        out.append({"band": band["band"], "min_score": lo,
                    "is_sales_ready": str(band.get("is_sales_ready", "false")).strip().lower() == "true"})
        cumulative, previous = cumulative + share, lo
    return out


def fold_model(k: int) -> str:
    return f"b12_fold_{k}"


def log(message: str) -> None:
    print(f"bpic2012: {message}", flush=True)


def auc_or_none(y, s):
    return cal.auc(y, s) if 0 < y.sum() < len(y) else float("nan")


def ml_oof(X: np.ndarray, y: np.ndarray, folds, kind: str) -> np.ndarray:
    """Out-of-fold probabilities of a logistic regression or gradient boosting on the same folds."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    out = np.zeros(len(y))
    for train, test in folds:
        if kind == "lr":
            model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=5000))
        else:
            model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.03, max_leaf_nodes=15,
                                                   min_samples_leaf=40, random_state=0)
        out[test] = model.fit(X[train], y[train]).predict_proba(X[test])[:, 1]
    return out


def import_log(args, work: Path) -> Path:
    """Import and load the log once: the loaded database is kept (keyed by the log's path, size
    and time and the importer's and loader's code) and copied, so reruns skip the XML."""
    import shutil
    xes = args.xes or DEFAULT_XES
    stat = xes.stat()
    import hashlib
    # keyed by the code that writes the cache: the importer, the loader and the raw schema
    loading = Path(raw_schema.__file__).parent
    code = hashlib.sha256(b"".join(path.read_bytes() for path in (
        loading / "xes.py", loading / "loader.py", loading / "raw_schema.py", raw_schema.SOURCES_YML)))
    key = f"{xes.resolve()} {stat.st_size} {stat.st_mtime_ns} {code.hexdigest()}"
    raw_dir, cache, db = work / "raw", work / "loaded.duckdb", work / "bpic2012.duckdb"
    stamp = work / "loaded.key"
    if args.reimport or not cache.exists() or not stamp.exists() or stamp.read_text() != key:
        for path in [cache, Path(str(cache) + ".wal")]:
            path.unlink(missing_ok=True)
        py = sys.executable
        subprocess.run([py, "-m", "lead_scoring.loading.xes", "--out", str(raw_dir), "--xes", str(xes)],
                       check=True)
        subprocess.run([py, "-m", "lead_scoring", "load", str(raw_dir), "--db", str(cache),
                        "--loaded-at", "2012-03-15 00:00:00"], check=True, stdout=subprocess.DEVNULL)
        stamp.write_text(key)
    else:
        log(f"import: reusing {cache} (--reimport to redo)")
    for path in [db, Path(str(db) + ".wal")]:
        path.unlink(missing_ok=True)
    shutil.copyfile(cache, db)
    return db


def run(args) -> str:
    started = time.perf_counter()
    phases = {}
    clock = [time.perf_counter()]

    def phase(name: str) -> None:
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - clock[0]
        clock[0] = now
        log(f"{name}: {now - started:.0f} s so far")

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    db = import_log(args, work)
    phase("import and load")

    hand = read_seeds(HAND_RULES)
    scratch = ScratchBuild(db, work / "scratch")
    scratch.build({}, AS_OF_TIMES[-1], select=SELECT_STAGING, extra_vars=VARS)
    phase("staging build")
    with scratch.connect() as con:
        rules = cb.behavior_candidates(con, AS_OF_TIMES, args.min_support, NO_RESPONSE_PAIRS)
        rules += cb.attribute_candidates(con, AS_OF_TIMES, args.min_support, set())
        rules = cb.name_rules(rules)
        ids, times, y = cb.open_rows(con, AS_OF_TIMES)
        Xs = cb.python_features(con, rules, ids, times, HALF_LIVES)
    for t in AS_OF_TIMES:
        m = times == t
        log(f"as_of {t}: {int(m.sum()):,} open leads, {int(y[m].sum()):,} approved later")
    log(f"{len(rules)} candidate rules x {len(HALF_LIVES)} half-lives")
    phase("candidate features")
    # the scored candidates, for analysis without rebuilding
    np.savez_compressed(work / "candidates.npz", ids=ids, times=times, y=y,
                        **{f"X_{h or 'none'}": X for h, X in Xs.items()})
    (work / "candidates.json").write_text(json.dumps(rules, indent=1))

    folds = cb.grouped_folds(y, ids, args.folds, seed=args.seed)
    fits, fold_seeds = [], []
    for k, (train, _) in enumerate(folds, start=1):
        fit = cb.choose_and_fit({h: X[train] for h, X in Xs.items()}, y[train], ids[train], args.max_rules,
                                args.points_to_double_odds, args.folds, seed=args.seed)
        fits.append(fit)
        log(f"fold {k}: {int((fit.points != 0).sum())} rules, half-life {fit.half_life}, C={fit.C}")
    final = cb.choose_and_fit(Xs, y, ids, args.max_rules, args.points_to_double_odds, args.folds, seed=args.seed)
    log(f"final: {int((final.points != 0).sum())} rules, half-life {final.half_life}, C={final.C}")
    phase("fitting (nested CV)")

    # score everything with the project's SQL at every time: one build per time
    sql = {}  # (model_id, time, contact_id) -> score
    outcomes = {}  # (time, contact_id) -> is_won as int_lead_outcomes evaluates it
    band_rows = []

    def scored_models(models: dict) -> None:
        for t in AS_OF_TIMES:
            scratch.build(merge_seeds(*models.values()), t, select=SELECT_SCORING, extra_vars=VARS)
            with scratch.connect() as con:
                for model_id, contact_id, score in con.execute(
                        "select model_id, contact_id, score from marts.fct_lead_scores").fetchall():
                    sql[(model_id, t, contact_id)] = score
                for contact_id, won in con.execute("select contact_id, is_won from intermediate.int_lead_outcomes "
                                                   "where is_evaluated").fetchall():
                    outcomes[(t, contact_id)] = int(won)
                band_rows.extend((t, *r) for r in con.execute(
                    "select model_id, band, min_score, leads, won, conversion_rate from "
                    "marts.rpt_score_band_conversion where model_id in (?, ?) order by model_id, min_score",
                    [HAND_MODEL, FINAL_MODEL]).fetchall())

    fold_seeds = []
    for k, ((train, _), fit) in enumerate(zip(folds, fits), start=1):
        bands = bands_by_share(Xs[fit.half_life][train] @ fit.points, hand["score_bands"])
        fold_seeds.append(cb.model_seeds(rules, fit.points, fold_model(k), fit.half_life, bands,
                                         f"BPIC 2012 fold {k}", f"Calibrated without fold {k} (C={fit.C})"))
    final_scores = Xs[final.half_life] @ final.points
    full = cb.model_seeds(rules, final.points, FINAL_MODEL, final.half_life,
                          bands_by_share(final_scores, hand["score_bands"]), "Calibrated BPIC 2012 score",
                          f"Calibrated on {len(y)} (lead, time) rows at {len(AS_OF_TIMES)} times (C={final.C})")
    write_seeds(work / "calibrated_rules", full)
    scored_models({"hand": hand, "final": full, **{f"fold{k}": s for k, s in enumerate(fold_seeds, start=1)}})
    phase(f"SQL scoring ({len(AS_OF_TIMES)} builds)")
    # the rows and labels computed for the fit are the warehouse's own
    if sorted(outcomes) != sorted(zip(times, ids)) or any(outcomes[(t, c)] != w for t, c, w in zip(times, ids, y)):
        raise SystemExit("bpic2012: the fitted rows differ from int_lead_outcomes' evaluated leads")
    hand_score = np.array([sql[(HAND_MODEL, t, c)] for t, c in zip(times, ids)])
    oof, gaps = np.zeros(len(y)), []
    fold_of = np.zeros(len(y), dtype=int)
    for k, ((_, test), fit) in enumerate(zip(folds, fits), start=1):
        fold_of[test] = k
        X = Xs[fit.half_life]
        got = np.array([sql[(fold_model(k), t, c)] for t, c in zip(times, ids)])
        gaps.append(cb.check_equal(got, X, fit.points, f"fold {k}"))
        oof[test] = got[test]
    got = np.array([sql[(FINAL_MODEL, t, c)] for t, c in zip(times, ids)])
    gaps.append(cb.check_equal(got, Xs[final.half_life], final.points, FINAL_MODEL))
    final_sql = got

    X0 = Xs[None]
    lr, gbm = ml_oof(X0, y, folds, "lr"), ml_oof(X0, y, folds, "gbm")
    phase("comparison models")
    methods = [(f"hand-written rules ({HAND_MODEL}, {sum(len(hand[s]) for s in ('attribute_rules', 'behavior_rules', 'absence_rules'))} rules, SQL)", hand_score),
               (f"calibrated integer rules, out of fold (<= {args.max_rules} rules, SQL)", oof),
               ("logistic regression (L2, same candidates, out of fold)", lr),
               ("HistGradientBoostingClassifier (same candidates, out of fold)", gbm),
               (f"{FINAL_MODEL} in-sample (SQL; optimistic)", final_sql)]
    header = "| method | pooled | " + " | ".join(t[:10] for t in AS_OF_TIMES) + " |"
    table = [header, "|---|" + "---:|" * (1 + len(AS_OF_TIMES))]
    for name, s in methods:
        per = [auc_or_none(y[times == t], s[times == t]) for t in AS_OF_TIMES]
        table.append(f"| {name} | {cal.auc(y, s):.4f} | " + " | ".join(f"{a:.4f}" for a in per) + " |")
    pop = ["| as_of | open leads | approved later | rate |", "|---|---:|---:|---:|"]
    for t in AS_OF_TIMES:
        m = times == t
        pop.append(f"| {t[:10]} | {int(m.sum()):,} | {int(y[m].sum()):,} | {y[m].mean():.1%} |")
    fold_lines = ["| fold | held-out rows | leads | rules | half-life (days) | C | AUC |", "|---:|---:|---:|---:|---|---:|---:|"]
    for k, ((_, test), fit) in enumerate(zip(folds, fits), start=1):
        fold_lines.append(f"| {k} | {len(test):,} | {len(set(ids[test])):,} | {int((fit.points != 0).sum())} | "
                          f"{fit.half_life or 'none'} | {fit.C} | {cal.auc(y[test], oof[test]):.4f} |")
    kept = [(r, int(p)) for r, p in zip(rules, final.points) if p != 0]
    kept.sort(key=lambda rp: -abs(rp[1]))
    rule_lines = ["| rule | kind | points | what |", "|---|---|---:|---|"]
    for r, p in kept:
        rule_lines.append(f"| {r['rule_id']} | {r['kind'] if r['kind'] != 'absence' else r['rule_kind']} | {p:+d} | "
                          f"{r['description']} |")
    cv_lines = ["| half-life | " + " | ".join(f"C={c}" for c in cb.C_GRID) + " |", "|---|" + "---:|" * len(cb.C_GRID)]
    for h in HALF_LIVES:
        cv_lines.append(f"| {h or 'none'} | " + " | ".join(f"{final.cv_auc[(h, c)]:.4f}" for c in cb.C_GRID) + " |")
    band_lines = ["| as_of | model | band | min_score | leads | approved | rate |", "|---|---|---|---:|---:|---:|---:|"]
    band_lines += [f"| {t[:10]} | {m} | {b} | {s:g} | {n:,} | {w:,} | {'' if r is None else f'{r:.1%}'} |"
                   for t, m, b, s, n, w, r in band_rows]
    elapsed = time.perf_counter() - started
    cpu = sum(__import__("os").times()[:4])   # this process and the dbt builds it waited for
    timing = ["| phase | seconds |", "|---|---:|", *[f"| {k} | {v:.0f} |" for k, v in phases.items()],
              f"| total (wall) | {elapsed:.0f} |", f"| CPU time (study and its dbt builds) | {cpu:.0f} |"]
    try:
        load = " (load average %.1f, %.1f, %.1f)" % __import__("os").getloadavg()
    except OSError:
        load = ""
    lines = [
        f"BPI Challenge 2012: {len(set(ids)):,} distinct open leads, {len(y):,} (lead, time) rows at "
        f"{len(AS_OF_TIMES)} times, {int(y.sum()):,} approved after their time; {len(rules)} candidate rules.",
        "",
        f"**Pooled out-of-fold ROC AUC of the calibrated integer rules, scored by the project's SQL: "
        f"{cal.auc(y, oof):.4f}**; per time: "
        + ", ".join(f"{t[:10]} {auc_or_none(y[times == t], oof[times == t]):.4f}" for t in AS_OF_TIMES) + ".",
        "",
        "Population (open at as_of: created before it, no outcome yet; win = approval after it):", "", *pop, "",
        f"ROC AUC, {args.folds} folds grouped by lead (the same folds for every method):", "", *table, "",
        "Folds (each fold's half-life and C chosen by an inner grouped CV on the other folds):", "", *fold_lines, "",
        f"Inner CV AUC of the final fit per half-life and C (chosen: half-life {final.half_life or 'none'}, "
        f"C={final.C}):", "", *cv_lines, "",
        f"{FINAL_MODEL}: {len(kept)} rules (half-life {final.half_life or 'none'} days):", "", *rule_lines, "",
        "Conversion by band (marts.rpt_score_band_conversion at each as_of; b12_calibrated in-sample):", "",
        *band_lines, "",
        f"The SQL scores of every fold model and of {FINAL_MODEL} at every time equal the fitted points "
        f"(each rule's contribution to the published 6 decimals): largest gap {max(gaps):.1e}.",
        "",
        f"Rules: {work / 'calibrated_rules'} (contract seed format). Run took {elapsed:.0f} s{load}:", "",
        *timing,
    ]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", type=Path, default=REPO / "target" / "bpic2012")
    p.add_argument("--xes", type=Path, help="the log (default: ../shared/data/bpic2012/BPI_Challenge_2012.xes.gz)")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--max-rules", type=int, default=40)
    p.add_argument("--min-support", type=int, default=30)
    p.add_argument("--points-to-double-odds", type=float, default=10.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reimport", action="store_true", help="import the log again even if a loaded copy is cached")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not (args.xes or DEFAULT_XES).exists():
        raise SystemExit(f"bpic2012: {args.xes or DEFAULT_XES} not found")
    if args.xes and not args.xes.exists():
        raise SystemExit(f"bpic2012: {args.xes} not found")
    # one BLAS/OpenMP thread: the fits are small, and spinning threads on a shared machine cost
    # more than they give (a refit took 2.5 s with them, 0.01 s without)
    # the limit reaches only thread pools already loaded: load scikit-learn's OpenMP and scipy's
    # BLAS first (loaded after it, they kept 2 threads: one gradient-boosting fit 62 s, not 6 s)
    import scipy.optimize  # noqa: F401
    import sklearn.ensemble  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits
    with threadpool_limits(1):
        report = run(args)
    (args.work / "report.md").write_text(report + "\n")
    print()
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
