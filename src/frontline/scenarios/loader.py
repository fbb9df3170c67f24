"""Reading scenario files (``scenarios/*.yaml``), with errors naming the file, line and key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from frontline.declarations import (
    DeclarationError,
    declaration_files,
    read_document,
    validate,
)
from frontline.scenarios.spec import Scenario


class ScenarioError(DeclarationError):
    """A scenario file that cannot be used; its message names the file, line and key."""


@dataclass(frozen=True)
class DeclaredScenario:
    """A scenario and the file it was declared in."""

    scenario: Scenario
    file: str
    """The file's name (not its path: the registry is the same wherever the folder lies)."""
    file_digest: str
    """SHA-256 of the file's bytes."""


def load_scenario(path: Path) -> DeclaredScenario:
    """Read and check one scenario file."""
    try:
        document = read_document(path)
        scenario = validate(document, Scenario)
    except DeclarationError as error:
        raise ScenarioError(error.path, error.line, error.key, error.message) from None
    return DeclaredScenario(scenario, path.name, document.digest)


def load_scenarios(folder: Path) -> list[DeclaredScenario]:
    """Every scenario file of ``folder`` (sorted by key, then version).

    A folder may keep several versions of one scenario, but one key and version is
    declared once.
    """
    try:
        paths = declaration_files(folder, "scenario")
    except DeclarationError as error:
        raise ScenarioError(error.path, error.line, error.key, error.message) from None
    found: dict[tuple[str, int], Path] = {}
    declared: list[DeclaredScenario] = []
    for path in paths:
        item = load_scenario(path)
        identity = (item.scenario.key, item.scenario.version)
        if identity in found:
            line = read_document(path).line_of(("version",))
            message = f"{identity[0]} version {identity[1]} is also declared in {found[identity]}"
            raise ScenarioError(path, line, "version", message)
        found[identity] = path
        declared.append(item)
    return sorted(declared, key=lambda d: (d.scenario.key, d.scenario.version))
