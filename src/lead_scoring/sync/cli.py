"""`lead-scoring sync hubspot|salesforce|webhook|file`: push changed scores to a CRM, exactly once."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click
import duckdb

from lead_scoring import PROJECT_DIR

from .engine import Plan, Progress, make_plan, read_rows, run_sync, table_columns
from .http import SyncError, redact
from .mapping import MappingError, load_mapping
from .state import SyncState, default_read_copy, default_state_db

EXAMPLES = PROJECT_DIR / "examples" / "crm_sync"
# Exit codes: 0 all sent, 1 failed, 2 bad input, 3 some rows rejected (retried next run),
# 75 stopped at the request/time budget (rerun to continue; EX_TEMPFAIL like scripts/build.py).
EXIT = {"complete": 0, "failed": 1, "partial": 3, "stopped": 75, "interrupted": 130}


def fail(message: str, code: int = 1):
    click.echo(f"sync: {redact(message)}", err=True)
    sys.exit(code)


def seconds(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        from pytimeparse import parse

        value = parse(text)
    if value is None or value <= 0:
        fail(f"--time-budget {text!r}: expected seconds or a duration like 90s, 10m, 1h", 2)
    return float(value)


def common_options(func):
    @click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path),
                  help="Mapping file (YAML). Default: examples/crm_sync/<destination>.yml.")
    @click.option("--db", "source_db", type=click.Path(dir_okay=False, path_type=Path),
                  help="Read copy with marts.crm_lead_scores. Default: $LEAD_SCORING_READ_DB or "
                       "<database>_read.duckdb.")
    @click.option("--state-db", type=click.Path(dir_okay=False, path_type=Path),
                  help="Sync state file. Default: $LEAD_SCORING_SYNC_DB or <database>_sync.duckdb.")
    @click.option("--dry-run", is_flag=True, help="Print what would be created, updated, skipped; send nothing.")
    @click.option("--max-requests", type=click.IntRange(min=1), help="Stop cleanly after this many HTTP requests.")
    @click.option("--time-budget", help="Stop cleanly after this long (seconds, or 90s, 10m, 1h).")
    @click.option("--batch-size", type=click.IntRange(min=1), help="Rows per request (at most the API's limit).")
    @click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
                  help="Seconds to wait for one HTTP response.")
    @click.option("--show", type=click.IntRange(min=0), default=10, show_default=True,
                  help="How many invalid rows and sample changes the plan lists.")
    @click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
    @functools.wraps(func)
    def wrapper(**kwargs):
        return func(**kwargs)
    return wrapper


@click.group("sync")
def sync() -> None:
    """Send changed lead scores to a CRM: only rows whose values differ from what the CRM
    accepted, rejected rows retried next run, nothing accepted sent twice (docs/crm-sync.md).

    \b
    Examples:
      lead-scoring sync hubspot --dry-run
      HUBSPOT_ACCESS_TOKEN_FILE=~/.hubspot-token lead-scoring sync hubspot --time-budget 10m
      lead-scoring sync salesforce --mapping my_salesforce.yml
    """


@sync.command("hubspot")
@common_options
@click.option("--base-url", help="API root (default $HUBSPOT_BASE_URL or https://api.hubapi.com).")
def hubspot(base_url, **opts):
    """Upsert contacts in HubSpot (batch upsert, 100 per request), matched on email or a unique property.

    \b
    Token: $HUBSPOT_ACCESS_TOKEN or a file named by $HUBSPOT_ACCESS_TOKEN_FILE (a private app
    token with crm.objects.contacts.write).
    \b
    Examples:
      lead-scoring sync hubspot --dry-run
      lead-scoring sync hubspot --mapping examples/crm_sync/hubspot.yml --max-requests 500
    """
    from .hubspot import HubSpot

    execute("hubspot", lambda m: HubSpot(m, opts["batch_size"], base_url), **opts)


@sync.command("salesforce")
@common_options
@click.option("--api", type=click.Choice(["auto", "bulk", "composite"]),
              help="Bulk API 2.0 or sObject Collections (default: the mapping's, auto by row count).")
def salesforce(api, **opts):
    """Upsert Leads or Contacts in Salesforce on an external-id field: Bulk API 2.0 for large
    syncs, sObject Collections (200 per request, allOrNone false) for small ones.

    \b
    Credentials: $SALESFORCE_INSTANCE_URL (https://yourorg.my.salesforce.com) and
    $SALESFORCE_ACCESS_TOKEN (or $SALESFORCE_ACCESS_TOKEN_FILE).
    \b
    Examples:
      lead-scoring sync salesforce --dry-run
      lead-scoring sync salesforce --mapping examples/crm_sync/salesforce.yml --api bulk
    """
    from .salesforce import Salesforce

    execute("salesforce", lambda m: Salesforce(m, opts["batch_size"], api), **opts)


@sync.command("webhook")
@common_options
@click.option("--url", help="Endpoint receiving JSON batches by POST (default: the mapping's url).")
def webhook(url, **opts):
    """POST changed rows as JSON batches to your endpoint, each with an Idempotency-Key.

    \b
    Optional bearer token: $WEBHOOK_TOKEN or $WEBHOOK_TOKEN_FILE.
    \b
    Examples:
      lead-scoring sync webhook --url https://hooks.example.com/lead-scores --dry-run
    """
    from .webhook import Webhook

    execute("webhook", lambda m: Webhook(m, opts["batch_size"], url), **opts)


@sync.command("file")
@common_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the change files (default: the mapping's out).")
def file(out, **opts):
    """Write changed rows to JSONL or CSV files, one per batch, for tools that pick up files.

    \b
    Examples:
      lead-scoring sync file --out exports/crm --dry-run
    """
    from .filedest import FileDestination

    execute("file", lambda m: FileDestination(m, opts["batch_size"], out), **opts)


def execute(kind: str, make_destination, mapping_path, source_db, state_db, dry_run, max_requests, time_budget,
            batch_size, timeout, show, progress):
    budget = seconds(time_budget)
    source_db = Path(source_db or default_read_copy()).resolve()
    state_path = Path(state_db or default_state_db()).resolve()
    mapping_path = mapping_path or EXAMPLES / f"{kind}.yml"
    try:
        columns = table_columns(source_db)
        mapping = load_mapping(mapping_path, kind, columns)
        destination = make_destination(mapping)
    except MappingError as exc:
        fail(str(exc), 2)
    except SyncError as exc:
        fail(str(exc), 2)
    try:
        state = SyncState(state_path, read_only=dry_run)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            fail(f"another sync is using {state_path}; try again when it finishes (or use --state-db)", 75)
        fail(f"cannot open the sync state {state_path}: {str(exc).splitlines()[0]}")
    try:
        client = None
        if not dry_run:
            try:
                client = destination.connect(max_requests, budget, timeout)
            except SyncError as exc:
                fail(str(exc), 2)
        in_flight = state.open_jobs(mapping.name)
        if in_flight and not dry_run:
            # Bulk jobs a killed or budget-stopped run left: record their results before diffing
            outcome = run_sync(Plan(), mapping, destination, state, source_db, client, Progress(0, ""), recovery=True)
            click.echo(f"sync {mapping.name}: {outcome.message}: {outcome.accepted} accepted, "
                       f"{outcome.rejected} rejected")
            if outcome.status not in ("complete", "partial"):
                click.echo(f"sync: {outcome.message}", err=True)
                sys.exit(EXIT[outcome.status])
        rows = read_rows(source_db, mapping)
        plan = make_plan(rows, mapping, destination, state)
        print_plan(plan, mapping, destination, source_db, state, show, dry_run)
        if in_flight and dry_run:
            click.echo(f"Note: {len(in_flight)} Bulk job(s) from an earlier run are still in flight; the next run "
                       "records their results first, so some rows above may turn out to be delivered already.")
        if dry_run:
            click.echo("Dry run: nothing was sent. To send, run the same command without --dry-run.")
            return
        batches = getattr(destination, "batches_needed", destination.requests_needed)(len(plan.pending))
        bar = Progress(batches, f"sync {mapping.name}", progress)
        outcome = run_sync(plan, mapping, destination, state, source_db, client, bar)
        words = {"complete": "done", "partial": "done, some rows rejected (retried next run)",
                 "stopped": "stopped", "failed": "failed", "interrupted": "interrupted"}[outcome.status]
        click.echo(f"sync {mapping.name}: {words}: {outcome.accepted} accepted, {outcome.rejected} rejected, "
                   f"{outcome.requests} requests ({outcome.retries} retried); run {outcome.run_id}")
        if outcome.message:
            click.echo(f"sync: {outcome.message}", err=True)
        sys.exit(EXIT[outcome.status])
    finally:
        state.close()


def print_plan(plan, mapping, destination, source_db, state, show, dry_run) -> None:
    echo = click.echo
    last = state.last_run(mapping.name)
    head = "Sync plan (dry run: nothing will be sent)" if dry_run else "Sync plan"
    echo(f"{head}: {destination.describe()}")
    echo(f"  destination name  {mapping.name}   (mapping {mapping.path})")
    echo(f"  scores from       {source_db}   ({plan.source_rows:,} contacts)")
    echo(f"  sync state        {state.path}   "
         + (f"(last run {last[1]:%Y-%m-%d %H:%M} UTC: {last[2]})" if last else "(no run yet)"))
    echo(f"  match             {mapping.match_column} -> {mapping.match_field}")
    for i, (column, target) in enumerate(mapping.fields.items()):
        echo(f"  {'fields' if i == 0 else '':<18}{column} -> {target}")
    echo("")
    width = max(len(f"{n:,}") for n in (plan.creates, plan.updates, plan.unchanged, len(plan.invalid), 1))
    note = " (upsert: the CRM may already hold the record)" if destination.label not in ("file", "webhook") else ""
    echo(f"  {'to create':<12}{plan.creates:>{width},}   never delivered to this destination{note}")
    echo(f"  {'to update':<12}{plan.updates:>{width},}   delivered before, values changed since")
    echo(f"  {'unchanged':<12}{plan.unchanged:>{width},}   skipped: the destination already has these values")
    echo(f"  {'invalid':<12}{len(plan.invalid):>{width},}   not sent" + (" (reasons below)" if plan.invalid else ""))
    echo(f"  {'requests':<12}{destination.requests_needed(len(plan.pending)):>{width},}   "
         f"to send {len(plan.pending):,} rows")
    band_field = mapping.fields.get("lead_band")
    if band_field and plan.pending:
        bands: dict[str, int] = {}
        for row in plan.pending:
            bands[shown(row.payload.get(band_field))] = bands.get(shown(row.payload.get(band_field)), 0) + 1
        echo(f"  {'by band':<12}{'':>{width}}   " + ", ".join(f"{b} {n:,}" for b, n in sorted(bands.items())))
    retried = [r for r in plan.pending if r.attempt > 1]
    if retried:
        echo(f"  {'retries':<12}{len(retried):>{width},}   rows the destination rejected before, sent again")
    if plan.invalid and show:
        echo("")
        echo(f"Invalid rows ({min(show, len(plan.invalid))} of {len(plan.invalid):,}):")
        for row in plan.invalid[:show]:
            echo(f"  contact {row.contact_id}: {row.reason}")
    if plan.pending and show:
        echo("")
        echo(f"Sample changes ({min(show, len(plan.pending))} of {len(plan.pending):,}):")
        sample = plan.pending[:show]
        before = state.delivered_payloads(mapping.name, [r.key for r in sample if r.operation == "update"])
        for row in sample:
            old = before.get(row.key)
            if old is not None:  # an update: only what changes, from -> to
                values = ", ".join(f"{k} {shown(old.get(k))} -> {shown(v)}" for k, v in row.payload.items()
                                   if k != mapping.match_field and old.get(k) != v)
            else:
                values = ", ".join(f"{k}={shown(v)}" for k, v in row.payload.items() if k != mapping.match_field)
            echo(f"  {row.operation:<7}{row.key}: {values}")
    echo("")


def shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "(empty)" if value is None else str(value)
