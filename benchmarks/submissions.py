"""Benchmark: field form submissions synced by a fleet of enrolled phones, against PostgreSQL.

    python benchmarks/submissions.py --submissions 10000 --devices 100 --json
    python benchmarks/submissions.py --submissions 2000 --devices 20 --workers 2

Sets up the demo's store (``--persons`` persons, grids, scenarios, forms, staff) in a fresh
PostgreSQL schema, then ``--devices`` grid workers, each with ``--tasks`` assigned elderly home
visits in its grid and an enrolled, signed-in device (its own P-256 key); each device fetches
its tasks' packages (with the visit form) — all before the clock starts. The app runs on
uvicorn in a process of its own (``--workers`` processes), as `frontline serve` runs it.

The sync: every device sends its share of ``--submissions`` completed visit records as the app
syncs its outbox — ``--batch`` records a request (default 50, the app's ``SUBMISSION_BATCH``)
to ``POST /api/v1/device/submissions/batch``, one request after the other, each with a fresh
DPoP proof; ``--batch 1`` sends each alone to ``POST /api/v1/device/submissions``. Every record
has a new client id and is what a worker enters (the pre-filled phone and address confirmed,
every tenth with a corrected phone, which the server turns into a change request). A share of
``--retries`` of the requests is sent a second time with the same records, as a phone does
whose answer was lost: the server must answer them as duplicates and store nothing new.

Reported: ``per_second`` (first-time submissions stored per second, from the first send to the
last answer), ``requests``, ``p50_ms``/``p99_ms`` of every request answered (first sends and
retries; a connection that fails is tried again with the same records, as a phone does, and
counted in ``errors``), ``lost`` (client ids the server acknowledged that are not stored),
``duplicated`` (stored rows beyond one per client id, read from the database), the resent
records answered as duplicates, and errors by status. Prints one JSON object. The fleet runs
in this process (asyncio, one connection per device), on the same machine as the server and
the database, and takes CPU the server could use.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

import store
from frontline.web.forms_models import MAX_BATCH
from serve import DEFAULT_DATABASE, free_port, seed, start_server, wait_until_up
from sync import Device, enrol_fleet, percentile, prepare_fleet, proof

BATCH = 50
"""Records per request when the app syncs its outbox (`SUBMISSION_BATCH` in its sync.js)."""
MAX_TRANSPORT_ERRORS = 20
"""A phone gives up (and the run fails) after this many failed connections."""


@dataclass
class Phone:
    """A device with its tasks' packages, and what it measured."""

    device: Device
    packages: list[dict[str, Any]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    duplicates: int = 0
    errors: dict[str, int] = field(default_factory=dict)


def record(package: dict[str, Any], today: str, corrected: bool) -> dict[str, Any]:
    """A completed visit record for `package`'s subject: what a worker enters."""
    values = {f["name"]: f["value"] for f in package["read"]["fields"] if f["mask"] == "full"}
    phone = values.get("phone") or "13800000000"
    if corrected:
        phone = f"139{random.randrange(10**8):08d}"
    return {
        "visit_date": today,
        "met": "yes",
        "vital_status": "alive",
        "living": "alone",
        "health": "fair",
        "needs": ["meals", "company"],
        "phone": phone,
        "address": values.get("address") or "西湖区文三路100号3幢201室",
        "household": [{"member_name": "王小明", "member_relation": "child"}],
        "remarks": "精神状态良好，已提醒注意防滑。",
    }


async def fetch_packages(client: httpx.AsyncClient, base: str, phone: Phone) -> None:
    """The device's tasks and their packages (before the clock starts)."""

    async def call(method: str, path: str) -> httpx.Response:
        url = f"{base}{path}"
        headers = {
            "Authorization": f"DPoP {phone.device.access}",
            "DPoP": proof(phone.device, method, url),
        }
        answer = await client.request(method, url, headers=headers)
        answer.raise_for_status()
        return answer

    listed = await call("GET", "/api/v1/device/tasks")
    for task in listed.json()["items"]:
        package = await call("POST", f"/api/v1/device/tasks/{task['reference']}/package")
        phone.packages.append(package.json())


async def send(
    client: httpx.AsyncClient,
    base: str,
    phone: Phone,
    count: int,
    retry_share: float,
    batch: int,
) -> int:
    """Send `count` records, `batch` at a time, one request after the other (the app's
    outbox sync), a share `retry_share` of the requests twice; return how many records were
    sent twice."""
    today = datetime.now(UTC).date().isoformat()
    records = []
    for n in range(count):
        package = phone.packages[n % len(phone.packages)]
        form = package["forms"][0]
        records.append(
            {
                "client_id": str(uuid.uuid4()),
                "task": package["task_reference"],
                "form_id": form["form_id"],
                "form_version": form["version"],
                "answers": record(package, today, corrected=n % 10 == 9),
                "attachments": [],
                "completed_at": datetime.now(UTC).isoformat(),
            }
        )
    retried = 0
    for start in range(0, count, batch):
        chunk = records[start : start + batch]
        times = 2 if random.random() < retry_share else 1
        retried += (times - 1) * len(chunk)
        attempt = 0
        while attempt < times:
            answers = await post(client, base, phone, chunk, batch)
            if answers is None:  # a failed connection: the same records again
                continue
            for body, (status, duplicate) in zip(chunk, answers, strict=True):
                if status in (200, 201):
                    phone.acknowledged.add(body["client_id"])
                    phone.duplicates += attempt > 0 and duplicate
                else:
                    phone.errors[str(status)] = phone.errors.get(str(status), 0) + 1
            attempt += 1
    return retried


async def post(
    client: httpx.AsyncClient, base: str, phone: Phone, chunk: list[dict[str, Any]], batch: int
) -> list[tuple[int, bool]] | None:
    """One request: a record alone (`batch` 1) or a batch; each record's status and whether it
    was answered as a duplicate; None when the connection failed."""
    single = batch == 1
    url = f"{base}/api/v1/device/submissions" + ("" if single else "/batch")
    headers = {
        "Authorization": f"DPoP {phone.device.access}",
        "DPoP": proof(phone.device, "POST", url),
    }
    sent = time.perf_counter()
    try:
        answer = await client.post(
            url, headers=headers, json=chunk[0] if single else {"submissions": chunk}
        )
    except httpx.TransportError as error:  # as a phone does: the same records again
        key = type(error).__name__
        phone.errors[key] = phone.errors.get(key, 0) + 1
        if phone.errors[key] > MAX_TRANSPORT_ERRORS:
            raise
        return None
    phone.latencies.append(time.perf_counter() - sent)
    if single or answer.status_code != 200:
        duplicate = answer.status_code == 200 and answer.json().get("duplicate") is True
        return [(answer.status_code, duplicate)] * len(chunk)
    return [
        (r["status"], bool(r["submission"] and r["submission"]["duplicate"]))
        for r in answer.json()["results"]
    ]


def stored(url: str, client_ids: set[str]) -> tuple[int, int, int]:
    """(rows, distinct client ids, acknowledged ids missing) in the store."""
    from sqlalchemy import func, select

    from frontline.forms.models import FormSubmission
    from frontline.store import create_engine_for

    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            rows, distinct = connection.execute(
                select(func.count(), func.count(func.distinct(FormSubmission.client_id)))
            ).one()
            found = set(connection.execute(select(FormSubmission.client_id)).scalars())
    finally:
        engine.dispose()
    return int(rows), int(distinct), len(client_ids - found)


async def run(
    base: str, phones: list[Phone], submissions: int, retry_share: float, batch: int
) -> dict[str, float]:
    # A kept-alive connection is dropped by the client before uvicorn's 5 s idle limit
    # closes it: with both at 5 s, a request can go out on a connection the server is just
    # closing, and fail as a ReadError that no server fault caused.
    limits = httpx.Limits(
        max_connections=len(phones), max_keepalive_connections=len(phones), keepalive_expiry=4.0
    )
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        await asyncio.gather(*(fetch_packages(client, base, p) for p in phones))
        shares = [submissions // len(phones)] * len(phones)
        for i in range(submissions % len(phones)):
            shares[i] += 1
        started = time.perf_counter()
        retried = await asyncio.gather(
            *(
                send(client, base, p, n, retry_share, batch)
                for p, n in zip(phones, shares, strict=True)
            )
        )
        elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "retried": sum(retried)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=10, help="tasks per device")
    parser.add_argument("--retries", type=float, default=0.05, help="share sent twice")
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="a PostgreSQL URL")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--batch",
        type=int,
        default=BATCH,
        help=f"records per request, as the app sends its outbox (default {BATCH}; "
        "1: each alone, to the single-submission route)",
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()
    if not 1 <= args.batch <= MAX_BATCH:
        parser.error(f"--batch must be 1 to {MAX_BATCH}")
    random.seed(11)
    with (
        tempfile.TemporaryDirectory() as scratch,
        store.database("postgresql", args.database) as url,
    ):
        folder = Path(scratch)
        passwords = seed(url, args.persons, folder)
        fleet = prepare_fleet(url, args.devices, args.tasks)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        (folder / "bare.json").write_text("{}")
        server = start_server(url, folder, port, args.workers)
        try:
            wait_until_up(base, server)
            phones = [Phone(d) for d in enrol_fleet(base, passwords["admin"], fleet)]
            outcome = asyncio.run(run(base, phones, args.submissions, args.retries, args.batch))
        finally:
            server.terminate()
            server.wait(timeout=30)
        acknowledged = set().union(*(p.acknowledged for p in phones))
        rows, distinct, missing = stored(url, acknowledged)
    latencies = [t for p in phones for t in p.latencies]
    errors: dict[str, int] = {}
    for p in phones:
        for key, n in p.errors.items():
            errors[key] = errors.get(key, 0) + n
    report = {
        "benchmark": "submissions",
        "database": "postgresql",
        "submissions": args.submissions,
        "devices": args.devices,
        "workers": args.workers,
        "batch": args.batch,
        "requests": len(latencies),
        "per_second": round(len(acknowledged) / outcome["elapsed"], 1),
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "seconds": round(outcome["elapsed"], 2),
        "acknowledged": len(acknowledged),
        "stored": rows,
        "lost": missing,
        "duplicated": rows - distinct,
        "retried": outcome["retried"],
        "retries_answered_duplicate": sum(p.duplicates for p in phones),
        "errors": errors,
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
