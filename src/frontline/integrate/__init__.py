"""The integration engine: department sources → validated, linked golden records.

A batch engine over a DuckDB workspace. It never imports the web layer; its only output is an
atomic publish into the thematic store.
"""
