"""The rule-editing loop on the demo database, timed two ways in one run (docs/benchmarks.md,
"Rule-editing loop"; run `make demo` first):

- one-shot: `benchmarks/edit_loop.sh` (change one rule's points, then `lead-scoring build`), one
  whole process per edit;
- watch: `lead-scoring watch` with the same arguments, already running; from the same edit until
  it prints that the rebuild is published.

Each round times --runs edits of each kind (one-shot first); it prints every figure, the medians
and the ratio watch / one-shot. Use an even --runs to leave the seed as it was.

    .venv/bin/python benchmarks/rule_edit_loop.py --runs 4 --rounds 2
"""
from __future__ import annotations

import os
import queue
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import click

REPO = Path(__file__).resolve().parent.parent
EDIT = [str(REPO / "benchmarks" / "edit_loop.sh")]
BUILD_ARGS = ["--quiet", "--vars", '{as_of: "2026-06-30 00:00:00"}']  # those of edit_loop.sh
DONE, FAILED = "watch: done in", "watch: failed"
TIMEOUT = 300  # seconds for any one build


def environment() -> dict[str, str]:
    env = {**os.environ, "LEAD_SCORING_PROJECT_DIR": str(REPO), "DBT_PROFILES_DIR": str(REPO),
           "LEAD_SCORING_DB": str(REPO / "lead_scoring.duckdb"), "PYTHONUNBUFFERED": "1"}
    env.pop("LEAD_SCORING_READ_DB", None)
    return env


def one_shot() -> float:
    start = time.perf_counter()
    subprocess.run(EDIT, check=True, env=environment(), stdout=subprocess.DEVNULL, timeout=TIMEOUT)
    return time.perf_counter() - start


class Watch:
    """`lead-scoring watch` in the background; its output lines on a queue."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([str(REPO / ".venv" / "bin" / "lead-scoring"), "watch", *BUILD_ARGS],
                                     env=environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.proc.stdout], daemon=True).start()
        self.wait_done()  # the build at start: skipped when the read copy is up to date

    def wait_done(self) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise SystemExit(f"lead-scoring watch exited with {self.proc.returncode}")
                continue
            if line.startswith(FAILED):
                raise SystemExit(f"the watched build failed: {line.strip()}")
            if line.startswith(DONE):
                return
        raise SystemExit(f"no rebuild within {TIMEOUT} s")

    def edit(self) -> float:
        start = time.perf_counter()
        subprocess.run([*EDIT, "--edit-only"], check=True, env=environment())
        self.wait_done()
        return time.perf_counter() - start

    def stop(self) -> None:
        # SIGTERM, not SIGINT: a shell's background job ignores SIGINT, and so would the watch
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


@click.command()
@click.option("--runs", default=4, show_default=True, help="Edits of each kind per round (even: the seed ends as it was).")
@click.option("--rounds", default=2, show_default=True, help="Rounds of one-shot edits, then watched edits.")
def main(runs: int, rounds: int) -> None:
    if not (REPO / "lead_scoring.duckdb").exists():
        sys.exit("rule_edit_loop.py: no demo database; run `make demo` first")
    times: dict[str, list[float]] = {"one-shot": [], "watch": []}
    for round_number in range(1, rounds + 1):
        shots = [one_shot() for _ in range(runs)]
        watch = Watch()
        try:
            watched = [watch.edit() for _ in range(runs)]
        finally:
            watch.stop()
        for kind, figures in (("one-shot", shots), ("watch", watched)):
            times[kind] += figures
            print(f"round {round_number} {kind:8} s: {', '.join(f'{t:.2f}' for t in figures)}", flush=True)
    medians = {kind: statistics.median(figures) for kind, figures in times.items()}
    for kind, figures in times.items():
        print(f"{kind:8} median {medians[kind]:.2f} s (min {min(figures):.2f}, max {max(figures):.2f}, n={len(figures)})")
    print(f"watch / one-shot: {medians['watch'] / medians['one-shot']:.2f}")


if __name__ == "__main__":
    main()
