"""The dashboard's seven pages under Streamlit's AppTest (no browser): on a small demo warehouse
(built in-process with the project's loader and dbt, published as scripts/build.py does), on an
empty one, without any read copy, and while a publish swaps the read copy. The numbers shown are
checked against the marts, queried here independently of the app."""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import threading

import duckdb
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

import dashboard_data
from conftest import REPO

APP = REPO / "src" / "lead_scoring" / "dashboard" / "app.py"
PAGES = ["overview", "leads", "lead", "handovers", "accounts", "outcomes", "health"]
TITLES = {"overview": "Overview", "leads": "Leads", "lead": "Lead", "handovers": "Hand-overs",
          "accounts": "Accounts", "outcomes": "Rules and outcomes", "health": "Data health"}


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory):
    return dashboard_data.demo_project(tmp_path_factory.mktemp("dashboard_demo"))


@pytest.fixture(scope="module")
def demo(demo_project):
    return dashboard_data.publish(demo_project, demo_project.root.parent / "warehouse_read.duckdb")


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    root = tmp_path_factory.mktemp("dashboard_empty")
    project = dashboard_data.empty_project(root)
    return dashboard_data.publish(project, root / "warehouse_read.duckdb")


def marts(read, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(read), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def open_page(read, monkeypatch, page: str, **query) -> AppTest:
    monkeypatch.setenv("LEAD_SCORING_READ_DB", str(read))
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.query_params.update(query)
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert not at.warning, [w.value for w in at.warning]
    assert [t.value for t in at.title] == [TITLES[page]]
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def axis_titles(spec: dict) -> list:
    """The title of every x and y encoding with a field, in every layer and facet."""
    found = []
    for key in ("spec", "layer", "hconcat", "vconcat"):
        parts = spec.get(key)
        for part in (parts if isinstance(parts, list) else [parts] if parts else []):
            found += axis_titles(part)
    for channel in ("x", "y"):
        encoding = spec.get("encoding", {}).get(channel)
        if encoding and "field" in encoding:
            found.append(encoding.get("title"))
    return found


def assert_labelled(spec: dict) -> None:
    title = spec.get("title") or (spec.get("layer") or [{}])[-1].get("title")
    assert title, spec
    titles = axis_titles(spec)
    assert titles and all(titles), titles


def html_rows(at: AppTest) -> list[list[str]]:
    """Cells of the leads table (HTML in a markdown element)."""
    table = next(m.value for m in at.markdown if "<table class='leads'>" in m.value)
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table)[1:]]


