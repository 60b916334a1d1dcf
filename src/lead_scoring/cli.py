"""`lead-scoring`: one command-line tool for the project (`lead-scoring --help`)."""
from __future__ import annotations

import click

from lead_scoring.dashboard_cli import dashboard
from lead_scoring.mutate import mutate
from lead_scoring.study import study
from lead_scoring.sync.cli import sync


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lead-scoring-warehouse")
def main() -> None:
    """Lead scoring as code in your own warehouse.

    Example: lead-scoring --help
    """


for command in (dashboard, mutate, study, sync):
    main.add_command(command)
