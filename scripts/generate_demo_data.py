"""Moved to lead_scoring.loading.demo_data (lead-scoring demo-data); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.loading.demo_data", __file__)