def metric_values(at: AppTest, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


# --- demo warehouse: every page, numbers equal the marts -------------------------------------
def test_overview(demo, monkeypatch):
    at = open_page(demo, monkeypatch, "overview")
    models = [m for (m,) in marts(demo, "select distinct model_id from marts.fct_lead_scores order by 1")]
    assert models == ["analytics_suite", "b2b_general"]
    # sales-ready now, and at the previous scoring (2026-05-31: the version valid then)
    now = [n for (n,) in marts(demo, "select count(*) filter (where is_sales_ready) from marts.fct_lead_scores "
                                     "group by model_id order by model_id")]
    before = [n for (n,) in marts(demo, """
        select count(*) filter (where is_sales_ready) from marts.fct_lead_score_history
        where valid_from <= '2026-05-31' and (valid_to is null or valid_to > '2026-05-31')
        group by model_id order by model_id""")]
    assert metric_values(at, "Sales-ready leads") == [f"{n:,}" for n in now]
    deltas = [m.delta for m in at.metric if m.label == "Sales-ready leads"]
    assert deltas == [f"{a - b:+,} since 2026-05-31 00:00" for a, b in zip(now, before)]
    band_table = at.table[0].value
    expected = marts(demo, "select b.model_id, b.band, count(s.contact_id) from rules.score_bands b "
                           "left join marts.fct_lead_scores s using (model_id, band) group by all")
    shown = {(model, row["Band"]): row["Leads"] for model, row in band_table.iterrows()}
    assert shown == {(m, b): n for m, b, n in expected}
    specs = charts(at)
    assert len(specs) == 2
    for spec in specs:
        assert_labelled(spec)
        assert spec["facet"]["column"]["field"] == "model_id"  # the models side by side


def test_leads_table_filters_and_links(demo, monkeypatch):
    at = open_page(demo, monkeypatch, "leads")
    contact, score = marts(demo, "select contact_id, score from marts.fct_lead_scores "
                                 "where model_id = 'analytics_suite' and score_rank = 1")[0]
    rows = html_rows(at)
    assert len(rows) == 50  # one page
    assert rows[0][0] == "1"
    assert rows[0][1] == (f"<a href='lead?model_id=analytics_suite&amp;contact_id={contact}' "
                          f"target='_self'>{contact}</a>")
    assert float(rows[0][6]) == pytest.approx(score, abs=0.05)

    at.multiselect(key="leads_band").set_value(["cold"]).run()
    cold = marts(demo, "select count(*) from marts.fct_lead_scores where model_id = 'analytics_suite' and band = 'cold'")
    assert f"{cold[0][0]:,} leads" in at.number_input(key="leads_page").label
    assert {r[5] for r in html_rows(at)} == {"cold"}

    email, contact_id = marts(demo, "select email, contact_id from marts.dim_contacts order by contact_id limit 1")[0]
    at.multiselect(key="leads_band").set_value([]).run()
    at.text_input(key="leads_search").input(email.upper()).run()
    assert [r[3] for r in html_rows(at)] == [email]
    at.text_input(key="leads_search").input("no-such-lead").run()
    assert [i.value for i in at.info] == ["No lead matches these filters; clear a filter or the search."]


def test_one_lead_explains_every_point(demo, monkeypatch):
    contact, score, fit, engagement = marts(demo, """
        select contact_id, score, fit_score, engagement_score from marts.fct_lead_scores
        where model_id = 'b2b_general' and score_rank = 1""")[0]
    at = open_page(demo, monkeypatch, "lead", model_id="b2b_general", contact_id=contact)
    contributions = marts(demo, "select points from marts.fct_lead_score_contributions "
                                "where model_id = 'b2b_general' and contact_id = ?", [contact])
    total = sum(p for (p,) in contributions)
    assert total == pytest.approx(fit + engagement)
    assert metric_values(at, "Score (points)") == [f"{score:,.0f}" if score == int(score) else f"{score:,.1f}"]
    summary = next(m.value for m in at.markdown if m.value.startswith("Contributions sum to"))
    assert float(re.search(r"sum to \*\*([-\d.,]+)\*\*", summary).group(1).replace(",", "")) == pytest.approx(total, abs=0.05)
    assert len(at.dataframe[0].value) == len(contributions)
    specs = charts(at)
    for spec in specs:
        assert_labelled(spec)
    history = specs[0]
    assert history["title"] == "Score history with band thresholds (dashed)"
    assert any(layer["mark"]["type"] == "rule" for layer in history["layer"])  # the thresholds
    events = at.dataframe[-1].value  # the latest events, newest first
    expected = marts(demo, "select event_id from marts.fct_lead_recent_events where contact_id = ? "
                           "order by event_rank", [contact])
    assert list(events["event_id"]) == [e for (e,) in expected] and len(expected) > 0


def test_recent_events_are_the_newest_per_contact(demo_project):
    """fct_lead_recent_events against staging, ranked here in Python: for every contact, its
    newest 20 events up to as_of (2026-06-30), newest first, ties by event id descending."""
    from datetime import datetime

    events = demo_project.query("select contact_id, event_id, occurred_at from staging.stg_raw__interactions "
                                "where contact_id is not null")
    as_of = datetime(2026, 6, 30)
    by_contact: dict[str, list] = {}
    for contact, event, occurred in events:
        if occurred <= as_of:
            by_contact.setdefault(contact, []).append((occurred, event))
    expected = {(contact, event, rank)
                for contact, rows in by_contact.items()
                for rank, (_, event) in enumerate(sorted(rows, reverse=True)[:20], start=1)}
    shown = set(demo_project.query("select contact_id, event_id, event_rank from marts.fct_lead_recent_events"))
    assert shown == expected
    assert max(len(rows) for rows in by_contact.values()) > 20  # the cut-off was exercised


def test_lead_without_id_or_unknown_id(demo, monkeypatch):
    at = open_page(demo, monkeypatch, "lead")
    assert at.info[0].value == "Open a lead from the **Leads** page, or type a contact id below."
    at = open_page(demo, monkeypatch, "lead", model_id="b2b_general", contact_id="nobody")
    assert "No score for contact `nobody` in model `b2b_general`" in at.info[0].value


def test_handovers(demo, monkeypatch):
    at = open_page(demo, monkeypatch, "handovers")
    into = marts(demo, """
        select count(*) from marts.fct_lead_band_changes c
        join rules.score_bands t on t.model_id = c.model_id and t.band = c.to_band
        left join rules.score_bands f on f.model_id = c.model_id and f.band = c.from_band
        where t.is_sales_ready and not coalesce(f.is_sales_ready, false)""")[0][0]
    assert into > 0
    by_owner = at.dataframe[0].value
    assert by_owner["into sales-ready"].sum() == into
    for spec in charts(at):
        assert_labelled(spec)


def test_accounts(demo, monkeypatch):
    at = open_page(demo, monkeypatch, "accounts")
    assert len(at.dataframe[0].value) == marts(demo, "select count(*) from marts.fct_account_scores")[0][0]
    account = at.selectbox(key="accounts_pick").value
    contacts = marts(demo, "select count(*) from marts.fct_lead_scores where account_id = ?", [account])[0][0]
    assert len(at.dataframe[1].value) == contacts > 0
    for spec in charts(at):
        assert_labelled(spec)


def test_rules_and_outcomes(demo, monkeypatch):
    at = open_page(demo, monkeypatch, "outcomes")
    performance = marts(demo, "select roc_auc, top_decile_lift from marts.rpt_model_performance order by model_id")
    assert metric_values(at, "ROC AUC") == [f"{auc:.3f}" for auc, _ in performance]
    assert metric_values(at, "Top-decile lift") == [f"{lift:.2f}×" for _, lift in performance]
    # mis-weighted: suggested points of the other sign, or 10+ points away from the points
    flagged = marts(demo, """select count(*) from marts.rpt_rule_effectiveness where suggested_points is not null
                             and (suggested_points * points < 0 or abs(suggested_points - points) >= 10)""")[0][0]
    assert any(m.value.startswith(f"**{flagged}** rule(s) highlighted as mis-weighted") for m in at.markdown)
    assert len(charts(at)) == 2
    for spec in charts(at):
        assert_labelled(spec)


def test_data_health(demo, monkeypatch):
    at = open_page(demo, monkeypatch, "health")
    pending = marts(demo, "select count(*) from marts.rpt_pending_identities")[0][0]
    assert metric_values(at, "Anonymous ids waiting") == [f"{pending:,}"]
    rejected = marts(demo, "select count(*) from marts.rpt_rejected_rows")[0][0]
    if rejected:
        assert at.dataframe[0].value["rows"].sum() == rejected
    newest = marts(demo, "select max(last_activity_at) from marts.fct_lead_scores")[0][0]
    assert metric_values(at, "Newest scored event") == [f"{newest:%Y-%m-%d %H:%M}"]


# --- empty warehouse, no read copy ------------------------------------------------------------
EMPTY_MESSAGES = {
    "overview": "No lead has been scored yet.",
    "leads": "Model `analytics_suite` has no scored leads yet.",
    "lead": "Open a lead from the **Leads** page",
    "handovers": "No lead has moved into or out of a sales-ready band yet.",
    "accounts": "No account has scored contacts yet",
    "outcomes": "No conversions after the scoring time for any model: load won deals into `raw.conversions`",
}


@pytest.mark.parametrize("page", PAGES)
def test_empty_warehouse_says_what_to_do(empty, monkeypatch, page):
    at = open_page(empty, monkeypatch, page)
    if page == "health":
        assert [s.value for s in at.success] == ["No raw row was rejected.",
                                                 "No anonymous event is waiting for an identity."]
        return
    assert at.info[0].value.startswith(EMPTY_MESSAGES[page])
    if page not in ("lead", "outcomes"):
        assert "`scripts/load_raw.py DIR`" in at.info[0].value


@pytest.mark.parametrize("page", PAGES)
def test_no_read_copy_says_what_to_do(tmp_path, monkeypatch, page):
    at = open_page(tmp_path / "missing_read.duckdb", monkeypatch, page)
    assert at.info[0].value.startswith(f"No published scores yet: the read copy `{tmp_path / 'missing_read.duckdb'}`")
    assert "--read-db PATH" in at.info[0].value


# --- a publish while the app is open ----------------------------------------------------------
def test_publish_during_interactions_never_errors(demo, empty, tmp_path, monkeypatch):
    """Reruns while another thread keeps swapping the read copy (os.replace, as scripts/build.py
    publishes) show one of the two builds, never an error; after the swaps the new one."""
    live = tmp_path / "live_read.duckdb"
    shutil.copy(demo, live)
    at = open_page(live, monkeypatch, "overview")
    demo_values = metric_values(at, "Sales-ready leads")
    stop = threading.Event()

    def swap():
        i = 0
        while not stop.is_set():
            source = (empty, demo)[i % 2]
            tmp = tmp_path / f".live_read.duckdb.{i}.tmp"
            shutil.copy(source, tmp)
            os.replace(tmp, live)
            i += 1

    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        for _ in range(15):
            at.run()
            assert not at.exception and not at.error
            shown = metric_values(at, "Sales-ready leads")
            assert shown == demo_values or (shown == [] and at.info[0].value.startswith("No lead has been scored"))
    finally:
        stop.set()
        swapper.join(timeout=60)
    tmp = tmp_path / ".final.tmp"
    shutil.copy(empty, tmp)
    os.replace(tmp, live)
    at.run()
    assert metric_values(at, "Sales-ready leads") == []
    assert at.info[0].value.startswith("No lead has been scored yet.")


# --- the command ------------------------------------------------------------------------------
def test_command_refuses_a_missing_read_copy(tmp_path):
    from lead_scoring.cli import main

    result = CliRunner().invoke(main, ["dashboard", "--read-db", str(tmp_path / "nope.duckdb")])
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope.duckdb'} does not exist" in result.output


def test_command_serves_on_loopback_without_usage_statistics():
    from lead_scoring.dashboard_cli import streamlit_command

    command = streamlit_command(8765)
    for flag in ("--server.address=127.0.0.1", "--server.port=8765", "--browser.gatherUsageStats=false",
                 "--server.headless=true"):
        assert flag in command
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(APP)]


