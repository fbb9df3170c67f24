"""The commands shown in the README and docs run as written (with paths moved to a temp folder).

The commands of one ``sh`` block run in order in the same folder, so a block can generate a city
and then work on it.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontline.cli.app import build_app

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blocks() -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for page in PAGES:
        for block in re.findall(r"```sh\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            commands = []
            for line in block.splitlines():
                command = line.split("#", 1)[0].strip().removeprefix(".venv/bin/")
                if command.startswith("frontline "):
                    commands.append(command)
            if commands:
                found.append((page.name, commands))
    return found


BLOCKS = _blocks()


def test_docs_show_commands() -> None:
    assert any(cmd.startswith("frontline synth") for _, block in BLOCKS for cmd in block)


@pytest.mark.parametrize(("page", "commands"), BLOCKS, ids=[f"{p}:{c[0]}" for p, c in BLOCKS])
def test_block_runs(page: str, commands: list[str], tmp_path: Path) -> None:
    for command in commands:
        args = [a.replace("/tmp/", f"{tmp_path}/") for a in shlex.split(command)[1:]]  # noqa: S108
        # Large cities are the benchmark's business; the docs' commands run at a small size.
        args = [
            "300" if p == "--persons" else a for p, a in zip(["", *args[:-1]], args, strict=True)
        ]
        # The store goes to the temp folder too, unless a command names its own.
        env = {"COLUMNS": "200", "FRONTLINE_DATABASE_URL": f"sqlite:///{tmp_path}/frontline.db"}
        result = CliRunner().invoke(build_app(), args, env=env)
        # `ids check` exits 1 when a code it was given is invalid, which examples may show.
        allowed = (0, 1) if args[:2] == ["ids", "check"] else (0,)
        assert result.exit_code in allowed, f"{page}: {command}\n{result.output}"
        assert "Traceback" not in result.output
