"""Moved to lead_scoring.loading.raw_schema (the raw schema module); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.loading.raw_schema", __file__)
