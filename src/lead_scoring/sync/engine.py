"""Plan a sync (diff against what the destination accepted) and run it, batch by batch."""
from __future__ import annotations

import hashlib
import json
import sys
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb

from .http import BudgetExhausted, SyncError, redact
from .mapping import Mapping
from .state import SyncState


@dataclass
class Row:
    key: str | None
    contact_id: str | None
    payload: dict                # CRM field -> value, the match field included
    payload_hash: str
    operation: str               # create | update
    attempt: int = 1
    reason: str | None = None    # why it cannot be sent (invalid rows)

    def to_json(self) -> dict:
        return {"key": self.key, "contact_id": self.contact_id, "payload": self.payload,
                "payload_hash": self.payload_hash, "operation": self.operation, "attempt": self.attempt}

    @classmethod
    def from_json(cls, data: dict) -> "Row":
        return cls(**data)


@dataclass
class Result:
    row: Row
    status: str                  # accepted | rejected
    error: str | None = None
    http_status: int | None = None
    response: dict | None = None
    crm_created: bool | None = None


@dataclass
class Plan:
    source_rows: int = 0
    pending: list[Row] = field(default_factory=list)
    invalid: list[Row] = field(default_factory=list)
    unchanged: int = 0

    @property
    def creates(self) -> int:
        return sum(r.operation == "create" for r in self.pending)

    @property
    def updates(self) -> int:
        return sum(r.operation == "update" for r in self.pending)


