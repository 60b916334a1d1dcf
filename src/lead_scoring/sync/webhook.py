"""Webhook: POST {"destination", "rows": [...]} batches to your endpoint, each with an Idempotency-Key.

A 2xx accepts the batch, except rows named in an optional {"errors": [{"key", "message"}]} answer;
a 4xx (other than 401/403/404/429) refuses the batch, which is split until the bad rows are found."""
from __future__ import annotations

import hashlib
import math
import os

from .engine import BatchRefused, Result, Row, send_batches
from .http import Client, SyncError, checked_base_url, safe_url, secret_from_env

DEFAULT_BATCH = 500


def batch_key(destination: str, batch: list[Row]) -> str:
    """The same rows with the same values give the same key: a resend after a crash is recognisable."""
    digest = hashlib.sha256(destination.encode())
    for row in batch:
        digest.update(f"|{row.key}:{row.payload_hash}".encode())
    return digest.hexdigest()


class Webhook:
    label = "webhook"

    def __init__(self, mapping, batch_size: int | None = None, url: str | None = None):
        self.mapping = mapping
        self.batch_size = batch_size or DEFAULT_BATCH
        self.url = url or mapping.options.get("url")
        if not self.url:
            raise SyncError("webhook: give --url or url: in the mapping")

    def describe(self) -> str:
        return f"webhook POST {safe_url(self.url)}, batches of up to {self.batch_size}"

    def invalid_reason(self, row: Row) -> str | None:
        return None

    def requests_needed(self, n: int) -> int:
        return math.ceil(n / self.batch_size)

    def connect(self, max_requests, time_budget, timeout):
        self.url = checked_base_url(self.url, "webhook URL")
        headers = {"Content-Type": "application/json"}
        if os.environ.get("WEBHOOK_TOKEN") or os.environ.get("WEBHOOK_TOKEN_FILE"):
            headers["Authorization"] = f"Bearer {secret_from_env('WEBHOOK_TOKEN', 'webhook token')}"
        self.client = Client(headers, max_requests, time_budget, timeout)
        return self.client

    def deliver(self, rows: list[Row], ctx) -> None:
        send_batches(rows, self.batch_size, self._send, ctx)

    def _send(self, batch: list[Row]) -> list[Result]:
        key = batch_key(self.mapping.name, batch)
        body = {"destination": self.mapping.name, "match_field": self.mapping.match_field,
                "rows": [row.payload for row in batch]}
        response = self.client.request("POST", self.url, json=body, headers={"Idempotency-Key": key})
        status = response.status_code
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if status in (401, 403, 404):
            raise SyncError(f"the webhook answered HTTP {status}: check the URL and WEBHOOK_TOKEN")
        if 400 <= status < 500:
            message = answer.get("message") if isinstance(answer, dict) else None
            raise BatchRefused(status, f"HTTP {status}" + (f" {message}" if message else ""))
        if not 200 <= status < 300:
            raise SyncError(f"the webhook answered HTTP {status}")
        errors = {}
        if isinstance(answer, dict):
            for error in answer.get("errors") or []:
                if isinstance(error, dict) and error.get("key") is not None:
                    errors[str(error["key"])] = str(error.get("message") or "rejected")
        return [Result(row, "rejected", errors[row.key], status) if row.key in errors
                else Result(row, "accepted", None, status, {"idempotency_key": key}) for row in batch]
