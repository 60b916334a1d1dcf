"""Outcome reports (rpt_*), calibration and backtest.

Hand-computed case, as_of 2026-06-30, model m: industry 'a' +10 (r_a), region 'b' +20 (r_b),
bands cold 0 / warm 15 / hot 25 (sales-ready).

    lead  score  outcome after as_of           evaluated?
    c1    30     won 2026-07-10 (10 days)      yes
    c2    10     -                             yes
    c3    20     won 2026-07-20 (20 days)      yes
    c4    20     -                             yes
    c5     0     lost 2026-07-02 (not a win)   yes
    c6    30     -                             yes
    c9     0     won 2026-07-05 through its account acc9 (conversion without contact_id)
    c7    30     won 2026-07-10                no: created after as_of
    c8    30     won 2026-06-01                no: already won at as_of

ROC AUC over the 3 won x 4 other pairs, ties half: c1 (30) beats 10, 20, 0 and ties 30 = 3.5;
c3 (20) beats 10 and 0, ties 20 = 2.5; c9 (0) ties 0 = 0.5; (3.5 + 2.5 + 0.5) / 12 = 13/24.
Top decile: ceil(7 / 10) = 1 lead, the rank-1 lead c1 (30; ties by contact_id), won: rate 1,
lift 1 / (3/7) = 7/3.
Bands: cold c2, c5, c9 (1 won, 5 days); warm c3, c4 (1 won, 20 days); hot c1, c6 (1 won, 10 days).
r_a matches c1, c2, c6 (1 won); unmatched c3, c4, c5, c9 (2 won); totals 7 leads, 3 won, 4 not.
  woe_with = ln((1.5/4) / (2.5/5)) = ln 0.75, woe_without = ln((2.5/4) / (2.5/5)) = ln 1.25
  IV = (0.375 - 0.5) ln 0.75 + (0.625 - 0.5) ln 1.25
  suggested = round(10 / ln 2 * (ln 0.75 - ln 1.25)) = round(-7.37) = -7
r_b matches c1, c3, c4, c6 (2 won): the mirror image, suggested +7, same IV.
r_none matches nobody: suggested points NULL (no evidence).
"""
from __future__ import annotations

import math
import random

import pytest

from conftest import Project
from scenario import attr, band, contact, model

AS_OF = "2026-06-30 00:00:00"
SEEDS = {
    "scoring_models": [model("m")],
    "attribute_rules": [attr("m", "r_a", "industry", "equals", "a", 10),
                        attr("m", "r_b", "region", "equals", "b", 20),
                        attr("m", "r_none", "industry", "equals", "nobody", 5)],
    "behavior_rules": [],
    "absence_rules": [],
    "score_bands": [band("m", "cold", 0), band("m", "warm", 15), band("m", "hot", 25, True)],
}
CONTACTS = [
    contact("c1", industry="a", region="b"), contact("c2", industry="a"), contact("c3", region="b"),
    contact("c4", region="b"), contact("c5"), contact("c6", industry="a", region="b"),
    contact("c7", industry="a", region="b", created_at="2026-07-01 00:00:00"),
    contact("c8", industry="a", region="b"), contact("c9", account_id="acc9"),
]


def conv(conversion_id, converted_at, outcome="won", contact_id=None, account_id=None):
    return {"conversion_id": conversion_id, "contact_id": contact_id, "account_id": account_id,
            "converted_at": converted_at, "outcome": outcome}


CONVERSIONS = [
    conv("w1", "2026-07-10 00:00:00", contact_id="c1"),
    conv("w3", "2026-07-20 00:00:00", contact_id="c3"),
    conv("l5", "2026-07-02 00:00:00", outcome="lost", contact_id="c5"),
    conv("w9", "2026-07-05 00:00:00", account_id="acc9"),
    conv("w7", "2026-07-10 00:00:00", contact_id="c7"),
    conv("w8", "2026-06-01 00:00:00", contact_id="c8"),
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("outcomes") / "project")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-07-25 00:00:00", contacts=CONTACTS, conversions=CONVERSIONS)
    project.build(as_of=AS_OF)
    return project


def test_model_performance_auc_and_top_decile(outcomes):
    rows = outcomes.query("select leads, won, conversion_rate, roc_auc, top_decile_leads, top_decile_won, "
                          "top_decile_lift from marts.rpt_model_performance where model_id = 'm'")
    leads, won, rate, auc, top_leads, top_won, lift = rows[0]
    assert (leads, won, top_leads, top_won) == (7, 3, 1, 1)
    assert rate == pytest.approx(3 / 7)
    assert auc == pytest.approx(13 / 24)
    assert lift == pytest.approx(7 / 3)


