"""Areas (行政区划) and grids (网格): the dated tree province → … → community → grid, and the
address → grid table that places residents in grids.

    with write_transaction(engine) as connection:
        load_areas(connection, Path("var/demo/city/areas"), as_of=date(2026, 6, 30))
        report = place_subjects(connection)          # every person golden record
    contains("330106001", …)                         # pure: is a code inside a scope?
"""

from frontline.areas.book import AddressChanges
from frontline.areas.codes import (
    AreaLevel,
    area_level,
    canonical_code,
    contains,
    parent_code,
    significant_prefix,
)
from frontline.areas.files import AreaFileError, normalise_address, read_area_files
from frontline.areas.loader import AreaImportError, AreaImportReport, load_areas
from frontline.areas.placement import (
    PlacementReport,
    grid_of_subject,
    place_subjects,
    subjects_in,
    unplaced_subjects,
)
from frontline.areas.tree import AreaNode, TreeChanges, area, area_path, subtree

__all__ = [
    "AddressChanges",
    "AreaFileError",
    "AreaImportError",
    "AreaImportReport",
    "AreaLevel",
    "AreaNode",
    "PlacementReport",
    "TreeChanges",
    "area",
    "area_level",
    "area_path",
    "canonical_code",
    "contains",
    "grid_of_subject",
    "load_areas",
    "normalise_address",
    "parent_code",
    "place_subjects",
    "read_area_files",
    "significant_prefix",
    "subjects_in",
    "subtree",
    "unplaced_subjects",
]
