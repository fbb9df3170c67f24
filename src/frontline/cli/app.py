"""Builds the `frontline` Typer application from the command modules."""

from __future__ import annotations

import typer

from frontline import __version__


def build_app() -> typer.Typer:
    """Assemble the command tree; nothing is created at import time."""
    from frontline.cli import (
        audit,
        demo,
        forms,
        ids,
        integrate,
        quality,
        review,
        serve,
        staff,
        synth,
    )

    app = typer.Typer(
        name="frontline",
        help="Frontline: integrate department data into golden records and serve frontline work.",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode="rich",
        # Tracebacks must never print local variables: they can hold personal data.
        pretty_exceptions_show_locals=False,
    )

    @app.command()
    def version() -> None:
        """Print the Frontline version."""
        typer.echo(__version__)

    synth.register(app)
    demo.register(app)
    ids.register(app)
    integrate.register(app)
    quality.register(app)
    review.register(app)
    serve.register(app)
    staff.register(app)
    forms.register(app)
    audit.register(app)
    return app


def main() -> None:
    """Entry point of the `frontline` console script."""
    build_app()()
