"""Salesforce: upsert Leads or Contacts on an external-id field.

- sObject Collections (small syncs): PATCH /services/data/vXX.X/composite/sobjects/{SObject}/{ExternalIdField}
  with {"allOrNone": false, "records": [...]} (at most 200 records); the answer is a list of
  {id, success, errors: [{statusCode, message, fields}], created} in request order.
- Bulk API 2.0 ingest (large syncs): create an upsert job, PUT the CSV, PATCH state
  UploadComplete, poll until JobComplete/Failed/Aborted, then read successfulResults
  (sf__Id, sf__Created), failedResults (sf__Id, sf__Error) and unprocessedrecords. The job id and
  its rows are stored in sync.bulk_jobs before the upload, so a run killed while Salesforce
  works on the job picks up its results on the next run instead of sending the rows again.
"""
from __future__ import annotations

import csv
import io
import math
import os

from .engine import BatchRefused, Result, Row, chunks, send_batches
from .http import Client, SyncError, checked_base_url, secret_from_env

MAX_COLLECTION = 200
BULK_ROWS_PER_JOB = 100_000   # well under the 150 MB per-job upload limit for these few columns
DONE_STATES = ("JobComplete", "Failed", "Aborted")


def error_text(body) -> str:
    """Salesforce REST errors are a list of {message, errorCode}."""
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return "; ".join(f"{e.get('errorCode', 'ERROR')}: {e.get('message', '')}" for e in body)
    if isinstance(body, dict):
        return f"{body.get('errorCode', 'ERROR')}: {body.get('message', '')}"
    return "refused"


