"""Moved to lead_scoring.calibration.x_education_study (lead-scoring study x-education); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.calibration.x_education_study", __file__)