def plain(value):
    """Warehouse values as JSON values, stable across reads (floats rounded: hash noise)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def payload_hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def table_columns(source_db: Path) -> list[str]:
    if not Path(source_db).exists():
        raise SyncError(f"no published scores at {source_db}: run scripts/build.py first (or pass --db)")
    try:
        with duckdb.connect(str(source_db), read_only=True) as con:
            rows = con.execute("select column_name from duckdb_columns() where schema_name = 'marts' "
                               "and table_name = 'crm_lead_scores' order by column_index").fetchall()
    except duckdb.Error as exc:
        raise SyncError(f"cannot read {source_db}: {str(exc).splitlines()[0]}") from None
    if not rows:
        raise SyncError(f"{source_db} has no marts.crm_lead_scores: is it the published read copy?")
    return [r[0] for r in rows]


def read_rows(source_db: Path, mapping: Mapping) -> list[dict]:
    columns = list(dict.fromkeys(["contact_id", *mapping.columns]))
    with duckdb.connect(str(source_db), read_only=True) as con:
        cur = con.execute(f"select {', '.join(columns)} from marts.crm_lead_scores order by contact_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def make_plan(rows: list[dict], mapping: Mapping, destination, state: SyncState) -> Plan:
    delivered = state.delivered_hashes(mapping.name)
    attempts = state.previous_attempts(mapping.name)
    plan = Plan(source_rows=len(rows))
    valid: list[Row] = []
    for source in rows:
        raw_key = source[mapping.match_column]
        key = None if raw_key is None else str(plain(raw_key)).strip()
        if mapping.match_field.lower() == "email" and key:
            key = key.lower()
        payload = {mapping.match_field: key}
        payload.update({target: plain(source[column]) for column, target in mapping.fields.items()})
        digest = payload_hash(payload)
        operation = "update" if key in delivered else "create"
        row = Row(key, source.get("contact_id"), payload, digest, operation)
        row.reason = (f"{mapping.match_column} is empty (the match key)" if not key
                      else destination.invalid_reason(row))
        (plan.invalid if row.reason else valid).append(row)
    # two of our rows pointing at one CRM record would overwrite each other: send neither
    by_key: dict[str, list[Row]] = {}
    for row in valid:
        by_key.setdefault(row.key, []).append(row)
    for key, group in by_key.items():
        if len(group) > 1:
            for row in group:
                others = ", ".join(r.contact_id or "?" for r in group if r is not row)
                row.reason = f"{mapping.match_field} {key} is shared with contact {others}"
                plan.invalid.append(row)
            continue
        row = group[0]
        if delivered.get(key) == row.payload_hash:
            plan.unchanged += 1
        else:
            row.attempt = attempts.get((row.key, row.payload_hash), 0) + 1
            plan.pending.append(row)
    plan.pending.sort(key=lambda r: r.key)
    return plan


class Context:
    """What a destination needs while sending: the HTTP client, and record() after each answer."""

    def __init__(self, state: SyncState, mapping: Mapping, run_id: str, client, progress):
        self.state, self.mapping, self.run_id = state, mapping, run_id
        self.client = client
        self.progress = progress
        self.accepted = 0
        self.rejected = 0
        self.last_refusal: str | None = None
        self.same_refusals = 0

    def record(self, results: list[Result], drop_job: str | None = None) -> None:
        for r in results:
            r.error = redact(r.error)[:2000] if r.error else None
        requests = self.client.requests if self.client else 0
        retries = self.client.retries if self.client else 0
        self.state.record_batch(self.run_id, self.mapping.name, results, requests, retries, drop_job=drop_job)
        self.accepted += sum(r.status == "accepted" for r in results)
        self.rejected += sum(r.status != "accepted" for r in results)

    def advance(self, n: int = 1) -> None:
        self.progress.advance(n)


@dataclass
class Outcome:
    run_id: str
    status: str
    message: str | None
    accepted: int
    rejected: int
    requests: int
    retries: int


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def run_sync(plan: Plan, mapping: Mapping, destination, state: SyncState, source_db: Path, client,
             progress, recovery: bool = False) -> Outcome:
    """Send the plan's pending rows; with recovery=True, only finish jobs an earlier run left."""
    run_id = new_run_id()
    state.start_run(run_id, mapping, str(source_db), plan)
    state.log_invalid(run_id, mapping.name, plan.invalid)
    ctx = Context(state, mapping, run_id, client, progress)
    status, message = "complete", None
    try:
        if recovery:
            count = destination.recover(ctx)
            message = f"recorded the results of {count} Bulk job(s) an earlier run left in flight"
        else:
            destination.deliver(plan.pending, ctx)
    except BudgetExhausted as exc:
        status, message = "stopped", f"{exc}; rerun to continue"
    except SyncError as exc:
        status, message = "failed", redact(str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug or a local I/O error: record it, keep secrets out
        status, message = "failed", redact(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    except KeyboardInterrupt:
        status, message = "interrupted", "interrupted; rerun to continue"
    finally:
        progress.stop()
    if status == "complete" and ctx.rejected:
        status = "partial"
    requests = client.requests if client else 0
    retries = client.retries if client else 0
    state.finish_run(run_id, status, message, requests, retries)
    return Outcome(run_id, status, message, ctx.accepted, ctx.rejected, requests, retries)


class Progress:
    """Batches sent / total on a terminal (stderr); silent otherwise."""

    def __init__(self, total: int, label: str, enabled: bool | None = None):
        enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar = None
        if enabled and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("batches"), TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task(label, total=total)
            self._bar.start()

    def advance(self, n: int = 1) -> None:
        if self._bar:
            self._bar.advance(self._task, n)

    def stop(self) -> None:
        if self._bar:
            self._bar.stop()
            self._bar = None


class BatchRefused(Exception):
    """A whole request refused with a 4xx that names no record: the batch holds a bad row."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def chunks(rows: list, size: int) -> list[list]:
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def send_batches(rows: list[Row], size: int, send, ctx: Context) -> None:
    """Send each batch; record the answer in one transaction right after it arrives.

    A batch refused as a whole (4xx without per-record errors) is split in halves and resent
    until the refusal is pinned to single rows, so a bad row is recorded against that row and
    its neighbours still go through."""
    for batch in chunks(rows, size):
        _send_or_split(batch, send, ctx)
        ctx.advance()


# Single rows refused in a row with one and the same whole-request error: not a bad row but a
# set-up problem (a field the CRM does not have, ...): stop instead of splitting every batch.
SAME_REFUSALS_LIMIT = 10


def _send_or_split(batch: list[Row], send, ctx: Context) -> None:
    try:
        results = send(batch)
    except BatchRefused as exc:
        if len(batch) == 1:
            results = [Result(batch[0], "rejected", exc.message, exc.status)]
            same = ctx.last_refusal == exc.message
            ctx.last_refusal, ctx.same_refusals = exc.message, (ctx.same_refusals + 1 if same else 1)
            if ctx.same_refusals >= SAME_REFUSALS_LIMIT:
                ctx.record(results)
                raise SyncError(f"the destination refuses row after row with the same error ({exc.message}); "
                                "stopped: check the mapping's fields against the CRM") from None
        else:
            half = len(batch) // 2
            _send_or_split(batch[:half], send, ctx)
            _send_or_split(batch[half:], send, ctx)
            return
    if any(r.status == "accepted" for r in results):
        ctx.last_refusal, ctx.same_refusals = None, 0
    ctx.record(results)