def csv_value(value) -> str:
    if value is None:
        return "#N/A"  # Bulk API: set the field to null
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Salesforce:
    label = "Salesforce"

    def __init__(self, mapping, batch_size: int | None = None, api: str | None = None):
        self.mapping = mapping
        self.object = mapping.options["object"]
        self.api = api or mapping.options["api"]
        self.threshold = mapping.options["bulk_threshold"]
        self.version = mapping.options["api_version"]
        # --batch-size: records per sObject Collections request, or rows per Bulk job with --api bulk
        self.batch_size = batch_size if batch_size and self.api != "bulk" else MAX_COLLECTION
        self.job_rows = batch_size if batch_size and self.api == "bulk" else BULK_ROWS_PER_JOB
        self.client = None
        if self.batch_size > MAX_COLLECTION:
            raise SyncError(f"--batch-size: sObject Collections take 1 to {MAX_COLLECTION} records per request")

    def describe(self) -> str:
        how = {"bulk": "Bulk API 2.0", "composite": f"sObject Collections ({self.batch_size} per request)",
               "auto": f"Bulk API 2.0 from {self.threshold:,} rows, else sObject Collections"}[self.api]
        return f"Salesforce {self.object}, upsert on external id {self.mapping.match_field!r}, {how}"

    def invalid_reason(self, row: Row) -> str | None:
        if len(row.key) > 255:
            return "match key longer than 255 characters (external-id field limit)"
        return None

    def uses_bulk(self, n: int) -> bool:
        return self.api == "bulk" or (self.api == "auto" and n >= self.threshold)

    def requests_needed(self, n: int) -> int:
        if not n:
            return 0
        if self.uses_bulk(n):  # create, upload, close, a few polls, three result files
            return math.ceil(n / self.job_rows) * 8
        return math.ceil(n / self.batch_size)

    def batches_needed(self, n: int) -> int:
        return math.ceil(n / self.job_rows) if self.uses_bulk(n) else self.requests_needed(n)

    def connect(self, max_requests, time_budget, timeout):
        instance = os.environ.get("SALESFORCE_INSTANCE_URL")
        if not instance:
            raise SyncError("Salesforce: set SALESFORCE_INSTANCE_URL (e.g. https://yourorg.my.salesforce.com)")
        self.instance = checked_base_url(instance, "SALESFORCE_INSTANCE_URL")
        token = secret_from_env("SALESFORCE_ACCESS_TOKEN", "Salesforce access token")
        self.base = f"{self.instance}/services/data/v{self.version}"
        self.client = Client({"Authorization": f"Bearer {token}", "Accept": "application/json"},
                             max_requests, time_budget, timeout)
        return self.client

    # --- dispatch --------------------------------------------------------------------------
    def deliver(self, rows: list[Row], ctx) -> None:
        if self.uses_bulk(len(rows)):
            for job_rows in chunks(rows, self.job_rows):
                self._bulk_job(job_rows, ctx)
                ctx.advance()
        else:
            send_batches(rows, self.batch_size, self._collection, ctx)

    def recover(self, ctx) -> int:
        """Finish the Bulk jobs a previous run left in flight; return how many."""
        jobs = ctx.state.open_jobs(self.mapping.name)
        for job_id, rows in jobs:
            self._finish_job(job_id, [Row.from_json(r) for r in rows], ctx, recovering=True)
        return len(jobs)

    def _check(self, response, what: str):
        try:
            body = response.json()
        except ValueError:
            body = None
        status = response.status_code
        if status == 401:
            raise SyncError(f"Salesforce refused the session ({error_text(body)}); get a new access token")
        if status in (403, 404):
            raise SyncError(f"Salesforce: {what} answered HTTP {status} ({error_text(body)})")
        return status, body

    # --- sObject Collections -----------------------------------------------------------------
    def _collection(self, batch: list[Row]) -> list[Result]:
        url = f"{self.base}/composite/sobjects/{self.object}/{self.mapping.match_field}"
        records = [{"attributes": {"type": self.object}, **row.payload} for row in batch]
        response = self.client.request("PATCH", url, json={"allOrNone": False, "records": records})
        status, body = self._check(response, "sObject Collections upsert")
        if 400 <= status < 500:
            raise BatchRefused(status, f"HTTP {status} {error_text(body)}")
        if status != 200 or not isinstance(body, list) or len(body) != len(batch):
            raise SyncError(f"Salesforce answered HTTP {status} with an unexpected body")
        out = []
        for row, item in zip(batch, body):  # results come back in request order
            if item.get("success"):
                out.append(Result(row, "accepted", None, status, {"id": item.get("id")}, item.get("created")))
            else:
                errors = "; ".join(f"{e.get('statusCode')}: {e.get('message')}"
                                   + (f" ({', '.join(e['fields'])})" if e.get("fields") else "")
                                   for e in item.get("errors") or []) or "rejected"
                out.append(Result(row, "rejected", errors, status))
        return out

    # --- Bulk API 2.0 ------------------------------------------------------------------------
    def _bulk_job(self, rows: list[Row], ctx) -> None:
        response = self.client.request("POST", f"{self.base}/jobs/ingest", json={
            "object": self.object, "externalIdFieldName": self.mapping.match_field, "contentType": "CSV",
            "operation": "upsert", "lineEnding": "LF"})
        status, body = self._check(response, "Bulk API job creation")
        if status >= 300 or not isinstance(body, dict) or not body.get("id"):
            raise SyncError(f"Salesforce did not create the Bulk job: HTTP {status} {error_text(body)}")
        job_id = body["id"]
        ctx.state.add_job(self.mapping.name, job_id, ctx.run_id, rows)  # before any row can be processed
        content_url = body.get("contentUrl") or f"services/data/v{self.version}/jobs/ingest/{job_id}/batches"
        fields = list(rows[0].payload)
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(fields)
        for row in rows:
            writer.writerow([csv_value(row.payload.get(f)) for f in fields])
        response = self.client.request("PUT", f"{self.instance}/{content_url.lstrip('/')}",
                                       data=text.getvalue().encode(), headers={"Content-Type": "text/csv"})
        status, body = self._check(response, "Bulk API upload")
        if status >= 300:
            raise SyncError(f"Salesforce refused the Bulk upload: HTTP {status} {error_text(body)}")
        response = self.client.request("PATCH", f"{self.base}/jobs/ingest/{job_id}", json={"state": "UploadComplete"})
        status, body = self._check(response, "Bulk API UploadComplete")
        if status >= 300:
            raise SyncError(f"Salesforce refused UploadComplete: HTTP {status} {error_text(body)}")
        self._finish_job(job_id, rows, ctx)

    def _finish_job(self, job_id: str, rows: list[Row], ctx, recovering: bool = False) -> None:
        job_url = f"{self.base}/jobs/ingest/{job_id}"
        delay = 0.2
        for _poll in range(10_000):  # bounded; the time and request budgets end it sooner
            response = self.client.request("GET", job_url)
            status, info = self._check(response, "Bulk API job status")
            if status >= 300 or not isinstance(info, dict):
                raise SyncError(f"Salesforce: Bulk job status HTTP {status} {error_text(info)}")
            state = info.get("state")
            if state in DONE_STATES:
                break
            if state == "Open" and recovering:
                # the upload never completed: Salesforce processed nothing; abort and send afresh
                self.client.request("PATCH", job_url, json={"state": "Aborted"})
                ctx.record([], drop_job=job_id)
                return
            self.client.sleep(delay)
            delay = min(delay * 2, 10.0)
        else:
            raise SyncError(f"Bulk job {job_id} did not finish")
        by_key = {row.key: row for row in rows}
        field = self.mapping.match_field
        results: dict[str, Result] = {}
        if state != "Aborted":
            for item in self._results(job_url + "/successfulResults/"):
                row = by_key.get(item.get(field))
                if row is not None:
                    created = str(item.get("sf__Created", "")).lower() == "true"
                    results[row.key] = Result(row, "accepted", None, 200, {"id": item.get("sf__Id")}, created)
            for item in self._results(job_url + "/failedResults/"):
                row = by_key.get(item.get(field))
                if row is not None:
                    results[row.key] = Result(row, "rejected", item.get("sf__Error") or "failed", 200)
            for item in self._results(job_url + "/unprocessedrecords/"):
                row = by_key.get(item.get(field))
                if row is not None:
                    reason = info.get("errorMessage") or f"job {state}"
                    results[row.key] = Result(row, "rejected", f"not processed: {reason}", 200)
        missing = f"no result for this row (job {state})"
        ctx.record([results.get(row.key) or Result(row, "rejected", missing) for row in rows], drop_job=job_id)

    def _results(self, url: str) -> list[dict]:
        response = self.client.request("GET", url, headers={"Accept": "text/csv"})
        status, _ = self._check(response, "Bulk API results")
        if status >= 300:
            raise SyncError(f"Salesforce: Bulk results HTTP {status}")
        return list(csv.DictReader(io.StringIO(response.text)))
