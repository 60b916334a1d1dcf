"""Backtest a candidate rule set against the current one on the same history, publishing nothing.

    lead-scoring backtest --candidate calibration --as-of "2026-05-31 00:00:00" [--model b2b_general]
                          [--rules seeds] [--db $LEAD_SCORING_DB]

Copies the warehouse's raw tables into a scratch database, builds the project there at --as-of
with the current rules (--rules, default seeds/) and the candidate's rules side by side, and
prints for both: ROC AUC and top-decile lift against wins after as_of (rpt_model_performance),
conversion by band (rpt_score_band_conversion), and how many leads would change band. A
candidate model_id that clashes with a current one is renamed '<model_id>__candidate'.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import click

from lead_scoring import config
from lead_scoring.building.scratch import ScratchBuild, merge_seeds, read_seeds
from lead_scoring.commands import CONTEXT, Refused, run
from lead_scoring.config import MARTS_SCHEMA


def renamed(seeds: dict[str, list[dict]], old: str, new: str) -> dict[str, list[dict]]:
    return {name: [{**r, "model_id": new} if r.get("model_id") == old else r for r in rows]
            for name, rows in seeds.items()}


def table(rows: list[tuple], headers: list[str]) -> str:
    cells = [[("" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def backtest_report(scratch: ScratchBuild, current: dict | None, candidate: dict, current_model: str | None,
                    candidate_model: str, as_of: str) -> str:
    """Build current and candidate side by side in the scratch database; the comparison as text."""
    scratch.build(merge_seeds(*(s for s in [current, candidate] if s)), as_of)
    compared = [current_model] if current_model else [r["model_id"] for r in (current or {}).get("scoring_models", [])]
    models = [*compared, candidate_model]
    marks = ", ".join("?" for _ in models)
    with scratch.connect() as con:
        perf = con.execute(
            f"select model_id, leads, won, roc_auc, top_decile_conversion_rate, top_decile_lift "
            f"from {MARTS_SCHEMA}.rpt_model_performance where model_id in ({marks}) order by model_id = ?",
            [*models, candidate_model]).fetchall()
        bands = con.execute(
            f"select model_id, band, min_score, is_sales_ready, leads, won, conversion_rate, median_days_to_won "
            f"from {MARTS_SCHEMA}.rpt_score_band_conversion where model_id in ({marks}) "
            f"order by model_id = ?, min_score", [*models, candidate_model]).fetchall()
        out = [f"Backtest at as_of {as_of} (scratch build, nothing published): wins after as_of",
               table(perf, ["model", "leads", "won", "roc_auc", "top10%_rate", "top10%_lift"]), "",
               "Conversion by band",
               table(bands, ["model", "band", "min_score", "sales_ready", "leads", "won", "rate", "median_days"])]
        if current_model:
            moves = con.execute(
                "select c.band as current_band, n.band as candidate_band, count(*) as leads "
                f"from {MARTS_SCHEMA}.fct_lead_scores c join {MARTS_SCHEMA}.fct_lead_scores n using (contact_id) "
                "join intermediate.int_lead_outcomes o using (contact_id) "
                "where c.model_id = ? and n.model_id = ? and o.is_evaluated "
                "group by all order by all", [current_model, candidate_model]).fetchall()
            changed = sum(n for a, b, n in moves if a != b)
            total = sum(n for _, _, n in moves)
            out += ["", f"Band changes (current -> candidate): {changed:,} of {total:,} evaluated leads "
                        f"({(changed / total if total else 0):.1%}) change band",
                    table(moves, ["current_band", "candidate_band", "leads"])]
    return "\n".join(out)


@click.command("backtest", context_settings=CONTEXT)
@click.option("--candidate", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory of candidate rule seeds (one model).")
@click.option("--as-of", required=True, help="Past scoring time; wins after it are the outcome.")
@click.option("--rules", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Current rule seeds, a directory (default: the project's seeds/).")
@click.option("--model", help="Current model to compare with (default: every current model).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Warehouse whose raw tables are copied (default: the configured database).")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path), help="Scratch directory (default: a temporary one).")
def backtest(candidate: Path, as_of: str, rules: Path | None, model: str | None, db: Path | None,
             work: Path | None) -> None:
    """Backtest a candidate rule set against the current one on the same history, in a scratch
    build (nothing is published): AUC, top-decile lift, conversion by band, band changes.

    Example: lead-scoring backtest --candidate target/calibration --as-of "2026-05-31 00:00:00" --model b2b_general
    """
    rules = rules or config.project_dir() / "seeds"
    for option, directory in (("--candidate", candidate), ("--rules", rules)):
        if not directory.is_dir():
            raise Refused(f"{option} {directory} is not a directory", 2)
    current = read_seeds(rules)
    candidate_seeds = read_seeds(candidate)
    candidate_models = [r["model_id"] for r in candidate_seeds["scoring_models"]]
    if len(candidate_models) != 1:
        raise Refused(f"{candidate}/scoring_models.csv must define exactly one model, found {len(candidate_models)}")
    candidate_model = candidate_models[0]
    current_ids = {r["model_id"] for r in current["scoring_models"]}
    if model and model not in current_ids:
        raise Refused(f"model {model!r} is not in {rules}/scoring_models.csv")
    if candidate_model in current_ids:
        candidate_seeds = renamed(candidate_seeds, candidate_model, candidate_model + "__candidate")
        candidate_model += "__candidate"
    work = work or Path(tempfile.mkdtemp(prefix="lead_scoring_backtest_"))
    scratch = ScratchBuild(db or config.database_path(), work)
    click.echo(backtest_report(scratch, current, candidate_seeds, model, candidate_model, as_of))


def main(argv: list[str] | None = None) -> int:
    """The old scripts/backtest.py entry point."""
    return run(backtest, argv, "backtest")
