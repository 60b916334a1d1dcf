"""Behaviour scoring on event logs: the XES importer, the time-honest population, the behaviour
candidates of calibration (SQL against an independent Python count) and the closed loop."""
from __future__ import annotations

import csv
import gzip
import math
import random
from argparse import Namespace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Project
import calibrate_behavior as cb
import import_xes

XES_NS = "http://www.xes-standard.org/"


def xes_event(activity, stamp, lifecycle="COMPLETE", resource=None, extra=""):
    res = f'<string key="org:resource" value="{resource}"/>' if resource else ""
    life = f'<string key="lifecycle:transition" value="{lifecycle}"/>' if lifecycle else ""
    when = f'<date key="time:timestamp" value="{stamp}"/>' if stamp else ""
    return f'<event>{res}{life}<string key="concept:name" value="{activity}"/>{when}{extra}</event>'


def small_log() -> str:
    approved = [
        xes_event("A_SUBMITTED", "2011-10-01T00:38:44.546+02:00", resource="112"),
        # no org:resource on this one (the real log has such events)
        xes_event("W_Completeren aanvraag", "2011-10-01T11:36:46.437+02:00", lifecycle="START",
                  extra='<int key="attempt" value="2"><string key="note" value="callback"/></int>'),
        xes_event("O_SENT", "2011-10-02T10:00:00.000+02:00", resource="10862"),
        # 30 s before the approval: dragged along by the decision, so outcome, not behaviour
        xes_event("W_Valideren aanvraag", "2011-10-05T09:59:30.000+02:00", resource="10629"),
        xes_event("A_APPROVED", "2011-10-05T10:00:00.000+02:00", resource="10629"),
        xes_event("O_ACCEPTED", "2011-10-05T10:00:00.500+02:00", resource="10629"),
        xes_event("A_ACTIVATED", "2011-10-05T10:00:01.000+02:00", resource="10629"),
    ]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="{XES_NS}">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <global scope="event"><string key="concept:name" value="__INVALID__"/></global>
  <float key="meta_stats" value="1.5"><float key="112" value="2.5"/></float>
  <trace>
    <date key="REG_DATE" value="2011-10-01T00:38:44.546+02:00"/>
    <string key="concept:name" value="A1"/>
    <string key="AMOUNT_REQ" value="20000"/>
    <string key="channel" value="web"><string key="campaign" value="Spring"/></string>
    {''.join(approved)}
  </trace>
  <trace>
    <string key="concept:name" value="B2"/>
    {xes_event("A_SUBMITTED", "2011-10-03T08:00:00.000Z")}
    {xes_event("A_PARTLYSUBMITTED", None)}
  </trace>
  <trace>
    <string key="AMOUNT_REQ" value="500"/>
    {xes_event("A_SUBMITTED", "2011-10-03T08:00:00.000Z")}
  </trace>
  <trace>
    <string key="concept:name" value="C4"/>
    {xes_event("A_SUBMITTED", "2011-10-04T08:00:00.000Z")}
    {xes_event("A_PARTLYSUBMITTED", "2011-10-04T08:00:01.000Z")}
    {xes_event("W_Afhandelen leads", "2011-10-06T08:00:00.000Z", lifecycle="SCHEDULE")}
    {xes_event("A_DECLINED", "2011-10-08T08:00:00.000Z")}
  </trace>
