"""The files a source's ``location`` names: one file, or every file a glob matches."""

from __future__ import annotations

from pathlib import Path

from frontline.integrate.readers.error import ReadError, close_matches, listing
from frontline.integrate.sources.spec import SourceSpec

_GLOB = frozenset("*?[")


def source_files(spec: SourceSpec, data_dir: Path) -> list[Path]:
    """The files to read, in name order (so ``_file`` and row numbers are reproducible)."""
    location = spec.location or ""
    if _GLOB & set(location):
        files = sorted(p for p in data_dir.glob(location) if p.is_file())
        if not files:
            raise ReadError(
                spec.key,
                location,
                f"no file in {data_dir} matches the location",
                "check the location's folder and pattern (relative to the data folder)",
            )
        return files
    path = data_dir / location
    if path.is_file():
        return [path]
    problem = f"file not found in {data_dir}" + (" (it is a folder)" if path.is_dir() else "")
    siblings = sorted(p.name for p in path.parent.iterdir()) if path.parent.is_dir() else []
    matches = close_matches(path.name, siblings)
    if matches:
        hint = f"did you mean {' or '.join(map(repr, matches))}?"
    elif siblings:
        hint = f"the folder holds {listing(siblings, 12)}"
    else:
        hint = f"the folder {path.parent} does not exist or is empty: is the data folder right?"
    raise ReadError(spec.key, location, problem, hint)


def display_name(path: Path, data_dir: Path) -> str:
    """The file as stored in ``_file`` and named in messages: relative to the data folder."""
    try:
        return path.relative_to(data_dir).as_posix()
    except ValueError:
        return path.as_posix()
