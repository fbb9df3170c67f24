"""`frontline quality report` writes the HTML and JSON reports, or says clearly why not."""

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from frontline.cli.app import build_app
from tests.quality.factories import City, publish_city


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        build_app(), ["quality", "report", *args], env={"COLUMNS": "200", **(env or {})}
    )


def test_the_report_is_written_as_html_and_json(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    run_id = publish_city(engine, City(0.01))
    out = tmp_path / "reports"
    result = invoke("--database", database_url, "--out", str(out))
    assert result.exit_code == 0, result.output
    html, data = out / "quality-report.html", out / "quality-report.json"
    assert str(html) in result.output
    assert str(data) in result.output
    assert "人力资源和社会保障局" in result.output
    assert "99.6%" in result.output
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    text = data.read_text(encoding="utf-8")
    assert text.startswith('{\n  "format": 1,')
    assert "卫生健康委员会" in text  # not \u escapes
    assert json.loads(text)["run"]["id"] == run_id


def test_the_database_defaults_to_the_environment(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_city(engine, City(0.01))
    monkeypatch.chdir(tmp_path)
    result = invoke(env={"FRONTLINE_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "var" / "quality" / "quality-report.html").is_file()


def test_no_published_run_fails_clearly(engine: Engine, database_url: str, tmp_path: Path) -> None:
    result = invoke("--database", database_url, "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "没有已发布的整合运行" in result.output
    assert "no published integration run" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_missing_store_fails_clearly(tmp_path: Path) -> None:
    result = invoke("--database", f"sqlite:///{tmp_path}/none.db", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "no thematic store at sqlite:///" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "none.db").exists()


def test_the_app_lists_the_command() -> None:
    result = CliRunner().invoke(build_app(), ["quality", "--help"])
    assert result.exit_code == 0
    assert "report" in result.output
