"""HubSpot: POST /crm/v3/objects/contacts/batch/upsert, at most 100 inputs per request.

Each input is {idProperty, id, objectWriteTraceId, properties}; a 200 accepts every input, a 207
(multi-status) lists per-input errors whose context carries the objectWriteTraceId (or the id),
which map each error back to its row."""
from __future__ import annotations

import math
import os
import re

from .engine import BatchRefused, Result, Row, send_batches
from .http import Client, SyncError, checked_base_url, secret_from_env

MAX_INPUTS = 100
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def text(value) -> str:
    """HubSpot property values are strings; an empty string clears a property."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def error_message(body) -> str:
    if isinstance(body, dict):
        parts = [body.get("category"), body.get("message")]
        return ": ".join(str(p) for p in parts if p) or "refused"
    return "refused"


class HubSpot:
    label = "HubSpot contacts"
    max_batch = MAX_INPUTS

    def __init__(self, mapping, batch_size: int | None = None, base_url: str | None = None):
        self.mapping = mapping
        self.batch_size = batch_size or MAX_INPUTS
        if not 1 <= self.batch_size <= MAX_INPUTS:
            raise SyncError(f"--batch-size: HubSpot takes 1 to {MAX_INPUTS} inputs per request")
        self.base_url = base_url or os.environ.get("HUBSPOT_BASE_URL", "https://api.hubapi.com")

    def describe(self) -> str:
        return (f"HubSpot contacts, upsert on idProperty {self.mapping.match_field!r}, "
                f"batches of up to {self.batch_size}")

    def invalid_reason(self, row: Row) -> str | None:
        if self.mapping.match_field.lower() == "email" and not EMAIL.match(row.key):
            return f"{row.key!r} is not an email address"
        return None

    def requests_needed(self, n: int) -> int:
        return math.ceil(n / self.batch_size)

    def connect(self, max_requests, time_budget, timeout) -> None:
        self.url = checked_base_url(self.base_url, "HubSpot base URL") + "/crm/v3/objects/contacts/batch/upsert"
        token = secret_from_env("HUBSPOT_ACCESS_TOKEN", "HubSpot private app token")
        self.client = Client({"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                             max_requests, time_budget, timeout)
        return self.client

    def deliver(self, rows: list[Row], ctx) -> None:
        send_batches(rows, self.batch_size, self._send, ctx)

    def _send(self, batch: list[Row]) -> list[Result]:
        id_property = self.mapping.match_field
        inputs = [{"idProperty": id_property, "id": row.key, "objectWriteTraceId": str(i),
                   "properties": {f: text(v) for f, v in row.payload.items() if f != id_property}}
                  for i, row in enumerate(batch)]
        response = self.client.request("POST", self.url, json={"inputs": inputs})
        try:
            body = response.json()
        except ValueError:
            body = None
        status = response.status_code
        if status in (401, 403):
            raise SyncError(f"HubSpot refused the token (HTTP {status} {error_message(body)}); "
                            "check the private app's scopes (crm.objects.contacts.write)")
        if status == 404:
            raise SyncError(f"HubSpot answered 404 for {self.url.split('/', 3)[-1]}: check the base URL")
        if 400 <= status < 500:
            raise BatchRefused(status, f"HTTP {status} {error_message(body)}")
        if status not in (200, 201, 207) or not isinstance(body, dict):
            raise SyncError(f"HubSpot answered HTTP {status} with an unexpected body")

        by_trace = {str(i): row for i, row in enumerate(batch)}
        by_id = {row.key.lower(): row for row in batch}
        failed: dict[int, str] = {}
        for error in body.get("errors") or []:
            context = error.get("context") or {}
            refs = [*map(str, context.get("objectWriteTraceId") or []), *map(str, context.get("ids") or [])]
            if error.get("id"):
                refs.append(str(error["id"]))
            rows = [by_trace.get(r) or by_id.get(r.lower()) for r in refs]
            rows = [r for r in rows if r is not None]
            if not rows:  # an error we cannot pin to a row: treat the whole batch as refused
                raise BatchRefused(status, error_message(error))
            for row in rows:
                failed[id(row)] = error_message(error)
        results_by_row = {}
        for item in body.get("results") or []:
            row = by_trace.get(str(item.get("objectWriteTraceId"))) or by_id.get(
                str((item.get("properties") or {}).get(id_property, "")).lower())
            if row is not None:
                results_by_row[id(row)] = item
        out = []
        for row in batch:
            if id(row) in failed:
                out.append(Result(row, "rejected", failed[id(row)], status))
            elif id(row) in results_by_row or status in (200, 201):
                item = results_by_row.get(id(row), {})
                out.append(Result(row, "accepted", None, status, {"id": item.get("id")}, item.get("new")))
            else:  # neither a result nor an error: not confirmed, so it stays pending
                out.append(Result(row, "rejected", "no result for this input in the response", status))
        return out
