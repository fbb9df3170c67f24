"""Tables of the audit domain, declared on the serving database's `Base`.

- `audit_events`: the log itself, one row per event, `seq` contiguous from 1, each row's
  `hash` linking it to the row before (see `frontline.audit.chain`).
- `audit_checkpoints`: signed statements "the chain's hash at seq N is H".
- `audit_chain`: the chain's one-row head (last seq and hash, hash algorithm, last
  checkpoint). Appenders lock it, which is what serialises them.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Dialect, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from frontline.audit.chain import HASH_ALGORITHMS, document_text
from frontline.store.base import Base, UtcDateTime, code, one_of

PURPOSE_KINDS = ("task", "counter", "break_glass", "review", "export", "none")
"""Why personal data was read: an assigned task, a counter service, a break-glass grant, a
reviewer's decision on a change request, a department's export of submissions."""

# SQLite makes an INTEGER PRIMARY KEY the row id, so the table is stored in seq order and
# the verifier's ordered scan reads it straight through; PostgreSQL needs 64 bits (a city's
# reads fill 32 bits within months).
SEQ = BigInteger().with_variant(Integer(), "sqlite")


class JsonText(TypeDecorator[Any]):
    """A JSON document kept as its canonical text on every database.

    Text, not `json`: the chain hashes the stored text, so it must come back byte for byte,
    and the verifier reads it without decoding a million documents.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else document_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


class AuditEvent(Base):
    """One thing that happened: above all, a read of personal data, with who, why and what."""

    __tablename__ = "audit_events"
    __table_args__ = (
        one_of("purpose_kind", PURPOSE_KINDS, name="purpose_kind"),
        Index(None, "subject_type", "subject_id"),
    )

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor_id: Mapped[str | None] = mapped_column(code(64))
    """The staff account's id as text; None for the system or a citizen."""
    actor_role: Mapped[str | None] = mapped_column(code(32))
    department: Mapped[str | None] = mapped_column(code(64))
    device_id: Mapped[str | None] = mapped_column(code(64))
    action: Mapped[str] = mapped_column(code(32))
    """An open short code: `read`, `sign_in`, `task_transition`, `package_issued`, …"""
    purpose_kind: Mapped[str] = mapped_column(String(16))
    purpose_ref: Mapped[str | None] = mapped_column(code(128))
    """The task id, counter scenario key or break-glass grant id the purpose names."""
    subject_type: Mapped[str | None] = mapped_column(code(32))
    subject_id: Mapped[str | None] = mapped_column(code(64))
    fields: Mapped[list[str]] = mapped_column(JsonText())
    """Names of the personal-data fields disclosed; never their values."""
    detail: Mapped[dict[str, Any]] = mapped_column(JsonText())
    """Context such as a scenario version or a refusal reason; never personal data."""
    prev_hash: Mapped[str] = mapped_column(code(64))
    hash: Mapped[str] = mapped_column(code(64))


class AuditCheckpoint(Base):
    """A signed statement that the chain's hash at `seq` is `hash`.

    Each names the checkpoint before it (`prev_seq`, 0 for the first) inside what is signed,
    so a checkpoint removed from the middle is noticed too.
    """

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=False)
    prev_seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(code(64))
    hash_algorithm: Mapped[str] = mapped_column(String(16))
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    algorithm: Mapped[str] = mapped_column(String(16))
    """The signature algorithm: `ed25519`."""
    key_id: Mapped[str] = mapped_column(code(64))
    """The fingerprint of the public key that verifies `signature` (see `keys.key_id`)."""
    signature: Mapped[str] = mapped_column(Text)
    """Hex."""


class AuditChain(Base):
    """The chain's head: one row, created by the migration, locked by every appender."""

    __tablename__ = "audit_chain"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        one_of("algorithm", HASH_ALGORITHMS, name="algorithm"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    algorithm: Mapped[str] = mapped_column(String(16))
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(code(64))
    checkpoint_seq: Mapped[int] = mapped_column(BigInteger)
    """The seq of the newest checkpoint; 0 before the first."""
