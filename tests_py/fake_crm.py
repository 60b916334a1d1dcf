"""A local stand-in for HubSpot, Salesforce and a webhook, on 127.0.0.1, for tests_py/test_crm_sync.py.

It implements the documented request and response shapes of the endpoints the sync uses:
- HubSpot POST /crm/v3/objects/contacts/batch/upsert: at most 100 inputs (else 400
  VALIDATION_ERROR), 200 with results, or 207 multi-status with per-input errors whose context
  names the objectWriteTraceId; X-HubSpot-RateLimit-* headers; 401 INVALID_AUTHENTICATION.
- Salesforce sObject Collections upsert PATCH /services/data/vXX.X/composite/sobjects/{SObject}/{Field}:
  at most 200 records (else 400 [{message, errorCode}]), a list of {id, success, errors, created}.
- Salesforce Bulk API 2.0 ingest: create job, PUT CSV, PATCH UploadComplete, GET job info
  (InProgress, then JobComplete), successfulResults / failedResults (sf__Error) / unprocessedrecords.
- A webhook POST /hook answering {"accepted": n} or {"errors": [{key, message}]}.

What the fake applied is in `applied` (one entry per record write), so tests count deliveries on
the CRM's side. `reject` makes records fail with a per-record error; `inject` answers the next
requests with a given status (e.g. 429 with Retry-After); `block_at` holds the n-th write
request unanswered (and unapplied) so a test can kill the client while it waits.
"""
from __future__ import annotations

import csv
import io
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HUBSPOT_UPSERT = "/crm/v3/objects/contacts/batch/upsert"
SF = re.compile(r"^/services/data/v(?P<version>\d+\.\d+)(?P<rest>/.*)$")


