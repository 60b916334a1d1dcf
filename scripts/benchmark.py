"""Moved to lead_scoring.bench (lead-scoring bench); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.bench", __file__)
