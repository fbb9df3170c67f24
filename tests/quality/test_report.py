"""`build_report` and `load_report` read the latest published run from the store."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from frontline.quality import ReportError, build_report, load_report
from frontline.store import RunSummary, Scope, ScoreRow, publish, start_run
from tests.quality.factories import CONFLICTS, DEPARTMENTS, ISSUES, SOURCES, City, publish_city

SMALL = 0.01


def test_counts_come_from_the_store_and_the_summary(engine: Engine) -> None:
    city = City(SMALL)
    run_id = publish_city(engine, city)
    with Session(engine) as session:
        report = build_report(session)

    assert report["run"]["id"] == run_id
    assert report["run"]["config_digest"] == "sha256:5be0c6f2a41d"
    assert report["run"]["as_of"] == "2026-06-30"
    assert report["run"]["finished_at"] is not None

    sources = city.sources()
    totals = report["totals"]
    assert totals["sources"] == len(SOURCES) == len(report["sources"])
    assert totals["departments"] == len(DEPARTMENTS)
    assert totals["rows_read"] == sum(s["rows_read"] for s in sources)
    assert totals["linked"] == sum(s["linked"] for s in sources)
    assert totals["quarantined"] == sum(sum(s["quarantined"].values()) for s in sources)
    assert totals["entities"] == {"enterprise": 43, "person": 500}
    assert totals["entities_total"] == 543
    expected = {d: dict(city.issue_counts(d)) for d in ISSUES}
    assert totals["issues"] == sum(sum(c.values()) for c in expected.values())
    errors = sum(
        n for c in expected.values() for k, n in c.items()
        if k in ("invalid_identifier", "identifier_mismatch", "alive_after_death")
    )  # fmt: skip
    assert totals["issues_by_severity"]["error"] == errors
    assert sum(totals["issues_by_severity"].values()) == totals["issues"]

    # Departments in the order of the run's sources, named as the sources name them.
    assert [d["key"] for d in report["departments"]] == list(dict.fromkeys(s[1] for s in SOURCES))
    health = next(d for d in report["departments"] if d["key"] == "health")
    assert health["name"] == "卫生健康委员会"
    assert health["sources"] == ["births_deaths"]
    assert health["issues"] == expected["health"]
    assert health["scores"] is not None
    assert health["scores"]["validity"] == pytest.approx(0.9803)
    assert health["scores"]["run_id"] == run_id
    human_resources = next(d for d in report["departments"] if d["key"] == "human_resources")
    assert human_resources["sources"] == ["pensions", "employment"]
    assert human_resources["rows_read"] == 148 + 215

    conflict = next(t for t in report["issue_types"] if t["key"] == "conflict")
    assert conflict["severity"] == "warning"
    assert conflict["label_zh"] == "与标准值冲突"
    assert conflict["count"] == sum(c.get("conflict", 0) for c in expected.values())
    assert conflict["by_department"]["civil_affairs"] == expected["civil_affairs"]["conflict"]

    assert len(report["conflicts"]) == len(CONFLICTS)
    assert report["conflicts"][0] == {
        "field": "address",
        "department_key": "human_resources",
        "golden_department_key": "public_security",
        "count": 24,
    }
    assert all(s["balanced"] for s in report["sources"])
    assert report["notes"] == city.notes
    assert report["seconds"]["link"] == 11.6
    assert [d["key"] for d in report["dimensions"]] == [
        "completeness", "validity", "consistency", "timeliness",
    ]  # fmt: skip


def test_issue_counts_are_not_taken_from_the_summary(engine: Engine) -> None:
    run_id = start_run(engine, "digest")
    summary = City(SMALL).summary() | {"issues": {"health": {"conflict": 999}}}
    publish(engine, RunSummary(run_id, Scope(), summary=summary), replace=True, issues=[])
    with Session(engine) as session:
        report = build_report(session)
    assert report["totals"]["issues"] == 0
    assert all(d["issues"] == {} for d in report["departments"])
    assert all(t["count"] == 0 for t in report["issue_types"])


def test_the_latest_published_run_is_reported(engine: Engine) -> None:
    publish_city(engine, City(SMALL))
    later = City(SMALL, notes=["second run"])
    # The second run scores one department only: the others keep their earlier scores.
    run_id = start_run(engine, "digest-2")
    publish(
        engine,
        RunSummary(run_id, Scope(), summary=later.summary()),
        replace=False,
        scores=[ScoreRow("tax", 0.5, 0.5, 0.5, 0.5, 10)],
    )
    start_run(engine, "still running")  # never published: not what the store serves
    with Session(engine) as session:
        report = build_report(session)
    assert report["run"]["id"] == run_id
    assert report["notes"] == ["second run"]
    scores = {d["key"]: d["scores"] for d in report["departments"]}
    assert scores["tax"] is not None
    assert scores["tax"]["run_id"] == run_id
    assert scores["health"] is not None
    assert scores["health"]["run_id"] == run_id - 1


def test_a_run_without_scores_or_summary_still_reports(engine: Engine) -> None:
    run_id = start_run(engine, "digest")
    publish(engine, RunSummary(run_id, Scope(), summary={"read": 5}), replace=True)
    with Session(engine) as session:
        report = build_report(session)
    assert report["departments"] == []
    assert report["sources"] == []
    assert report["conflicts"] == []
    assert report["totals"]["rows_read"] == 0
    assert report["run"]["as_of"] is None


def test_a_malformed_summary_counts_as_absent(engine: Engine) -> None:
    run_id = start_run(engine, "digest")
    summary = {
        "sources": [{"key": "x", "rows_read": "many", "quarantined": [1]}, "not a source"],
        "entities": ["person"],
        "conflicts": {"field": "name"},
        "seconds": {"read": "slow", "link": 2},
        "notes": "one note",
    }
    publish(engine, RunSummary(run_id, Scope(), summary=summary), replace=True)
    with Session(engine) as session:
        report = build_report(session)
    [source] = report["sources"]
    assert (source["key"], source["rows_read"], source["quarantined"]) == ("x", 0, {})
    assert report["totals"]["entities"] == {}
    assert report["conflicts"] == []
    assert report["seconds"] == {"link": 2.0}
    assert report["notes"] == []


def test_no_published_run_is_a_clear_error(engine: Engine) -> None:
    start_run(engine, "running, not published")
    with Session(engine) as session, pytest.raises(ReportError) as raised:
        build_report(session)
    assert "没有已发布的整合运行" in raised.value.zh
    assert "no published integration run" in raised.value.en


def test_load_report_reads_the_store_at_a_url(engine: Engine, database_url: str) -> None:
    publish_city(engine, City(SMALL))
    assert load_report(database_url)["totals"]["departments"] == len(DEPARTMENTS)


def test_a_store_never_migrated_is_a_clear_error(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        Path(database_url.removeprefix("sqlite:///")).touch()
    with pytest.raises(ReportError, match="no tables"):
        load_report(database_url)


def test_a_missing_sqlite_file_is_reported_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "var" / "frontline.db"
    with pytest.raises(ReportError) as raised:
        load_report(f"sqlite:///{missing}")
    assert "找不到主题数据库" in raised.value.zh
    assert "no thematic store" in raised.value.en
    assert not missing.parent.exists()


def test_an_unreachable_database_is_a_clear_error() -> None:
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/nothing?connect_timeout=2"
    with pytest.raises(ReportError) as raised:
        load_report(url)
    assert "cannot read the thematic store" in raised.value.en
    assert "secret" not in str(raised.value)


def test_a_wrong_url_is_a_clear_error() -> None:
    with pytest.raises(ReportError, match="not a database URL"):
        load_report("no url at all")
