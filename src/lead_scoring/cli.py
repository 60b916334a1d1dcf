"""`lead-scoring`: one command-line tool for the project (`lead-scoring --help`)."""
from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lead-scoring-warehouse")
def main() -> None:
    """Lead scoring as code in your own warehouse.

    Example: lead-scoring --help
    """


# Subcommands register here, one line each.
from lead_scoring.dashboard_cli import dashboard; main.add_command(dashboard)  # noqa: E402
