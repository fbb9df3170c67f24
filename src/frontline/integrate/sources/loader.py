"""Loading source files, with errors that name the file, the line and the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from frontline.integrate.sources.spec import FieldSpec, SkipRule, SourceSpec, TableLocation


class SourceError(ValueError):
    """A source file that cannot be used; its message names the file, line and key."""

    def __init__(self, path: Path, line: int | None, key: str, message: str) -> None:
        self.path, self.line, self.key, self.message = path, line, key, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so that a bad date is reported like any bad value
    (with its key and line) rather than failing inside the YAML parser."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _compose(path: Path) -> tuple[Any, yaml.Node | None]:
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise SourceError(path, mark.line + 1 if mark else None, "", str(error.problem)) from None
    return data, node


def _line_of(node: yaml.Node | None, location: tuple[int | str, ...]) -> int | None:
    """The line of the key (or list item) that ``location`` ends at, 1-based; as deep as the
    document goes when the path leaves it."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in location:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == part), None)
            if pair is None:
                return line
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def load_source(path: Path) -> SourceSpec:
    """Read and check one source file."""
    data, node = _compose(path)
    if not isinstance(data, dict):
        raise SourceError(path, 1, "", "a source file holds a mapping of keys to values")
    try:
        return SourceSpec.model_validate(data)
    except ValidationError as error:
        # An unknown key explains the rest (a misspelt key is also a missing one): report it first.
        first = min(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
        location: tuple[str | int, ...] = tuple(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if not location:
            # The whole-spec check failed: ask it again for the key path it concerns.
            location, message = SourceSpec.model_construct(**data).problems()[0]
        elif first["type"] == "extra_forbidden":
            message = f"unknown key; allowed here: {', '.join(_allowed(location))}"
        key = ".".join(str(p) for p in location)
        raise SourceError(path, _line_of(node, location), key, message) from None


def _allowed(location: tuple[str | int, ...]) -> list[str]:
    """The keys allowed at ``location`` (whose last part is the unknown key)."""
    model: type[BaseModel] = SourceSpec
    parents = location[:-1]
    if parents[:1] == ("fields",) and len(parents) == 2:
        model = FieldSpec
    elif parents[:1] == ("skip",):
        model = SkipRule
    elif parents[:1] == ("table",):
        model = TableLocation
    return [f.alias or name for name, f in model.model_fields.items()]


def load_sources(folder: Path) -> list[SourceSpec]:
    """Every ``*.yaml`` source in ``folder``, sorted by file name; keys must be unique."""
    paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not paths:
        raise SourceError(folder, None, "", "no source files (*.yaml) in this folder")
    specs: list[SourceSpec] = []
    seen: dict[str, Path] = {}
    for path in paths:
        spec = load_source(path)
        if spec.key in seen:
            line = _line_of(_compose(path)[1], ("key",))
            message = f"source key {spec.key!r} is also used by {seen[spec.key]}"
            raise SourceError(path, line, "key", message)
        seen[spec.key] = path
        specs.append(spec)
    return specs
