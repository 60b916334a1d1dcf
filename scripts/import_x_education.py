"""Moved to lead_scoring.loading.x_education (lead-scoring import x-education); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.loading.x_education", __file__)
