"""Export the CRM sync rows changed since the last export.

    lead-scoring export --out DIR [--format csv|jsonl|parquet]
    lead-scoring export --url https://crm.example/api/lead-scores [--batch-size 500]

Reads marts.crm_lead_scores from the published read copy (default) or --db. The exporter keeps
its own watermark in a state file (--state; default DIR/.crm_export_state.json, or
./crm_export_state.json with --url), so a failed or repeated export neither loses nor
duplicates a change:
- an export covers rows with score_updated_at in (watermark, until], where `until` is fixed
  when the export starts and kept until it completes;
- files are written whole under a name derived from that range, then renamed into place, so
  a rerun rewrites the same file instead of adding another;
- with --url, rows are POSTed as JSON in batches, in (score_updated_at, contact_id) order, each
  with an Idempotency-Key; failures are retried with exponential back-off, and the cursor of
  the last accepted batch is saved, so a rerun resumes after it.

Secrets: messages never show a URL's user, password or query values (they print as ***).
Credentials in the URL (https://user:password@host/...) are sent as HTTP Basic auth; a token
in $LEAD_SCORING_EXPORT_TOKEN is sent as `Authorization: Bearer <token>`, which keeps it out
of the command line and shell history. Change files and the state file are created readable
by their owner only (0600, narrowed by the umask); a file replaced keeps its mode and group.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import base64
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import click
import duckdb

from lead_scoring import config
from lead_scoring.building.publish import copy_access
from lead_scoring.commands import CONTEXT, Refused, run
from lead_scoring.config import MARTS_SCHEMA
from lead_scoring.progress import progress

COLUMNS = ["contact_id", "email", "lead_score", "fit_score", "engagement_score", "lead_band", "is_sales_ready",
           "owner_id", "primary_interest", "score_updated_at", "payload_hash"]


TOKEN_ENV = "LEAD_SCORING_EXPORT_TOKEN"


def redact_url(url: str) -> str:
    """The URL as it may be printed: user, password and query values replaced by ***."""
    try:
        parts = urllib.parse.urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = "***@" + netloc.rsplit("@", 1)[1]
        query = urllib.parse.urlencode([(k, "***") for k, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)],
                                       safe="*")
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, ""))
    except ValueError:
        return "<unparseable URL>"


def split_credentials(url: str) -> tuple[str, dict[str, str]]:
    """The URL without userinfo, and the auth headers it (or the environment) asks for."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--url must be an http(s) URL with a host, got {redact_url(url)}")
    headers = {}
    if parts.username is not None or parts.password is not None:
        user = urllib.parse.unquote(parts.username or "")
        password = urllib.parse.unquote(parts.password or "")
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        netloc = parts.netloc.rsplit("@", 1)[1]
        url = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    token = os.environ.get(TOKEN_ENV)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return url, headers


