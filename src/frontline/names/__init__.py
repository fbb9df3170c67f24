"""Chinese personal names: data, readings, variants and fast drawing for synthetic populations.

Nothing is loaded at import; each data file is read once, on first use.
"""

from frontline.names.generator import (
    draw_given_names,
    draw_minority_names,
    draw_names,
    draw_surnames,
)
from frontline.names.minority import MinorityTable, minority_group, minority_table
from frontline.names.pinyin import given_key, name_key, name_pinyin, surname_key
from frontline.names.plain import PlainRules, is_plain, plain_rules, plain_split
from frontline.names.script import MIDDLE_DOT, canonical_name
from frontline.names.surnames import (
    Surname,
    SurnameTable,
    split_name,
    surname_reading,
    surname_table,
)
from frontline.names.variant import (
    VARIANTS,
    Variant,
    dot_variant,
    homophone,
    pinyin_spelling,
    stray_spaces,
    traditional,
)

__all__ = [
    "MIDDLE_DOT",
    "VARIANTS",
    "MinorityTable",
    "PlainRules",
    "Surname",
    "SurnameTable",
    "Variant",
    "canonical_name",
    "dot_variant",
    "draw_given_names",
    "draw_minority_names",
    "draw_names",
    "draw_surnames",
    "given_key",
    "homophone",
    "is_plain",
    "minority_group",
    "minority_table",
    "name_key",
    "name_pinyin",
    "pinyin_spelling",
    "plain_rules",
    "plain_split",
    "split_name",
    "stray_spaces",
    "surname_key",
    "surname_reading",
    "surname_table",
    "traditional",
]
