"""`frontline demo`: the main job on the embedded default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        out: Annotated[Path, typer.Option(help="Folder the demo writes into.")] = Path("var/demo"),
    ) -> None:
        """Run the demo: generate a small synthetic city and show what it made."""
        typer.echo(f"demo into {out}")
