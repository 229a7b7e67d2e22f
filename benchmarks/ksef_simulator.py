"""KSeF simulator benchmark: seeding 1,000 companies x 1,000 invoices, then request rates.

    .venv/bin/python benchmarks/ksef_simulator.py [--companies 1000 --invoices 1000]

Starts `python -m ksef_simulator` (uvloop + httptools, rate limits off) as a subprocess, times
its startup seeding and reads its memory, logs in as some of the companies, then drives metadata
queries and single downloads from separate load processes. The load processes speak HTTP/1.1
over raw asyncio streams with keep-alive, which costs far less CPU per request than the server,
so they are not what limits the rate. Results: benchmarks/results/ksef_simulator.json.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools" / "ksef-simulator" / "tests"))
from ksef_client import KsefClient, self_signed  # type: ignore[import-not-found]  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "ksef_simulator.json"


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], float]:
    """Start the simulator and wait for /health, which answers only after seeding."""
    env = {**os.environ, "KSEF_SIM_ACCESS_TOKEN_TTL_SECONDS": "86400"}
    cmd = [
        sys.executable, "-m", "ksef_simulator", "--port", str(args.port),
        "--companies", str(args.companies), "--invoices", str(args.invoices),
        "--rate-limit-scale", "0", "--seed", "1",
    ]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/health", timeout=1):
                return proc, time.perf_counter() - started
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("the simulator exited during startup") from None
            time.sleep(0.2)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (it shares 2 cores with other work)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def prepare(port: int, logins: int) -> tuple[list[bytes], list[bytes]]:
    """Raw HTTP requests: metadata queries and downloads, under several companies' tokens."""
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        companies = (await http.get("/admin/companies")).json()[:logins]
        since = (datetime.now(UTC) - timedelta(days=59)).isoformat()
        filters = {
            "subjectType": "Subject1",
            "dateRange": {"dateType": "PermanentStorage", "from": since},
        }
        body = json.dumps(filters).encode()
        queries, downloads = [], []
        for company in companies:
            client = KsefClient(http)
            await client.login_xades(self_signed(nip=company["nip"]), company["nip"])
            auth = client.auth()["Authorization"]
            page = await http.post(
                "/v2/invoices/query/metadata", params={"pageSize": 250}, json=filters,
                headers=client.auth(),
            )  # fmt: skip
            queries.append(
                f"POST /v2/invoices/query/metadata?pageSize=10 HTTP/1.1\r\nHost: sim\r\n"
                f"Authorization: {auth}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            for row in page.json()["invoices"][:50]:
                downloads.append(
                    f"GET /v2/invoices/ksef/{row['ksefNumber']} HTTP/1.1\r\nHost: sim\r\n"
                    f"Authorization: {auth}\r\n\r\n".encode()
                )
    return queries, downloads


async def _connection(
    port: int, requests: list[bytes], offset: int, deadline: float, out: dict[str, Any]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = offset
    while time.perf_counter() < deadline:
        sent = time.perf_counter()
        writer.write(requests[i % len(requests)])
        i += 1
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await reader.readexactly(length)
        out["latencies"].append(time.perf_counter() - sent)
        out["statuses"][status] = out["statuses"].get(status, 0) + 1
    writer.close()


def _load_process(port: int, requests: list[bytes], conns: int, seconds: float, seed: int) -> Any:
    out: dict[str, Any] = {"latencies": [], "statuses": {}}
    deadline = time.perf_counter() + seconds

    async def run() -> None:
        await asyncio.gather(
            *(_connection(port, requests, seed * 997 + c, deadline, out) for c in range(conns))
        )

    asyncio.run(run())
    return out


def drive(
    server: int, port: int, requests: list[bytes], procs: int, conns: int, seconds: float
) -> dict[str, Any]:
    """Requests per second over `seconds` from `procs` processes with `conns` connections each.

    Also the server's CPU time per request: on a busy shared machine the wall-clock rate says
    little, while 1 / (CPU seconds per request) is the rate one free core would sustain.
    """
    cpu_before = cpu_seconds(server)
    with multiprocessing.Pool(procs) as pool:
        parts = pool.starmap(
            _load_process, [(port, requests, conns, seconds, p) for p in range(procs)]
        )
    latencies = sorted(x for p in parts for x in p["latencies"])
    statuses: dict[str, int] = {}
    for part in parts:
        for code, count in part["statuses"].items():
            statuses[str(code)] = statuses.get(str(code), 0) + count
    total = len(latencies)
    cpu = cpu_seconds(server) - cpu_before
    return {
        "requests": total,
        "requestsPerSecond": round(total / seconds, 1),
        "serverCpuSeconds": round(cpu, 2),
        "serverCpuMsPerRequest": round(cpu * 1000 / total, 3) if total else None,
        "requestsPerServerCpuSecond": round(total / cpu) if cpu else None,
        "statuses": statuses,
        "latencyMs": {
            "p50": round(statistics.median(latencies) * 1000, 2) if latencies else None,
            "p99": round(latencies[int(total * 0.99)] * 1000, 2) if latencies else None,
        },
        "loadProcesses": procs,
        "connectionsPerProcess": conns,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--port", type=int, default=18089)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--conns", type=int, default=16)
    parser.add_argument("--logins", type=int, default=10)
    args = parser.parse_args()
    proc, seed_seconds = start_server(args)
    try:
        rss = rss_mib(proc.pid)
        queries, downloads = asyncio.run(prepare(args.port, args.logins))
        # Warm-up: the first queries sort the per-role lists and compute invoice hashes.
        drive(proc.pid, args.port, queries, 1, 4, 2)
        metadata = drive(proc.pid, args.port, queries, args.procs, args.conns, args.seconds)
        download = drive(proc.pid, args.port, downloads, args.procs, args.conns, args.seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    invoices = args.companies * args.invoices
    result = {
        "benchmark": "ksef_simulator",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "loadAverageAtEnd": os.getloadavg(),
            "python": platform.python_version(),
        },
        "seed": {
            "companies": args.companies,
            "invoicesPerCompany": args.invoices,
            "invoices": invoices,
            "startupSeconds": round(seed_seconds, 1),
            "invoicesPerSecond": round(invoices / seed_seconds),
            "serverRssMiB": round(rss),
        },
        "metadataQueryPageSize10": metadata,
        "singleDownload": download,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
