"""`python -m lead_scoring ...` is `lead-scoring ...` (subprocesses use it: no PATH needed)."""
from lead_scoring.cli import main

main(prog_name="lead-scoring")
