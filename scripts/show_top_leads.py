#!/usr/bin/env python3
"""Print the top-ranked leads of each active model from marts.fct_lead_scores."""
from __future__ import annotations

import argparse
import os
import sys

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import MARTS_SCHEMA  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database to read (default: the published read copy)")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--model", help="only this model_id")
    args = parser.parse_args(argv)
    if args.db is None:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from build import database_path, read_copy_path

        args.db = str(read_copy_path(database_path()))
    con = duckdb.connect(args.db, read_only=True)
    models = [r[0] for r in con.execute(
        f"select distinct model_id from {MARTS_SCHEMA}.fct_lead_scores order by 1").fetchall()]
    for model in models:
        if args.model and model != args.model:
            continue
        rows = con.execute(
            f"""
            select s.score_rank, s.contact_id, c.job_title, c.industry, s.fit_score, s.engagement_score,
                   s.score, s.band, s.is_sales_ready, s.primary_interest_tag, s.last_activity_at
            from {MARTS_SCHEMA}.fct_lead_scores s
            left join {MARTS_SCHEMA}.dim_contacts c using (contact_id)
            where s.model_id = ? and s.score_rank <= ?
            order by s.score_rank
            """,
            [model, args.limit],
        ).fetchall()
        scored_at, version = con.execute(
            f"select max(scored_at), max(rules_version) from {MARTS_SCHEMA}.fct_lead_scores where model_id = ?",
            [model]).fetchone()
        print(f"\nTop {args.limit} leads, model {model} (as of {scored_at}, rules {version})")
        header = ("rank", "contact", "job title", "industry", "fit", "engagement", "score", "band",
                  "sales-ready", "interest", "last activity")
        table = [header] + [
            (str(r[0]), r[1], (r[2] or "")[:24], r[3] or "", f"{r[4]:.1f}", f"{r[5]:.1f}", f"{r[6]:.1f}",
             r[7] or "", "yes" if r[8] else "no", r[9] or "", str(r[10] or "")[:16])
            for r in rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        for i, row in enumerate(table):
            print("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)))
            if i == 0:
                print("  ".join("-" * w for w in widths))
    handovers = con.execute(
        f"""
        select b.changed_at, b.model_id, b.contact_id, c.first_name || ' ' || c.last_name, b.from_band, b.to_band,
               s.score, s.owner_id, coalesce(s.routing_rule_id, 'existing owner')
        from {MARTS_SCHEMA}.fct_lead_band_changes b
        join {MARTS_SCHEMA}.fct_lead_scores s using (model_id, contact_id)
        left join {MARTS_SCHEMA}.dim_contacts c using (contact_id)
        where b.is_sales_ready and b.direction = 'up'
        order by b.changed_at desc, s.score desc, b.contact_id
        limit ?
        """,
        [args.limit],
    ).fetchall()
    print(f"\nNewest sales-ready hand-overs")
    header = ("changed at", "model", "contact", "name", "from", "to", "score", "owner", "routed by")
    table = [header] + [(str(r[0])[:16], r[1], r[2], r[3] or "", r[4] or "(new)", r[5], f"{r[6]:.1f}",
                         r[7] or "(unassigned)", r[8]) for r in handovers]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
