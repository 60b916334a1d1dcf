#!/usr/bin/env python3
"""Rebuild score history for past dates by scoring at each as_of in turn.

    scripts/backfill_history.py --from 2026-01-01 --to 2026-06-30 [--step 1d]

History from --from on is forgotten (versions current then are reopened; rule-level changes
from then on are deleted), then the scoring models, fct_lead_score_history and
fct_lead_score_changes are run at --from, --from + step, ..., --to. A final full build at the current time (or --final-as-of) restores today's marts and publishes the read
copy. Holds the build lock throughout, so no other build interleaves.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # noqa: E402


def parse_step(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([dh])", text.strip())
    if not match:
        raise argparse.ArgumentTypeError("step must look like 1d, 7d or 12h")
    n, unit = int(match.group(1)), match.group(2)
    return timedelta(days=n) if unit == "d" else timedelta(hours=n)


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.strip().replace("T", " "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="start", type=parse_time, required=True)
    parser.add_argument("--to", dest="end", type=parse_time, required=True)
    parser.add_argument("--step", type=parse_step, default=timedelta(days=1))
    parser.add_argument("--final-as-of", help="as_of of the closing build (default: now)")
    parser.add_argument("--no-final-build", action="store_true")
    args = parser.parse_args(argv)
    if args.end < args.start:
        parser.error("--to is before --from")

    db = build.database_path()
    os.environ["LEAD_SCORING_DB"] = str(db)
    os.environ.setdefault("DBT_PROFILES_DIR", str(build.REPO))
    try:
        lock = build.BuildLock(db).__enter__()
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return build.BUSY_EXIT
    try:
        from dbt.cli.main import dbtRunner

        def dbt(*cli: str) -> bool:
            result = dbtRunner().invoke([*cli, "--project-dir", str(build.REPO), "--quiet"])
            build.release_dbt_duckdb()
            return result.success

        # The history table must exist before it can be reset.
        if not dbt("build", "--select", "+fct_lead_score_changes", "--vars",
                   json.dumps({"as_of": str(args.start)})):
            print("backfill: the first build failed", file=sys.stderr)
            return 1
        if not dbt("run-operation", "reset_score_history", "--args", json.dumps({"since": str(args.start)})):
            return 1
        moment, steps = args.start, 0
        while moment <= args.end:
            if not dbt("run", "--select", "+fct_lead_score_changes", "--vars", json.dumps({"as_of": str(moment)})):
                print(f"backfill: scoring at {moment} failed; history is complete up to the step before",
                      file=sys.stderr)
                return 1
            steps += 1
            moment += args.step
        print(f"backfill: history rebuilt at {steps} scoring times from {args.start} to {args.end}")
    finally:
        lock.__exit__()
    if args.no_final_build:
        return 0
    final = ["--quiet"] + (["--vars", json.dumps({"as_of": args.final_as_of})] if args.final_as_of else [])
    return build.main(final)


if __name__ == "__main__":
    sys.exit(main())
