"""Moved to lead_scoring.loading.loader (lead-scoring load); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.loading.loader", __file__)
