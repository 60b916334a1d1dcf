"""Moved to lead_scoring.calibration.backtest (lead-scoring backtest); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.calibration.backtest", __file__)
