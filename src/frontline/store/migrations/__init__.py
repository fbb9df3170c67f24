"""Alembic migrations of the serving database (run them through `frontline.store.schema`)."""
