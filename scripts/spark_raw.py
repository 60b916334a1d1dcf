"""Moved to lead_scoring.loading.spark_raw (lead-scoring copy-to-spark); this path is a shim kept for one release."""
from lead_scoring.commands import alias

alias(__name__, "lead_scoring.loading.spark_raw", __file__)
