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
from lead_scoring.mutate import mutate  # noqa: E402
main.add_command(mutate)
