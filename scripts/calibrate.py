"""Moved to lead_scoring.calibration.calibrate (lead-scoring calibrate); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.calibration.calibrate", __file__)
