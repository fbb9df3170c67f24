"""Finding a source's columns among the headers (or keys) a file actually has."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from frontline.integrate.readers.error import close_matches, listing
from frontline.integrate.readers.request import FileRequest

# Headers typed by hand carry stray spaces (also full-width ones) and exports a byte-order mark.
_PADDING = " \t\r\n\u3000\ufeff"


def clean(header: str) -> str:
    """A header as compared with the source's column names: without surrounding spaces."""
    return header.strip(_PADDING)


def locate(
    request: FileRequest,
    found: Sequence[str],
    where: str,
    other_rows: Mapping[int, Sequence[str]] | None = None,
) -> list[int]:
    """The position in ``found`` of each column of ``request.columns``.

    ``where`` names what ``found`` is in messages ("the header (row 2)", "the records' keys").
    ``other_rows`` (row number → cells), when given, lets a missing-column error point at the
    row that does hold the headers: a wrong ``header_row`` is the usual cause.
    """
    headers = [clean(h) for h in found]
    positions: list[int] = []
    missing: list[str] = []
    for column in request.columns:
        hits = [i for i, h in enumerate(headers) if h == clean(column)]
        if len(hits) > 1:
            raise request.error(
                f"column {column!r} ({request.purposes(column)}) appears {len(hits)} times in "
                f"{where}",
                "rename the duplicates in the file, or map another column",
            )
        if not hits:
            missing.append(column)
        positions.extend(hits[:1])
    if missing:
        raise _missing(request, missing, headers, where, other_rows or {})
    return positions


def _missing(
    request: FileRequest,
    missing: list[str],
    headers: list[str],
    where: str,
    other_rows: Mapping[int, Sequence[str]],
) -> Exception:
    described = ", ".join(f"{c!r} ({request.purposes(c)})" for c in missing)
    plural = "s are" if len(missing) > 1 else " is"
    problem = f"mapped column{plural} missing from {where}: {described}"
    better = _better_row(request, headers, other_rows)
    if better is not None:
        # The row read as the header is then most likely data: it is not quoted back.
        row, count = better
        return request.error(
            problem, f"row {row} holds {count} of the mapped columns: set header_row: {row}"
        )
    if other_rows and len(missing) == len(request.columns):
        # Not one mapped column: the row may well be data, which must not be quoted back.
        return request.error(
            f"none of the mapped columns is in {where}",
            "check header_row and the column names; the row is not shown, as it may hold data",
        )
    hints = []
    for column in missing:
        matches = close_matches(clean(column), [h for h in headers if h])
        if matches:
            hints.append(f"for {column!r} did you mean {' or '.join(map(repr, matches))}?")
    hint = "; ".join(hints) or "check the column names in the source file against the data"
    return request.error(f"{problem}; found: {listing(headers)}", hint)


def _better_row(
    request: FileRequest, headers: list[str], other_rows: Mapping[int, Sequence[str]]
) -> tuple[int, int] | None:
    """The row holding more of the wanted columns than the header row, and how many."""
    wanted = {clean(c) for c in request.columns}
    here = len(wanted & set(headers))
    counts = {row: len(wanted & {clean(c) for c in cells}) for row, cells in other_rows.items()}
    best = max(sorted(counts), key=lambda row: counts[row], default=None)
    if best is None or counts[best] <= here:
        return None
    return best, counts[best]
