"""Sync state: what each destination accepted, a log of every row sent, a summary per run.

Kept in its own DuckDB file (default <database>_sync.duckdb, or $LEAD_SCORING_SYNC_DB), not in the
read copy (replaced on every publish) nor in the main database (held by builds: DuckDB allows
one writer per file). See docs/crm-sync.md.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from lead_scoring import PROJECT_DIR

SCHEMA = """
create schema if not exists sync;
create table if not exists sync.delivered (
    destination varchar not null,     -- mapping name (default: the destination type)
    key varchar not null,             -- value of the match field in the CRM
    contact_id varchar,
    payload_hash varchar not null,    -- sha256 of the mapped values the CRM accepted
    payload json,
    synced_at timestamp not null,
    run_id varchar not null,
    response json,                    -- the CRM's answer for this record (id, created, ...)
    primary key (destination, key)
);
create table if not exists sync.log (
    run_id varchar not null,
    destination varchar not null,
    key varchar not null,
    contact_id varchar,
    operation varchar not null,       -- create (never delivered) | update (delivered, values changed)
    status varchar not null,          -- accepted | rejected | invalid
    error varchar,                    -- the CRM's (or our) reason, when not accepted
    attempt integer not null,         -- sends of this payload to this destination, this one included
    http_status integer,
    crm_created boolean,              -- what the CRM said (HubSpot 'new', Salesforce 'created')
    payload_hash varchar,
    logged_at timestamp not null
);
create table if not exists sync.runs (
    run_id varchar primary key,
    destination varchar not null,
    destination_type varchar not null,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,          -- running | complete | partial | stopped | failed | interrupted
    source_db varchar,
    planned integer, to_create integer, to_update integer, unchanged integer, invalid integer,
    accepted integer default 0, rejected integer default 0, requests integer default 0,
    retries integer default 0,
    message varchar
);
create table if not exists sync.bulk_jobs (
    destination varchar not null,
    job_id varchar not null,
    run_id varchar not null,
    created_at timestamp not null,
    rows json not null,               -- what the job carries: key, contact_id, hash, payload, operation
    primary key (destination, job_id)
);
"""


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def main_database() -> Path:
    # the same defaults as scripts/build.py
    return Path(os.environ.get("LEAD_SCORING_DB", PROJECT_DIR / "lead_scoring.duckdb")).resolve()


def default_read_copy() -> Path:
    db = main_database()
    return Path(os.environ.get("LEAD_SCORING_READ_DB", db.with_name(db.stem + "_read" + db.suffix))).resolve()


def default_state_db() -> Path:
    db = main_database()
    return Path(os.environ.get("LEAD_SCORING_SYNC_DB", db.with_name(db.stem + "_sync" + db.suffix))).resolve()


class SyncState:
    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            self.con = duckdb.connect()            # an empty state: nothing delivered yet
            self.con.execute(SCHEMA)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # attached under a fixed name: a file called sync.duckdb would clash with schema sync
            self.con = duckdb.connect()
            quoted = str(self.path).replace("'", "''")
            self.con.execute(f"attach '{quoted}' as sync_state" + (" (read_only)" if read_only else ""))
            self.con.execute("use sync_state")
            if not read_only:
                self.con.execute(SCHEMA)

    def close(self) -> None:
        self.con.close()

    # --- reading ---------------------------------------------------------------------------
    def delivered_hashes(self, destination: str) -> dict[str, str]:
        rows = self.con.execute("select key, payload_hash from sync.delivered where destination = ?",
                                [destination]).fetchall()
        return dict(rows)

    def previous_attempts(self, destination: str) -> dict[tuple[str, str], int]:
        rows = self.con.execute("select key, payload_hash, count(*) from sync.log where destination = ? "
                                "and status <> 'invalid' group by all", [destination]).fetchall()
        return {(k, h): n for k, h, n in rows}

    def delivered_payloads(self, destination: str, keys: list[str]) -> dict[str, dict]:
        if not keys:
            return {}
        rows = self.con.execute("select key, payload from sync.delivered where destination = ? and key in ?",
                                [destination, keys]).fetchall()
        return {k: json.loads(p) for k, p in rows if p}

    def last_run(self, destination: str) -> tuple | None:
        return self.con.execute("select run_id, started_at, status, accepted, rejected from sync.runs "
                                "where destination = ? order by started_at desc limit 1", [destination]).fetchone()

    def open_jobs(self, destination: str) -> list[tuple[str, list[dict]]]:
        rows = self.con.execute("select job_id, rows from sync.bulk_jobs where destination = ? order by created_at",
                                [destination]).fetchall()
        return [(job_id, json.loads(rows_json)) for job_id, rows_json in rows]

    # --- writing ---------------------------------------------------------------------------
    def start_run(self, run_id: str, mapping, source_db: str, plan) -> None:
        with self.transaction():
            # a run still 'running' was killed: say so, its accepted batches are already recorded
            self.con.execute("update sync.runs set status = 'interrupted', finished_at = coalesce(finished_at, ?) "
                             "where destination = ? and status = 'running'", [now(), mapping.name])
            self.con.execute(
                "insert into sync.runs (run_id, destination, destination_type, started_at, status, source_db, "
                "planned, to_create, to_update, unchanged, invalid) values (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                [run_id, mapping.name, mapping.destination, now(), source_db, len(plan.pending), plan.creates,
                 plan.updates, plan.unchanged, len(plan.invalid)])

    def log_invalid(self, run_id: str, destination: str, invalid: list) -> None:
        if not invalid:
            return
        stamp = now()
        with self.transaction():
            insert_rows(self.con, "insert into sync.log", 12,
                        [[run_id, destination, r.key or "", r.contact_id, r.operation, "invalid", r.reason, 0,
                          None, None, r.payload_hash, stamp] for r in invalid])

    def record_batch(self, run_id: str, destination: str, results: list, requests: int, retries: int,
                     drop_job: str | None = None) -> None:
        """One transaction per answered request: the snapshot of accepted rows, the log, the counters."""
        stamp = now()
        accepted = [r for r in results if r.status == "accepted"]
        with self.transaction():
            if accepted:
                insert_rows(self.con, "insert or replace into sync.delivered", 8, [
                    [destination, r.row.key, r.row.contact_id, r.row.payload_hash, json.dumps(r.row.payload),
                     stamp, run_id, json.dumps(r.response) if r.response is not None else None] for r in accepted])
            if results:
                insert_rows(self.con, "insert into sync.log", 12, [
                    [run_id, destination, r.row.key, r.row.contact_id, r.row.operation, r.status, r.error,
                     r.row.attempt, r.http_status, r.crm_created, r.row.payload_hash, stamp] for r in results])
            self.con.execute(
                "update sync.runs set accepted = accepted + ?, rejected = rejected + ?, requests = ?, retries = ? "
                "where run_id = ?", [len(accepted), len(results) - len(accepted), requests, retries, run_id])
            if drop_job:  # a Salesforce Bulk job's results are recorded: it is no longer in flight
                self.con.execute("delete from sync.bulk_jobs where destination = ? and job_id = ?",
                                 [destination, drop_job])

    def add_job(self, destination: str, job_id: str, run_id: str, rows: list) -> None:
        with self.transaction():
            self.con.execute("insert into sync.bulk_jobs values (?, ?, ?, ?, ?)",
                             [destination, job_id, run_id, now(), json.dumps([r.to_json() for r in rows])])

    def finish_run(self, run_id: str, status: str, message: str | None, requests: int, retries: int) -> None:
        self.con.execute("update sync.runs set status = ?, finished_at = ?, message = ?, requests = ?, retries = ? "
                         "where run_id = ?", [status, now(), message, requests, retries, run_id])

    def transaction(self):
        return _Transaction(self.con)


def insert_rows(con, statement: str, width: int, rows: list[list], chunk: int = 500) -> None:
    """Multi-row VALUES inserts: DuckDB's executemany runs one statement per row, ~8x slower here."""
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        values = ", ".join(["(" + ", ".join(["?"] * width) + ")"] * len(part))
        con.execute(f"{statement} values {values}", [v for row in part for v in row])


class _Transaction:
    def __init__(self, con):
        self.con = con

    def __enter__(self):
        self.con.execute("begin transaction")
        return self.con

    def __exit__(self, exc_type, *_):
        self.con.execute("rollback" if exc_type else "commit")
