"""Lead-scoring warehouse: the command-line tools around the dbt project."""
from pathlib import Path

# The dbt project this package drives: the repository root of a source checkout.
PROJECT_DIR = Path(__file__).resolve().parents[2]
