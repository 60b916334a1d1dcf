"""Moved to lead_scoring.building.scratch (scratch builds); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.building.scratch", __file__)