def private_write(target: Path, write) -> None:
    """write(tmp) then an atomic rename; the file is owner-only unless it existed already."""
    tmp = target.with_name("." + target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    write(tmp)
    copy_access(target, tmp)
    os.replace(tmp, target)


def default_db() -> str:
    return str(config.read_copy_path())


def load_state(path: Path) -> dict:
    if path.exists():
        return json.loads(path.read_text())
    return {"watermark": None, "pending": None}


def save_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    private_write(path, lambda tmp: tmp.write_text(json.dumps(state, indent=2)))


def fetch(db: str, watermark: str | None, until: str, cursor: list | None) -> list[dict]:
    sql = (f"select {', '.join(COLUMNS)} from {MARTS_SCHEMA}.crm_lead_scores where score_updated_at <= cast(? as timestamp)")
    params: list = [until]
    if watermark:
        sql += " and score_updated_at > cast(? as timestamp)"
        params.append(watermark)
    if cursor:
        sql += " and (score_updated_at > cast(? as timestamp) or (score_updated_at = cast(? as timestamp) and contact_id > ?))"
        params += [cursor[0], cursor[0], cursor[1]]
    sql += " order by score_updated_at, contact_id"
    with duckdb.connect(db, read_only=True) as con:
        cur = con.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


def latest_change(db: str) -> str | None:
    with duckdb.connect(db, read_only=True) as con:
        value = con.execute(f"select max(score_updated_at) from {MARTS_SCHEMA}.crm_lead_scores").fetchone()[0]
    return None if value is None else value.isoformat(sep=" ")


def jsonable(row: dict) -> dict:
    def convert(value):
        if isinstance(value, (datetime, date)):
            return value.isoformat(sep=" ")
        if isinstance(value, Decimal):
            return float(value)
        return value
    return {k: convert(v) for k, v in row.items()}


def write_file(rows: list[dict], out: Path, fmt: str, watermark: str | None, until: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = lambda t: (t or "start").replace(" ", "T").replace(":", "")  # noqa: E731
    target = out / f"crm_changes_{stamp(watermark)}__{stamp(until)}.{fmt}"

    def write(tmp: Path) -> None:
        if fmt == "jsonl":
            tmp.write_text("".join(json.dumps(jsonable(r)) + "\n" for r in rows))
            return
        with duckdb.connect() as con:
            con.execute("create table export (" + ", ".join(
                f"{c} {'timestamp' if c == 'score_updated_at' else 'varchar'}" for c in COLUMNS) + ")")
            if rows:
                con.executemany(f"insert into export values ({', '.join('?' for _ in COLUMNS)})",
                                [[None if r[c] is None else (r[c] if c == 'score_updated_at' else str(r[c]))
                                  for c in COLUMNS] for r in rows])
            options = "(format parquet)" if fmt == "parquet" else "(format csv, header true)"
            path_literal = "'" + str(tmp).replace("'", "''") + "'"
            con.execute(f"copy (select * from export order by score_updated_at, contact_id) to {path_literal} {options}")

    private_write(target, write)
    return target


def post_batch(url: str, headers: dict[str, str], rows: list[dict], key: str, retries: int, backoff: float,
               timeout: float) -> None:
    body = json.dumps({"idempotency_key": key, "rows": [jsonable(r) for r in rows]}).encode()
    for attempt in range(retries + 1):
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Idempotency-Key": key, **headers})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if 200 <= response.status < 300:
                    return
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code != 429:
                raise RuntimeError(f"the CRM refused batch {key[:12]}: HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            pass
        if attempt < retries:
            time.sleep(backoff * (2 ** attempt))
    raise RuntimeError(f"batch {key[:12]} failed after {retries + 1} attempts")


def batch_key(until: str, rows: list[dict]) -> str:
    digest = hashlib.sha256(until.encode())
    for r in rows:
        digest.update(f"|{r['contact_id']}:{r['payload_hash']}".encode())
    return digest.hexdigest()


@click.command("export", context_settings=CONTEXT)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Directory for change files.")
@click.option("--url", help="Endpoint receiving JSON batches (POST).")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]), default="csv", show_default=True)
@click.option("--db", help="Database to read (default: the published read copy).")
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), help="Watermark file.")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True)
@click.option("--retries", type=click.IntRange(min=0), default=5, show_default=True)
@click.option("--backoff", type=float, default=0.5, show_default=True, help="First retry delay, seconds (doubles).")
@click.option("--timeout", type=float, default=30, show_default=True, help="Seconds per request.")
def export(out: Path | None, url: str | None, fmt: str, db: str | None, state: Path | None, batch_size: int,
           retries: int, backoff: float, timeout: float) -> None:
    """Export the CRM sync rows (marts.crm_lead_scores) changed since the last export, to files or
    to an HTTP endpoint; a failed or repeated export neither loses nor duplicates a change.

    Example: lead-scoring export --out exports/crm --format jsonl
    """
    if (out is None) == (url is None):
        raise Refused("give exactly one of --out DIR or --url URL", 2)
    if url:
        try:
            url_clean, headers = split_credentials(url)
        except ValueError as exc:
            raise Refused(str(exc), 2) from None
    db = db or default_db()
    state_path = state or (out / ".crm_export_state.json" if out else Path("crm_export_state.json"))
    saved = load_state(state_path)
    watermark = saved["watermark"]
    pending = saved["pending"]
    until = pending["until"] if pending else latest_change(db)
    if until is None or (watermark and until <= watermark):
        click.echo("export: nothing changed since the last export")
        return
    cursor = pending.get("cursor") if pending else None
    saved["pending"] = {"until": until, "cursor": cursor}
    save_state(state_path, saved)

    if out:
        rows = fetch(db, watermark, until, None)
        path = write_file(rows, out, fmt, watermark, until)
        click.echo(f"export: {len(rows)} changed rows -> {path}")
    else:
        rows = fetch(db, watermark, until, cursor)
        sent = 0
        with progress("batches sent", total=-(-len(rows) // batch_size)) as bar:
            for i in range(0, len(rows), batch_size):
                batch = rows[i:i + batch_size]
                try:
                    post_batch(url_clean, headers, batch, batch_key(until, batch), retries, backoff, timeout)
                except RuntimeError as exc:
                    print(f"export: {exc}; {sent} rows sent, progress saved; rerun to resume", file=sys.stderr)
                    sys.exit(1)
                sent += len(batch)
                last = batch[-1]
                saved["pending"]["cursor"] = [jsonable(last)["score_updated_at"], last["contact_id"]]
                save_state(state_path, saved)
                bar.advance()
        click.echo(f"export: {sent} changed rows sent to {redact_url(url)}")
    save_state(state_path, {"watermark": until, "pending": None})


def main(argv: list[str] | None = None) -> int:
    """The old scripts/export_crm_changes.py entry point."""
    return run(export, argv, "export_crm_changes")