# --- the query layer ------------------------------------------------------------------------
def test_query_retries_then_falls_back_to_the_previous_result(tmp_path, monkeypatch):
    from lead_scoring.dashboard import data

    read = tmp_path / "tiny_read.duckdb"
    with duckdb.connect(str(read)) as con:
        con.execute("create schema marts; create table marts.t as select 7 as n")
    monkeypatch.setenv("LEAD_SCORING_READ_DB", str(read))
    monkeypatch.setattr(data.time, "sleep", lambda seconds: None)
    assert data.scalar("select n from marts.t") == 7

    failures = []
    real_run = data._run

    def flaky(*args):
        if len(failures) < 2:  # the first two opens fail, as if the file were being swapped
            failures.append(1)
            raise duckdb.IOException("swapping")
        return real_run(*args)

    monkeypatch.setattr(data, "_run", flaky)
    assert data.scalar("select n + 1 from marts.t") == 8  # a new query: retried, not cached before
    assert len(failures) == 2

    def broken(*args):
        raise duckdb.IOException("still swapping")

    monkeypatch.setattr(data, "_run", broken)
    assert data.scalar("select n from marts.t") == 7  # the previous result of the same query
    with pytest.raises(duckdb.IOException):
        data.scalar("select n * 3 from marts.t")  # never read before: the error, not a guess
    read.unlink()
    with pytest.raises(data.NoReadCopy):
        data.scalar("select n from marts.t")


