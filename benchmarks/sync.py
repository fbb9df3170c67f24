"""Benchmark: the morning sync burst of a fleet of enrolled phones, against PostgreSQL.

    python benchmarks/sync.py --devices 200 --json
    python benchmarks/sync.py --devices 50 --tasks 10 --window 10 --persons 5000
    python benchmarks/sync.py --devices 200 --batch 1 --json     # one request per package

Sets up the demo's store (``--persons`` persons, grids, scenarios, staff) in a fresh
PostgreSQL schema, then ``--devices`` grid workers, each placed in a grid with ``--tasks``
assigned elderly home visits of residents of that grid, each with an enrolled device (its own
P-256 key) signed in — all before the clock starts. The app runs on uvicorn in a process of
its own (``--workers`` processes), as `frontline serve` runs it.

The burst: every device starts at a random moment within ``--window`` seconds and, one call
after the other, each with a fresh DPoP proof signed by its key, checks in, lists its tasks
and fetches their packages as the app does: up to ``--batch`` tasks' packages in one request
(``POST /api/v1/device/packages``; ``--batch 1`` asks ``POST
/api/v1/device/tasks/{task}/package`` once per task instead). Reported: the p50/p99 latency of
check-ins and of package requests (from the moment the device sent the call; a request carries
a batch of packages), the packages issued, the time from the first device's start to the last
device's last package (``fleet_seconds``), and errors by status (a task refused inside a batch
counts under its own status).

With ``--browser``, ``offline_open_ms`` is the median time to open a task in the real browser
with the network off, from ``benchmarks/offline_open.py`` run after the burst (its own store
and phone); null without it.

Prints one JSON object. The fleet runs in this process (asyncio, one connection per device),
on the same machine as the server and the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from joserfc import jws
from joserfc.jwk import ECKey
from rich.console import Console

import store
from frontline.devices.proofs import token_hash
from serve import DEFAULT_DATABASE, free_port, seed, start_server, wait_until_up

BENCH_PASSWORD = "早班同步-bench-2026"  # noqa: S105 - the benchmark's own throwaway accounts


@dataclass
class Device:
    """A simulated phone: key, tokens, and what it measured."""

    key: ECKey
    access: str = ""
    checkins: list[float] = field(default_factory=list)
    packages: list[float] = field(default_factory=list)
    """The latency of each package request (one task's, or a batch's)."""
    issued: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    finished: float = 0.0


def proof(device: Device, method: str, url: str, with_token: bool = True) -> str:
    claims: dict[str, Any] = {
        "jti": secrets.token_urlsafe(16),
        "htm": method,
        "htu": url,
        "iat": int(time.time()),
    }
    if with_token:
        claims["ath"] = token_hash(device.access)
    header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": device.key.as_dict(private=False)}
    return jws.serialize_compact(header, json.dumps(claims), device.key)


def prepare_fleet(url: str, devices: int, tasks: int) -> list[tuple[str, int]]:
    """`devices` workers, each with `tasks` assigned visits in one grid; (username, staff id)."""
    from frontline.staff.accounts import create_staff
    from frontline.staff.passwords import HashParameters
    from frontline.staff.roles import Role
    from frontline.store import create_engine_for, write_transaction

    cheap = HashParameters(time_cost=1, memory_cost=8, parallelism=1)  # setup, not measured
    engine = create_engine_for(url)
    fleet: list[tuple[str, int]] = []
    try:
        with write_transaction(engine) as connection:
            placed = store.unassigned_by_grid(connection)
            pools = [(grid, subjects) for grid, subjects in placed.items() if subjects]
            due = date.today() + timedelta(days=14)
            for n in range(devices):
                grid, subjects = max(pools, key=lambda pool: len(pool[1]))
                if len(subjects) < tasks:
                    raise SystemExit(f"not enough unassigned residents for {devices} devices")
                chosen, subjects[:] = subjects[:tasks], subjects[tasks:]
                username = f"bench{n:04d}"
                staff_id = create_staff(
                    connection, username=username, display_name=f"同步测试{n}",
                    department="civil_affairs", roles=[Role.WORKER], area=grid,
                    password=BENCH_PASSWORD, hashing=cheap,
                )  # fmt: skip
                store.assign_visits(connection, staff_id, chosen, due)
                fleet.append((username, staff_id))
    finally:
        engine.dispose()
    return fleet


def enrol_fleet(base: str, admin_password: str, fleet: list[tuple[str, int]]) -> list[Device]:
    """Enrol and sign in one device per worker over the API (before the clock starts)."""
    devices = []
    with httpx.Client(base_url=base, timeout=30) as client:
        admin = client.post(
            "/api/v1/auth/sign-in", json={"username": "admin", "password": admin_password}
        )
        admin.raise_for_status()
        headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
        page = client.get("/api/v1/devices", headers=headers)  # warms the route up
        page.raise_for_status()
        for username, staff_id in fleet:
            device = Device(ECKey.generate_key("P-256"))
            code = client.post(
                "/api/v1/devices/enrolments", headers=headers, json={"staff_id": staff_id}
            )
            code.raise_for_status()
            enrolled = client.post(
                "/api/v1/device/enrol",
                headers={"DPoP": proof(device, "POST", f"{base}/api/v1/device/enrol", False)},
                json={
                    "code": code.json()["code"],
                    "public_key": device.key.as_dict(private=False),
                    "name": username,
                },
            )
            enrolled.raise_for_status()
            signed = client.post(
                "/api/v1/device/sign-in",
                headers={"DPoP": proof(device, "POST", f"{base}/api/v1/device/sign-in", False)},
                json={"username": username, "password": BENCH_PASSWORD},
            )
            signed.raise_for_status()
            device.access = signed.json()["access_token"]
            devices.append(device)
    return devices


async def run_device(
    client: httpx.AsyncClient,
    base: str,
    device: Device,
    start: float,
    loop_start: float,
    batch: int,
) -> None:
    await asyncio.sleep(max(0.0, loop_start + start - time.perf_counter()))

    async def call(method: str, path: str, body: Any = None) -> tuple[httpx.Response, float]:
        url = f"{base}{path}"
        headers = {
            "Authorization": f"DPoP {device.access}",
            "DPoP": proof(device, method, url),
        }
        sent = time.perf_counter()
        answer = await client.request(method, url, headers=headers, json=body)
        return answer, time.perf_counter() - sent

    answer, took = await call(
        "POST", "/api/v1/device/check-in", {"app_version": "bench", "packages_held": 0}
    )
    device.checkins.append(took)
    _count(device, answer)
    listed, _ = await call("GET", "/api/v1/device/tasks")
    _count(device, listed)
    references = (
        [t["reference"] for t in listed.json().get("items", [])] if listed.is_success else []
    )
    if batch == 1:
        for reference in references:
            answer, took = await call("POST", f"/api/v1/device/tasks/{reference}/package")
            device.packages.append(took)
            device.issued += answer.status_code == 201
            _count(device, answer)
    for start in range(0, len(references) if batch > 1 else 0, batch):
        chunk = references[start : start + batch]
        answer, took = await call("POST", "/api/v1/device/packages", {"tasks": chunk})
        device.packages.append(took)
        _count(device, answer)
        if answer.is_success:
            for result in answer.json()["results"]:
                device.issued += result["status"] == 201
                if result["status"] != 201:
                    key = str(result["status"])
                    device.errors[key] = device.errors.get(key, 0) + 1
    device.finished = time.perf_counter()


def _count(device: Device, answer: httpx.Response) -> None:
    if not answer.is_success:
        key = str(answer.status_code)
        device.errors[key] = device.errors.get(key, 0) + 1


async def burst(base: str, devices: list[Device], window: float, batch: int) -> float:
    # A kept-alive connection is dropped by the client before uvicorn's 5 s idle limit
    # closes it: with both at 5 s, a request can go out on a connection the server is just
    # closing, and fail as a ReadError that no server fault caused.
    limits = httpx.Limits(
        max_connections=len(devices), max_keepalive_connections=len(devices), keepalive_expiry=4.0
    )
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        starts = sorted(random.uniform(0, window) for _ in devices)
        loop_start = time.perf_counter()
        await asyncio.gather(
            *(
                run_device(client, base, d, s, loop_start, batch)
                for d, s in zip(devices, starts, strict=True)
            )
        )
        return max(d.finished for d in devices) - (loop_start + starts[0])


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(len(ordered) * q))], 2)


def offline_open() -> float:
    """The median offline open of `benchmarks/offline_open.py`, run in a process of its own."""
    script = Path(__file__).with_name("offline_open.py")
    answer = subprocess.run(  # noqa: S603 - our own benchmark script
        [sys.executable, str(script), "--json"], capture_output=True, check=True, text=True
    )
    found: float = json.loads(answer.stdout.strip().splitlines()[-1])["offline_open_ms"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=10, help="tasks (packages) per device")
    parser.add_argument("--window", type=float, default=10.0, help="seconds the starts spread over")
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="a PostgreSQL URL")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--batch",
        type=int,
        default=50,
        help="packages per request, as the app fetches them (1: one request per task)",
    )
    parser.add_argument(
        "--browser", action="store_true", help="also time opening a task offline in Chromium"
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()
    console = Console(quiet=args.json, stderr=True)
    with (
        tempfile.TemporaryDirectory() as scratch,
        store.database("postgresql", args.database) as url,
    ):
        folder = Path(scratch)
        console.print(f"setting up {args.persons:,} persons and {args.devices} devices …")
        passwords = seed(url, args.persons, folder)
        fleet = prepare_fleet(url, args.devices, args.tasks)
        (folder / "bare.json").write_text("{}")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, folder, port, args.workers)
        try:
            wait_until_up(base, server)
            devices = enrol_fleet(base, passwords["admin"], fleet)
            console.print(f"burst: {len(devices)} devices within {args.window:g} s …")
            fleet_seconds = asyncio.run(burst(base, devices, args.window, args.batch))
        finally:
            server.terminate()
            server.wait(timeout=30)
    errors: dict[str, int] = {}
    for device in devices:
        for status, count in device.errors.items():
            errors[status] = errors.get(status, 0) + count
    checkins = [t for d in devices for t in d.checkins]
    packages = [t for d in devices for t in d.packages]
    report = {
        "benchmark": "sync",
        "database": "postgresql",
        "persons": args.persons,
        "devices": len(devices),
        "tasks_per_device": args.tasks,
        "workers": args.workers,
        "window_seconds": args.window,
        "checkins": len(checkins),
        "batch": args.batch,
        "package_requests": len(packages),
        "packages": sum(d.issued for d in devices),
        "checkin_p50_ms": percentile(checkins, 0.5),
        "checkin_p99_ms": percentile(checkins, 0.99),
        "package_p50_ms": percentile(packages, 0.5),
        "package_p99_ms": percentile(packages, 0.99),
        "fleet_seconds": round(fleet_seconds, 2),
        "errors": errors,
        "offline_open_ms": offline_open() if args.browser else None,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
