"""Tables of the areas domain, declared on the serving database's `Base`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    column,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontline.store.base import JSON_DOCUMENT, Base, JsonObject, UtcDateTime, one_of
from frontline.store.base import code as code_type  # `code` is also a column here

AREA_LEVELS = ("province", "city", "district", "street", "community", "grid")
PLACEMENT_METHODS = ("address", "dwelling_key", "unplaced")
UNPLACED_REASONS = ("no_address", "no_match", "ambiguous", "conflict")


class AreaImport(Base):
    """One import of a street office's area files: communities, grids and address → grid."""

    __tablename__ = "area_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    """The day the imported grids came into force."""
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 over the imported files."""
    report: Mapped[JsonObject] = mapped_column(JSON_DOCUMENT)
    """What the import changed (`AreaImportReport.summary`)."""


class Area(Base):
    """One version of one area: a province, city, district, street, community or grid.

    Areas are never deleted: a redrawn grid is closed (``valid_to``) and the new ones opened,
    so the tree as it stood on any day can be read back. A version is in force from
    ``valid_from`` up to, not including, ``valid_to``.
    """

    __tablename__ = "areas"
    __table_args__ = (
        UniqueConstraint("code", "valid_from"),
        one_of("level", AREA_LEVELS, name="level"),
        CheckConstraint(
            or_(column("valid_to").is_(None), column("valid_to") > column("valid_from")),
            name="dates",
        ),
        Index(None, "parent_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(code_type(15))
    parent_code: Mapped[str | None] = mapped_column(code_type(15))
    level: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(128))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class AddressGrid(Base):
    """The grid a dwelling's address lies in, as the street office's latest import says."""

    __tablename__ = "address_grid"

    address: Mapped[str] = mapped_column(code_type(), primary_key=True)
    """The address as normalised for comparison (half-width, no spaces)."""
    address_key: Mapped[str] = mapped_column(code_type(), index=True)
    """The dwelling key (`frontline.integrate.addresses.address_key`): 文华苑3-2-301."""
    grid_code: Mapped[str] = mapped_column(code_type(15), index=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("area_imports.id"))


class SubjectArea(Base):
    """The grid a subject (a person's golden record) is placed in, and how it was placed."""

    __tablename__ = "subject_areas"
    __table_args__ = (
        one_of("method", PLACEMENT_METHODS, name="method"),
        one_of("reason", UNPLACED_REASONS, name="reason"),
        CheckConstraint(
            or_(
                (column("method") == "unplaced")
                & column("grid_code").is_(None)
                & column("reason").isnot(None),
                (column("method") != "unplaced")
                & column("grid_code").isnot(None)
                & column("reason").is_(None),
            ),
            name="placed",
        ),
    )

    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.entity_id"), primary_key=True)
    entity_type: Mapped[str] = mapped_column(code_type(32))
    grid_code: Mapped[str | None] = mapped_column(code_type(15), index=True)
    method: Mapped[str] = mapped_column(String(16))
    """`address` (the exact address is in the table), `dwelling_key`, or `unplaced`."""
    reason: Mapped[str | None] = mapped_column(String(16))
    """Why an unplaced subject is: no address, no match, ambiguous, conflict."""
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    """When the subject came to be where it is (unchanged by placements that agree)."""