def test_leads_page_number_survives_a_narrower_filter(demo, monkeypatch):
    at = open_page(demo, monkeypatch, "leads")
    at.number_input(key="leads_page").set_value(6).run()  # 300 leads: page 6 of 6
    assert html_rows(at)[0][0] == "251"
    at.multiselect(key="leads_band").set_value(["product_qualified"]).run()  # fewer than 50 leads
    assert not at.exception and not at.error and not at.warning
    assert at.number_input(key="leads_page").value == 1
    assert {r[5] for r in html_rows(at)} == {"product_qualified"}


def test_model_choice_persists_across_pages(demo, monkeypatch):
    at = open_page(demo, monkeypatch, "overview")
    at.multiselect(key="models").set_value(["b2b_general"]).run()
    assert [s.value for s in at.subheader] == ["Model `b2b_general`"]
    at.switch_page("views/handovers.py").run()
    assert at.multiselect(key="models").value == ["b2b_general"]
    assert set(at.dataframe[0].value["model"]) == {"b2b_general"}


def test_leads_table_escapes_untrusted_text(demo, tmp_path, monkeypatch):
    read = tmp_path / "hostile_read.duckdb"
    shutil.copy(demo, read)
    contact = marts(read, "select contact_id from marts.fct_lead_scores "
                          "where model_id = 'analytics_suite' and score_rank = 1")[0][0]
    with duckdb.connect(str(read)) as con:
        con.execute("update marts.dim_contacts set first_name = '<img src=x onerror=alert(1)>', "
                    "email = 'a\"b''c@example.com' where contact_id = ?", [contact])
    at = open_page(read, monkeypatch, "leads")
    row = html_rows(at)[0]
    assert row[2] == "&lt;img src=x onerror=alert(1)&gt; " + marts(
        read, "select last_name from marts.dim_contacts where contact_id = ?", [contact])[0][0]
    assert row[3] == "a&quot;b&#x27;c@example.com"
