"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright, against
`lead-scoring dashboard` serving a small demo warehouse on 127.0.0.1.

Checks that every page renders, that the numbers shown equal the marts, that a click in the leads
table opens the lead, that no request leaves the machine (the browser's requests are recorded; the
server's HTTP clients are given a trap as proxy), and that a build published while the
page is open shows its new numbers on the next interaction. Screenshots of every page go to
$DASHBOARD_ARTIFACTS (default target/browser-artifacts); with DASHBOARD_DOCS_SCREENSHOTS=1 they
are also written, reduced to 64 colours, to docs/img/dashboard/ for docs/dashboard.md.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest
from playwright.sync_api import Page, expect, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests_py"))
import dashboard_data  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WAIT_MS = 60_000  # every wait is bounded
ARTIFACTS = Path(os.environ.get("DASHBOARD_ARTIFACTS", REPO / "target" / "browser-artifacts"))
DOCS_IMG = REPO / "docs" / "img" / "dashboard"
PAGES = [("overview", "Overview"), ("leads", "Leads"), ("lead", "Lead"), ("handovers", "Hand-overs"),
         ("accounts", "Accounts"), ("outcomes", "Rules and outcomes"), ("health", "Data health")]

if not Path(CHROMIUM).exists():  # never skip silently: the suite fails and says what to install
    raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium (make test-browser's set-up)")


# --- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser_demo")
    project = dashboard_data.demo_project(root)
    read = dashboard_data.publish(project, root / "warehouse_read.duckdb")
    return project, read


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dashboard:
    """`lead-scoring dashboard --read-db PATH --port PORT` in its own process group."""

    def __init__(self, read_db: Path, log: Path, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cli = Path(sys.executable).with_name("lead-scoring")
        self.log = log.open("w")
        self.process = subprocess.Popen([str(cli), "dashboard", "--read-db", str(read_db), "--port", str(self.port)],
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
                                        env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"dashboard exited with {self.process.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"dashboard did not answer within 60 s: {log.read_text()}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self.log.close()


class ProxyTrap:
    """A listening socket given to the server as its HTTP(S) proxy: any request the server makes
    through Python's HTTP clients (requests, urllib) to a host off the machine connects here."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.5)
        self.caught: list[bytes] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.env = {"HTTP_PROXY": url, "HTTPS_PROXY": url, "http_proxy": url, "https_proxy": url,
                    "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.caught.append(conn.recv(200))
                except OSError:
                    self.caught.append(b"(connection)")

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.requests = []  # every URL the page asked for
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


# --- helpers ----------------------------------------------------------------------------------
def marts(read: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(read), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def settle(page: Page, title: str) -> None:
    """The page's title is shown and the script run has finished (the status widget is gone)."""
    expect(page.locator("h1").filter(has_text=re.compile(f"^{re.escape(title)}$"))).to_be_visible()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.trim() === ''",
        timeout=WAIT_MS)
    page.wait_for_load_state("networkidle", timeout=WAIT_MS)


def metric(page: Page, label: str, nth: int = 0) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{re.escape(label)}$"))).nth(nth)
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def number(text: str) -> float:
    return float(text.replace(",", "").replace("×", "").strip())


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # Streamlit scrolls inside its main container: grow the viewport to the content for a full page
    size = page.viewport_size
    for _ in range(3):  # elements below the fold may render once visible: measure again
        height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        height = min(max(height, size["height"]), 4000)
        if height == page.viewport_size["height"]:
            break
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(1000)  # charts re-layout to the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    if os.environ.get("DASHBOARD_DOCS_SCREENSHOTS") == "1" and name in dict(PAGES):
        from PIL import Image

        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        with Image.open(path) as image:  # small files for the docs: 64 colours keep the text sharp
            image.convert("RGB").quantize(colors=64).save(DOCS_IMG / f"{name}.png", optimize=True)


def assert_local_only(requests: list[str]) -> None:
    outside = [url for url in requests
               if urlparse(url).scheme not in ("data", "blob", "about") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert outside == [], f"requests outside 127.0.0.1: {outside}"
    assert any(urlparse(url).hostname == "127.0.0.1" for url in requests)


def top_lead(read: Path, model: str) -> tuple[str, float]:
    return marts(read, "select contact_id, score from marts.fct_lead_scores where model_id = ? and score_rank = 1",
                 [model])[0]


# --- tests ------------------------------------------------------------------------------------
def test_every_page_shows_the_marts_and_stays_on_the_machine(demo, page, tmp_path):
    project, read = demo
    trap = ProxyTrap()
    server = Dashboard(read, tmp_path / "server.log", env=trap.env)
    try:
        # Overview: band counts and sales-ready counts per model equal the marts
        page.goto(f"{server.url}/")  # the default page
        settle(page, "Overview")
        expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(2)
        models = [m for (m,) in marts(read, "select distinct model_id from marts.fct_lead_scores order by 1")]
        assert models == ["analytics_suite", "b2b_general"]
        for i, model in enumerate(models):
            expected = marts(read, "select count(*) from marts.fct_lead_scores where model_id = ? and is_sales_ready",
                             [model])[0][0]
            assert number(metric(page, "Sales-ready leads", i)) == expected
        expected_bands = dict(((m, b), n) for m, b, n in marts(read, """
            select b.model_id, b.band, count(s.contact_id) from rules.score_bands b
            left join marts.fct_lead_scores s using (model_id, band) group by all"""))
        rows = page.locator('[data-testid="stTable"] tbody tr')
        # the table can arrive after the metrics; count() alone does not wait for it (a CI run
        # on a loaded machine read no rows)
        expect(rows).to_have_count(len(expected_bands), timeout=WAIT_MS)
        shown = {}
        for r in range(rows.count()):
            cells = [c.strip() for c in rows.nth(r).locator("th, td").all_inner_texts()]
            shown[(cells[0], cells[1])] = int(cells[-1].replace(",", ""))
        assert shown == expected_bands
        screenshot(page, "overview")

        # Leads: the first row is the top lead of the first model; its link opens the lead page
        page.goto(f"{server.url}/leads")
        settle(page, "Leads")
        contact, score = top_lead(read, "analytics_suite")
        first = page.locator("table.leads tbody tr").first
        expect(first).to_be_visible()
        cells = first.locator("td").all_inner_texts()
        assert cells[0] == "1" and cells[1] == contact
        assert number(cells[6]) == pytest.approx(score, abs=0.05)
        screenshot(page, "leads")
        first.locator("a").click()
        page.wait_for_url(re.compile(r"/lead\?"), timeout=WAIT_MS)
        settle(page, "Lead")
        assert parse_qs(urlparse(page.url).query) == {"model_id": ["analytics_suite"], "contact_id": [contact]}
        assert number(metric(page, "Score (points)")) == pytest.approx(score, abs=0.05)
        total = marts(read, "select sum(points) from marts.fct_lead_score_contributions "
                            "where model_id = 'analytics_suite' and contact_id = ?", [contact])[0][0]
        summary = page.get_by_text(re.compile(r"^Contributions sum to")).inner_text()
        assert number(re.search(r"sum to ([-\d.,]+)", summary).group(1)) == pytest.approx(total, abs=0.05)
        expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
        # contributions, band changes, latest events
        expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(3)
        screenshot(page, "lead")

        # Rules and outcomes: ROC AUC per model as in rpt_model_performance
        page.goto(f"{server.url}/outcomes")
        settle(page, "Rules and outcomes")
        for i, (model, auc) in enumerate(marts(read, "select model_id, roc_auc from marts.rpt_model_performance "
                                                     "where won > 0 order by model_id")):
            assert number(metric(page, "ROC AUC", i)) == pytest.approx(auc, abs=0.0005)
        screenshot(page, "outcomes")

        # The other pages render their charts without an error
        for url, title in [("handovers", "Hand-overs"), ("accounts", "Accounts"), ("health", "Data health")]:
            page.goto(f"{server.url}/{url}")
            settle(page, title)
            expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
            screenshot(page, url)
        pending = marts(read, "select count(*) from marts.rpt_pending_identities")[0][0]
        assert number(metric(page, "Anonymous ids waiting")) == pending

        assert page.locator('[data-testid="stException"]').count() == 0
        assert_local_only(page.requests)
        assert trap.caught == [], f"the server tried to reach off the machine: {trap.caught}"
    finally:
        server.stop()
        trap.close()


def test_a_build_published_while_open_shows_on_the_next_interaction(demo, page, tmp_path):
    project, read = demo
    live = tmp_path / "live_read.duckdb"
    shutil.copy(read, live)
    server = Dashboard(live, tmp_path / "server.log")
    try:
        page.goto(f"{server.url}/")  # the default page
        settle(page, "Overview")
        before = number(metric(page, "Sales-ready leads", 1))
        assert before == marts(live, "select count(*) from marts.fct_lead_scores "
                                     "where model_id = 'b2b_general' and is_sales_ready")[0][0]

        # a later build of a copy of the warehouse, published over the file the dashboard reads
        later = project.clone(tmp_path / "later")
        later.build(as_of="2026-07-31 00:00:00")
        new_top = top_lead(Path(later.db), "analytics_suite")
        after = later.query("select count(*) from marts.fct_lead_scores "
                            "where model_id = 'b2b_general' and is_sales_ready")[0][0]
        assert (after, new_top) != (before, top_lead(live, "analytics_suite"))  # the build changed what we check
        dashboard_data.publish(later, live)

        # the next interaction (a click in the navigation) shows the new scores
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=re.compile("^Leads$")).click()
        settle(page, "Leads")
        expect(page.locator("table.leads tbody tr").first).to_be_visible()
        cells = page.locator("table.leads tbody tr").first.locator("td").all_inner_texts()
        assert cells[1] == new_top[0]
        assert number(cells[6]) == pytest.approx(new_top[1], abs=0.05)
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=re.compile("^Overview$")).click()
        settle(page, "Overview")
        expect(page.locator('[data-testid="stMetric"]').filter(has_text="Sales-ready leads").nth(1)
               .locator('[data-testid="stMetricValue"]')).to_have_text(f"{after:,}")
        assert page.locator('[data-testid="stException"]').count() == 0
        screenshot(page, "after-publish")
        assert_local_only(page.requests)
    finally:
        server.stop()
