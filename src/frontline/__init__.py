"""Frontline: refined frontline government service."""

__version__ = "0.1.0"
