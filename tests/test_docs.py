"""The commands shown in the README and docs run as written (with paths moved to a temp folder)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontline.cli.app import build_app

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _commands() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for page in PAGES:
        for block in re.findall(r"```sh\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            for line in block.splitlines():
                command = line.split("#", 1)[0].strip()
                command = command.removeprefix(".venv/bin/")
                if command.startswith("frontline "):
                    found.append((page.name, command))
    return found


COMMANDS = _commands()


def test_docs_show_commands() -> None:
    assert any(cmd.startswith("frontline synth") for _, cmd in COMMANDS)


@pytest.mark.parametrize(("page", "command"), COMMANDS, ids=[c for _, c in COMMANDS])
def test_command_runs(page: str, command: str, tmp_path: Path) -> None:
    args = shlex.split(command)[1:]
    args = [a.replace("/tmp/", f"{tmp_path}/") for a in args]  # noqa: S108
    # Large cities are the benchmark's business; the docs' commands run at a small size.
    args = [
        "300" if prev == "--persons" else a for prev, a in zip(["", *args[:-1]], args, strict=True)
    ]
    result = CliRunner().invoke(build_app(), args, env={"COLUMNS": "200"})
    # `ids check` exits 1 when a code it was given is invalid, which examples may show.
    allowed = (0, 1) if args[:2] == ["ids", "check"] else (0,)
    assert result.exit_code in allowed, f"{page}: {command}\n{result.output}"
    assert "Traceback" not in result.output
