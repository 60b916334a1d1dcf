"""Moved to lead_scoring.building.backfill (lead-scoring backfill); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.building.backfill", __file__)
