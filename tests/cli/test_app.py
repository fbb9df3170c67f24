from typer.testing import CliRunner

from frontline.cli.app import build_app


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(build_app(), ["--help"])
    assert result.exit_code == 0
    for command in ("synth", "demo", "version"):
        assert command in result.output
