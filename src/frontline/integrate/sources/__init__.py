"""Sources: declarative descriptions of department datasets, and reading them."""

from frontline.integrate.sources.loader import SourceError, load_source, load_sources
from frontline.integrate.sources.spec import FieldSpec, SkipRule, SourceSpec

__all__ = ["FieldSpec", "SkipRule", "SourceError", "SourceSpec", "load_source", "load_sources"]
