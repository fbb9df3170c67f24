"""Packaged data of `frontline.ids` and the script that builds `divisions.csv` (see SOURCES.md)."""
