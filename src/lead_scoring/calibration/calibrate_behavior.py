"""Calibration of behaviour rules over several scoring times (extends scripts/calibrate.py).

scripts/calibrate.py fits attribute rules and event counts at one `as_of`. Behaviour is about
time, so this module generates candidates of every behaviour option the rule engine has and
judges them at several past scoring times at once:

- thresholds: the n-th event of a type ever (`occurrence_from = occurrence_to = n`, one point
  once), n at the quantiles of the per-lead counts;
- recency windows: an event of a type in the last W days (`lookback_days` W, `max_points` 1),
  and the first event of a type in the last W days (age since first), W at quantiles of the ages;
- counts: every event of a type (capped), and repeats (`within_days_of_previous`);
- absence: `no_activity` (any type, and per type) in N days, `no_response` pairs of the funnel;
- attribute quantiles and values (as scripts/calibrate.py makes them).

Every candidate is a rule of one point, scored at each time once per candidate half-life (a
model's `decay_half_life_days` applies to all its behaviour rules), either by the project's SQL
(score_candidates: a scratch build per time) or in numpy by the contract's words
(python_features, tested equal to the SQL and much faster), so the features the fit sees are
exactly what the written rules compute. The fit (L1 logistic
regression, at most --max-rules rules, integer points) chooses the half-life and the
regularisation by cross-validation grouped by lead: all the rows of one lead (one per scoring
time) sit in the same fold.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lead_scoring.calibration import calibrate as cal

QUANTILES = cal.QUANTILES
COUNT_QUANTILES = [0.25, 0.5, 0.75, 0.9]
REPEAT_DAYS = [1.0]
C_GRID = [0.02, 0.03, 0.05, 0.1]
CONTRIBUTIONS = ["int_attribute_contributions", "int_behavior_contributions", "int_absence_contributions"]


def model_id_for(prefix: str, half_life: float | None) -> str:
    return f"{prefix}_h{'none' if half_life is None else cal.number_text(half_life)}"


def window_days(x: float) -> float:
    """Quantile ages rounded to a readable window: whole days from 2 on, else half days (min 0.5)."""
    return max(0.5, round(x) if x >= 2 else round(x * 2) / 2)


def population_sql(as_of_times: list[str]) -> str:
    """(contact_id, as_of) of the leads open at each time: created by then, no outcome by then.

    Uses no outcome after the time: only support and quantiles come from it.
    """
    times = " union all ".join(f"select cast('{t}' as timestamp) as as_of" for t in as_of_times)
    return (f"select c.contact_id, t.as_of from staging.stg_raw__contacts c cross join ({times}) t "
            "where c.created_at <= t.as_of and not exists (select 1 from staging.stg_raw__conversions v "
            "where v.contact_id = c.contact_id and v.converted_at <= t.as_of)")


def behavior_candidates(con, as_of_times: list[str], min_support: int,
                        no_response_pairs: list[tuple[str, str]] = (),
                        no_response_days: list[float] = (3, 7, 14, 30), extra: bool = False) -> list[dict]:
    """Behaviour and absence candidates from the events of the open leads at the given times."""
    con.execute(f"create or replace temp table pop as {population_sql(as_of_times)}")
    con.execute("""create or replace temp table pev as
        select p.contact_id, p.as_of, i.event_type, i.occurred_at,
               date_diff('millisecond', i.occurred_at, p.as_of) / 86400000.0 as age
        from pop p join staging.stg_raw__interactions i
          on i.contact_id = p.contact_id and i.occurred_at <= p.as_of""")
    rows_total = con.execute("select count(*) from pop").fetchone()[0]
    rules: list[dict] = []

    def supported(count: int) -> bool:
        return min_support <= count <= rows_total - min_support

    per_type = con.execute("""
        select event_type, count(*) as rows_with, quantile_disc(n, ?) as count_q,
               quantile_cont(last_age, ?) as last_q, quantile_cont(first_age, ?) as first_q, max(n) as max_n
        from (select contact_id, as_of, event_type, count(*) as n, min(age) as last_age, max(age) as first_age
              from pev group by all)
        group by event_type order by event_type""", [COUNT_QUANTILES, QUANTILES, QUANTILES]).fetchall()
    for event_type, rows_with, count_q, last_q, first_q, max_n in per_type:
        if not supported(rows_with):
            continue
        rules.append({"kind": "behavior", "event_type": event_type, "occurrence_from": 1, "occurrence_to": 1,
                      "description": f"{event_type} happened"})
        for n in sorted({int(q) for q in count_q if q >= 2}):
            rules.append({"kind": "behavior", "event_type": event_type, "occurrence_from": n, "occurrence_to": n,
                          "description": f"{event_type} at least {n} times"})
        for w in sorted({window_days(q) for q in last_q}):
            rules.append({"kind": "behavior", "event_type": event_type, "lookback_days": w, "max_points": 1,
                          "description": f"{event_type} in the last {cal.number_text(w)} days"})
        for w in sorted({window_days(q) for q in first_q}):
            rules.append({"kind": "behavior", "event_type": event_type, "lookback_days": w, "occurrence_from": 1,
                          "occurrence_to": 1,
                          "description": f"first {event_type} in the last {cal.number_text(w)} days"})
        if max_n >= 3:
            cap = max(3, int(count_q[-1]))
            rules.append({"kind": "behavior", "event_type": event_type, "max_points": cap,
                          "description": f"each {event_type} (up to {cap})"})
            for d in REPEAT_DAYS:
                rules.append({"kind": "behavior", "event_type": event_type, "within_days_of_previous": d,
                              "max_points": cap, "description": f"each {event_type} within "
                              f"{cal.number_text(d)} days of the previous one (up to {cap})"})
        if extra:
            # silence of one type: no event of it in N days (N at quartiles of the time since its last)
            for w in sorted({window_days(q) for q in last_q[1::2]}):
                rules.append({"kind": "absence", "rule_kind": "no_activity", "event_type": event_type,
                              "within_days": w, "description": f"no {event_type} in {cal.number_text(w)} days"})
            if max_n >= 3:
                # recent counts: each event of the type in the last W days, capped
                cap = max(3, int(count_q[-1]))
                for w in sorted({window_days(q) for q in last_q[1::2]}):
                    rules.append({"kind": "behavior", "event_type": event_type, "lookback_days": w, "max_points": cap,
                                  "description": f"each {event_type} in the last {cal.number_text(w)} days "
                                                 f"(up to {cap})"})
                # repeats: each event from the n-th on (n at the median count), capped
                n = max(2, int(count_q[1]))
                rules.append({"kind": "behavior", "event_type": event_type, "occurrence_from": n, "max_points": cap,
                              "description": f"each {event_type} from the {n}th on (up to {cap})"})
    recency = con.execute("select quantile_cont(r, ?) from (select contact_id, as_of, min(age) as r from pev "
                          "group by all)", [QUANTILES]).fetchone()[0]
    for w in sorted({window_days(q) for q in recency}):
        rules.append({"kind": "absence", "rule_kind": "no_activity", "event_type": "*", "within_days": w,
                      "description": f"no activity in {cal.number_text(w)} days"})
    types = {r[0] for r in per_type}
    for sent, response in no_response_pairs:
        if sent not in types or response not in types:
            continue
        for d in no_response_days:
            rules.append({"kind": "absence", "rule_kind": "no_response", "event_type": sent,
                          "response_event_type": response, "within_days": float(d), "max_points": 1,
                          "description": f"{sent} without {response} within {cal.number_text(d)} days"})
    return rules


def name_rules(rules: list[dict], prefix: str = "cb") -> list[dict]:
    for i, rule in enumerate(rules, start=1):
        subject = rule.get("attribute") or rule["event_type"].replace("*", "any")
        rule["rule_id"] = f"{prefix}_{i:04d}_{cal.slug(subject)}"
    return rules


def attribute_candidates(con, as_of_times: list[str], min_support: int, exclude: set[str]) -> list[dict]:
    """Attribute candidates as `lead-scoring calibrate` makes them (values, missing values, decile
    thresholds of numeric attributes), with the leads open at any of the times as population."""
    con.execute("create or replace temp table evaluated as select distinct contact_id, false as is_won "
                f"from ({population_sql(as_of_times)})")
    return [{**rule, "kind": "attribute"} for rule in cal.attribute_rules(con, min_support, exclude)]


# ------------------------------------------------------------------------------ seeds
def rule_rows(rules: list[dict], points, model_id: str) -> dict[str, list[dict]]:
    """The rules with these points (0 = left out) as rows of the three rule seeds.

    A capped rule's cap scales with its points (max_points = |points| x cap), so a rule worth p
    points scores exactly p times what the one-point candidate scored.
    """
    out = {"attribute_rules": [], "behavior_rules": [], "absence_rules": []}
    for rule, p in zip(rules, points):
        if p == 0:
            continue
        p = int(p) if float(p).is_integer() else float(p)
        cap = None if rule.get("max_points") is None else abs(p) * rule["max_points"]
        base = {"model_id": model_id, "rule_id": rule["rule_id"], "points": p,
                "description": rule["description"], "is_active": True}
        if rule["kind"] == "attribute":
            out["attribute_rules"].append({**base, "attribute": rule["attribute"], "operator": rule["operator"],
                                           "value": rule["value"]})
        elif rule["kind"] == "behavior":
            out["behavior_rules"].append({**base, "event_type": rule["event_type"], "max_points": cap,
                                          **{k: rule.get(k) for k in ("lookback_days", "occurrence_from",
                                                                      "occurrence_to", "within_days_of_previous")}})
        else:
            out["absence_rules"].append({**base, "rule_kind": rule["rule_kind"], "event_type": rule["event_type"],
                                         "response_event_type": rule.get("response_event_type"),
                                         "match_field": rule.get("match_field"),
                                         "within_days": rule["within_days"], "max_points": cap})
    return out


def model_seeds(rules: list[dict], points, model_id: str, half_life: float | None, bands: list[dict],
                name: str, description: str) -> dict[str, list[dict]]:
    return {"scoring_models": [{"model_id": model_id, "model_name": name, "description": description,
                                "decay_half_life_days": half_life, "is_active": True}],
            **rule_rows(rules, points, model_id),
            "score_bands": [{"model_id": model_id, **b} for b in bands], "routing_rules": []}


def candidate_seeds(rules: list[dict], model_id: str, half_life: float | None) -> dict[str, list[dict]]:
    """Every candidate worth one point, in one model with this half-life."""
    return model_seeds(rules, [1] * len(rules), model_id, half_life,
                       [{"band": "all", "min_score": 0, "is_sales_ready": False}],
                       "Calibration candidates", f"Every candidate rule, one point each (half-life {half_life})")


def features(con, rules: list[dict], model_id: str, contact_ids: list[str]) -> np.ndarray:
    """Each lead's points from each candidate of the model, as the project's SQL computed them.

    Read before the marts round them to 6 decimals (decayed points have more), so that
    points x features equals the SQL score to its published precision.
    """
    index = {c: i for i, c in enumerate(contact_ids)}
    column = {r["rule_id"]: j for j, r in enumerate(rules)}
    X = np.zeros((len(contact_ids), len(rules)))
    parts = " union all ".join(f"select contact_id, rule_id, points from intermediate.{t} where model_id = ?"
                               for t in CONTRIBUTIONS)
    for contact_id, rule_id, points in con.execute(parts, [model_id] * len(CONTRIBUTIONS)).fetchall():
        if contact_id in index:
            X[index[contact_id], column[rule_id]] = points
    return X


# ------------------------------------------------------------------------------ fitting
def grouped_folds(y: np.ndarray, groups: np.ndarray, k: int, seed: int = 0):
    """k stratified folds in which all rows of one group (lead) sit in the same fold."""
    from sklearn.model_selection import StratifiedGroupKFold
    return list(StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
                .split(np.zeros(len(y)), y, groups))


@dataclass
class Fit:
    half_life: float | None
    C: float
    points: np.ndarray
    cv_auc: dict  # (half_life, C) -> mean inner CV AUC


def choose_and_fit(Xs: dict, y: np.ndarray, groups: np.ndarray, max_rules: int, points_to_double_odds: float,
                   k: int, seed: int = 0, c_grid: list[float] = C_GRID) -> Fit:
    """Choose the half-life (one feature matrix per candidate half-life) and the L1 strength by
    grouped k-fold CV AUC of the integer points, then fit on all rows."""
    folds = grouped_folds(y, groups, k, seed)
    results = {}
    for h, X in Xs.items():
        for C in c_grid:
            aucs = []
            for train, test in folds:
                pts = cal.fit_points(X[train], y[train], C, max_rules, points_to_double_odds)
                aucs.append(cal.auc(y[test], X[test] @ pts))
            results[(h, C)] = float(np.mean(aucs))
    h, C = max(results, key=lambda key: (round(results[key], 4), -key[1]))
    return Fit(h, C, cal.fit_points(Xs[h], y, C, max_rules, points_to_double_odds), results)


@dataclass
class Rows:
    """One row per (lead, scoring time): the candidates' points per half-life, the label, and the
    scores of any other models built alongside."""
    ids: np.ndarray
    times: np.ndarray
    y: np.ndarray
    Xs: dict  # half-life -> matrix (rows x candidates)
    scores: dict  # other model_id -> score per row


def score_candidates(scratch, rules: list[dict], as_of_times: list[str], half_lives: list, prefix: str,
                     other_seeds: dict | None = None, extra_vars: dict | None = None,
                     on_build=None) -> Rows:
    """Build once per scoring time with one candidate model per half-life (and other_seeds'
    models beside them); read the evaluated leads' labels and candidate points from the marts."""
    from scratch import merge_seeds
    sets = [candidate_seeds(rules, model_id_for(prefix, h), h) for h in half_lives]
    others = [m["model_id"] for m in (other_seeds or {}).get("scoring_models", [])]
    ids, times, ys, Xs, scores = [], [], [], {h: [] for h in half_lives}, {m: [] for m in others}
    for t in as_of_times:
        scratch.build(merge_seeds(*([other_seeds] if other_seeds else []), *sets), t, extra_vars=extra_vars)
        with scratch.connect() as con:
            leads = con.execute("select contact_id, is_won from intermediate.int_lead_outcomes where is_evaluated "
                                "order by contact_id").fetchall()
            lead_ids = [c for c, _ in leads]
            for h in half_lives:
                Xs[h].append(features(con, rules, model_id_for(prefix, h), lead_ids))
            for m in others:
                by = dict(con.execute("select contact_id, score from marts.fct_lead_scores where model_id = ?",
                                      [m]).fetchall())
                scores[m] += [by[c] for c in lead_ids]
        ids += lead_ids
        times += [t] * len(leads)
        ys += [int(w) for _, w in leads]
        if on_build:
            on_build(t, len(leads), sum(int(w) for _, w in leads))
    return Rows(np.array(ids), np.array(times), np.array(ys),
                {h: np.vstack(m) if m else np.zeros((0, len(rules))) for h, m in Xs.items()},
                {m: np.array(v) for m, v in scores.items()})


