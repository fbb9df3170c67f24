"""`frontline review`: list the pairs the linker was unsure about, and decide them.

A decision is kept in the store and obeyed by every later integration run: "same" links the
record to the other record's entity, "not same" keeps it away from that entity.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontline.store import (
    ReviewPair,
    create_engine_for,
    database_url,
    decide_review_pair,
    open_review_pairs,
    upgrade,
)

_FIELDS = (
    ("name", "姓名 name"),
    ("birth_date", "出生日期 born"),
    ("sex", "性别 sex"),
    ("id_number", "身份号码 ID"),
    ("phone", "电话 phone"),
    ("address", "地址 address"),
)

Database = Annotated[
    str | None,
    typer.Option(
        help="Store URL; default FRONTLINE_DATABASE_URL, else sqlite:///var/frontline.db."
    ),
]


def _session(database: str | None) -> Session:
    engine = create_engine_for(database or database_url(os.environ))
    upgrade(engine)
    return Session(engine)


def show_pair(pair: ReviewPair, console: Console) -> None:
    """One pair: both records side by side, differences marked."""
    probability = f"match probability 匹配概率 {pair.match_probability:.1%}"
    table = Table(title=f"pair {pair.id} 待核对记录对 · {probability}", title_justify="left")
    table.add_column("field 字段")
    table.add_column(f"{pair.left_source} row {pair.left_row}", overflow="fold")
    table.add_column(f"{pair.right_source} row {pair.right_row}", overflow="fold")
    records = pair.records or {}
    left, right = records.get("left") or {}, records.get("right") or {}
    for key, label in _FIELDS:
        a, b = left.get(key), right.get(key)
        style = "" if a == b or a is None or b is None else "yellow"
        table.add_row(label, str(a or "—"), str(b or "—"), style=style)
    console.print(table)


def register(app: typer.Typer) -> None:
    review = typer.Typer(
        help="List and decide record pairs the linker was unsure about (人工核对).",
        no_args_is_help=True,
    )
    app.add_typer(review, name="review")

    @review.command("list")
    def list_pairs(
        database: Database = None,
        limit: Annotated[int, typer.Option(min=1, help="Pairs to show.")] = 20,
        offset: Annotated[int, typer.Option(min=0, help="Pairs to skip.")] = 0,
    ) -> None:
        """Show the open pairs, the most probable matches first."""
        console = Console()
        with _session(database) as session:
            total = session.scalar(
                select(func.count()).select_from(ReviewPair).where(ReviewPair.status == "open")
            )
            pairs = open_review_pairs(session, limit=limit, offset=offset)
            if not pairs:
                console.print("no open pairs 没有待核对的记录对")
                return
            for pair in pairs:
                show_pair(pair, console)
        console.print(
            f"{total:,} open pairs 待核对; decide with 判定: "
            "frontline review decide PAIR --same|--not-same --by NAME"
        )

    @review.command("decide")
    def decide(
        pair_id: Annotated[int, typer.Argument(help="The pair's number, as `list` shows it.")],
        same: Annotated[
            bool,
            typer.Option("--same/--not-same", help="The two records are the same person, or not."),
        ],
        by: Annotated[str, typer.Option(help="Who decides (a steward's account).")],
        reason: Annotated[str | None, typer.Option(help="Why, for the record.")] = None,
        database: Database = None,
    ) -> None:
        """Record a steward's decision; every later integration run obeys it."""
        console = Console()
        with _session(database) as session, session.begin():
            try:
                pair = decide_review_pair(session, pair_id, same=same, decided_by=by, reason=reason)
            except LookupError:
                console.print(f"[red]no review pair {pair_id} 无此记录对[/red]")
                raise typer.Exit(1) from None
            show_pair(pair, console)
        verdict = "same 同一人" if same else "not the same 非同一人"
        console.print(
            f"pair {pair_id}: {verdict}; the next integration run applies it 下次整合时生效"
        )
