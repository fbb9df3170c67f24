"""Identifier codes: resident IDs, unified social credit codes and division codes.

Importing this package loads no data; the tables are read on first use by cached
loader functions (`load_divisions`, `load_statistical`, `registration_types`).
"""

from frontline.ids import credit_code, resident
from frontline.ids.credit_code import ParsedCreditCode, check_char, organization_check_char
from frontline.ids.credit_code import parse as parse_credit_code
from frontline.ids.divisions import (
    AreaRule,
    Division,
    DivisionTable,
    Level,
    load_divisions,
)
from frontline.ids.grid import GridCode, grid_code, parse_grid_code
from frontline.ids.normalization import Repair
from frontline.ids.registration import RegistrationType, registration_type
from frontline.ids.resident import ParsedResidentId, Sex, check_digit, mask, upgrade
from frontline.ids.resident import parse as parse_resident_id
from frontline.ids.statistical import (
    URBAN_RURAL_CLASSES,
    StatisticalLevel,
    StatisticalTable,
    StatisticalUnit,
    load_statistical,
)
from frontline.ids.status import Reason, Status

__all__ = [
    "URBAN_RURAL_CLASSES",
    "AreaRule",
    "Division",
    "DivisionTable",
    "GridCode",
    "Level",
    "ParsedCreditCode",
    "ParsedResidentId",
    "Reason",
    "RegistrationType",
    "Repair",
    "Sex",
    "StatisticalLevel",
    "StatisticalTable",
    "StatisticalUnit",
    "Status",
    "check_char",
    "check_digit",
    "credit_code",
    "grid_code",
    "load_divisions",
    "load_statistical",
    "mask",
    "organization_check_char",
    "parse_credit_code",
    "parse_grid_code",
    "parse_resident_id",
    "registration_type",
    "resident",
    "upgrade",
]
