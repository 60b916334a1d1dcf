"""The lead-scoring dashboard (Streamlit): `lead-scoring dashboard` or `make dashboard`.

It reads only the published read copy (scripts/build.py), one read-only DuckDB connection per
query, with results cached by the read copy's path and modification time.
"""
