"""`lead-scoring import ...`: public real-data sets converted into raw-table files for `load`."""
from __future__ import annotations

import click

from lead_scoring.commands import CONTEXT
from lead_scoring.loading.x_education import x_education


@click.group("import", context_settings=CONTEXT)
def import_group() -> None:
    """Convert public real-data sets into raw-table files for `lead-scoring load`.

    Example: lead-scoring import x-education --out target/x_education/raw
    """


import_group.add_command(x_education)