def published_scores(X: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The score the project publishes for these points: each rule's contribution rounded to 6
    decimals (marts.fct_lead_score_contributions), summed. Decayed features have more decimals,
    so this differs from X @ points by up to 5e-7 per rule."""
    return np.round(X * points, 6).sum(axis=1)


def check_equal(sql: np.ndarray, X: np.ndarray, points: np.ndarray, what: str, tolerance: float = 1e-8) -> float:
    """Raise unless the project's SQL scores equal the fitted points (as published); the largest gap."""
    gap = float(np.max(np.abs(sql - published_scores(X, points)))) if len(sql) else 0.0
    if gap > tolerance:
        raise SystemExit(f"{what}: the SQL scores differ from the fitted points by up to {gap}")
    return gap


# ------------------------------------------------------------------------------ fast features
def open_rows(con, as_of_times: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(contact_id, as_of, is_won) of the leads open at each time, as int_lead_outcomes evaluates
    them with exclude_lost_before_as_of: created by then, no outcome by then; won = approved after."""
    rows = con.execute(f"""
        select p.contact_id, strftime(p.as_of, '%Y-%m-%d %H:%M:%S') as as_of,
               exists (select 1 from staging.stg_raw__conversions v where v.contact_id = p.contact_id
                       and v.outcome = 'won' and v.converted_at > p.as_of) as is_won
        from ({population_sql(as_of_times)}) p order by p.as_of, p.contact_id""").fetchall()
    return (np.array([r[0] for r in rows]), np.array([r[1] for r in rows]),
            np.array([int(r[2]) for r in rows]))


def python_features(con, rules: list[dict], ids: np.ndarray, times: np.ndarray, half_lives: list) -> dict:
    """Each candidate's one-point contribution per (lead, time) row and half-life, computed in
    numpy from the staged events by the contract's words (the same arithmetic as the models:
    ages are epoch-second differences / 86400, occurrences numbered over all history by
    (occurred_at, event_id)). Replaces one scratch build per time with every candidate in it;
    the study still checks that the SQL scores of the fitted rules equal these features."""
    import pandas as pd
    ev = con.execute("""select contact_id, event_id, event_type, epoch(occurred_at) as t
                        from staging.stg_raw__interactions where contact_id is not null
                        order by contact_id, event_type, occurred_at, event_id""").df()
    ev["n"] = ev.groupby(["contact_id", "event_type"]).cumcount() + 1
    ev["prev_t"] = ev.groupby(["contact_id", "event_type"])["t"].shift(1)
    created = dict(con.execute("select contact_id, epoch(created_at) from staging.stg_raw__contacts").fetchall())
    attrs = {}
    sources = cal.attribute_sources(con)
    for name in {r["attribute"] for r in rules if r["kind"] == "attribute"}:
        attrs[name] = {c: (v, x) for c, v, x in con.execute(sources[name]).fetchall()}
    row_of = {(c, t): i for i, (c, t) in enumerate(zip(ids, times))}
    n_rows = len(ids)
    out = {h: np.zeros((n_rows, len(rules))) for h in half_lives}
    for t in sorted(set(times)):
        as_of = con.execute("select epoch(cast(? as timestamp))", [t]).fetchone()[0]
        mine = times == t
        rows_here = pd.Series(np.flatnonzero(mine), index=ids[mine])
        e = ev[(ev["t"] <= as_of) & ev["contact_id"].isin(rows_here.index)].copy()
        e["row"] = rows_here.loc[e["contact_id"]].to_numpy()
        e["age"] = (as_of - e["t"]) / 86400.0
        by_type = {k: g for k, g in e.groupby("event_type")}
        for j, rule in enumerate(rules):
            if rule["kind"] == "attribute":
                values = attrs[rule["attribute"]]
                for c in ids[mine]:
                    v, x = values.get(c, (None, None))
                    if rule["operator"] == "is_null":
                        hit = v is None
                    elif rule["operator"] == "gte":
                        hit = x is not None and x >= float(rule["value"])
                    else:
                        hit = v == rule["value"]
                    if hit:
                        for h in half_lives:
                            out[h][row_of[(c, t)], j] = 1.0
                continue
            if rule["kind"] == "absence" and rule["rule_kind"] == "no_activity":
                days = rule["within_days"]
                g = e if rule["event_type"] == "*" else by_type.get(rule["event_type"], e.iloc[:0])
                active = set(g.loc[g["age"] < days, "row"])
                for c in ids[mine]:
                    r = row_of[(c, t)]
                    if (as_of - created[c]) / 86400.0 >= days and r not in active:
                        for h in half_lives:
                            out[h][r, j] = 1.0
                continue
            cap = rule.get("max_points")
            if rule["kind"] == "absence":   # no_response
                days = rule["within_days"]
                sent = by_type.get(rule["event_type"], e.iloc[:0])
                sent = sent[sent["age"] >= days]
                resp = by_type.get(rule["response_event_type"], e.iloc[:0])
                if len(sent):
                    m = sent[["row", "t", "age"]].reset_index().merge(resp[["row", "t"]], on="row", how="left",
                                                                      suffixes=("", "_r"))
                    m["ok"] = (m["t_r"] >= m["t"]) & ((m["t_r"] - m["t"]) / 86400.0 <= days)
                    answered = m.groupby("index")["ok"].any()
                    sent = sent[~answered.reindex(sent.index, fill_value=False).to_numpy()]
                rows_, ages = sent["row"].to_numpy(), sent["age"].to_numpy() - days
            else:
                g = by_type.get(rule["event_type"], e.iloc[:0])
                keep = np.ones(len(g), dtype=bool)
                if rule.get("occurrence_from") is not None:
                    keep &= g["n"].to_numpy() >= rule["occurrence_from"]
                if rule.get("occurrence_to") is not None:
                    keep &= g["n"].to_numpy() <= rule["occurrence_to"]
                if rule.get("within_days_of_previous") is not None:
                    gap = (g["t"] - g["prev_t"]).to_numpy() / 86400.0
                    keep &= ~np.isnan(gap) & (gap <= rule["within_days_of_previous"])
                if rule.get("lookback_days") is not None:
                    keep &= g["age"].to_numpy() < rule["lookback_days"]
                rows_, ages = g["row"].to_numpy()[keep], g["age"].to_numpy()[keep]
            for h in half_lives:
                w = np.ones(len(ages)) if h is None else np.power(0.5, ages / h)
                col = np.bincount(rows_.astype(int), weights=w, minlength=n_rows)
                out[h][:, j] += col if cap is None else np.minimum(col, cap) * (col != 0)
    return out
