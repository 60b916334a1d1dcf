"""Rebuild and publish whenever a project file changes: the rule-editing loop.

    lead-scoring watch [any dbt build arguments, e.g. --vars '{as_of: "2026-06-30 00:00:00"}']

Each rebuild is `lead-scoring build` with the same arguments: one build at a time, nothing
published on failure, a seed-only edit builds that seed's descendants (docs/operations.md). What
the process keeps between rebuilds is dbt, imported, and the project, parsed: while only seed
contents change (dbt reads a seed's CSV when it loads it, not when it parses), a rebuild skips
dbt's start-up and parse; any other change to the project's files parses it again.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import click

from lead_scoring import config
from lead_scoring.building.build import PROJECT_INPUTS, check_vars, fixed_as_of, project_parts, run_build
from lead_scoring.building.lock import BUSY_EXIT, point_dbt_at
from lead_scoring.commands import CONTEXT

TICK_MS = 200  # how long the file watcher waits before yielding nothing (see watch_builds)
# Build options that also change what dbt parses, with their values: `dbt parse` gets these.
PARSE_OPTIONS = ("--vars", "--target", "-t", "--profile", "--target-path", "--profiles-dir")


def parse_arguments(argv: list[str]) -> list[str]:
    """The part of `dbt build` arguments that `dbt parse` takes."""
    kept: list[str] = []
    for i, arg in enumerate(argv):
        name = arg.split("=", 1)[0]
        if name in PARSE_OPTIONS:
            kept += [arg] if "=" in arg else argv[i:i + 2]
    return kept


def parse_project(db: Path, argv: list[str]):
    """The project parsed as a build of db with these arguments would parse it (the same profile,
    so dbt's partial parse stays valid for both); None when dbt cannot parse it (the build then
    parses it itself and reports why)."""
    from dbt.cli.main import dbtRunner

    point_dbt_at(db)
    result = dbtRunner().invoke(["parse", "--quiet", *parse_arguments(argv), "--project-dir",
                                 str(config.project_dir()), *config.dbt_target_args()])
    return result.result if result.success else None


def watched_paths(project: Path) -> list[Path]:
    return [project / name for name in PROJECT_INPUTS if (project / name).exists()]


class Stop:
    """The handler of a stop (SIGTERM, Ctrl-C). Between rebuilds it asks the file watcher to end,
    which it does at its next tick, so the watch returns 0 wherever the signal lands; raising
    there instead escapes when the signal lands outside the watcher's wait. During a rebuild it
    interrupts the build, which publishes nothing."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.building = False

    def __call__(self, signum, frame) -> None:
        self.event.set()
        if self.building:
            raise KeyboardInterrupt


def set_rebuild_environment() -> None:
    """The watch's dbt settings, each unless already set (benchmarks/rebuild_turns.py uses them
    too). An environment setting, unlike an argument, leaves the build's fingerprint that of
    `lead-scoring build` with the same arguments."""
    # No dbt log file: dbt formats and scrubs a line for every event, debug ones too, before the
    # level filter drops them, about 7% of a rule-edit rebuild at info (docs/benchmarks.md);
    # errors still print.
    os.environ.setdefault("DBT_LOG_LEVEL_FILE", "none")
    # Nor target/manifest.json and run_results.json after each rebuild: writing them was about
    # 0.25 s of a 4 s rebuild (docs/benchmarks.md); `lead-scoring build` writes them.
    os.environ.setdefault("DBT_WRITE_JSON", "false")


def watch_builds(argv: list[str]) -> int:
    """Build now, then again after each change to the project's files, until interrupted."""
    import watchfiles  # native file-system events with debouncing: an editor's save is one rebuild

    check_vars(argv)
    set_rebuild_environment()
    if not fixed_as_of(argv):
        print("watch: no as_of given (--vars or $LEAD_SCORING_AS_OF), so every rebuild scores a new 'now' "
              "and builds everything; pin one to rebuild only what a rule edit changes.", flush=True)
    project, db = config.project_dir(), config.database_path()
    manifest, parsed, attempted = None, None, None
    stop = Stop()

    def rebuild(changed: str = "") -> None:
        nonlocal manifest, parsed, attempted
        parts = project_parts(db, argv)
        if parts == attempted:
            return  # a temporary or unchanged file: the inputs are those of the last rebuild
        if changed:
            print(f"watch: changed: {changed}", flush=True)
        attempted = parts
        layout = (parts["code"], sorted(parts))
        if layout != parsed:  # not only seed contents changed: parse again
            print("watch: parsing the project", flush=True)
            manifest, parsed = parse_project(db, argv), layout
        start = time.monotonic()
        stop.building = True
        try:
            code = run_build(argv, manifest=manifest)
        finally:
            stop.building = False
        if code == BUSY_EXIT:
            attempted = None  # not built: the next change tries again
        outcome = {0: "done", BUSY_EXIT: "not built"}.get(code, "failed (the read copy was not changed)")
        print(f"watch: {outcome} in {time.monotonic() - start:.1f} s; watching {project} for changes "
              "(Ctrl-C stops)", flush=True)

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):  # a supervisor's stop ends the watch as Ctrl-C does
            signal.signal(signum, stop)
    started = False
    # The first (empty) yield comes once the watcher runs, so an edit made during the first build
    # is seen; later empty yields (every TICK_MS without changes) do nothing.
    try:
        for changes in watchfiles.watch(*watched_paths(project), stop_event=stop.event, raise_interrupt=False,
                                        yield_on_timeout=True, rust_timeout=TICK_MS):
            if stop.event.is_set():
                break
            if not started:
                started = True
                rebuild()
            elif changes:
                rebuild(", ".join(sorted({Path(path).relative_to(project).as_posix() for _, path in changes
                                          if Path(path).exists()})))
    except KeyboardInterrupt:
        print("watch: stopped during a rebuild (a build publishes all or nothing)", flush=True)
    return 0


@click.command("watch", context_settings={**CONTEXT, "ignore_unknown_options": True})
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
def watch(dbt_args: tuple[str, ...]) -> None:
    """Build, then rebuild and publish whenever a file of the project (models, macros, seeds,
    tests, dbt_project.yml, profiles.yml) changes, until Ctrl-C. Each rebuild is `lead-scoring
    build` with these arguments; dbt stays loaded and the parsed project is kept while only seed
    contents change, so a rule edit costs the nodes it changes (pin as_of for that: --vars or
    $LEAD_SCORING_AS_OF).

    Example: lead-scoring watch --quiet --vars '{as_of: "2026-06-30 00:00:00"}'
    """
    sys.exit(watch_builds(list(dbt_args)))
