"""The declarative description of one department dataset (a source)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from frontline.ids.sql import quote_identifier, quote_literal
from frontline.integrate.fields import entity_types

Format = Literal["csv", "xlsx", "jsonl", "json", "parquet", "table"]
ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030")
AS_OF_NAME = "as_of_date"
"""The workspace name of a source's ``as_of_column``."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Model):
    """Where a canonical field comes from in this source, and how much to trust it."""

    column: str = Field(min_length=1)
    priority: int = Field(default=0, ge=0, le=100)
    """Survivorship: among sources that disagree, the higher priority wins."""
    optional: bool = False
    """Empty by nature in most rows (a death date): not counted against completeness."""
    match_only: bool = False
    """Evidence for linking, never a golden value: a property's location says where its owner
    most likely lives, but it is not the owner's address."""


class SkipRule(_Model):
    """Rows that are not records, such as a roster's 合计 (total) line."""

    column: str = Field(min_length=1)
    values: list[str] = Field(min_length=1)


class DeathEnding(SkipRule):
    """Rows whose ``column`` holds one of the ``values`` record something that ended with the
    person's death — a pension terminated — in the month the ``month`` column holds
    (``yyyymm``, or a date)."""

    month: str = Field(min_length=1)


class TableLocation(_Model):
    """A database table read through SQLAlchemy: in the database whose URL an environment
    variable holds (``url_env``), or in the serving database the run publishes to
    (``store: true``, e.g. the field corrections accepted in review)."""

    url_env: str | None = Field(default=None, min_length=1, pattern=r"^[A-Z][A-Z0-9_]*$")
    store: bool = False
    table: str = Field(min_length=1)
    schema_name: str | None = Field(default=None, alias="schema")

    @model_validator(mode="after")
    def _one_database(self) -> TableLocation:
        if (self.url_env is None) == (not self.store):
            raise ValueError("name the database with either url_env or store: true, not both")
        return self


