"""Declarative YAML files (sources, scenarios, staff, …) read into pydantic models, with errors
that name the file, the line and the key.

    document = read_document(path)          # YAML composed with line numbers
    spec = validate(document, SourceSpec)   # pydantic, errors mapped back to lines

A model validator that checks several keys together raises `KeyPathError` with the key path it
concerns, so the error points at that key's line rather than at the top of the file.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

Location = tuple[str | int, ...]
"""A key path into a document: mapping keys and list indexes."""

M = TypeVar("M", bound=BaseModel)


class DeclarationError(ValueError):
    """A declaration file that cannot be used; its message names the file, line and key."""

    def __init__(self, path: Path, line: int | None, key: str, message: str) -> None:
        self.path, self.line, self.key, self.message = path, line, key, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


class KeyPathError(ValueError):
    """Raised by a model validator about one key path (relative to the model it validates)."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(message)
        self.location, self.message = location, message


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so that a bad date is reported like any bad value
    (with its key and line) rather than failing inside the YAML parser."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Document:
    """One YAML file: its data, its node tree (for line numbers) and the digest of its bytes."""

    path: Path
    data: Any
    node: yaml.Node | None
    digest: str
    """SHA-256 of the file's bytes, hex."""

    def line_of(self, location: Location) -> int | None:
        """The 1-based line of the key (or list item) ``location`` ends at; as deep as the
        document goes when the path leaves it."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for part in location:
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == part), None)
                if pair is None:
                    return line
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and part < len(node.value)
            ):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def error(self, location: Location, message: str) -> DeclarationError:
        """An error about the key at ``location``, with its line."""
        key = ".".join(str(part) for part in location)
        return DeclarationError(self.path, self.line_of(location), key, message)


def read_document(path: Path) -> Document:
    """Read one YAML file; broken YAML and keys repeated in one mapping are errors."""
    raw = path.read_bytes()
    try:
        loader = _Loader(raw.decode("utf-8"))
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except UnicodeDecodeError:
        raise DeclarationError(path, None, "", "the file is not UTF-8 text") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise DeclarationError(
            path, mark.line + 1 if mark else None, "", str(error.problem)
        ) from None
    document = Document(path, data, node, hashlib.sha256(raw).hexdigest())
    for location, line, first in _repeated_keys(node, ()):
        # YAML would silently keep the last value: a repeated key is almost always a mistake.
        key = ".".join(str(part) for part in location)
        raise DeclarationError(path, line, key, f"repeated key (first on line {first})")
    return document


def _repeated_keys(node: yaml.Node | None, at: Location) -> Iterator[tuple[Location, int, int]]:
    """(key path, line, line of the first occurrence) of every key repeated in a mapping."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                line = key.start_mark.line + 1
                if key.value in seen:
                    yield (*at, key.value), line, seen[key.value]
                seen.setdefault(key.value, line)
            yield from _repeated_keys(value, (*at, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _repeated_keys(item, (*at, index))


def validate(
    document: Document,
    model: type[M],
    *,
    locate: Callable[[Mapping[str, Any]], tuple[Location, str]] | None = None,
) -> M:
    """The document as a ``model``, or a `DeclarationError` for its first problem.

    An unknown key is reported first (a misspelt key is also a missing one) with the keys
    allowed there. ``locate`` is asked for the key path of a whole-model check that failed
    without raising `KeyPathError`.
    """
    data = document.data
    if not isinstance(data, dict):
        raise DeclarationError(document.path, 1, "", "the file holds a mapping of keys to values")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = min(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
        location: Location = tuple(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        problem = first.get("ctx", {}).get("error")
        if isinstance(problem, KeyPathError):
            location, message = (*location, *problem.location), problem.message
        elif first["type"] == "extra_forbidden":
            message = f"unknown key; allowed here: {', '.join(allowed_keys(model, location))}"
        elif not location and locate is not None:
            location, message = locate(data)
        raise document.error(location, message) from None


def allowed_keys(model: type[BaseModel], location: Location) -> list[str]:
    """The keys allowed at ``location`` (whose last part is the key in question), found by
    following the model's field types: nested models, lists, dicts and unions of them."""
    current: Any = model
    for part in location[:-1]:
        current = _step(current, part)
        if current is None:
            return []
    found = next(_models(current), None)
    return [] if found is None else [f.alias or name for name, f in found.model_fields.items()]


def _members(annotation: Any) -> Iterator[Any]:
    """The types an annotation stands for: unions and `Annotated` unwrapped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from _members(get_args(annotation)[0])
    elif origin is Union or origin is types.UnionType:
        for member in get_args(annotation):
            yield from _members(member)
    else:
        yield annotation


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            yield member


def _step(annotation: Any, part: str | int) -> Any:
    """The type found one key (or index) below ``annotation``, or None."""
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            if part == member.__name__:  # pydantic names the union member it tried
                return member
            for name, field in member.model_fields.items():
                if part in (name, field.alias):
                    return field.annotation
        origin, args = get_origin(member), get_args(member)
        if isinstance(part, int) and origin in (list, tuple, Sequence) and args:
            return args[0]
        if isinstance(part, str) and origin in (dict, Mapping) and len(args) == 2:
            return args[1]
    return None


def declaration_files(folder: Path, what: str) -> list[Path]:
    """The ``*.yaml`` and ``*.yml`` files of ``folder`` sorted by name; none is an error."""
    paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not paths:
        raise DeclarationError(folder, None, "", f"no {what} files (*.yaml) in this folder")
    return paths
