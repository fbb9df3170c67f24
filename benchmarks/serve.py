"""Benchmark: a worker's read of a task's subject under open-loop load, against PostgreSQL.

    python benchmarks/serve.py --rate 500 --json
    python benchmarks/serve.py --rate 200 --seconds 20 --persons 5000 --database URL

Sets up a store in a fresh PostgreSQL schema (``--database``; the tests' database by default):
a synthetic city of ``--persons`` integrated and published, its grids, scenarios, staff and the
demo's tasks, exactly as ``make demo`` does. Then it starts ``frontline``'s app on uvicorn
(``--workers`` worker processes, one by default) with one extra route, ``/bench/bare``, that
returns the same JSON a subject read returns, from memory: the framework's own limit, measured
side by side.

- **Open loop** (``p50_ms``, ``p99_ms``): requests are sent at ``--rate`` per second for
  ``--seconds``, each at its intended time whatever the earlier ones are doing, over up to
  ``--connections`` keep-alive connections; latency runs from the *intended* send time to the
  last byte, so a stalled server shows as latency instead of as a slower send rate (no
  coordinated omission). ``--warmup`` seconds of the same load come first, not measured: the
  server process is new, and its first requests open connections and fill caches. Every
  request is the signed-in worker's ``GET /api/v1/tasks/{task}/subject``: the session, the
  task, the policy's facts and the golden record in one statement (on PostgreSQL the route
  answers in the event loop), the policy decision, and the audit append, committed before
  the answer.
- **Maximum throughput** (``max_rps``, ``bare_rps``): ``wrk`` (closed loop, ``--wrk-connections``
  connections, ``--wrk-seconds``) on the subject read and on ``/bench/bare``; ``max_ratio`` is
  their ratio. Without ``wrk`` on the machine, both are null.

Prints one JSON object; the load generator runs in this process, on the same machine, and takes
CPU the server could otherwise use.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

import store

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples" / "city"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def seed(url: str, persons: int, folder: Path) -> dict[str, str]:
    """The demo's store at ``url``: city, integration, areas, scenarios, staff, tasks; returns
    the staff's passwords."""
    from frontline.audit import generate_key_file
    from frontline.cli.platform_setup import Deployment, set_up
    from frontline.integrate.pipeline import run_integration
    from frontline.integrate.sources import load_sources
    from frontline.store import create_engine_for, upgrade
    from frontline.synth import CityConfig, generate_city

    config = CityConfig(persons=persons, seed=7)
    generate_city(config, folder / "city")
    engine = create_engine_for(url)
    try:
        upgrade(engine)
        run_integration(load_sources(EXAMPLES / "sources"), folder / "city", store=engine)
        deployment = Deployment(EXAMPLES / "scenarios", EXAMPLES / "staff.yaml")
        return set_up(
            engine,
            deployment,
            folder / "city" / "areas",
            generate_key_file(folder / "audit-signing.key"),  # the server's key
            config.as_of,
            Console(quiet=True),
        )
    finally:
        engine.dispose()


def serve(url: str, data_dir: str, port: int, workers: int = 1) -> None:
    """Run the app (and ``/bench/bare``) on uvicorn: the server process's entry point. Each
    worker process builds the app from the environment, as `frontline serve --workers` does."""
    import os

    import uvicorn

    os.environ.update(
        {
            "FRONTLINE_DATABASE_URL": url,
            "FRONTLINE_DATA_DIR": data_dir,
            "FRONTLINE_AUDIT_KEY_FILE": str(Path(data_dir) / "audit-signing.key"),
            "FRONTLINE_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # The read is measured with the worker's password sign-in (a Bearer token);
            # benchmarks/sync.py measures the phones' DPoP-bound calls.
            "FRONTLINE_WORKER_DEVICES_REQUIRED": "false",
        }
    )
    app: Any = bench_app() if workers == 1 else "serve:bench_app"
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        access_log=False,
        log_level="warning",
        workers=workers,
        factory=workers > 1,
        app_dir=str(Path(__file__).parent),
    )


def bench_app() -> Any:
    """The service for the settings in the environment, with ``/bench/bare``."""
    from fastapi.responses import Response

    from frontline.settings import Settings
    from frontline.web import create_app

    settings = Settings()
    app = create_app(settings)
    bare_body = (settings.data_dir / "bare.json").read_bytes()

    @app.get("/bench/bare", include_in_schema=False)
    def bare_route() -> Response:
        return Response(bare_body, media_type="application/json")

    # Matched first, as the subject read is (its router comes first): neither pays for
    # trying the other routes.
    app.router.routes.insert(0, app.router.routes.pop())
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(url: str, folder: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """This script's server entry (``--serve``) in a process of its own, on `port`."""
    return subprocess.Popen(  # noqa: S603 - this script, with arguments we made
        [
            sys.executable,
            __file__,
            "--serve",
            url,
            str(folder),
            str(port),
            "--workers",
            str(workers),
        ],
    )


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit code {process.returncode})")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit("the server did not start within 60 s")