class FakeCrm:
    def __init__(self, token: str):
        self.token = token
        self.lock = threading.Lock()
        self.calls: list[tuple[str, str]] = []          # (method, path) of every request
        self.headers_seen: list[dict] = []
        self.applied: list[tuple[str, str, dict]] = []  # (api, key, fields) per record written
        self.records: dict[str, dict] = {}
        self.reject: dict[str, str] = {}                # key -> error message
        self.unprocessed: set[str] = set()              # Bulk: keys left unprocessed
        self.reject_whole_batch = False                 # HubSpot: 400 for a batch holding a rejected key
        self.hubspot_limits: dict[str, str] = {}        # extra X-HubSpot-RateLimit-* headers to answer with
        self.hubspot_properties: set[str] | None = None # the contact properties the portal has (None: any)
        self.inject: list[tuple[int, dict, object]] = []
        self.block_at: int | None = None
        self.writes = 0
        self.blocked = threading.Event()
        self.release = threading.Event()
        self.jobs: dict[str, dict] = {}
        self.next_id = 1
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                fake.handle(self, "GET")

            def do_POST(self):  # noqa: N802
                fake.handle(self, "POST")

            def do_PUT(self):  # noqa: N802
                fake.handle(self, "PUT")

            def do_PATCH(self):  # noqa: N802
                fake.handle(self, "PATCH")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    # --- what the CRM holds ---------------------------------------------------------------
    def write_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _api, key, _fields in self.applied:
            counts[key] = counts.get(key, 0) + 1
        return counts

    def _new_id(self, prefix: str) -> str:
        self.next_id += 1
        return f"{prefix}{self.next_id:012d}"

    def _apply(self, api: str, key: str, fields: dict) -> bool:
        created = key not in self.records
        self.records[key] = {**self.records.get(key, {}), **fields}
        self.applied.append((api, key, dict(fields)))
        return created

    # --- plumbing ---------------------------------------------------------------------------
    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        path = h.path.split("?")[0]
        with self.lock:
            self.calls.append((method, path))
            self.headers_seen.append(dict(h.headers))
            injected = self.inject.pop(0) if self.inject else None
        if injected:
            status, headers, body = injected
            return self._send(h, status, body, headers)
        if h.headers.get("Authorization") != f"Bearer {self.token}":
            if path.startswith("/services/"):
                return self._send(h, 401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
            return self._send(h, 401, {"status": "error", "category": "INVALID_AUTHENTICATION",
                                       "message": "Authentication credentials not found."})
        if method in ("POST", "PATCH", "PUT") and (path == HUBSPOT_UPSERT or "/composite/" in path or path == "/hook"):
            with self.lock:
                self.writes += 1
                hold = self.block_at is not None and self.writes == self.block_at
            if hold:  # never answered, never applied: the client is killed while it waits
                self.blocked.set()
                self.release.wait(30)
                return self._send(h, 503, {"message": "gone"})
        try:
            body = json.loads(raw) if raw and h.headers.get("Content-Type", "").startswith("application/json") else raw
        except ValueError:
            return self._send(h, 400, {"status": "error", "message": "Invalid JSON", "category": "VALIDATION_ERROR"})
        with self.lock:
            if path == HUBSPOT_UPSERT and method == "POST":
                return self._hubspot_upsert(h, body)
            if path == "/hook" and method == "POST":
                return self._webhook(h, body)
            match = SF.match(path)
            if match:
                return self._salesforce(h, method, match["rest"], body)
        self._send(h, 404, {"message": f"no route {method} {path}"})

    def _send(self, h, status: int, body, headers: dict | None = None, content_type="application/json") -> None:
        data = body if isinstance(body, bytes) else (body.encode() if isinstance(body, str)
                                                       else json.dumps(body).encode())
        try:
            h.send_response(status)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                h.send_header(name, value)
            h.end_headers()
            h.wfile.write(data)
        except OSError:
            pass  # the client is gone (killed)

    # --- HubSpot ----------------------------------------------------------------------------
    def _hubspot_upsert(self, h, body) -> None:
        limits = {"X-HubSpot-RateLimit-Max": "190", "X-HubSpot-RateLimit-Remaining": "189",
                  "X-HubSpot-RateLimit-Interval-Milliseconds": "10000", **self.hubspot_limits}
        inputs = body.get("inputs") if isinstance(body, dict) else None
        if not isinstance(inputs, list) or not inputs:
            return self._send(h, 400, {"status": "error", "message": "Invalid input JSON: inputs",
                                       "category": "VALIDATION_ERROR"}, limits)
        if len(inputs) > 100:
            return self._send(h, 400, {"status": "error", "category": "VALIDATION_ERROR",
                                       "message": f"Batch input size {len(inputs)} exceeds max of 100"}, limits)
        unknown = sorted({p for i in inputs for p in (i.get("properties") or {})} - self.hubspot_properties) \
            if self.hubspot_properties is not None else []
        if unknown:
            detail = [{"isValid": False, "message": f'Property "{p}" does not exist', "error": "PROPERTY_DOESNT_EXIST",
                       "name": p} for p in unknown]
            return self._send(h, 400, {"status": "error", "category": "VALIDATION_ERROR",
                                       "message": f"Property values were not valid: {json.dumps(detail)}"}, limits)
        if self.reject_whole_batch:
            bad = [str(i.get("id")).lower() for i in inputs if str(i.get("id")).lower() in self.reject]
            if bad:
                return self._send(h, 400, {"status": "error", "category": "VALIDATION_ERROR",
                                           "message": self.reject[bad[0]],
                                           "correlationId": "aeb5f871-7f07-4993-9211-075dc63e7cbf"}, limits)
        results, errors = [], []
        for item in inputs:
            if not item.get("idProperty") or not item.get("id"):
                return self._send(h, 400, {"status": "error", "category": "VALIDATION_ERROR",
                                           "message": "idProperty and id are required for upsert"}, limits)
            key = str(item["id"]).lower()
            if key in self.reject:
                errors.append({"status": "error", "category": "VALIDATION_ERROR", "message": self.reject[key],
                               "context": {"objectWriteTraceId": [item.get("objectWriteTraceId")]}})
                continue
            new = self._apply("hubspot", key, item.get("properties") or {})
            results.append({"id": self.records[key].setdefault("hs_object_id", self._new_id("")),
                            "objectWriteTraceId": item.get("objectWriteTraceId"), "new": new,
                            "properties": {item["idProperty"]: key, **(item.get("properties") or {})},
                            "archived": False})
        answer = {"status": "COMPLETE", "results": results, "startedAt": "2026-06-30T00:00:00Z",
                  "completedAt": "2026-06-30T00:00:01Z"}
        if errors:
            answer.update(errors=errors, numErrors=len(errors))
        self._send(h, 207 if errors else 200, answer, limits)

    # --- webhook ----------------------------------------------------------------------------
    def _webhook(self, h, body) -> None:
        key_field = body.get("match_field")
        errors = []
        for row in body.get("rows") or []:
            key = str(row.get(key_field))
            if key in self.reject:
                errors.append({"key": key, "message": self.reject[key]})
            else:
                self._apply("webhook", key, row)
        self._send(h, 200, {"accepted": len(body.get("rows") or []) - len(errors), "errors": errors})

    # --- Salesforce ---------------------------------------------------------------------------
    def _salesforce(self, h, method: str, rest: str, body) -> None:
        parts = rest.strip("/").split("/")
        if parts[:2] == ["composite", "sobjects"] and method == "PATCH" and len(parts) == 4:
            return self._collection(h, parts[2], parts[3], body)
        if parts[:2] == ["jobs", "ingest"]:
            if len(parts) == 2 and method == "POST":
                job_id = self._new_id("750")
                self.jobs[job_id] = {"id": job_id, "operation": body["operation"], "object": body["object"],
                                     "externalIdFieldName": body["externalIdFieldName"], "state": "Open",
                                     "contentType": "CSV", "apiVersion": 62.0, "lineEnding": body.get("lineEnding"),
                                     "contentUrl": f"services/data/v62.0/jobs/ingest/{job_id}/batches",
                                     "csv": "", "polls": 0}
                return self._send(h, 200, self._job_info(job_id))
            job = self.jobs.get(parts[2]) if len(parts) > 2 else None
            if job is None:
                return self._send(h, 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
            if len(parts) == 4 and parts[3] == "batches" and method == "PUT":
                if job["state"] != "Open":
                    return self._send(h, 409, [{"errorCode": "INVALIDJOBSTATE", "message": "Job is not open"}])
                job["csv"] += raw_text(body)
                return self._send(h, 201, b"", content_type="text/plain")
            if len(parts) == 3 and method == "PATCH":
                job["state"] = body["state"]
                return self._send(h, 200, self._job_info(job["id"]))
            if len(parts) == 3 and method == "GET":
                if job["state"] == "UploadComplete":
                    job["state"] = "InProgress"
                elif job["state"] == "InProgress":
                    self._process(job)
                return self._send(h, 200, self._job_info(job["id"]))
            if len(parts) == 4 and method == "GET" and job["state"] in ("JobComplete", "Failed"):
                name = parts[3]
                rows = {"successfulResults": job["ok"], "failedResults": job["failed"],
                        "unprocessedrecords": job["unprocessed"]}.get(name)
                if rows is not None:
                    return self._send(h, 200, rows, content_type="text/csv")
        self._send(h, 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])

    def _job_info(self, job_id: str) -> dict:
        return {k: v for k, v in self.jobs[job_id].items() if k not in ("csv", "polls", "ok", "failed", "unprocessed")}

    def _process(self, job: dict) -> None:
        field = job["externalIdFieldName"]
        reader = csv.DictReader(io.StringIO(job["csv"]))
        fields = reader.fieldnames or []
        ok, failed, unprocessed = io.StringIO(), io.StringIO(), io.StringIO()
        w_ok = csv.writer(ok, lineterminator="\n")
        w_failed = csv.writer(failed, lineterminator="\n")
        w_un = csv.writer(unprocessed, lineterminator="\n")
        w_ok.writerow(["sf__Id", "sf__Created", *fields])
        w_failed.writerow(["sf__Id", "sf__Error", *fields])
        w_un.writerow(fields)
        processed = failures = 0
        for row in reader:
            key = row[field]
            values = [row[f] for f in fields]
            if key in self.unprocessed:
                w_un.writerow(values)
                continue
            processed += 1
            if key in self.reject:
                failures += 1
                w_failed.writerow(["", f"FIELD_CUSTOM_VALIDATION_EXCEPTION:{self.reject[key]}:Lead_Score__c --",
                                   *values])
                continue
            fields_in = {f: (None if v == "#N/A" else v) for f, v in row.items() if f != field}
            created = self._apply("bulk", key, fields_in)
            sf_id = self.records[key].setdefault("Id", self._new_id("00Q"))
            w_ok.writerow([sf_id, "true" if created else "false", *values])
        job.update(state="JobComplete", numberRecordsProcessed=processed, numberRecordsFailed=failures,
                   ok=ok.getvalue(), failed=failed.getvalue(), unprocessed=unprocessed.getvalue())

    def _collection(self, h, sobject: str, field: str, body) -> None:
        records = body.get("records") if isinstance(body, dict) else None
        if not isinstance(records, list) or not records:
            return self._send(h, 400, [{"message": "records: required", "errorCode": "JSON_PARSER_ERROR"}])
        if len(records) > 200:
            return self._send(h, 400, [{"message": "Maximum number of records allowed is 200",
                                        "errorCode": "EXCEEDED_ID_LIMIT"}])
        answer = []
        for record in records:
            if (record.get("attributes") or {}).get("type") != sobject:
                return self._send(h, 400, [{"message": "The type attribute must match the URI",
                                            "errorCode": "INVALID_TYPE"}])
            key = str(record.get(field))
            if key in self.reject:
                answer.append({"id": None, "success": False, "errors": [
                    {"statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "message": self.reject[key],
                     "fields": ["Lead_Score__c"]}]})
                continue
            fields = {k: v for k, v in record.items() if k not in ("attributes", field)}
            created = self._apply("collections", key, fields)
            answer.append({"id": self.records[key].setdefault("Id", self._new_id("00Q")), "success": True,
                           "errors": [], "created": created})
        self._send(h, 200, answer)


def raw_text(body) -> str:
    return body.decode() if isinstance(body, bytes) else json.dumps(body)