def test_auc_equals_sklearn_on_the_same_scores(outcomes):
    from sklearn.metrics import roc_auc_score
    rows = outcomes.query("select s.score, o.is_won from marts.fct_lead_scores s join intermediate.int_lead_outcomes o "
                          "using (contact_id) where o.is_evaluated and s.model_id = 'm'")
    expected = roc_auc_score([int(w) for _, w in rows], [s for s, _ in rows])
    assert outcomes.query("select roc_auc from marts.rpt_model_performance")[0][0] == pytest.approx(expected)


def test_band_conversion(outcomes):
    rows = outcomes.query("select band, leads, won, conversion_rate, median_days_to_won "
                          "from marts.rpt_score_band_conversion where model_id = 'm' order by min_score")
    assert [r[:3] for r in rows] == [("cold", 3, 1), ("warm", 2, 1), ("hot", 2, 1)]
    assert [r[3] for r in rows] == pytest.approx([1 / 3, 1 / 2, 1 / 2])
    assert [r[4] for r in rows] == pytest.approx([5, 20, 10])


def test_rule_effectiveness_weights_of_evidence(outcomes):
    rows = {r[0]: r[1:] for r in outcomes.query(
        "select rule_id, leads_matched, won_matched, won_rate_with, leads_unmatched, won_unmatched, "
        "won_rate_without, lift, weight_of_evidence, information_value, suggested_points "
        "from marts.rpt_rule_effectiveness where model_id = 'm'")}
    iv = (0.375 - 0.5) * math.log(0.75) + (0.625 - 0.5) * math.log(1.25)
    assert rows["r_a"][:2] == (3, 1) and rows["r_a"][3:5] == (4, 2)
    assert rows["r_a"][2] == pytest.approx(1 / 3) and rows["r_a"][5] == pytest.approx(0.5)
    assert rows["r_a"][6] == pytest.approx((1 / 3) / (3 / 7))
    assert rows["r_a"][7] == pytest.approx(math.log(0.75))
    assert rows["r_a"][8] == pytest.approx(iv)
    assert rows["r_a"][9] == -7
    assert rows["r_b"][:2] == (4, 2) and rows["r_b"][9] == 7 and rows["r_b"][8] == pytest.approx(iv)
    assert rows["r_none"][:2] == (0, 0) and rows["r_none"][2] is None and rows["r_none"][9] is None


def test_outcome_window_limits_the_wins(outcomes, tmp_path):
    project = outcomes.clone(tmp_path / "window")
    project.build(as_of=AS_OF, vars={"outcome_window_days": 15})  # c3's win (20 days) no longer counts
    assert project.query("select won from marts.rpt_model_performance") == [(2,)]
    assert project.query("select band, won from marts.rpt_score_band_conversion where band = 'warm'") == [("warm", 0)]


# ------------------------------------------------------------------------------ calibration loop
def synthetic_leads(n=240, seed=7):
    """Leads whose wins after as_of depend on industry, company size and recent demo requests."""
    rng = random.Random(seed)
    contacts, events, conversions = [], [], []
    for i in range(n):
        cid = f"s{i:03d}"
        industry = rng.choice(["software", "retail", "finance"])
        size = rng.randint(1, 40) * 25
        contacts.append(contact(cid, industry=industry, company_size=size))
        demos = rng.choice([0, 0, 1, 2, 4])
        for d in range(demos):
            events.append({"event_id": f"{cid}_d{d}", "contact_id": cid, "event_type": "demo_request",
                           "occurred_at": f"2026-06-{rng.randint(1, 29):02d} 10:00:00"})
        for v in range(rng.randint(0, 6)):
            events.append({"event_id": f"{cid}_v{v}", "contact_id": cid, "event_type": "page_view",
                           "occurred_at": f"2026-0{rng.randint(3, 6)}-{rng.randint(1, 28):02d} 09:00:00"})
        logit = -2.0 + 1.6 * (industry == "software") + 0.9 * min(demos, 3) + (size >= 500) * 0.8
        won = rng.random() < 1 / (1 + math.exp(-logit))
        conversions.append(conv(f"o_{cid}", "2026-07-15 00:00:00", "won" if won else "lost", contact_id=cid))
    return contacts, events, conversions


