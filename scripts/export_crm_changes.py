"""Moved to lead_scoring.exporting.crm_changes (lead-scoring export); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.exporting.crm_changes", __file__)
