"""Moved to lead_scoring.calibration.bpic2012_study (lead-scoring study bpic2012); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.calibration.bpic2012_study", __file__)
