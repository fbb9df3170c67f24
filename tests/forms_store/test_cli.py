"""`frontline forms`: a deployment's spreadsheets registered from the command line, listed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from frontline.cli.app import build_app
from frontline.scenarios import load_scenarios, register_scenarios
from frontline.store import create_engine_for, upgrade, write_transaction
from tests.access.world import SCENARIOS
from tests.forms_store.factories import FORMS, spreadsheet


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_engine_for(url)
    upgrade(engine)
    with write_transaction(engine) as connection:
        register_scenarios(connection, load_scenarios(SCENARIOS))
    engine.dispose()
    return url


def test_a_forms_folder_is_registered_once_and_listed(tmp_path: Path) -> None:
    url = _store(tmp_path)
    run = CliRunner().invoke
    first = run(build_app(), ["forms", "register", str(FORMS), "--database", url])
    assert first.exit_code == 0, first.output
    assert "elderly_visit_record 2026113001 新登记 registered" in first.output
    again = run(build_app(), ["forms", "register", str(FORMS), "--database", url])
    assert again.exit_code == 0
    assert again.output.count("未变 unchanged") == 5
    listed = run(build_app(), ["forms", "list", "--database", url], env={"COLUMNS": "200"})
    assert listed.exit_code == 0
    assert "独居老人走访记录" in listed.output
    assert "5 forms" in listed.output


def test_a_refused_spreadsheet_names_its_cells_and_fails_the_command(tmp_path: Path) -> None:
    url = _store(tmp_path)
    bad = tmp_path / "recheck.xlsx"
    bad.write_bytes(spreadsheet("subsidy_recheck_record"))
    result = CliRunner().invoke(
        build_app(), ["forms", "register", str(bad), "--database", url], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 1
    assert "recheck.xlsx: 未登记 refused" in result.output
    assert "sheet survey, row 6, column golden_field" in result.output
