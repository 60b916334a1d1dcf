"""The one command-line tool: every subcommand has --help with an example, bad input exits
non-zero with a one-line reason (no traceback), and the old scripts/<name>.py paths still work."""
from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from conftest import REPO
from lead_scoring.cli import main

# Every former script and the command it became (README, docs/operations.md).
FORMER_SCRIPTS = {
    "load_raw": "load", "build": "build", "show_top_leads": "top", "export_crm_changes": "export",
    "backfill_history": "backfill", "calibrate": "calibrate", "backtest": "backtest", "benchmark": "bench",
    "generate_demo_data": "demo-data", "import_x_education": "import x-education",
    "spark_raw": "copy-to-spark", "x_education_study": "study x-education",
}


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


COMMANDS = [" ".join(path) for path, _ in all_commands(main)]


def test_every_former_script_is_a_subcommand():
    assert set(FORMER_SCRIPTS.values()) <= set(COMMANDS)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_has_an_example(command):
    result = CliRunner().invoke(main, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    # "Example: ..." or an "Examples:" block; the example runs this very command
    _, found, examples = result.output.partition("Example")
    assert found and ("lead-scoring " + command).strip() in examples.split("Options:")[0], result.output


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lead_scoring", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def assert_one_line_refusal(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, proc.stderr
    assert all(f in errors[0] for f in fragments), proc.stderr


@pytest.mark.parametrize("args, fragments", [
    (["load", "{tmp}/missing"], ["missing is not a directory"]),
    (["build", "--vars", "{as_of: [2026"], ["--vars", "is not YAML"]),
    (["build", "--vars", "2026-06-30"], ["--vars", "is not a mapping"]),
    (["backfill", "--from", "2026-06-01", "--to", "2026-05-01"], ["--to is before --from"]),
    (["backfill", "--from", "2026-06-01", "--to", "2026-07-01", "--step", "week"], ["a step looks like 1d"]),
    (["export"], ["exactly one of --out DIR or --url URL"]),
    (["export", "--url", "ftp://host/x?key=SECRET"], ["http(s) URL"]),
    (["top", "--db", "{tmp}/none.duckdb"], ["no scores at"]),
    (["calibrate", "--as-of", "2026-05-31", "--rules", "{tmp}/missing"], ["--rules", "is not a directory"]),
    (["backtest", "--candidate", "{tmp}/missing", "--as-of", "2026-05-31"], ["--candidate", "not a directory"]),
    (["import", "x-education", "--csv", "{tmp}/Leads.csv", "--out", "{tmp}/out"], ["Leads.csv not found"]),
    (["demo-data", "--out", "{tmp}/d", "--format", "xlsx"], ["'xlsx' is not one of"]),
    (["--project-dir", "{tmp}/missing", "build"], ["does not exist"]),
])
def test_bad_input_is_a_one_line_refusal(tmp_path, args, fragments):
    proc = run_cli(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert_one_line_refusal(proc, *fragments)
    assert "SECRET" not in proc.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "d").exists()


def test_global_options_set_the_one_configuration(tmp_path):
    code = ("import click, lead_scoring.cli as cli; from lead_scoring import config\n"
            "@cli.main.command('show')\n"
            "def show():\n"
            "    print(config.database_path(), config.read_copy_path(), config.project_dir(), config.dbt_target_args())\n"
            "cli.main(['--db', 'w.duckdb', '--target', 'spark', '--project-dir', '.', 'show'])")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if not k.startswith("LEAD_SCORING_")})
    assert out.stdout.split() == [str(tmp_path / "w.duckdb"), str(tmp_path / "w_read.duckdb"), str(tmp_path),
                                  "['--target',", "'spark']"], out.stderr


def test_old_script_paths_are_shims_to_the_package():
    code = ("import sys; sys.path.insert(0, 'scripts'); "
            + "; ".join(f"import {name}" for name in [*FORMER_SCRIPTS, "config", "raw_schema", "scratch"])
            + "; import lead_scoring.building.build as b, lead_scoring.building.scratch as s; "
              "import calibrate_behavior; "
              "print(build is b, scratch is s, calibrate_behavior.cal is calibrate, load_raw.main.__module__)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "True", "True", "lead_scoring.loading.loader"], out.stderr


def test_old_script_path_runs_the_command(tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "load_raw.py"), str(tmp_path / "missing")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"Error: {tmp_path / 'missing'} is not a directory"
    helped = subprocess.run([sys.executable, str(REPO / "scripts" / "build.py"), "--help"],
                            capture_output=True, text=True)
    assert helped.returncode == 0 and "Example: lead-scoring build" in helped.stdout


def test_progress_shows_only_on_a_terminal():
    from io import StringIO

    from rich.console import Console

    from lead_scoring.progress import progress

    piped = Console(file=StringIO(), force_terminal=False)
    with progress("loading", total=2, console=piped) as bar:
        bar.advance()
        bar.advance()
    assert piped.file.getvalue() == ""
    terminal = Console(file=StringIO(), force_terminal=True, width=100)
    with progress("loading", total=2, console=terminal) as bar:
        bar.update(description="loading contacts.csv")
        bar.advance()
        bar.advance()
    assert "loading contacts.csv" in terminal.file.getvalue() and "2/2" in terminal.file.getvalue()
