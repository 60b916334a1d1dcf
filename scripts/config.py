"""Moved to lead_scoring.config (lead-scoring --db/--read-db/--target/--project-dir); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.config", __file__)
