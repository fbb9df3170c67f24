"""The audit log (审计日志): append-only, hash-chained, with signed checkpoints; knows nothing of
HTTP.

    with write_transaction(engine) as connection:
        …read the subject's fields…
        append(connection, [EventDraft("read", actor_id="17", actor_role="worker",
                                       department="civil_affairs", purpose_kind="task",
                                       purpose_ref="T42", subject_type="person",
                                       subject_id="P000001234", fields=("name", "phone"))],
               signer=signer)
    with snapshot(engine) as connection:
        report = verify(connection, public_keys={signer.key_id: signer.public_key})
"""

from frontline.audit.chain import GENESIS_HASH, HASH_ALGORITHMS
from frontline.audit.draft import EventDraft
from frontline.audit.keys import (
    Ed25519Signer,
    Signer,
    SigningKeyError,
    generate_key_file,
    key_id,
    load_public_key,
    load_signer,
    public_key_pem,
    read_public_key,
    read_signer,
)
from frontline.audit.log import (
    DEFAULT_CHECKPOINT_EVERY,
    ChainHead,
    ChainHeadMissingError,
    append,
    chain_head,
    checkpoint,
    configure_chain,
)
from frontline.audit.models import PURPOSE_KINDS, AuditChain, AuditCheckpoint, AuditEvent
from frontline.audit.problems import PROBLEM_KINDS, Problem
from frontline.audit.report import AccessEntry, access_report
from frontline.audit.verify import Anchor, VerifyReport, snapshot, verify
from frontline.audit.writer import AuditWriter, AuditWriterClosedError

__all__ = [
    "DEFAULT_CHECKPOINT_EVERY",
    "GENESIS_HASH",
    "HASH_ALGORITHMS",
    "PROBLEM_KINDS",
    "PURPOSE_KINDS",
    "AccessEntry",
    "Anchor",
    "AuditChain",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditWriter",
    "AuditWriterClosedError",
    "ChainHead",
    "ChainHeadMissingError",
    "Ed25519Signer",
    "EventDraft",
    "Problem",
    "Signer",
    "SigningKeyError",
    "VerifyReport",
    "access_report",
    "append",
    "chain_head",
    "checkpoint",
    "configure_chain",
    "generate_key_file",
    "key_id",
    "load_public_key",
    "load_signer",
    "public_key_pem",
    "read_public_key",
    "read_signer",
    "snapshot",
    "verify",
]