def expected_score(seeds, model_id, contact_row, events, as_of):
    """The contract's score for calibrate's rule shapes, evaluated independently in Python."""
    from datetime import datetime
    t = datetime.fromisoformat(as_of)
    total = 0.0
    for r in (r for r in seeds["attribute_rules"] if r["model_id"] == model_id):
        raw = contact_row.get(r["attribute"])
        v = None if raw is None else str(raw).strip().lower()
        op = r["operator"]
        hit = (v is None if op == "is_null" else v is not None and (
            v == r["value"] if op == "equals" else float(v) >= float(r["value"])))
        total += float(r["points"]) if hit else 0
    for r in (r for r in seeds["behavior_rules"] if r["model_id"] == model_id):
        n = sum(1 for e in events if e["event_type"] == r["event_type"]
                and datetime.fromisoformat(e["occurred_at"]) <= t
                and (not r["lookback_days"] or (t - datetime.fromisoformat(e["occurred_at"])).total_seconds()
                     / 86400 < float(r["lookback_days"])))
        p = float(r["points"]) * n
        cap = abs(float(r["max_points"])) if r["max_points"] else None
        total += p if cap is None else max(-cap, min(cap, p))
    return total


def test_calibrate_closed_loop_and_backtest(tmp_path, capsys):
    from lead_scoring.building.scratch import read_seeds
    from lead_scoring.calibration import backtest, calibrate

    contacts, events, conversions = synthetic_leads()
    project = Project(tmp_path / "project")
    project.write_seeds(scoring_models=[model("m")], attribute_rules=[attr("m", "r_sw", "industry", "equals",
                                                                          "software", 10)],
                        score_bands=[band("m", "cold", 0), band("m", "hot", 10, True)])
    project.load_raw("2026-06-30 01:00:00", contacts=contacts, interactions=events, conversions=conversions)
    out = tmp_path / "candidate"
    assert calibrate.main(["--db", project.db, "--as-of", AS_OF, "--rules", str(project.root / "seeds"),
                           "--model", "m", "--out", str(out), "--work", str(tmp_path / "work"),
                           "--min-support", "10", "--folds", "3", "--max-rules", "8"]) == 0
    report = capsys.readouterr().out
    assert "3-fold CV" in report and "Band changes" in report

    seeds = read_seeds(out)
    rules = seeds["attribute_rules"] + seeds["behavior_rules"]
    assert 1 <= len(rules) <= 8
    assert all(float(r["points"]).is_integer() and float(r["points"]) != 0 for r in rules)
    assert {r["model_id"] for rows in seeds.values() for r in rows} == {"calibrated"}
    # the strongest signals in the data are found
    assert any(r.get("attribute") == "industry" and r["value"] == "software" and float(r["points"]) > 0 for r in rules)
    assert any(r.get("event_type") == "demo_request" and float(r["points"]) > 0 for r in rules)

    # closed loop: the written seeds run unchanged in the project and score what they say
    project.write_seeds(**seeds)
    project.build(as_of=AS_OF)
    sql = project.scores("calibrated")
    by_contact = {c["contact_id"]: [e for e in events if e["contact_id"] == c["contact_id"]] for c in contacts}
    for c in contacts:
        assert sql[c["contact_id"]][2] == pytest.approx(
            expected_score(seeds, "calibrated", c, by_contact[c["contact_id"]], AS_OF)), c["contact_id"]
    auc = project.query("select roc_auc from marts.rpt_model_performance where model_id = 'calibrated'")[0][0]
    assert auc > 0.7

    # backtest from the command line: current m against the candidate, nothing published
    project.write_seeds(scoring_models=[model("m")], attribute_rules=[attr("m", "r_sw", "industry", "equals",
                                                                          "software", 10)],
                        score_bands=[band("m", "cold", 0), band("m", "hot", 10, True)])
    before = project.query("select count(*) from marts.fct_lead_scores where model_id = 'calibrated'")
    assert backtest.main(["--db", project.db, "--candidate", str(out), "--as-of", AS_OF, "--model", "m",
                          "--rules", str(project.root / "seeds"), "--work", str(tmp_path / "bt")]) == 0
    text = capsys.readouterr().out
    assert "calibrated" in text and "change band" in text
    assert project.query("select count(*) from marts.fct_lead_scores where model_id = 'calibrated'") == before