</log>
"""


def import_args(**overrides) -> Namespace:
    args = import_xes.parser().parse_args(["--out", "unused"])
    for key, value in overrides.items():
        setattr(args, key, value)
    return import_xes.resolve(args)


def test_xes_importer_on_a_small_log(tmp_path):
    path = tmp_path / "log.xes.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(small_log())
    tables = import_xes.read_log(path, import_args()).rows

    # REG_DATE 2011-10-01 00:38:44.546 at +02:00 is 2011-09-30 22:38:44.546 UTC
    assert tables["contacts"] == [
        {"contact_id": "A1", "lead_source": "bpic2012", "created_at": "2011-09-30 22:38:44.546"},
        # no REG_DATE: created at its first event
        {"contact_id": "C4", "lead_source": "bpic2012", "created_at": "2011-10-04 08:00:00.000"}]
    # trace attributes, nested ones with dotted names; the values as written
    assert {(a["contact_id"], a["attribute"], a["value"]) for a in tables["contact_attributes"]} == {
        ("A1", "amount_req", "20000"), ("A1", "channel", "web"), ("A1", "channel.campaign", "Spring")}
    events = [(e["event_id"], e["event_type"], e["occurred_at"], e["properties"]) for e in tables["interactions"]]
    assert events == [
        ("A1:1", "a_submitted_complete", "2011-09-30 22:38:44.546",
         '{"activity": "A_SUBMITTED", "lifecycle": "COMPLETE", "resource": "112"}'),
        # no resource key when the event has none; nested event attributes kept with dotted keys
        ("A1:2", "w_completeren_aanvraag_start", "2011-10-01 09:36:46.437",
         '{"activity": "W_Completeren aanvraag", "attempt": "2", "attempt.note": "callback", "lifecycle": "START"}'),
        ("A1:3", "o_sent_complete", "2011-10-02 08:00:00.000",
         '{"activity": "O_SENT", "lifecycle": "COMPLETE", "resource": "10862"}'),
        ("C4:1", "a_submitted_complete", "2011-10-04 08:00:00.000",
         '{"activity": "A_SUBMITTED", "lifecycle": "COMPLETE"}'),
        ("C4:2", "a_partlysubmitted_complete", "2011-10-04 08:00:01.000",
         '{"activity": "A_PARTLYSUBMITTED", "lifecycle": "COMPLETE"}'),
        ("C4:3", "w_afhandelen_leads_schedule", "2011-10-06 08:00:00.000",
         '{"activity": "W_Afhandelen leads", "lifecycle": "SCHEDULE"}')]
    # the outcome and what came with it (validation 30 s before, acceptance, activation) are not behaviour
    assert tables["conversions"] == [
        {"conversion_id": "A1:5", "contact_id": "A1", "converted_at": "2011-10-05 08:00:00.000",
         "outcome": "won", "amount": "20000"},
        {"conversion_id": "C4:4", "contact_id": "C4", "converted_at": "2011-10-08 08:00:00.000",
         "outcome": "lost", "amount": None}]
    # malformed traces are reported with their id (or position), not dropped silently
    assert tables["rejected_traces"] == [
        {"trace": "B2", "reason": "event 2 (A_PARTLYSUBMITTED) has no time:timestamp"},
        {"trace": "#3 (no id)", "reason": "trace has no concept:name"}]


def test_xes_importer_command_line(tmp_path, capsys):
    path = tmp_path / "log.xes"
    path.write_text(small_log())
    out = tmp_path / "raw"
    assert import_xes.main(["--xes", str(path), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "trace B2 rejected: event 2 (A_PARTLYSUBMITTED) has no time:timestamp" in captured.err
    assert "2 traces, 6 behaviour events, 5 outcome events left out, 2 outcomes (1 won)" in captured.out
    with (out / "_rejected_traces.csv").open() as fh:
        assert [r["trace"] for r in csv.DictReader(fh)] == ["B2", "#3 (no id)"]
    assert import_xes.main(["--xes", str(path), "--out", str(out), "--strict"]) == 1
    # the loader takes the files as they are (it skips _rejected_traces.csv, a side file)
    project = Project(tmp_path / "project")
    from load_raw import load_directory
    counts = load_directory(project.db, out, "2012-03-15 00:00:00")
    assert (counts["contacts"], counts["interactions"], counts["conversions"]) == (2, 6, 2)


def test_xes_importer_refuses_broken_xml(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(small_log().replace("</trace>\n  <trace>\n    <string key=\"concept:name\" value=\"B2\"/>",
                                        "</trace>\n  <trace\n", 1))
    with pytest.raises(SystemExit, match="not well-formed XML after trace #1"):
        import_xes.read_log(path, import_args())


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=4), min_size=10, max_size=40), st.integers(0, 2**16))
def test_grouped_folds_never_split_a_lead(rows_per_lead, seed):
    rng = random.Random(seed)
    groups = np.array([f"lead{i}" for i, n in enumerate(rows_per_lead) for _ in range(n)])
    y = np.array([rng.randint(0, 1) for _ in groups])
    y[:10] = [0, 1] * 5   # both classes in every fold
    folds = cb.grouped_folds(y, groups, 5, seed=seed)
    assert sorted(np.concatenate([test for _, test in folds]).tolist()) == list(range(len(y)))
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])


# ---------------------------------------------------------------------------- time-honest population
def test_population_excludes_leads_created_later_and_leads_already_decided(project):
    as_of = "2011-12-15 00:00:00"
    contacts = [{"contact_id": c, "created_at": at} for c, at in [
        ("open", "2011-11-01 00:00:00"), ("later", "2011-12-20 00:00:00"), ("won_before", "2011-11-01 00:00:00"),
        ("lost_before", "2011-11-01 00:00:00"), ("won_after", "2011-11-01 00:00:00"),
        ("lost_after", "2011-11-01 00:00:00")]]
    conversions = [{"conversion_id": f"x_{c}", "contact_id": c, "converted_at": at, "outcome": o} for c, at, o in [
        ("later", "2012-01-10 00:00:00", "won"), ("won_before", "2011-12-01 00:00:00", "won"),
        ("lost_before", "2011-12-14 23:59:59", "lost"), ("won_after", "2011-12-15 00:00:01", "won"),
        ("lost_after", "2012-01-01 00:00:00", "lost")]]
    project.load_raw("2012-03-15 00:00:00", contacts=contacts, conversions=conversions)
    project.build(as_of=as_of, vars={"exclude_lost_before_as_of": True})
    rows = project.query("select contact_id, is_won from intermediate.int_lead_outcomes where is_evaluated "
                         "order by contact_id")
    assert rows == [("lost_after", False), ("open", False), ("won_after", True)]
    # the candidates' population (support and quantiles) is the same set, and uses no later outcome
    with __import__("duckdb").connect(project.db, read_only=True) as con:
        pop = con.execute(f"select contact_id from ({cb.population_sql([as_of])}) order by 1").fetchall()
    assert [r[0] for r in pop] == ["lost_after", "open", "won_after"]
    # without the var a lost lead stays evaluated (the default, as before)
    project.build(as_of=as_of)
    assert ("lost_before", False) in project.query(
        "select contact_id, is_won from intermediate.int_lead_outcomes where is_evaluated")


# ---------------------------------------------------------------------------- behaviour candidates
TIMES = ["2011-11-15 00:00:00", "2011-12-01 00:00:00"]
TYPES = ["visit", "offer_sent", "offer_back", "call"]


def synthetic_log(n: int = 90, seed: int = 7):
    """Leads with events over six weeks; approval more likely after an offer came back and with calls."""
    rng = random.Random(seed)
    start = datetime(2011, 10, 1)
    contacts, events, conversions = [], [], []
    for i in range(n):
        cid = f"L{i:03d}"
        created = start + timedelta(days=rng.randint(0, 55), hours=rng.randint(0, 23))
        contacts.append({"contact_id": cid, "created_at": str(created)})
        events_at, t, k = [], created, 0
        back = False
        for _ in range(rng.randint(1, 9)):
            t = t + timedelta(days=rng.choice([0.25, 0.5, 1, 1, 2, 3, 6, 9]))
            kind = rng.choice(TYPES)
            back = back or kind == "offer_back"
            k += 1
            events.append({"event_id": f"{cid}:{k}", "contact_id": cid, "event_type": kind,
                           "occurred_at": str(t.replace(microsecond=0))})
            events_at.append(t)
        calls = sum(e["event_type"] == "call" for e in events if e["contact_id"] == cid)
        p = 1 / (1 + math.exp(-(-1.2 + 2.0 * back + 0.5 * min(calls, 3))))
        decided = t + timedelta(days=rng.randint(1, 20))
        conversions.append({"conversion_id": f"{cid}:out", "contact_id": cid, "converted_at": str(decided),
                            "outcome": "won" if rng.random() < p else "lost"})
    attributes = [{"contact_id": c["contact_id"], "attribute": "amount_req", "value": str(1000 * (i % 23 + 1)),
                   "updated_at": c["created_at"]} for i, c in enumerate(contacts)]
    return contacts, events, conversions, attributes


def python_points(rule: dict, half_life, contact: dict, events: list[dict], amount: float, as_of: str) -> float:
    """A one-point candidate's contribution by the contract's words, computed without SQL."""
    t = datetime.fromisoformat(as_of)
    at = lambda e: datetime.fromisoformat(e["occurred_at"])  # noqa: E731
    age = lambda moment: (t - moment).total_seconds() / 86400  # noqa: E731
    decay = (lambda a: 1.0) if half_life is None else (lambda a: 0.5 ** (a / half_life))  # noqa: E731
    mine = sorted((e for e in events if at(e) <= t), key=lambda e: (at(e), e["event_id"]))
    cap = rule.get("max_points")
    if rule["kind"] == "attribute":
        return 1.0 if amount >= float(rule["value"]) else 0.0
    if rule["kind"] == "behavior":
        qualifying = [e for e in mine if e["event_type"] == rule["event_type"]]
        total = 0.0
        for n, e in enumerate(qualifying, start=1):
            if rule.get("occurrence_from") and n < rule["occurrence_from"]:
                continue
            if rule.get("occurrence_to") and n > rule["occurrence_to"]:
                continue
            if rule.get("within_days_of_previous") is not None and (
                    n == 1 or (at(e) - at(qualifying[n - 2])).total_seconds() / 86400 > rule["within_days_of_previous"]):
                continue
            if rule.get("lookback_days") is not None and not age(at(e)) < rule["lookback_days"]:
                continue
            total += decay(age(at(e)))
        return total if cap is None else min(total, cap)
    days = rule["within_days"]
    if rule["rule_kind"] == "no_activity":   # not decayed
        created = datetime.fromisoformat(contact["created_at"])
        quiet = not any(age(at(e)) < days for e in mine if rule["event_type"] in ("*", e["event_type"]))
        return 1.0 if age(created) >= days and quiet else 0.0
    total = 0.0   # no_response: each unanswered event once its deadline passed, decayed from the deadline
    for sent in (e for e in mine if e["event_type"] == rule["event_type"] and age(at(e)) >= days):
        answered = any(r["event_type"] == rule["response_event_type"] and at(r) >= at(sent)
                       and (at(r) - at(sent)).total_seconds() / 86400 <= days for r in mine)
        if not answered:
            total += decay(age(at(sent)) - days)
    return total if cap is None else min(total, cap)


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """The synthetic log loaded, its candidates generated and scored by the project's SQL at two
    times with two half-lives (none and 7 days)."""
    from scratch import ScratchBuild
    tmp = tmp_path_factory.mktemp("bpic_loop")
    contacts, events, conversions, attributes = synthetic_log()
    project = Project(tmp / "project")
    project.load_raw("2012-03-15 00:00:00", contacts=contacts, interactions=events, conversions=conversions,
                     contact_attributes=attributes)
    scratch = ScratchBuild(Path(project.db), tmp / "scratch")
    scratch.build({}, TIMES[-1], select=["int_lead_outcomes", "stg_raw__contact_attributes", "stg_raw__accounts",
                                         "stg_raw__interactions"], extra_vars={"exclude_lost_before_as_of": True})
    with scratch.connect() as con:
        rules = cb.behavior_candidates(con, TIMES, 10, [("offer_sent", "offer_back")], [3, 7], extra=True)
        rules += cb.attribute_candidates(con, TIMES, 10, set())
    rules = cb.name_rules(rules)
    data = cb.score_candidates(scratch, rules, TIMES, [None, 7.0], "t_cand",
                               extra_vars={"exclude_lost_before_as_of": True})
    return Namespace(contacts=contacts, events=events, conversions=conversions, attributes=attributes,
                     rules=rules, data=data, scratch=scratch, tmp=tmp)


def test_behaviour_candidates_sql_equals_a_python_count(scored):
    rules, data = scored.rules, scored.data
    kinds = {(r["kind"], r.get("rule_kind"), "occ" if r.get("occurrence_from") else
              "wdp" if r.get("within_days_of_previous") else "lookback" if r.get("lookback_days") else "count")
             for r in rules}
    # every option the engine has is among the candidates
    assert {("behavior", None, "occ"), ("behavior", None, "lookback"), ("behavior", None, "count"),
            ("behavior", None, "wdp"), ("absence", "no_activity", "count"), ("absence", "no_response", "count"),
            ("attribute", None, "count")} <= kinds
    assert any(r.get("lookback_days") and r.get("occurrence_from") for r in rules)   # first event in a window
    # the extra kinds: silence of one type, recent counts, repeats from the n-th on
    assert any(r.get("rule_kind") == "no_activity" and r["event_type"] != "*" for r in rules)
    assert any(r.get("lookback_days") and r.get("max_points") and not r.get("occurrence_from") for r in rules)
    assert any(r.get("occurrence_from") and not r.get("occurrence_to") for r in rules)
    by_contact = {c["contact_id"]: c for c in scored.contacts}
    events_of = {}
    for e in scored.events:
        events_of.setdefault(e["contact_id"], []).append(e)
    amount = {a["contact_id"]: float(a["value"]) for a in scored.attributes}
    # the population: created by the time, no outcome by then
    for t in TIMES:
        expected = sorted(c["contact_id"] for c in scored.contacts if c["created_at"] <= t and not any(
            v["contact_id"] == c["contact_id"] and v["converted_at"] <= t for v in scored.conversions))
        assert sorted(data.ids[data.times == t]) == expected
    checked = 0
    for h, X in data.Xs.items():
        for row, (cid, t) in enumerate(zip(data.ids, data.times)):
            for j, rule in enumerate(rules):
                want = python_points(rule, h, by_contact[cid], events_of.get(cid, []), amount[cid], t)
                assert X[row, j] == pytest.approx(want, rel=1e-9, abs=1e-9), (rule, h, cid, t)
                checked += want != 0
    assert checked > 1000   # the comparison is not all zeros


def test_closed_loop_calibrated_behaviour_rules_score_the_fitted_points(scored):
    from scratch import merge_seeds, read_seeds, write_seeds
    data, rules = scored.data, scored.rules
    fit = cb.choose_and_fit(data.Xs, data.y, data.ids, max_rules=8, points_to_double_odds=10.0, k=3,
                            c_grid=[0.1, 1.0])
    assert fit.half_life in data.Xs and 1 <= int((fit.points != 0).sum()) <= 8
    assert all(float(p).is_integer() for p in fit.points)
    seeds = cb.model_seeds(rules, fit.points, "b12_test", fit.half_life,
                           [{"band": "cold", "min_score": -1000, "is_sales_ready": False}], "test", "closed loop")
    out = scored.tmp / "calibrated_rules"
    write_seeds(out, seeds)
    written = read_seeds(out)   # the seeds as a user would commit them, unchanged
    assert written["scoring_models"][0]["decay_half_life_days"] == ("" if fit.half_life is None else "7")
    for t in TIMES:
        scored.scratch.build(merge_seeds(written), t, extra_vars={"exclude_lost_before_as_of": True})
        with scored.scratch.connect() as con:
            sql = dict(con.execute("select contact_id, score from marts.fct_lead_scores where model_id = 'b12_test'")
                       .fetchall())
        rows = data.times == t
        got = np.array([sql[c] for c in data.ids[rows]])
        # each rule's contribution is published to 6 decimals; the score is their sum
        assert cb.check_equal(got, data.Xs[fit.half_life][rows], fit.points, "closed loop") <= 1e-8
        assert np.max(np.abs(got - data.Xs[fit.half_life][rows] @ fit.points)) <= 5e-7 * int((fit.points != 0).sum())


def test_python_features_equal_the_sql_features(scored):
    """The study computes candidates in numpy (no build per time); they must equal the SQL's."""
    data = scored.data
    with scored.scratch.connect() as con:
        ids, times, y = cb.open_rows(con, TIMES)
        fast = cb.python_features(con, scored.rules, ids, times, list(data.Xs))
    # the same rows in the same order (time, then lead) and labels as int_lead_outcomes
    assert list(zip(ids, times)) == list(zip(data.ids, data.times))
    assert list(y) == list(data.y)
    for h, X in data.Xs.items():
        assert np.count_nonzero(X) > 1000   # not all zeros
        np.testing.assert_allclose(fast[h], X, rtol=1e-12, atol=1e-12)


def test_calibrated_bands_hold_the_hand_bands_shares():
    import bpic2012_study
    hand = [{"band": "warm", "min_score": "20", "is_sales_ready": "false"},
            {"band": "cold", "min_score": "0", "is_sales_ready": "false"},
            {"band": "hot", "min_score": "40", "is_sales_ready": "true"}]
    scores = np.arange(-5, 15, dtype=float)   # 20 scores -5 .. 14
    bands = bpic2012_study.bands_by_share(scores, hand, [0.3, 0.55, 0.15])
    # cold from floor(min) = -5; warm at ceil(quantile 0.30) = ceil(-5 + 0.3 * 19) = ceil(0.7) = 1;
    # hot at ceil(quantile 0.85) = ceil(-5 + 0.85 * 19) = ceil(11.15) = 12
    assert [(b["band"], b["min_score"], b["is_sales_ready"]) for b in bands] == [
        ("cold", -5.0, False), ("warm", 1.0, False), ("hot", 12.0, True)]
    # ties: thresholds still increase
    flat = bpic2012_study.bands_by_share(np.zeros(10), hand, [0.3, 0.55, 0.15])
    assert [b["min_score"] for b in flat] == [0.0, 1.0, 2.0]