class SourceSpec(_Model):
    """One department dataset: where it is, how to read it, what its columns mean."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    department: str = Field(min_length=1)
    """The owning department's name, as its staff write it (quality issues are routed there)."""
    department_key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    entity: str
    format: Format
    location: str | None = None
    """A file or glob, relative to the data folder; not used with ``format: table``."""
    table: TableLocation | None = None
    encoding: str | None = None
    """Detected when not given: UTF-8 with or without BOM, GBK or GB18030."""
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    header_row: int = Field(default=1, ge=1)
    """The 1-based row holding the headers; rows above it (titles) are skipped."""
    sheet: str | int | None = None
    records_path: str | None = None
    """For one JSON document: the key holding the list of records."""
    skip: list[SkipRule] = Field(default_factory=list)
    """Rows that are no records at all (totals); they are counted as skipped."""
    only: SkipRule | None = None
    """Keep only rows whose column holds one of the values: one file can hold several entity
    types (a property register lists persons and enterprises), each described by a source of
    its own. The other rows are counted as belonging elsewhere."""
    as_of: date
    """The date the department extracted the data (for recency and staleness)."""
    as_of_column: str | None = Field(default=None, min_length=1)
    """A column dating each row (``YYYY-MM-DD``) when rows were current at different dates,
    such as corrections accepted one by one; a row whose cell is empty or no date takes
    ``as_of``."""
    fields: dict[str, FieldSpec]
    attributes: dict[str, str] = Field(default_factory=dict)
    """Source-specific columns kept as they are (e.g. a pension's payment status) for rules."""
    one_row_per_entity: bool = True
    """Each entity appears at most once: a second row of the same entity is a duplicate. Off
    for registers where one owner holds many rows (vehicles, property)."""
    implies_alive: bool | SkipRule = False
    """A row says the person was alive on the as-of date — every row (``true``: a household
    register lists the living) or the rows whose column holds one of the values (a pension
    being paid): a death registered before that date is flagged on them. The column must be
    mapped as a field or attribute."""

    household: str | None = Field(default=None, min_length=1)
    """The attribute holding a person's household number (户号): the households a parent's
    record places its children in, for records linked through a parent (`parent_id`)."""
    parent_id: str | None = Field(default=None, min_length=1)
    """The attribute holding a parent's resident ID number, on records that may name nobody else
    — a birth certificate issued before the child was named: such a record, with no name and no
    usable identifier of its own, joins the one child of its birth date and sex in the parent's
    household (a source with `household`). Twins of one sex stay unlinked."""
    ended_by_death: DeathEnding | None = None
    """Rows that record a payment or service ended by the person's death, and its month: a death
    record of another source with a name and no identifier, left unmatched, joins the one
    person of its name whose row says it ended in the month of the death."""
    co_holders: str | None = Field(default=None, min_length=1)
    """The attribute that the rows of people holding one thing together share — the number of a
    property certificate owned in common, one row per co-owner: a record of such a source with a
    name and no identifier, left unmatched, joins the one person of its name among its
    co-holders and the members of their households (a source with `household`)."""

    @field_validator("fields", mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        # `name: XM` is short for `name: {column: XM}`.
        if isinstance(value, dict):
            return {k: {"column": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("entity")
    @classmethod
    def _known_entity(cls, value: str) -> str:
        known = entity_types()
        if value not in known:
            raise ValueError(f"unknown entity type {value!r}; known: {', '.join(known)}")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None and value.lower() not in ENCODINGS:
            raise ValueError(f"unsupported encoding {value!r}; use one of {', '.join(ENCODINGS)}")
        return value.lower() if value else value

    @model_validator(mode="after")
    def _consistent(self) -> SourceSpec:
        problems = self.problems()
        if problems:
            raise ValueError(problems[0][1])
        return self

    def problems(self) -> list[tuple[tuple[str, ...], str]]:
        """What makes the spec unusable as a whole, each with the key path it concerns."""
        found: list[tuple[tuple[str, ...], str]] = []
        entity = entity_types()[self.entity]
        for name in self.fields:
            if entity.field(name) is None:
                known = ", ".join(entity.field_names)
                found.append(
                    (("fields", name), f"unknown field for entity {self.entity}; known: {known}")
                )
        if entity.identifier.name not in self.fields:
            found.append(
                (
                    ("fields",),
                    f"the {self.entity} identifier {entity.identifier.name!r} must be mapped",
                )
            )
        for name in sorted(set(self.attributes) & set(self.fields)):
            found.append((("attributes", name), "is both a field and an attribute"))
        if self.as_of_column is not None and AS_OF_NAME in self.attributes:
            found.append((("attributes", AS_OF_NAME), "is the name an as_of_column is read as"))
        if self.implies_alive is not False:
            if self.entity != "person":
                found.append((("implies_alive",), "only person sources can imply being alive"))
            elif (
                isinstance(self.implies_alive, SkipRule)
                and self.implies_alive.column not in self.columns().values()
            ):
                found.append(
                    (
                        ("implies_alive", "column"),
                        f"column {self.implies_alive.column!r} is not mapped; "
                        "map it as a field or attribute",
                    )
                )
        if self.ended_by_death is not None:
            if self.entity != "person":
                found.append((("ended_by_death",), "only person sources record deaths"))
            for key in ("column", "month"):
                column = getattr(self.ended_by_death, key)
                if column not in self.columns().values():
                    found.append(
                        (
                            ("ended_by_death", key),
                            f"column {column!r} is not mapped; map it as a field or attribute",
                        )
                    )
        for key in ("household", "parent_id", "co_holders"):
            attribute = getattr(self, key)
            if attribute is None:
                continue
            if self.entity != "person":
                found.append(
                    ((key,), "only person sources have households, parents and co-holders")
                )
            elif attribute not in self.attributes:
                found.append(((key,), f"{attribute!r} is not an attribute; map it first"))
        if self.format == "table" and self.table is None:
            found.append(
                (
                    ("format",),
                    "format table needs a `table:` with the table and url_env or store: true",
                )
            )
        if self.format != "table" and not self.location:
            found.append((("format",), f"format {self.format} needs a `location:` (file or glob)"))
        return found

    def workspace_name(self, column: str) -> str | None:
        """The name a source column has in the workspace (its field or attribute), or None."""
        return next((name for name, c in self.columns().items() if c == column), None)

    def raw_sql(self, column: str, row: str) -> str:
        """SQL of the value a mapped source ``column`` had as read, on the record aliased
        ``row``: its attribute, or its field's raw value."""
        name = self.workspace_name(column)
        if name is None:
            raise ValueError(f"column {column!r} of source {self.key!r} is not mapped")
        if name in self.attributes:
            return f"{row}._attributes->>{quote_literal(name)}"
        return f"{row}.{quote_identifier(name + '__raw')}"

    def columns(self) -> dict[str, str]:
        """Every column read, by the name it gets in the workspace (fields and attributes)."""
        mapped = {name: spec.column for name, spec in self.fields.items()}
        mapped.update(self.attributes)
        if self.as_of_column is not None:
            mapped[AS_OF_NAME] = self.as_of_column
        return mapped
