"""Rule-edit rebuilds of two or more checkouts (or settings) taking turns, as `lead-scoring watch`
runs them (docs/benchmarks.md, "Rule-editing loop"; run `make demo` in each checkout first).

One worker process per checkout imports dbt and parses its project once, as the watch does; then,
round by round and in turn (the order swapped every round, so a machine slowing down during the
run weighs on both sides alike), each edits its own `eng_pricing_page` (`benchmarks/edit_loop.sh
--edit-only`) and runs `run_build`. It prints every rebuild's seconds, the medians and, for each
checkout after the first, the median of the per-round ratios against the first. A whole-process
comparison (`rule_edit_loop.py`) cannot resolve a 10% change when the machine drifts by 20% in
minutes; these turns can.

    .venv/bin/python benchmarks/rebuild_turns.py --rounds 10 /path/to/old-checkout .
    .venv/bin/python benchmarks/rebuild_turns.py . '.={"DBT_LOG_LEVEL_FILE": "info"}'

Each worker rebuilds with its checkout's watch settings (`set_rebuild_environment`: no dbt log
file, no JSON artifacts); a checkout may carry others as `PATH=JSON`, which win (for a checkout
older than that function, give its watch's settings this way). Use an even --rounds to leave each
seed as it was.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import click

from rule_edit_loop import BUILD_ARGS  # this folder is on sys.path; the same build arguments


def serve(checkout: Path) -> None:
    """Worker: parse once, then one edit and rebuild per line read; print its seconds as JSON."""
    os.chdir(checkout)
    os.environ.update(LEAD_SCORING_PROJECT_DIR=str(checkout), DBT_PROFILES_DIR=str(checkout),
                      LEAD_SCORING_DB=str(checkout / "lead_scoring.duckdb"))
    os.environ.pop("LEAD_SCORING_READ_DB", None)
    from lead_scoring import config
    from lead_scoring.building import watch
    from lead_scoring.building.build import run_build
    from lead_scoring.building.watch import parse_project

    # as this checkout's watch rebuilds (checkouts before 655ffae lack the function: dbt's defaults)
    getattr(watch, "set_rebuild_environment", lambda: None)()

    manifest = parse_project(config.database_path(), BUILD_ARGS)
    print("ready", flush=True)
    for _ in sys.stdin:
        subprocess.run([str(checkout / "benchmarks" / "edit_loop.sh"), "--edit-only"], check=True)
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = run_build(BUILD_ARGS, manifest=manifest)
        print(json.dumps({"seconds": time.perf_counter() - start, "code": code}), flush=True)


class Worker:
    def __init__(self, spec: str) -> None:
        path, _, settings = spec.partition("=")
        self.checkout = Path(path).resolve()
        if not (self.checkout / "lead_scoring.duckdb").exists():
            sys.exit(f"rebuild_turns.py: no demo database in {self.checkout}; run `make demo` there first")
        env = {**os.environ, **(json.loads(settings) if settings else {})}
        # the worker runs this file with the checkout's own package on the path
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.checkout / "src"), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve", str(self.checkout)], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        while (line := self.proc.stdout.readline()) and line.strip() != "ready":
            pass
        if not line:
            sys.exit(f"rebuild_turns.py: the worker for {spec} exited with {self.proc.wait()}")

    def rebuild(self) -> float:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        result = json.loads(self.proc.stdout.readline())
        if result["code"] != 0:
            sys.exit(f"rebuild_turns.py: a rebuild of {self.checkout} exited with {result['code']}")
        return result["seconds"]

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@click.command()
@click.option("--rounds", default=10, show_default=True, help="Rebuilds of each checkout (even: seeds end as they were).")
@click.option("--serve", "serve_checkout", type=click.Path(path_type=Path), hidden=True)
@click.argument("checkouts", nargs=-1)
def main(rounds: int, serve_checkout: Path | None, checkouts: tuple[str, ...]) -> None:
    if serve_checkout:
        serve(serve_checkout)
        return
    if len(checkouts) < 2:
        raise click.UsageError("give two or more checkouts (PATH or PATH=JSON settings)")
    workers = [Worker(spec) for spec in checkouts]
    times: list[list[float]] = [[] for _ in workers]
    try:
        for round_number in range(rounds):
            order = range(len(workers)) if round_number % 2 == 0 else reversed(range(len(workers)))
            for i in order:
                times[i].append(workers[i].rebuild())
    finally:
        for worker in workers:
            worker.stop()
    for spec, figures in zip(checkouts, times):
        print(f"{spec}: {', '.join(f'{t:.2f}' for t in figures)} s; median {statistics.median(figures):.2f} s")
    for spec, figures in zip(checkouts[1:], times[1:]):
        ratios = [after / before for before, after in zip(times[0], figures)]
        print(f"{spec} / {checkouts[0]}: median of per-round ratios {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
