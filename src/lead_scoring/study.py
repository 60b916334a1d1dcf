"""`lead-scoring study`: the real-data studies of docs/calibration.md."""
from __future__ import annotations

import sys
from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[2]


@click.group()
def study() -> None:
    """Calibrate and measure scores on public real-data sets (docs/calibration.md).

    Example: lead-scoring study bpic2012
    """


@study.command("bpic2012")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path), default=REPO / "target" / "bpic2012",
              show_default=True, help="Working directory (raw files, scratch warehouse, report.md, rules).")
@click.option("--xes", type=click.Path(path_type=Path), default=None,
              help="The BPI Challenge 2012 log (default: ../shared/data/bpic2012/BPI_Challenge_2012.xes.gz).")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True, help="Folds grouped by lead.")
@click.option("--max-rules", type=click.IntRange(min=1), default=40, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Fold split seed.")
@click.option("--reimport", is_flag=True, help="Import the log again even if a loaded copy is cached in --work.")
def bpic2012(work: Path, xes: Path | None, folds: int, max_rules: int, seed: int, reimport: bool) -> None:
    """Behaviour scoring on the BPI Challenge 2012 event log: import the XES log, calibrate
    behaviour rules at four past scoring times with CV grouped by lead, score with the project's
    SQL, compare with hand-written rules, logistic regression and gradient boosting.

    Example: lead-scoring study bpic2012 --work target/bpic2012
    """
    if xes is not None and not xes.exists():
        raise click.ClickException(f"{xes} not found")
    from lead_scoring.calibration import bpic2012_study

    argv = ["--work", str(work), "--folds", str(folds), "--max-rules", str(max_rules), "--seed", str(seed)]
    if xes is not None:
        argv += ["--xes", str(xes)]
    if reimport:
        argv.append("--reimport")
    try:
        code = bpic2012_study.main(argv)
    except SystemExit as exc:   # the study's one-line reasons
        if exc.code not in (None, 0):
            raise click.ClickException(str(exc.code)) from None
        code = 0
    sys.exit(code)