async def _request(
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], request: bytes
) -> int:
    reader, writer = connection
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"(?i)content-length: *(\d+)", head)
    if length is None:
        raise RuntimeError("a response without Content-Length")
    await reader.readexactly(int(length.group(1)))
    return status


async def open_loop(
    port: int, paths: list[str], token: str, rate: float, seconds: float, connections: int
) -> dict[str, Any]:
    """Send ``rate`` requests a second for ``seconds`` at their intended times; latency from the
    intended time."""
    idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    errors: dict[int, int] = {}
    total = int(rate * seconds)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2

    async def one(i: int) -> None:
        intended = start + i / rate
        await asyncio.sleep(max(0.0, intended - loop.time()))
        connection = await idle.get()
        path = paths[i % len(paths)]
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            "Accept: application/json\r\n\r\n"
        ).encode()
        try:
            status = await _request(connection, request)
        finally:
            idle.put_nowait(connection)
        latencies.append(loop.time() - intended)
        if status != 200:
            errors[status] = errors.get(status, 0) + 1

    began = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(total)))
    elapsed = time.perf_counter() - began
    while not idle.empty():
        _, writer = idle.get_nowait()
        writer.close()
    latencies.sort()
    return {
        "requests": total,
        "achieved_rps": round(total / elapsed, 1),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 2),
        "p90_ms": round(1000 * latencies[int(len(latencies) * 0.9)], 2),
        "p99_ms": round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 2),
        "max_ms": round(1000 * latencies[-1], 2),
        "errors": errors,
    }


def wrk(url: str, token: str, connections: int, seconds: int) -> float | None:
    """Requests per second ``wrk`` reaches on ``url`` (None without wrk)."""
    if shutil.which("wrk") is None:
        return None
    done = subprocess.run(  # noqa: S603 - a fixed program with our own arguments
        [  # noqa: S607 - wrk from the PATH, checked above
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if non_2xx:
        raise RuntimeError(f"wrk saw {non_2xx.group(1)} failed responses on {url}")
    return float(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=500.0, help="requests per second offered")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of the same load first, not measured"
    )
    parser.add_argument("--connections", type=int, default=64, help="open-loop connections")
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="a PostgreSQL URL")
    parser.add_argument("--wrk-connections", type=int, default=32)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    parser.add_argument(
        "--serve", nargs=3, metavar=("URL", "DATA_DIR", "PORT"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="server worker processes (frontline serve's)"
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]), args.workers)
        return
    with (
        tempfile.TemporaryDirectory() as scratch,
        store.database("postgresql", args.database) as url,
    ):
        folder = Path(scratch)
        passwords = seed(url, args.persons, folder)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        (folder / "bare.json").write_text("{}")
        server = start_server(url, folder, port, args.workers)
        try:
            wait_until_up(base, server)
            client = httpx.Client(base_url=base, timeout=30)
            signed = client.post(
                "/api/v1/auth/sign-in",
                json={"username": "worker", "password": passwords["worker"]},
            )
            signed.raise_for_status()
            token = signed.json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            listed = client.get(
                "/api/v1/tasks",
                params={"status": ["assigned", "in_progress"], "limit": 100},
                headers=headers,
            )
            listed.raise_for_status()
            tasks = [t["reference"] for t in listed.json()["items"]]
            if not tasks:
                raise SystemExit("the demo worker has no assigned task to read")
            paths = [f"/api/v1/tasks/{t}/subject" for t in tasks]
            sample = client.get(paths[0], headers=headers)
            sample.raise_for_status()
            # The bare route answers the same bytes from memory.
            (folder / "bare.json").write_bytes(sample.content)
            server.terminate()
            server.wait(timeout=30)
            server = start_server(url, folder, port, args.workers)
            wait_until_up(base, server)
            if args.warmup > 0:  # a fresh process: its connections, caches, prepared statements
                asyncio.run(open_loop(port, paths, token, args.rate, args.warmup, args.connections))
            loaded = asyncio.run(
                open_loop(port, paths, token, args.rate, args.seconds, args.connections)
            )
            max_rps = wrk(base + paths[0], token, args.wrk_connections, args.wrk_seconds)
            bare_rps = wrk(base + "/bench/bare", token, args.wrk_connections, args.wrk_seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
    report = {
        "benchmark": "serve",
        "database": "postgresql",
        "persons": args.persons,
        "rate": args.rate,
        "workers": args.workers,
        "seconds": args.seconds,
        "warmup_seconds": args.warmup,
        "tasks_read": len(paths),
        **loaded,
        "max_rps": max_rps,
        "bare_rps": bare_rps,
        "max_ratio": round(max_rps / bare_rps, 3) if max_rps and bare_rps else None,
        "response_bytes": len(sample.content),
    }
    print(json.dumps(report, ensure_ascii=False))
    if not args.json:
        print(
            f"{args.rate:.0f} req/s offered: p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms; "
            f"max {max_rps} req/s vs bare {bare_rps} req/s ({report['max_ratio']})"
        )


if __name__ == "__main__":
    main()
