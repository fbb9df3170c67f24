"""`frontline audit`: keygen, verify (exit 1 on tampering, saying where), checkpoint, report."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from frontline.audit import Ed25519Signer, public_key_pem
from frontline.cli import audit
from frontline.store import Entity
from tests.audit.factories import fill, hash_at, run_sql


def _invoke(*args: str) -> tuple[int, str]:
    app = typer.Typer()
    audit.register(app)
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def public_key(signer: Ed25519Signer, tmp_path: Path) -> str:
    path = tmp_path / "audit.pub.pem"
    path.write_bytes(public_key_pem(signer.public_key))
    return str(path)


def test_keygen_writes_a_private_key_for_its_owner_and_a_public_key(tmp_path: Path) -> None:
    out = tmp_path / "keys" / "checkpoints.pem"
    code, output = _invoke("audit", "keygen", "--out", str(out))
    assert code == 0, output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    public = tmp_path / "keys" / "checkpoints.pub.pem"
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE KEY" not in output
    assert "key id 密钥标识" in output
    again, output = _invoke("audit", "keygen", "--out", str(out))
    assert again == 1
    assert "exists" in output


def test_verify_an_intact_chain(
    engine: Engine, url: str, signer: Ed25519Signer, public_key: str
) -> None:
    fill(engine, 30, signer=signer, every=10, batch=5)
    code, output = _invoke("audit", "verify", "--database", url, "--public-key", public_key)
    assert code == 0, output
    assert "audit chain intact 审计链完整" in output
    assert "30 events" in output
    assert "3 verified" in output


def test_verify_says_where_the_chain_breaks(
    engine: Engine, url: str, signer: Ed25519Signer, public_key: str
) -> None:
    fill(engine, 30, signer=signer, every=10, batch=5)
    run_sql(engine, "UPDATE audit_events SET purpose_ref = 'T999' WHERE seq = 17")
    code, output = _invoke("audit", "verify", "--database", url, "--public-key", public_key)
    assert code == 1
    assert "audit chain broken at seq 17: edited" in output
    assert "审计链在第 17 条处被篡改: 内容被修改" in output
    assert "events 11–30 are not proven by a verified checkpoint" in output
    assert "T999" not in output
    code, output = _invoke(
        "audit", "verify", "--database", url, "--public-key", public_key, "--json"
    )
    assert code == 1
    report = json.loads(output)
    assert report["first_break"] == {"seq": 17, "kind": "edited"}
    assert (report["events"], report["proven_through"]) == (30, 10)


def test_verify_with_an_anchor(
    engine: Engine, url: str, signer: Ed25519Signer, public_key: str
) -> None:
    fill(engine, 30, signer=signer, every=10, batch=5)
    anchor = f"30:{hash_at(engine, 30)}"
    base = ("audit", "verify", "--database", url, "--public-key", public_key)
    assert _invoke(*base, "--anchor", anchor)[0] == 0
    run_sql(engine, "DELETE FROM audit_events WHERE seq > 25")
    code, output = _invoke(*base, "--anchor", anchor)
    assert code == 1
    assert "truncated" in output
    assert _invoke(*base, "--anchor", "30:xyz")[0] == 2


def test_verify_without_a_key_warns(engine: Engine, url: str) -> None:
    fill(engine, 5)
    code, output = _invoke("audit", "verify", "--database", url)
    assert code == 0, output
    assert "signatures were not checked" in output


def test_verify_refuses_a_private_key_as_the_public_one(url: str, tmp_path: Path) -> None:
    code, output = _invoke("audit", "keygen", "--out", str(tmp_path / "k.pem"))
    assert code == 0
    code, output = _invoke(
        "audit", "verify", "--database", url, "--public-key", str(tmp_path / "k.pem")
    )
    assert code == 2
    assert "holds a private key" in output


def test_checkpoint_signs_the_newest_event(
    engine: Engine, url: str, signer: Ed25519Signer, tmp_path: Path, public_key: str
) -> None:
    fill(engine, 7)
    key = str(tmp_path / "keys" / "audit.pem")
    code, output = _invoke("audit", "checkpoint", "--key", key, "--database", url)
    assert code == 0, output
    assert "checkpoint signed at seq 7" in output
    code, output = _invoke("audit", "checkpoint", "--key", key, "--database", url)
    assert "no new events" in output
    code, output = _invoke("audit", "verify", "--database", url, "--public-key", public_key)
    assert code == 0, output
    assert "1 verified" in output


def test_report_lists_the_accesses(engine: Engine, url: str) -> None:
    fill(engine, 30)
    with Session(engine) as session, session.begin():
        session.add(
            Entity(
                entity_id="P000000004",
                entity_type="person",
                entity_key="330106199001010044",
                status="active",
                created_run=1,
                updated_run=1,
            )
        )
    # Person 4 was read by events 5 and 18 (every 13th).
    code, output = _invoke("audit", "report", "--subject", "P000000004", "--database", url)
    assert code == 0, output
    assert "P000000004 数据访问记录" in output
    assert "2 accesses" in output
    assert "工单 task T17" in output
    code, output = _invoke(
        "audit", "report", "--subject", "P000000004", "--database", url, "--json"
    )
    lines = [json.loads(line) for line in output.splitlines()]
    assert [(x["seq"], x["purpose_ref"]) for x in lines] == [(18, "T17"), (5, "T4")]
    code, output = _invoke(
        "audit", "report", "--subject", "P000000012", "--type", "person", "--database", url
    )
    assert code == 0
    assert "2 accesses" in output
    code, output = _invoke("audit", "report", "--subject", "P000000404", "--database", url)
    assert code == 1
    assert "unknown entity" in output
