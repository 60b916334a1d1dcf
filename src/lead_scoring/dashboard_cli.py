"""`lead-scoring dashboard`: serve the Streamlit dashboard on 127.0.0.1, usage statistics off."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

APP = Path(__file__).resolve().parent / "dashboard" / "app.py"


def streamlit_command(port: int) -> list[str]:
    """The server command: loopback only, headless, no usage statistics, no file watcher.
    With server.address set, Streamlit also skips its external-IP lookup (checkip.amazonaws.com)."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address=127.0.0.1", f"--server.port={port}",
            "--browser.gatherUsageStats=false", "--server.headless=true",
            "--server.fileWatcherType=none", "--global.developmentMode=false",
            "--client.toolbarMode=viewer"]


@click.command("dashboard")
@click.option("--read-db", type=click.Path(path_type=Path),
              help="Read copy to show (default: $LEAD_SCORING_READ_DB, else <$LEAD_SCORING_DB>_read.duckdb).")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True,
              help="Port on 127.0.0.1.")
def dashboard(read_db: Path | None, port: int) -> None:
    """Serve the lead-scoring dashboard at http://127.0.0.1:PORT (Ctrl-C stops it).

    It reads only the published read copy and shows the new scores after each build.

    Example: lead-scoring dashboard --read-db lead_scoring_read.duckdb --port 8501
    """
    env = dict(os.environ)
    if read_db is not None:
        if read_db.is_dir():
            raise click.BadParameter(f"{read_db} is a directory, not a DuckDB file", param_hint="--read-db")
        if not read_db.exists():
            raise click.BadParameter(f"{read_db} does not exist (build and publish with scripts/build.py)",
                                     param_hint="--read-db")
        env["LEAD_SCORING_READ_DB"] = str(read_db.resolve())
    click.echo(f"dashboard: http://127.0.0.1:{port} (Ctrl-C stops it)")
    try:
        code = subprocess.call(streamlit_command(port), env=env)
    except KeyboardInterrupt:
        code = 0
    sys.exit(code)
