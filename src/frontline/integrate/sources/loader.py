"""Loading source files, with errors that name the file, the line and the key."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from frontline.declarations import (
    DeclarationError,
    Location,
    declaration_files,
    read_document,
    validate,
)
from frontline.integrate.sources.spec import SourceSpec


class SourceError(DeclarationError):
    """A source file that cannot be used; its message names the file, line and key."""


def _first_problem(data: Mapping[str, Any]) -> tuple[Location, str]:
    # The whole-spec check failed: ask it again for the key path it concerns.
    return SourceSpec.model_construct(**data).problems()[0]


def load_source(path: Path) -> SourceSpec:
    """Read and check one source file."""
    try:
        return validate(read_document(path), SourceSpec, locate=_first_problem)
    except DeclarationError as error:
        raise SourceError(error.path, error.line, error.key, error.message) from None


def load_sources(folder: Path) -> list[SourceSpec]:
    """Every ``*.yaml`` source in ``folder``, sorted by file name; keys must be unique."""
    try:
        paths = declaration_files(folder, "source")
    except DeclarationError as error:
        raise SourceError(error.path, error.line, error.key, error.message) from None
    specs: list[SourceSpec] = []
    seen: dict[str, Path] = {}
    for path in paths:
        spec = load_source(path)
        if spec.key in seen:
            line = read_document(path).line_of(("key",))
            message = f"source key {spec.key!r} is also used by {seen[spec.key]}"
            raise SourceError(path, line, "key", message)
        seen[spec.key] = path
        specs.append(spec)
    return specs
