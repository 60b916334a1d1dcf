"""What the project writes and prints: file modes, stale temp files, secrets in URLs, warnings
under --quiet, and what a failed rules build leaves behind (issue #19)."""
from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb

from lead_scoring.building.publish import publish
from conftest import REPO, Project
from scenario import band, beh, contact, ev, model
from test_consumer_outputs import make_crm_db


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def make_marts(path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_lead_scores as select timestamp '2026-06-30' as scored_at, "
                    "'v1' as rules_version, 'a@x.com' as email")


def test_publish_keeps_the_read_copy_mode_and_starts_private(tmp_path):
    db, target = tmp_path / "w.duckdb", tmp_path / "w_read.duckdb"
    make_marts(db)
    old_umask = os.umask(0o022)
    try:
        publish(db, target)
        assert mode(target) == 0o600  # a first copy: owner only, although the umask allows 0644
        os.chmod(target, 0o640)
        publish(db, target)
        assert mode(target) == 0o640  # a replaced copy keeps the mode it was given
        os.umask(0o077)
        target.unlink()
        publish(db, target)
        assert mode(target) == 0o600
    finally:
        os.umask(old_umask)


def test_publish_removes_temp_files_of_a_publish_that_died(tmp_path):
    db, target = tmp_path / "w.duckdb", tmp_path / "w_read.duckdb"
    make_marts(db)
    stale = [tmp_path / ".w_read.duckdb.4242.tmp", tmp_path / ".w_read.duckdb.4242.tmp.wal"]
    for path in stale:
        path.write_text("left by a killed publish")
    unrelated = tmp_path / ".other_read.duckdb.4242.tmp"
    unrelated.write_text("another database's")
    publish(db, target)
    assert not any(p.exists() for p in stale) and unrelated.exists()
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *(p.name for p in stale)],
                             cwd=REPO, capture_output=True, text=True)
    assert ignored.stdout.split() == [p.name for p in stale]


def export(*args, env=None):
    return subprocess.run([sys.executable, "-m", "lead_scoring", "export", *args],
                          capture_output=True, text=True, timeout=120, env=env)


def test_file_export_and_state_are_private(tmp_path):
    db, out = tmp_path / "crm.duckdb", tmp_path / "out"
    make_crm_db(db, 5)
    old_umask = os.umask(0o022)
    try:
        assert export("--out", str(out), "--db", str(db)).returncode == 0
    finally:
        os.umask(old_umask)
    files = list(out.iterdir())
    assert len(files) == 2 and all(mode(f) == 0o600 for f in files)


class AuthServer:
    """Records the Authorization header and the path of each request."""

    def __init__(self):
        self.seen: list[tuple[str | None, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.seen.append((self.headers.get("Authorization"), self.path))
                self.send_response(200 if "good" in self.path else 403)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_exporter_never_prints_secrets_and_sends_them_as_auth(tmp_path):
    db = tmp_path / "crm.duckdb"
    make_crm_db(db, 3)
    crm = AuthServer()
    try:
        common = ["--db", str(db), "--retries", "0"]
        ok = export("--url", f"http://{crm.base}/good?api_key=SECRETKEY&x=1", "--state", str(tmp_path / "s1"),
                    *common)
        assert ok.returncode == 0, ok.stderr
        assert "SECRETKEY" not in ok.stdout + ok.stderr and "api_key=***" in ok.stdout
        assert crm.seen[-1] == (None, "/good?api_key=SECRETKEY&x=1")
        # user:password@ URLs: Basic auth, and neither part is printed
        basic = export("--url", f"http://alice:p%40ss@{crm.base}/good", "--state", str(tmp_path / "s2"), *common)
        assert basic.returncode == 0, basic.stderr
        assert crm.seen[-1][0] == "Basic " + base64.b64encode(b"alice:p@ss").decode()
        assert "alice" not in basic.stdout + basic.stderr and "p%40ss" not in basic.stdout + basic.stderr
        # a token from the environment; a refused batch's message shows no secret either
        env = {**os.environ, "LEAD_SCORING_EXPORT_TOKEN": "TOKEN123"}
        refused = export("--url", f"http://{crm.base}/bad?token=TOKEN123", "--state", str(tmp_path / "s3"),
                         *common, env=env)
        assert refused.returncode == 1 and "HTTP 403" in refused.stderr
        assert crm.seen[-1][0] == "Bearer TOKEN123"
        assert "TOKEN123" not in refused.stdout + refused.stderr
        bad = export("--url", "ftp://host/x?key=SECRETKEY", "--state", str(tmp_path / "s4"), *common)
        assert bad.returncode == 2 and "SECRETKEY" not in bad.stderr and len(bad.stderr.splitlines()) == 1
    finally:
        crm.server.shutdown()


SEEDS = {
    "scoring_models": [model("m")],
    "attribute_rules": [],
    "behavior_rules": [beh("m", "views", "page_view", 1)],
    "absence_rules": [],
    "score_bands": [band("m", "base", 0)],
}


def run_build(project: Project, *args: str) -> subprocess.CompletedProcess:
    all_vars = {"as_of": "2026-06-30 00:00:00"}
    proc = subprocess.run([sys.executable, "-m", "lead_scoring", "--project-dir", str(project.root), "build", "--quiet",
                           *args, "--vars", json.dumps(all_vars)],
                          env=project.command_env(all_vars), cwd=project.root, capture_output=True, text=True,
                          timeout=600)
    if proc.returncode == 0:
        project.keep_parse(all_vars)
    return proc


def test_quiet_build_still_warns_and_a_failed_rules_build_keeps_scores(tmp_path):
    project = Project(tmp_path / "p")
    project.write_seeds(**SEEDS)
    project.load_raw("2026-07-10 00:00:00", contacts=[contact("c1")],
                     interactions=[ev("e1", "c1", "page_view", "2026-06-01 00:00:00")])
    first = run_build(project)
    assert first.returncode == 0, first.stderr
    assert "warning" not in first.stderr
    # a whole batch rejected (no contact and no anonymous id): warned about even under --quiet
    project.load_raw("2026-07-11 00:00:00", interactions=[
        ev(f"x{i}", None, "page_view", "2026-06-01 00:00:00") for i in range(3)])
    second = run_build(project)
    assert second.returncode == 0, second.stderr
    assert "build: warning: rejected_share_per_batch" in second.stderr
    # invalid rules: the build fails; score marts and the read copy are as the last good build left them
    scores_before = project.mart_snapshot()["fct_lead_scores"]
    read_copy = project.db.replace(".duckdb", "_read.duckdb")
    published_before = os.stat(read_copy).st_mtime_ns
    project.load_raw("2026-07-12 00:00:00", contacts=[contact("c2")],
                     interactions=[ev("e2", "c2", "page_view", "2026-06-02 00:00:00")])
    project.write_seeds(behavior_rules=[beh("m", "views", "page_view", 1, operator="equal")])
    failed = run_build(project)
    assert failed.returncode == 1 and "read copy was not changed" in failed.stderr
    assert project.mart_snapshot()["fct_lead_scores"] == scores_before
    assert os.stat(read_copy).st_mtime_ns == published_before
