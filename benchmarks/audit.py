"""Benchmark: appending to the hash-chained audit log, and verifying it.

    python benchmarks/audit.py --events 1000000 --json
    python benchmarks/audit.py --events 1000000 --database postgresql+psycopg://postgres@127.0.0.1:5432/test

For each repeat, on a freshly migrated database (a temporary SQLite file by default; with
``--database`` a PostgreSQL URL, a fresh schema in it, dropped afterwards):

- ``append``: ``--events`` read events appended in transactions of ``--batch`` events each
  (as a bulk task creation or a package issue would), signed checkpoints every
  ``--checkpoint-every`` events;
- ``single``: ``--single`` more events, one transaction each (as a worker's read appends its
  one event and commits);
- ``verify``: one full verification of every event and checkpoint, signatures included.

Drafts are built before the clock starts. Each figure is the median of ``--repeat``. Prints
one JSON object, then (unless ``--json``) a line of text.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

import store
from frontline.audit import (
    EventDraft,
    append,
    configure_chain,
    generate_key_file,
    snapshot,
    verify,
)
from frontline.store import create_engine_for, upgrade, write_transaction

FIELDS = (("name", "phone", "address"), ("name", "id_number"), ("name", "pension_status"))
PURPOSES = (("task", "T"), ("counter", "counter_service@"), ("task", "T"))


def draft(i: int) -> EventDraft:
    """A worker's read of one person's fields, as the access policy would record it."""
    kind, prefix = PURPOSES[i % 3]
    return EventDraft(
        "read",
        actor_id=str(1000 + i % 500),
        actor_role="worker" if kind == "task" else "window_clerk",
        department="civil_affairs",
        device_id=f"D{i % 500:06d}" if kind == "task" else None,
        purpose_kind=kind,
        purpose_ref=f"{prefix}{i}",
        subject_type="person",
        subject_id=f"P{i % 300_000:09d}",
        fields=FIELDS[i % 3],
        detail={"scenario": "elderly_home_visit", "version": 2},
    )


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """A URL of an empty database: a temporary SQLite file (or the SQLite ``url`` given) or a
    fresh schema of the PostgreSQL ``url``."""
    if url is not None and make_url(url).get_backend_name() == "sqlite":
        yield url
        return
    with store.database("sqlite" if url is None else "postgresql", url or "") as made:
        yield made


def measure_once(args: argparse.Namespace, drafts: list[EventDraft]) -> dict[str, float]:
    with database(args.database) as url, tempfile.TemporaryDirectory() as keys:
        engine = create_engine_for(url)
        upgrade(engine)
        signer = generate_key_file(Path(keys) / "audit.pem")
        with write_transaction(engine) as connection:
            configure_chain(connection, algorithm=args.hash)
        every = args.checkpoint_every
        started = time.perf_counter()
        for start in range(0, args.events, args.batch):
            with write_transaction(engine) as connection:
                batch = drafts[start : start + args.batch]
                append(connection, batch, signer=signer, checkpoint_every=every)
        batched = time.perf_counter() - started
        singles = [draft(i) for i in range(args.single)]
        started = time.perf_counter()
        for one in singles:
            with write_transaction(engine) as connection:
                append(connection, [one], signer=signer, checkpoint_every=every)
        single = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        with snapshot(engine) as connection:
            report = verify(connection, public_keys={signer.key_id: signer.public_key})
        verified, verified_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert report.ok, report.problems[:3]
        assert report.events == args.events + args.single
        engine.dispose()
    return {
        "append_seconds": batched,
        "single_seconds": single,
        "verify_seconds": verified,
        "verify_cpu_seconds": verified_cpu,
        "verified_events": report.events,
        "checkpoints": report.checkpoints,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000, help="events per transaction")
    parser.add_argument("--single", type=int, default=2000, help="one-event transactions")
    parser.add_argument("--checkpoint-every", type=int, default=1000)
    parser.add_argument("--hash", choices=("sha256", "sm3"), default="sha256")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--database", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()
    drafts = [draft(i) for i in range(args.events)]
    runs = [measure_once(args, drafts) for _ in range(args.repeat)]
    append_s = statistics.median(r["append_seconds"] for r in runs)
    single_s = statistics.median(r["single_seconds"] for r in runs)
    verify_s = statistics.median(r["verify_seconds"] for r in runs)
    kind = make_url(args.database).get_backend_name() if args.database else "sqlite"
    result = {
        "benchmark": "audit",
        "database": kind,
        "hash": args.hash,
        "events": args.events,
        "batch": args.batch,
        "single": args.single,
        "checkpoint_every": args.checkpoint_every,
        "repeat": args.repeat,
        "append_per_second": round(args.events / append_s),
        "single_append_per_second": round(args.single / single_s) if args.single else None,
        "verify_seconds": round(verify_s, 2),
        "verify_events_per_second": round(runs[0]["verified_events"] / verify_s),
        "verify_seconds_all": [round(r["verify_seconds"], 2) for r in runs],
        # This process's CPU time: on a shared machine, what the pass costs when it runs.
        "verify_cpu_seconds": round(statistics.median(r["verify_cpu_seconds"] for r in runs), 2),
        "checkpoints": runs[0]["checkpoints"],
    }
    print(json.dumps(result), flush=True)
    if not args.json:
        print(
            f"{kind}: {result['append_per_second']:,} events/s appended in batches of "
            f"{args.batch}, {result['single_append_per_second']:,}/s one per transaction; "
            f"verified {runs[0]['verified_events']:,} events in {verify_s:.2f} s"
        )


if __name__ == "__main__":
    main()
