"""HTTP for the sync: TLS on, secrets kept out of every message, retries with back-off, budgets."""
from __future__ import annotations

import os
import random
import time
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Statuses worth another try: rate limited, or the service is having a bad moment.
RETRY_STATUSES = {429, 500, 502, 503, 504}
_SECRETS: set[str] = set()


class SyncError(RuntimeError):
    """Stops the run with a one-line reason (never containing a secret)."""


class BudgetExhausted(Exception):
    """The request or time budget is spent: stop cleanly, resume next run."""


class Transient(Exception):
    def __init__(self, status: int | None, wait_hint: float | None, text: str):
        super().__init__(text)
        self.status, self.wait_hint = status, wait_hint


def redact(text: str | None) -> str | None:
    """Remove every secret this process read from `text` (error messages, logged bodies)."""
    if text is None:
        return None
    for secret in _SECRETS:
        text = text.replace(secret, "[redacted]")
    return text


def secret_from_env(name: str, purpose: str) -> str:
    """$NAME, or the contents of the file named by $NAME_FILE; registered for redaction."""
    value = os.environ.get(name)
    file_var = f"{name}_FILE"
    if not value and os.environ.get(file_var):
        try:
            value = Path(os.environ[file_var]).read_text().strip()
        except OSError as exc:
            raise SyncError(f"cannot read {file_var} ({exc.strerror})") from None
    if not value:
        raise SyncError(f"{purpose}: set {name} or {file_var}")
    _SECRETS.add(value)
    return value


def checked_base_url(url: str, what: str) -> str:
    """https only; plain http only to this machine (the tests' local servers)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SyncError(f"{what}: expected an https:// URL")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise SyncError(f"{what}: plain http is allowed only for 127.0.0.1/localhost; use https")
    if parts.username or parts.password:
        raise SyncError(f"{what}: put credentials in the environment, not in the URL")
    return url.rstrip("/")


def safe_url(url: str) -> str:
    """A URL fit to print: no credentials, query values hidden (they often carry keys)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    query = "&".join(f"{item.split('=', 1)[0]}=***" for item in parts.query.split("&") if item)
    return f"{parts.scheme}://{host}{parts.path}" + (f"?{query}" if query else "")


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class Client:
    """A requests session with a request budget, a deadline, and retries of 429/5xx/timeouts."""

    def __init__(self, headers: dict[str, str], max_requests: int | None, time_budget: float | None,
                 timeout: float = 60.0, max_attempts: int = 6, backoff: float = 0.5, max_backoff: float = 60.0):
        self.session = requests.Session()
        self.session.headers.update(headers)
        self.session.verify = True  # never turned off; see docs/crm-sync.md for local test servers
        self.max_requests = max_requests
        self.deadline = None if time_budget is None else time.monotonic() + time_budget
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff, self.max_backoff = backoff, max_backoff
        self.requests = 0
        self.retries = 0
        self.not_before = 0.0  # monotonic time before which we must not call (rate-limit headers)
        self.exhausted: str | None = None  # set when the API says no more calls today

    # --- budget ----------------------------------------------------------------------------
    def remaining_time(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def check_budget(self, need: int = 1) -> None:
        if self.exhausted:
            raise BudgetExhausted(self.exhausted)
        if self.max_requests is not None and self.requests + need > self.max_requests:
            raise BudgetExhausted(f"request budget of {self.max_requests} spent")
        left = self.remaining_time()
        if left is not None and left <= 0:
            raise BudgetExhausted("time budget spent")

    def sleep(self, seconds: float) -> None:
        left = self.remaining_time()
        if left is not None and seconds >= left:
            raise BudgetExhausted(f"time budget would run out while waiting {seconds:.1f}s")
        if seconds > 0:
            time.sleep(seconds)

    # --- requests --------------------------------------------------------------------------
    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """Send with retries; return the response (any non-retryable status) or raise."""
        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception()
            exponential = min(self.max_backoff, self.backoff * 2 ** (state.attempt_number - 1))
            jittered = random.uniform(exponential / 2, exponential)  # "equal jitter"
            hint = getattr(exc, "wait_hint", None)
            return max(jittered, hint or 0.0)

        def before_sleep(state: RetryCallState) -> None:
            self.retries += 1
            self.sleep(state.next_action.sleep)

        retrying = Retrying(stop=stop_after_attempt(self.max_attempts), wait=wait,
                            retry=retry_if_exception_type(Transient), before_sleep=before_sleep,
                            sleep=lambda _s: None, reraise=True)
        try:
            return retrying(self._attempt, method, url, **kwargs)
        except Transient as exc:
            raise SyncError(f"{method} {path_of(url)} failed after {self.max_attempts} attempts: {exc}") from None

    def _attempt(self, method: str, url: str, **kwargs) -> requests.Response:
        self.check_budget()
        pause = self.not_before - time.monotonic()
        if pause > 0:
            self.sleep(pause)
        self.requests += 1
        timeout = self.timeout
        left = self.remaining_time()
        if left is not None:
            timeout = max(1.0, min(timeout, left))
        try:
            response = self.session.request(method, url, timeout=timeout, **kwargs)
        except requests.Timeout:
            raise Transient(None, None, "timed out") from None
        except requests.ConnectionError as exc:
            raise Transient(None, None, f"connection failed ({type(exc).__name__})") from None
        self._note_rate_limits(response)
        if response.status_code in RETRY_STATUSES:
            hint = retry_after_seconds(response.headers.get("Retry-After"))
            if hint is None and response.status_code == 429:
                hint = self._interval_seconds(response)
            raise Transient(response.status_code, hint, f"HTTP {response.status_code}")
        return response

    def _note_rate_limits(self, response: requests.Response) -> None:
        """HubSpot's X-HubSpot-RateLimit-* headers: when the window is used up, wait it out."""
        remaining = response.headers.get("X-HubSpot-RateLimit-Remaining")
        if remaining is not None and remaining.strip().isdigit() and int(remaining) <= 0:
            self.not_before = time.monotonic() + (self._interval_seconds(response) or 1.0)
        daily = response.headers.get("X-HubSpot-RateLimit-Daily-Remaining")
        if daily is not None and daily.strip().isdigit() and int(daily) <= 0:
            # not raised here: this response may carry accepted rows that must be recorded first
            self.exhausted = "HubSpot's daily API limit is used up"

    @staticmethod
    def _interval_seconds(response: requests.Response) -> float | None:
        value = response.headers.get("X-HubSpot-RateLimit-Interval-Milliseconds")
        try:
            return float(value) / 1000.0 if value else None
        except ValueError:
            return None


def path_of(url: str) -> str:
    """The path of a URL, for messages: no host, query or credentials."""
    return urlsplit(url).path or "/"
