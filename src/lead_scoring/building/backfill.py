"""Rebuild score history for past dates by scoring at each as_of in turn.

    lead-scoring backfill --from 2026-01-01 --to 2026-06-30 [--step 1d]

History from --from on is forgotten (versions current then are reopened; rule-level changes
from then on are deleted), then the scoring models, fct_lead_score_history and
fct_lead_score_changes are run at --from, --from + step, ..., --to. A final full build at the current time (or --final-as-of) restores today's marts and publishes the read
copy. Holds the build lock throughout, so no other build interleaves.
"""
from __future__ import annotations

import json
import os
import re
import sys
from contextlib import contextmanager
from datetime import datetime, timedelta

import click

from lead_scoring import config
from lead_scoring.building import build
from lead_scoring.building.lock import BUSY_EXIT, acquire
from lead_scoring.building.publish import release_dbt_duckdb
from lead_scoring.commands import CONTEXT, run


class Step(click.ParamType):
    name = "step"

    def convert(self, value, param, ctx):
        if isinstance(value, timedelta):
            return value
        match = re.fullmatch(r"(\d+)([dh])", str(value).strip())
        if not match or int(match.group(1)) == 0:
            self.fail(f"{value!r}: a step looks like 1d, 7d or 12h", param, ctx)
        n, unit = int(match.group(1)), match.group(2)
        return timedelta(days=n) if unit == "d" else timedelta(hours=n)


class Moment(click.ParamType):
    name = "time"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            return datetime.fromisoformat(str(value).strip().replace("T", " "))
        except ValueError:
            self.fail(f"{value!r} is not a date or time (e.g. 2026-01-01 or 2026-01-01 06:00:00)", param, ctx)


@click.command("backfill", context_settings=CONTEXT)
@click.option("--from", "start", type=Moment(), required=True, help="First scoring time.")
@click.option("--to", "end", type=Moment(), required=True, help="Last scoring time.")
@click.option("--step", type=Step(), default="1d", show_default=True, help="Between scoring times: Nd or Nh.")
@click.option("--final-as-of", help="as_of of the closing build (default: now).")
@click.option("--no-final-build", is_flag=True, help="Leave the marts at --to; publish nothing.")
def backfill(start: datetime, end: datetime, step: timedelta, final_as_of: str | None, no_final_build: bool) -> None:
    """Rebuild score history for past dates by scoring at each as_of in turn, under the build lock,
    then build and publish today's marts.

    Example: lead-scoring backfill --from 2026-01-01 --to 2026-06-30 --step 7d
    """
    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    sys.exit(run_backfill(start, end, step, final_as_of, no_final_build))


@contextmanager
def scoring_time(moment: datetime):
    """as_of for the dbt runs inside, in the environment: a new --vars value at every step would
    make dbt parse the whole project again (4-10 s here) before each one."""
    before = os.environ.get(build.AS_OF_ENV)
    os.environ[build.AS_OF_ENV] = str(moment)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(build.AS_OF_ENV, None)
        else:
            os.environ[build.AS_OF_ENV] = before


def run_backfill(start: datetime, end: datetime, step: timedelta, final_as_of: str | None,
                 no_final_build: bool) -> int:
    db = config.database_path()
    lock = acquire(db)
    if lock is None:
        return BUSY_EXIT
    try:
        def dbt(*cli: str) -> bool:
            result = build.invoke_dbt([*cli, "--quiet"])
            release_dbt_duckdb()
            return result.success

        # The history table must exist before it can be reset.
        with scoring_time(start):
            if not dbt("build", "--select", "+fct_lead_score_changes"):
                print("backfill: the first build failed", file=sys.stderr)
                return 1
        if not dbt("run-operation", "reset_score_history", "--args", json.dumps({"since": str(start)})):
            return 1
        moment, steps = start, 0
        while moment <= end:
            with scoring_time(moment):
                scored = dbt("run", "--select", "+fct_lead_score_changes")
            if not scored:
                print(f"backfill: scoring at {moment} failed; history is complete up to the step before",
                      file=sys.stderr)
                return 1
            steps += 1
            moment += step
        print(f"backfill: history rebuilt at {steps} scoring times from {start} to {end}")
    finally:
        lock.__exit__()
    if no_final_build:
        return 0
    final = ["--quiet"] + (["--vars", json.dumps({"as_of": final_as_of})] if final_as_of else [])
    return build.run_build(final)


def main(argv: list[str] | None = None) -> int:
    """The old scripts/backfill_history.py entry point."""
    return run(backfill, argv, "backfill_history")
