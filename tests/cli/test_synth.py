from pathlib import Path

from typer.testing import CliRunner

from frontline.cli.app import build_app


def test_synth_writes_a_city_and_reports_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_app(),
        ["synth", "--persons", "300", "--seed", "3", "--out", str(tmp_path)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "household_registry.csv" in result.output
    assert "300 persons" in result.output
    assert (tmp_path / "truth" / "source_rows.parquet").is_file()


def test_a_misspelt_rate_gets_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_app(), ["synth", "--out", str(tmp_path), "--rate", "id_mising=0.1"]
    )
    assert result.exit_code == 2
    assert "unknown defect rate id_mising" in result.output
    assert not any(tmp_path.iterdir())


def test_rate_needs_a_value(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_app(), ["synth", "--out", str(tmp_path), "--rate", "duplicate"]
    )
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.output


def test_demo_runs(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(), ["demo", "--out", str(tmp_path), "--persons", "200"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "city" / "README.md").is_file()
