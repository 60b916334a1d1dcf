"""Moved to lead_scoring.top_leads (lead-scoring top); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.top_leads", __file__)
