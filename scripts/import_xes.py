"""Moved to lead_scoring.loading.xes (the BPIC 2012 study imports event logs with it); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.loading.xes", __file__)
