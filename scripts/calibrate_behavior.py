"""Moved to lead_scoring.calibration.calibrate_behavior (behaviour calibration); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.calibration.calibrate_behavior", __file__)
