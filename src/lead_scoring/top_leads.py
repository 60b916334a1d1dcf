"""`lead-scoring top`: the top-ranked leads of each active model (marts.fct_lead_scores) and the
newest sales-ready hand-overs, as tables."""
from __future__ import annotations

from pathlib import Path

import click
import duckdb
from rich import box
from rich.console import Console
from rich.table import Table

from lead_scoring import config
from lead_scoring.commands import CONTEXT, Refused, run
from lead_scoring.config import MARTS_SCHEMA

NUMERIC = {"rank", "fit", "engagement", "score"}


def table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    out = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for name in header:
        out.add_column(name, justify="right" if name in NUMERIC else "left", no_wrap=True)
    for row in rows:
        out.add_row(*row)
    return out


def output_console() -> Console:
    """Tables at their full width: a pipe or log file gets no terminal width to wrap them to."""
    console = Console()
    return console if console.is_terminal else Console(width=200)


@click.command("top", context_settings=CONTEXT)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="Database to read (default: the published read copy).")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Leads per model.")
@click.option("--model", help="Only this model_id.")
def top(db: Path | None, limit: int, model: str | None) -> None:
    """Show the top-ranked leads of each active model and the newest sales-ready hand-overs,
    from the published read copy.

    Example: lead-scoring top --limit 10 --model b2b_general
    """
    db = db or config.read_copy_path()
    if not db.exists():
        raise Refused(f"no scores at {db}: load data and run `lead-scoring build` first (or pass --db)")
    console = output_console()
    only = model
    con = duckdb.connect(str(db), read_only=True)
    models = [r[0] for r in con.execute(
        f"select distinct model_id from {MARTS_SCHEMA}.fct_lead_scores order by 1").fetchall()]
    for model in models:
        if only and model != only:
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
            [model, limit],
        ).fetchall()
        scored_at, version = con.execute(
            f"select max(scored_at), max(rules_version) from {MARTS_SCHEMA}.fct_lead_scores where model_id = ?",
            [model]).fetchone()
        console.print(table(
            f"Top {limit} leads, model {model} (as of {scored_at}, rules {version})",
            ("rank", "contact", "job title", "industry", "fit", "engagement", "score", "band",
             "sales-ready", "interest", "last activity"),
            [(str(r[0]), r[1], (r[2] or "")[:24], r[3] or "", f"{r[4]:.1f}", f"{r[5]:.1f}", f"{r[6]:.1f}",
              r[7] or "", "yes" if r[8] else "no", r[9] or "", str(r[10] or "")[:16]) for r in rows]))
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
        [limit],
    ).fetchall()
    console.print(table(
        "Newest sales-ready hand-overs",
        ("changed at", "model", "contact", "name", "from", "to", "score", "owner", "routed by"),
        [(str(r[0])[:16], r[1], r[2], r[3] or "", r[4] or "(new)", r[5], f"{r[6]:.1f}",
          r[7] or "(unassigned)", r[8]) for r in handovers]))


def main(argv: list[str] | None = None) -> int:
    """The old scripts/show_top_leads.py entry point."""
    return run(top, argv, "show_top_leads")
