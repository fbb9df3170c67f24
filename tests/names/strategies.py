"""Hypothesis strategies for names built from the package's own data."""

from __future__ import annotations

from hypothesis import strategies as st

from frontline.names.given_names import given_chars
from frontline.names.minority import minority_table
from frontline.names.script import MIDDLE_DOT
from frontline.names.surnames import surname_table


def han_names() -> st.SearchStrategy[str]:
    """Listed surname + one or two given-name characters from the pool."""
    surnames = st.sampled_from([s.surname for s in surname_table().surnames])
    chars = st.sampled_from([c.char for c in given_chars()])
    given = st.lists(chars, min_size=1, max_size=2).map("".join)
    return st.builds(str.__add__, surnames, given)


def dotted_names() -> st.SearchStrategy[str]:
    """Uyghur or Kazakh style ``own·father`` names."""
    parts = [p.part for p in minority_table().parts if p.dot]
    return st.builds(
        lambda own, father: f"{own}{MIDDLE_DOT}{father}",
        st.sampled_from(parts),
        st.sampled_from(parts),
    )


def dotless_names() -> st.SearchStrategy[str]:
    """Tibetan or Mongolian style names: one listed part, or a given part and a second part."""
    table = minority_table()
    own = [p.part for p in table.parts if p.role == "given" and p.part in table.dotless_parts]
    second = [p.part for p in table.parts if p.role == "second" and p.part in table.dotless_parts]
    return st.builds(str.__add__, st.sampled_from(own), st.sampled_from(["", *second]))


def names() -> st.SearchStrategy[str]:
    """Han, dotted minority, or dot-less minority names."""
    return st.one_of(han_names(), dotted_names(), dotless_names())
