"""`frontline review`: open pairs listed with both records, decisions stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from frontline.cli.app import build_app
from frontline.store import (
    RecordRef,
    ReviewPair,
    ReviewPairRow,
    RunSummary,
    Scope,
    create_engine_for,
    publish,
    start_run,
    upgrade,
)


def _store_with_a_pair(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_engine_for(url)
    upgrade(engine)
    run = start_run(engine, "test")
    left = {"name": "张喜家", "birth_date": None, "sex": "male", "id_number": None}
    right = {"name": "张喜家", "birth_date": "1930-04-16", "sex": "male", "phone": "13900001111"}
    publish(
        engine,
        RunSummary(run, Scope()),
        replace=False,
        review_pairs=[
            ReviewPairRow(
                RecordRef("pensions", "pensions.csv", 401),
                RecordRef("births_deaths", "births_deaths.jsonl", 33),
                "person",
                0.566,
                (right, left),
            )
        ],
    )
    engine.dispose()
    return url


def test_list_shows_both_records_side_by_side(tmp_path: Path) -> None:
    url = _store_with_a_pair(tmp_path)
    result = CliRunner().invoke(build_app(), ["review", "list", "--database", url])
    assert result.exit_code == 0, result.output
    assert "56.6%" in result.output
    assert "births_deaths row 33" in result.output
    assert "1930-04-16" in result.output
    assert "1 open pairs" in result.output
    # The records are stored in the pair's own order: births_deaths sorts first.
    line = next(x for x in result.output.splitlines() if "1930-04-16" in x)
    assert line.index("—") < line.index("1930-04-16")


def test_a_decision_is_stored_and_the_pair_leaves_the_list(tmp_path: Path) -> None:
    url = _store_with_a_pair(tmp_path)
    app = build_app()
    decided = CliRunner().invoke(
        app, ["review", "decide", "1", "--not-same", "--by", "steward-1", "--database", url]
    )
    assert decided.exit_code == 0, decided.output
    assert "not the same" in decided.output
    engine = create_engine_for(url)
    with Session(engine) as session:
        pair = session.get(ReviewPair, 1)
        assert pair is not None
        assert (pair.status, pair.decided_by) == ("not_same", "steward-1")
    engine.dispose()
    listed = CliRunner().invoke(app, ["review", "list", "--database", url])
    assert "no open pairs" in listed.output


def test_an_unknown_pair_is_refused(tmp_path: Path) -> None:
    url = _store_with_a_pair(tmp_path)
    result = CliRunner().invoke(
        build_app(), ["review", "decide", "99", "--same", "--by", "s", "--database", url]
    )
    assert result.exit_code == 1
    assert "no review pair 99" in result.output
