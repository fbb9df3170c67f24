"""`frontline audit`: verify the audit chain, make signing keys, sign checkpoints, and list
who accessed a person's data.

`verify` exits 1 when anything is wrong, naming the seq where the chain first breaks and
how; auditors run it with the public key(s) of the checkpoint signers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from frontline.audit import (
    PROBLEM_KINDS,
    AccessEntry,
    Anchor,
    SigningKeyError,
    VerifyReport,
    access_report,
    checkpoint,
    generate_key_file,
    key_id,
    public_key_pem,
    read_public_key,
    read_signer,
    snapshot,
    verify,
)
from frontline.store import create_engine_for, database_url, entity, upgrade, write_transaction

Database = Annotated[
    str | None,
    typer.Option(
        help="Store URL; default FRONTLINE_DATABASE_URL, else sqlite:///var/frontline.db."
    ),
]
PURPOSES = {
    "task": "工单 task",
    "counter": "窗口 counter",
    "break_glass": "紧急 break-glass",
    "review": "审核 review",
    "export": "导出 export",
}
SHOWN_PROBLEMS = 20


def _engine(database: str | None) -> Engine:
    engine = create_engine_for(database or database_url(os.environ))
    upgrade(engine)
    return engine


def public_key_path(private_key_path: Path) -> Path:
    """Where `keygen` puts the public half: `audit.pem` → `audit.pub.pem`."""
    stem = private_key_path.stem if private_key_path.suffix == ".pem" else private_key_path.name
    return private_key_path.with_name(f"{stem}.pub.pem")


def _anchor(text: str) -> Anchor:
    seq, _, hash_hex = text.partition(":")
    if not seq.isdigit() or len(hash_hex) != 64:
        raise typer.BadParameter("expected SEQ:HASH, e.g. 1000:9f86d0… (64 hex digits)")
    return Anchor(int(seq), hash_hex.lower())


def show_report(report: VerifyReport, console: Console) -> None:
    """The verdict, the first problems and what the checkpoints prove."""
    checked = (
        f"{report.checkpoints_verified:,} verified 已验签"
        if report.signatures_checked
        else "signatures not checked 未验签"
    )
    summary = (
        f"{report.events:,} events 条事件 · {report.checkpoints:,} checkpoints 个检查点, "
        f"{checked} · {report.seconds:.1f} s"
    )
    if report.ok:
        console.print(f"[green]audit chain intact 审计链完整[/green]: {summary}")
    else:
        first = report.first_break
        assert first is not None  # noqa: S101 - a report with problems has a first one
        zh = PROBLEM_KINDS[first.kind][0]
        console.print(
            f"[red]audit chain broken at seq {first.seq}: {first.kind} · "
            f"审计链在第 {first.seq} 条处被篡改: {zh}[/red]"
        )
        table = Table(title_justify="left")
        table.add_column("seq 序号", justify="right")
        table.add_column("kind 类型")
        table.add_column("what was seen 说明", overflow="fold")
        for problem in report.problems[:SHOWN_PROBLEMS]:
            label = f"{problem.kind} {PROBLEM_KINDS[problem.kind][0]}"
            table.add_row(str(problem.seq), label, escape(problem.message))
        console.print(table)
        counts = " · ".join(
            f"{kind} {PROBLEM_KINDS[kind][0]} {n:,}" for kind, n in report.problem_counts.items()
        )
        console.print(f"problems 问题: {counts}; {summary}")
    if not report.signatures_checked:
        console.print(
            "[yellow]no public key given: checkpoint signatures were not checked, so a "
            "rewritten chain cannot be told from the real one · 未提供公钥，未验证检查点签名"
            "[/yellow]"
        )
    elif report.proven_through < report.last_seq:
        console.print(
            f"events {report.proven_through + 1:,}–{report.last_seq:,} are not proven by a "
            f"verified checkpoint 未经已验签检查点证明"
        )


def _report_json(report: VerifyReport) -> str:
    first = report.first_break
    return json.dumps(
        {
            "ok": report.ok,
            "events": report.events,
            "last_seq": report.last_seq,
            "algorithm": report.algorithm,
            "checkpoints": report.checkpoints,
            "checkpoints_verified": report.checkpoints_verified,
            "signatures_checked": report.signatures_checked,
            "proven_through": report.proven_through,
            "first_break": None if first is None else {"seq": first.seq, "kind": first.kind},
            "problems": [
                {"seq": p.seq, "kind": p.kind, "message": p.message} for p in report.problems
            ],
            "problem_counts": dict(report.problem_counts),
            "seconds": round(report.seconds, 3),
        },
        ensure_ascii=False,
    )


def show_accesses(entries: list[AccessEntry], subject: str, console: Console) -> None:
    """Every access to the subject's data, newest first."""
    if not entries:
        console.print(f"no access to {escape(subject)} recorded 无访问记录")
        return
    table = Table(title=f"{escape(subject)} 数据访问记录 access report", title_justify="left")
    for heading in (
        "time 时间 (UTC)", "department 部门", "role 角色", "staff 人员", "purpose 事由",
        "fields 字段", "device 设备",
    ):  # fmt: skip
        table.add_column(heading, overflow="fold")
    for e in entries:
        purpose = PURPOSES.get(e.purpose_kind, e.purpose_kind)
        table.add_row(
            e.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
            escape(e.department or "—"),
            escape(e.actor_role or "—"),
            escape(e.actor_id or "—"),
            escape(f"{purpose} {e.purpose_ref or ''}".strip()),
            escape(", ".join(e.fields)),
            escape(e.device_id or "—"),
            style="yellow" if e.break_glass else "",
        )
    console.print(table)
    console.print(f"{len(entries):,} accesses 次访问")


