"""Build `divisions.csv` from python-stdnum's `stdnum/cn/loc.dat`.

Run from the repository root after upgrading python-stdnum, then review the diff:

    .venv/bin/python -m frontline.ids.data.build_divisions

The input lists, per 2-digit province prefix, 4-digit suffixes whose value is one
name or comma-separated alternatives with inclusive year ranges, for example
`0110 county="[-1991]东郊区,[1992-]东丽区"`. Each alternative becomes one CSV row.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

COLUMNS = ("code", "name", "level", "province", "prefecture", "valid_from", "valid_to")
_LINE = re.compile(r'^(?P<indent> *)(?P<prefix>\d+) (?P<key>province|county)="(?P<value>[^"]+)"$')
_ALTERNATIVE = re.compile(r"^(?:\[(?P<start>\d{4})?-(?P<end>\d{4})?\])?(?P<name>[^\[\],]+)$")


def source_text() -> str:
    """Return the text of the installed python-stdnum `cn/loc.dat`."""
    return resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def _alternatives(value: str) -> Iterator[tuple[str, str, str]]:
    """Split a value into (name, valid_from, valid_to); an empty year means open."""
    for part in value.split(","):
        match = _ALTERNATIVE.match(part)
        if match is None:
            raise ValueError(f"unexpected division value {value!r}")
        yield match["name"], match["start"] or "", match["end"] or ""


def rows(text: str) -> Iterator[dict[str, str]]:
    """Yield one CSV row per (code, name, year range) in source order."""
    province = ""
    codes: set[str] = set()
    pending: list[dict[str, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"unexpected line {line!r}")
        if match["key"] == "province":
            province = match["prefix"]
            continue
        code = province + match["prefix"]
        codes.add(code)
        for name, start, end in _alternatives(match["value"]):
            pending.append({"code": code, "name": name, "valid_from": start, "valid_to": end})
    for row in pending:
        code = row["code"]
        level = _level(code)
        # Parents are stored as codes, not names, because their names are dated too.
        province_code = code[:2] + "0000"
        prefecture_code = code[:4] + "00"
        row["level"] = level
        row["province"] = province_code if level != "province" and province_code in codes else ""
        row["prefecture"] = (
            prefecture_code if level == "county" and prefecture_code in codes else ""
        )
        yield row


def render(text: str) -> str:
    """Return the CSV document for the given `loc.dat` text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(text))
    return buffer.getvalue()


def main() -> None:
    """Write `divisions.csv` next to this script."""
    target = Path(__file__).with_name("divisions.csv")
    target.write_text(render(source_text()), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")


if __name__ == "__main__":
    main()
