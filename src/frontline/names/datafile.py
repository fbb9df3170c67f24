"""Reading the CSV files shipped in ``frontline/names/data``."""

from __future__ import annotations

import csv
import io
from importlib import resources


def read_rows(filename: str) -> list[dict[str, str]]:
    """Return the rows of one data file as dictionaries keyed by its header, in file order.

    The files ship inside the package, so this works from a wheel and on an air-gapped machine.
    """
    text = resources.files("frontline.names").joinpath("data").joinpath(filename).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))
