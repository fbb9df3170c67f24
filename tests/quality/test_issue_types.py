"""The registry of issue types and score dimensions the engine and the report share."""

import pytest

from frontline.quality import (
    ISSUE_TYPES,
    SCORE_DIMENSIONS,
    SEVERITIES,
    UNLINKED_REASONS,
    issue_type,
)
from frontline.store.quality import SCORE_DIMENSIONS as SCORE_COLUMNS


def test_every_issue_type_the_engine_emits_is_registered() -> None:
    assert list(ISSUE_TYPES) == [
        "invalid_identifier", "missing_identifier", "identifier_mismatch", "unlinked",
        "conflict", "alive_after_death", "duplicate", "stale",
    ]  # fmt: skip
    severities = {key: t.severity for key, t in ISSUE_TYPES.items()}
    assert severities == {
        "invalid_identifier": "error", "missing_identifier": "warning",
        "identifier_mismatch": "error", "unlinked": "warning", "conflict": "warning",
        "alive_after_death": "error", "duplicate": "warning", "stale": "info",
    }  # fmt: skip


@pytest.mark.parametrize("key", list(ISSUE_TYPES))
def test_each_type_is_named_and_explained_in_both_languages(key: str) -> None:
    kind = ISSUE_TYPES[key]
    assert kind.key == key
    assert kind.severity in SEVERITIES
    assert all((kind.label_zh, kind.label_en, kind.description_zh, kind.description_en))
    assert any("\u4e00" <= c <= "\u9fff" for c in kind.label_zh + kind.description_zh)
    assert kind.description_en.endswith(".")
    assert kind.description_zh.endswith("。")


def test_score_dimensions_are_the_store_columns_in_order() -> None:
    assert tuple(d.key for d in SCORE_DIMENSIONS) == SCORE_COLUMNS
    assert [d.label_zh for d in SCORE_DIMENSIONS] == ["完整性", "有效性", "一致性", "及时性"]


def test_unlinked_reasons() -> None:
    assert set(UNLINKED_REASONS) == {"unmatched", "review_pending", "no_identity"}


def test_an_unknown_type_is_shown_by_its_key_as_a_warning() -> None:
    kind = issue_type("stale_record")
    assert (kind.key, kind.severity, kind.label_zh, kind.label_en) == (
        "stale_record", "warning", "stale_record", "stale_record",
    )  # fmt: skip
    assert issue_type("conflict") is ISSUE_TYPES["conflict"]
