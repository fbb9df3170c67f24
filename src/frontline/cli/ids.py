"""`frontline ids`: check identifiers and look up division codes from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from frontline.ids import credit_code, resident
from frontline.ids.divisions import AreaRule, load_divisions
from frontline.ids.grid import parse_grid_code
from frontline.ids.normalization import RESIDENT_NORMALIZER
from frontline.ids.statistical import load_statistical

_SEX = {resident.Sex.MALE: "男 male", resident.Sex.FEMALE: "女 female"}


@dataclass(frozen=True)
class Row:
    """One checked value, ready to print."""

    kind: str
    shown_input: str
    status: str
    number: str
    repairs: str
    reason: str
    birth_date: str
    sex: str
    area: str


def _resident_row(value: str, unmask: bool, area_rule: AreaRule) -> Row:
    parsed = resident.parse(value, area_rule=area_rule)
    cleaned = RESIDENT_NORMALIZER.normalize(value)[0]
    number = parsed.number or ""
    born = parsed.birth_date
    area = ""
    if parsed.area_code is not None and born is not None:
        divisions = load_divisions()
        division = divisions.birth_area(parsed.area_code, born.year, area_rule)
        if division is not None:
            # Name the unit as it was when the number was assigned.
            year = born.year if division.valid_in(born.year) else division.valid_from
            area = " ".join(divisions.name_path(parsed.area_code, year))
    return Row(
        kind="居民身份证 resident ID",
        shown_input=value if unmask else resident.mask(cleaned),
        status=parsed.status.value,
        number=number if unmask else resident.mask(number),
        repairs=", ".join(parsed.repairs),
        reason=parsed.reason.value if parsed.reason else "",
        # The birth date is personal data hidden by the mask; show it only on request.
        birth_date=(born.isoformat() if unmask else "****-**-**") if born else "",
        sex=_SEX[parsed.sex] if parsed.sex else "",
        area=area,
    )


def _credit_code_row(value: str, unmask: bool) -> Row:
    parsed = credit_code.parse(value)
    # A valid credit code names an organisation and is shown in full; an invalid value
    # might be a mistyped resident ID, so it is masked like one.
    shown = value if unmask or parsed.is_valid else resident.mask(parsed.original.strip())
    registration = parsed.registration
    area = ""
    if parsed.area_code is not None:
        area = " ".join(load_divisions().name_path(parsed.area_code)) or parsed.area_code
    kind = "统一社会信用代码 credit code"
    if registration is not None:
        kind += f" ({registration.authority_name}/{registration.entity_type_name})"
    return Row(
        kind=kind,
        shown_input=shown,
        status=parsed.status.value,
        number=parsed.number or "",
        repairs=", ".join(parsed.repairs),
        reason=parsed.reason.value if parsed.reason else "",
        birth_date="",
        sex="",
        area=area,
    )


def classify(value: str, unmask: bool, area_rule: AreaRule) -> Row:
    """Check `value` as a resident ID or a credit code, whichever it is.

    A value valid as either is that; otherwise letters other than X make it a
    credit code and anything else is reported as a resident ID.
    """
    if resident.is_valid(value, area_rule=area_rule):
        return _resident_row(value, unmask, area_rule)
    if credit_code.is_valid(value):
        return _credit_code_row(value, unmask)
    letters = {c for c in credit_code.parse(value).original.upper() if c.isalpha()} - {"X"}
    if letters:
        return _credit_code_row(value, unmask)
    return _resident_row(value, unmask, area_rule)


def show_rows(rows: list[Row], console: Console) -> None:
    """Print checked values as a table."""
    table = Table(title="标识码校验 identifier check", title_justify="left")
    headers = (
        "输入 input", "类型 kind", "状态 status", "号码 number", "修复 repairs",
        "原因 reason", "出生日期 birth date", "性别 sex", "地区 area",
    )  # fmt: skip
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(
            row.shown_input, row.kind, row.status, row.number, row.repairs,
            row.reason, row.birth_date, row.sex, row.area,
        )  # fmt: skip
    console.print(table)


def show_code(code: str, year: int | None, console: Console) -> bool:
    """Print what a 6-digit division, 12-digit statistical or 15-digit grid code names."""
    if len(code) == 15:
        grid = parse_grid_code(code)
        console.print(f"网格 grid {grid.number} of community {grid.community}")
        code = grid.community
    if len(code) == 12:
        unit = load_statistical(code[:6]).get(code)
        if unit is None:
            return False
        parent = load_statistical(code[:6]).parent(code)
        console.print(
            f"{unit.code} {unit.name} ({unit.level.value}"
            + (f", {unit.urban_rural} {unit.urban_rural_name}" if unit.urban_rural else "")
            + (f"; in {parent.code} {parent.name}" if parent else "")
            + ")"
        )
        code = code[:6]
    divisions = load_divisions()
    versions = divisions.versions(code)
    if not versions:
        return False
    chosen = divisions.lookup(code, year)
    table = Table(title=f"行政区划 division {code}", title_justify="left")
    for header in ("名称 name", "级别 level", "起 from", "止 to", "路径 path", ""):
        table.add_column(header)
    for version in versions:
        path = " ".join(divisions.name_path(code, version.valid_from or version.valid_to))
        mark = "← " + str(year) if year is not None and version is chosen else ""
        table.add_row(
            version.name, version.level.value, str(version.valid_from or ""),
            str(version.valid_to or ""), path, mark,
        )  # fmt: skip
    console.print(table)
    if year is not None and chosen is None:
        console.print(f"{code} was not in force in {year}")
        return False
    return True


def register(app: typer.Typer) -> None:
    """Add the `ids` command group to `app`."""
    ids_app = typer.Typer(
        name="ids", help="Check identifier codes and look up division codes.", no_args_is_help=True
    )

    @ids_app.command()
    def check(
        values: Annotated[list[str], typer.Argument(help="Resident IDs or credit codes.")],
        unmask: Annotated[
            bool, typer.Option(help="Show resident ID numbers and birth dates in full.")
        ] = False,
        area_rule: Annotated[
            AreaRule, typer.Option(help="at_birth (python-stdnum's rule) or since_birth.")
        ] = AreaRule.AT_BIRTH,
    ) -> None:
        """Check resident ID numbers and unified social credit codes; exit 1 if any is invalid."""
        rows = [classify(value, unmask, area_rule) for value in values]
        show_rows(rows, Console())
        if any(row.status == "invalid" for row in rows):
            raise typer.Exit(1)

    @ids_app.command()
    def divisions(
        code: Annotated[str, typer.Argument(help="6-digit division, 12-digit or 15-digit code.")],
        year: Annotated[
            int | None, typer.Option(help="Mark the version in force in this year.")
        ] = None,
    ) -> None:
        """Show the dated versions of a division code (or a statistical or grid code)."""
        try:
            found = show_code(code.strip(), year, Console())
        except (LookupError, ValueError) as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(1) from None
        if not found:
            typer.echo(f"unknown code {code}", err=True)
            raise typer.Exit(1)

    app.add_typer(ids_app, name="ids")
