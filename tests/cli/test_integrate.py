"""`frontline integrate`: a wrong data folder is a clear error, and nothing is published."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from frontline.cli.app import build_app
from frontline.store import IntegrationRun, create_engine_for

SOURCES = Path(__file__).parents[2] / "examples" / "city" / "sources"


def test_a_missing_data_folder_is_named_and_nothing_is_published(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    args = ["integrate", "--data", str(tmp_path / "nowhere"), "--sources", str(SOURCES)]
    result = CliRunner().invoke(build_app(), [*args, "--database", url], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "file not found" in result.output
    assert "is the data folder right?" in result.output
    assert "nothing was published" in result.output
    assert "Traceback" not in result.output
    engine = create_engine_for(url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(IntegrationRun)) == 0
    engine.dispose()
