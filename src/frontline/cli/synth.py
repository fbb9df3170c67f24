"""`frontline synth`: write a synthetic city with ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def synth(
        out: Annotated[Path, typer.Option(help="Output folder.")],
        persons: Annotated[int, typer.Option(min=1, help="Number of persons.")] = 2000,
        seed: Annotated[
            int, typer.Option(help="Random seed; the same seed gives the same bytes.")
        ] = 1,
    ) -> None:
        """Generate a synthetic city: department datasets with defects, plus ground truth."""
        typer.echo(f"{persons} {seed} {out}")