def register(app: typer.Typer) -> None:
    """Add the `audit` command group to `app`."""
    audit = typer.Typer(
        help="Verify the tamper-evident audit log; signing keys; access reports (审计).",
        no_args_is_help=True,
    )
    app.add_typer(audit, name="audit")

    @audit.command("verify")
    def verify_command(
        database: Database = None,
        public_key: Annotated[
            list[Path] | None,
            typer.Option(help="PEM public key of a checkpoint signer; repeat for several."),
        ] = None,
        anchor: Annotated[
            list[str] | None,
            typer.Option(help="SEQ:HASH kept outside the database; catches a cut tail."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Check every event's hash and link and every checkpoint's signature."""
        console = Console()
        try:
            keys = [read_public_key(path) for path in public_key or []]
        except SigningKeyError as error:
            console.print(f"[red]{escape(str(error))}[/red]")
            raise typer.Exit(2) from None
        anchors = [_anchor(text) for text in anchor or []]
        engine = _engine(database)
        try:
            with (
                snapshot(engine) as connection,
                Progress(
                    TextColumn("verifying 校验中"), BarColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True), transient=True, disable=as_json,
                ) as progress,
            ):  # fmt: skip
                task = progress.add_task("verify", total=None)

                def on_progress(done: int, total: int) -> None:
                    progress.update(task, completed=done, total=total)

                report = verify(
                    connection,
                    public_keys={key_id(k): k for k in keys},
                    anchors=anchors,
                    progress=on_progress,
                )
        finally:
            engine.dispose()
        if as_json:
            typer.echo(_report_json(report))
        else:
            show_report(report, console)
        if not report.ok:
            raise typer.Exit(1)

    @audit.command("keygen")
    def keygen(
        out: Annotated[Path, typer.Option(help="Where to write the private key (PEM, 0600).")],
    ) -> None:
        """Make an Ed25519 checkpoint signing key, and its public key beside it."""
        console = Console()
        public_path = public_key_path(out)
        if public_path.exists():
            console.print(f"[red]{escape(str(public_path))} exists 已存在; not overwritten[/red]")
            raise typer.Exit(1)
        try:
            signer = generate_key_file(out)
        except FileExistsError:
            console.print(f"[red]{escape(str(out))} exists 已存在; not overwritten[/red]")
            raise typer.Exit(1) from None
        public_path.write_bytes(public_key_pem(signer.public_key))
        console.print(f"private key 私钥 (keep secret 请妥善保管): {escape(str(out))}")
        console.print(f"public key 公钥 (for verifiers 供校验): {escape(str(public_path))}")
        console.print(f"key id 密钥标识: {signer.key_id}")

    @audit.command("checkpoint")
    def checkpoint_command(
        key: Annotated[Path, typer.Option(help="The private signing key (PEM).")],
        database: Database = None,
    ) -> None:
        """Sign a checkpoint at the newest event now (run it on a timer)."""
        console = Console()
        try:
            signer = read_signer(key)
        except SigningKeyError as error:
            console.print(f"[red]{escape(str(error))}[/red]")
            raise typer.Exit(2) from None
        engine = _engine(database)
        try:
            with write_transaction(engine) as connection:
                seq = checkpoint(connection, signer)
        finally:
            engine.dispose()
        if seq is None:
            console.print("no new events since the last checkpoint 自上次检查点以来无新事件")
        else:
            console.print(f"checkpoint signed at seq {seq:,} 已签署检查点 (key {signer.key_id})")

    @audit.command("report")
    def report_command(
        subject: Annotated[str, typer.Option(help="The entity id, e.g. P000001234.")],
        subject_type: Annotated[
            str | None,
            typer.Option("--type", help="Entity type; default: as the store knows the id."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
        database: Database = None,
    ) -> None:
        """Every access to one person's (or enterprise's) data, newest first."""
        console = Console()
        engine = _engine(database)
        try:
            with engine.connect() as connection:
                if subject_type is None:
                    with Session(bind=connection) as session:
                        known = entity(session, subject)
                    if known is None:
                        console.print(
                            f"[red]unknown entity {escape(subject)} 未知实体; give --type[/red]"
                        )
                        raise typer.Exit(1)
                    subject_type = known.entity_type
                entries = access_report(connection, subject_type, subject)
        finally:
            engine.dispose()
        if not as_json:
            show_accesses(entries, subject, console)
            return
        for e in entries:
            record = {
                "seq": e.seq,
                "occurred_at": e.occurred_at.isoformat(),
                "action": e.action,
                "department": e.department,
                "actor_role": e.actor_role,
                "actor_id": e.actor_id,
                "device_id": e.device_id,
                "purpose_kind": e.purpose_kind,
                "purpose_ref": e.purpose_ref,
                "fields": list(e.fields),
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
