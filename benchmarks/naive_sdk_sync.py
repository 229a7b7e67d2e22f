"""Naive KSeF sync with a third-party SDK (`ksef-client`), the baseline for ksef-gateway.

    .venv/bin/python benchmarks/naive_sdk_sync.py [--companies 500 --per-hour 20 --speed 10
                                                  --hours 2 --threads 8]

What a typical integrator writes: N threads walk the companies in turn; per company and round
it logs in with its KSeF token, asks for the metadata of Subject1 and Subject2 with
`invoicingDate >= start of its previous round` (pageSize 100, all pages), downloads every
invoice it has not stored yet, and sleeps until the next round (every 15 simulated minutes,
as the gateway). On 429 it sleeps `Retry-After` and repeats the call (the SDK raises
`KsefRateLimitError` and does not retry by itself). No HWM, no PermanentStorage windows.

The integrator's "now" is the simulator's accelerated clock (anchored once, then wall time ×
speed), so Retry-After and the round interval are simulated seconds. A private simulator
runs at production rate limits with `--arrivals-per-hour` started only after the KSeF tokens
are generated. Counted: every HTTP request the SDK sends (hooked at httpx), 429s, freshness
(simulated minutes from `permanentStorageDate` to the end of the download), the worker's CPU
during the loop. At the end arrivals stop and every company's full list (PermanentStorage,
Subject1+Subject2) is read with a certificate login: invoices stored before `end − 30 min`
that were never fetched are "missed"; an invoice downloaded twice for one company is a
duplicate. Results: benchmarks/results/naive_sdk_sync.json (or --out).

The SDK lives in its own venv (tools/ksef-simulator/scripts/sdk-venv.sh); this file re-runs
itself there with `--worker` (the loop) or `--truth` (the full list, also used for the gateway).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "naive_sdk_sync.json"
DRIVER = ROOT / "tools" / "ksef-simulator" / "tests" / "sdk_driver"
HOST = "ksef-sim.bench"  # resolved to loopback by the driver (the SDK refuses loopback URLs)
INTERVAL = 900.0  # simulated seconds between a company's rounds, as the gateway's default
SUBJECTS = ("Subject1", "Subject2")


def sdk_python() -> str:
    script = ROOT / "tools" / "ksef-simulator" / "scripts" / "sdk-venv.sh"
    return subprocess.run([str(script)], check=True, capture_output=True, text=True).stdout.strip()


def start_simulator(port: int, companies: int, speed: float) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, "-m", "ksef_simulator", "--port", str(port), "--companies",
        str(companies), "--invoices", "0", "--seed", "11", "--clock-speed", str(speed),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("the simulator exited during startup") from None
            time.sleep(0.2)


def admin(port: int, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}/admin/{path}", data=data)
    if body is not None:
        req.method, req.headers["Content-Type"] = "PUT", "application/json"
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * share) - 1)], 2) if ordered else None


def compare(fetched: list[list[str]], truth: list[list[str]], cut: str) -> dict[str, int]:
    """fetched/truth: [nip, ksefNumber, permanentStorageDate]; missed = due by `cut`."""
    counts = Counter((nip, number) for nip, number, *_ in fetched)
    due = {(nip, number) for nip, number, stored in truth if stored <= cut}
    return {
        "expected_by_cut": len(due),
        "missed": len(due - counts.keys()),
        "duplicates": sum(n - 1 for n in counts.values()),
    }


# ---- the SDK side (runs in the SDK's venv) ----------------------------------------------------


class Meter:
    """Counts the SDK's HTTP requests (by path kind) and 429s, from a switch-on moment."""

    def __init__(self) -> None:
        self.on, self.lock = False, threading.Lock()
        self.by_kind: Counter[str] = Counter()
        self.too_many = 0

    def install(self) -> None:
        import httpx

        send = httpx.Client.send

        def counted(client: Any, request: Any, **kwargs: Any) -> Any:
            response = send(client, request, **kwargs)
            if self.on:
                path = request.url.path
                kind = "invoiceDownload" if "/invoices/ksef/" in path else "other"
                kind = "invoiceMetadata" if path.endswith("/query/metadata") else kind
                kind = "auth" if "/auth/" in path or "public-key" in path else kind
                with self.lock:
                    self.by_kind[kind] += 1
                    self.too_many += response.status_code == 429
            return response

        httpx.Client.send = counted  # type: ignore[method-assign]


class SimClock:
    def __init__(self, port: int) -> None:
        self.wall0 = time.time()
        clock = admin(port, "clock")
        self.sim0, self.speed = datetime.fromisoformat(clock["now"]), clock["speed"]
        self.deadline: float | None = None  # wall time when the measured loop ends

    def now(self) -> datetime:
        return self.sim0 + timedelta(seconds=(time.time() - self.wall0) * self.speed)


class TimeUp(Exception):
    """The measured time ended during a Retry-After sleep (KSeF blocks for up to an hour)."""


def patiently(call: Any, clock: SimClock) -> Any:
    """The naive retry: sleep Retry-After (simulated seconds) and repeat."""
    from ksef_client.exceptions import KsefRateLimitError

    while True:
        try:
            return call()
        except KsefRateLimitError as exc:
            wait = (exc.retry_after or 1) / clock.speed
            if clock.deadline is not None and time.time() + wait > clock.deadline:
                time.sleep(max(0.0, clock.deadline - time.time()))
                raise TimeUp from exc
            time.sleep(wait)


_pairs: dict[str, Any] = {}


def sdk_session(port: int) -> Any:
    sys.path.insert(0, str(DRIVER))
    import driver  # the simulator's SDK test driver: loopback resolution, self-signed certs
    from bench_certs import ec_self_signed

    def ec_pair(nip: str) -> Any:
        """One EC P-256 certificate per NIP instead of a new RSA key per login: 2,000 logins
        (setup and the final full list, not the measured loop) would cost minutes of CPU."""
        if nip not in _pairs:
            _pairs[nip] = driver.XadesKeyPair(*ec_self_signed(nip))
        return _pairs[nip]

    driver.self_signed = ec_pair
    return driver.Session(f"http://{HOST}:{port}/v2"), driver


def in_parallel(fn: Any, items: list[Any], threads: int) -> list[Any]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, items))


def listing(s: Any, clock: SimClock, token: str, subject: str, flt: dict[str, str]) -> list[Any]:
    from ksef_client import models as m

    rng = m.InvoiceQueryDateRange(date_type=m.InvoiceQueryDateType(flt["type"]), from_=flt["from"])
    filters = m.InvoiceQueryFilters(subject_type=m.InvoiceQuerySubjectType(subject), date_range=rng)
    found, offset = [], 0
    while True:
        page = patiently(
            lambda offset=offset: s.client.invoices.query_invoice_metadata(
                filters, access_token=token, page_offset=offset, page_size=flt["size"],
                sort_order="Asc",
            ),
            clock,
        )  # fmt: skip
        found += page.invoices
        if not page.has_more:
            return found
        offset += 1


def make_token(s: Any, clock: SimClock, nip: str) -> str:
    from ksef_client import models as m

    owner = patiently(lambda: s.login_xades(nip), clock)
    perms = [m.TokenPermissionType.INVOICEREAD]
    request = m.GenerateTokenRequest(description="naive sync", permissions=perms)
    generated = patiently(
        lambda: s.client.tokens.generate_token(request, access_token=owner), clock
    )
    return str(generated.token)


def company_round(s: Any, clock: SimClock, nip: str, state: dict[str, Any]) -> None:
    started = clock.now()
    result = patiently(
        lambda: s.auth.authenticate_with_ksef_token(
            token=state["token"], public_certificate=state["cert"], public_key_id=state["kid"],
            context_identifier_type="nip", context_identifier_value=nip,
            poll_interval_seconds=0.05,
        ),
        clock,
    )  # fmt: skip
    token = result.access_token
    flt = {"type": "Invoicing", "from": state["since"].isoformat(), "size": 100}
    for subject in SUBJECTS:
        for inv in listing(s, clock, token, subject, flt):
            if inv.ksef_number in state["stored"]:
                continue
            n = inv.ksef_number
            patiently(lambda n=n: s.client.invoices.get_invoice_bytes(n, access_token=token), clock)
            state["stored"].add(n)
            age = (clock.now() - datetime.fromisoformat(inv.permanent_storage_date)).total_seconds()
            state["fetched"].append([nip, n, inv.permanent_storage_date, age / 60])
    state["since"] = started


def worker(args: argparse.Namespace) -> dict[str, Any]:
    meter = Meter()
    meter.install()
    s, _ = sdk_session(args.port)
    clock = SimClock(args.port)
    nips = [c["nip"] for c in admin(args.port, "companies")]
    cert, kid = s.public_key("KsefTokenEncryption")
    states = {nip: {"cert": cert, "kid": kid, "stored": set(), "fetched": []} for nip in nips}
    # Setup, not measured: one KSeF token per company, as an integrator keeps.
    tokens = in_parallel(lambda nip: make_token(s, clock, nip), nips, args.threads)
    for nip, token in zip(nips, tokens, strict=True):
        states[nip]["token"] = token
    admin(args.port, "arrivals", {"perCompanyPerHour": args.per_hour})
    start = clock.now()
    for state in states.values():
        state["since"] = start - timedelta(minutes=1)
    end_wall = clock.deadline = time.time() + args.hours * 3600 / args.speed
    cpu0, meter.on = time.process_time(), True
    errors: Counter[str] = Counter()

    def loop(mine: list[str]) -> None:
        while time.time() < end_wall:
            round_start = time.time()
            for nip in mine:
                if time.time() >= end_wall:  # stop mid-pass too: a pass can overrun badly
                    break
                try:
                    company_round(s, clock, nip, states[nip])
                except Exception as exc:  # an integrator logs it and goes on with the next
                    errors[f"{type(exc).__name__}: {str(exc)[:120]}"] += 1
            next_round = min(round_start + INTERVAL / args.speed, end_wall)
            time.sleep(max(0.0, next_round - time.time()))

    threads = [
        threading.Thread(target=loop, args=(nips[i :: args.threads],)) for i in range(args.threads)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    meter.on, cpu = False, time.process_time() - cpu0
    end = clock.now()
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "fetched": [f for st in states.values() for f in st["fetched"]],
        "requests_by_group": dict(meter.by_kind),
        "http_429_received": meter.too_many,
        "round_errors": dict(errors),
        "worker_cpu_seconds": round(cpu, 2),
    }


def truth(args: argparse.Namespace) -> list[list[str]]:
    """Every company's Subject1+Subject2 invoices stored since `--since` (arrivals stopped)."""
    s, _ = sdk_session(args.port)
    clock = SimClock(args.port)
    flt = {"type": "PermanentStorage", "from": args.since, "size": 250}

    def company(nip: str) -> list[list[str]]:
        token = patiently(lambda: s.login_xades(nip), clock)
        return [
            [nip, i.ksef_number, i.permanent_storage_date]
            for subject in SUBJECTS
            for i in listing(s, clock, token, subject, flt)
        ]

    nips = [c["nip"] for c in admin(args.port, "companies")]
    return [row for rows in in_parallel(company, nips, 8) for row in rows]


# ---- the orchestrator (runs in the workspace venv) --------------------------------------------


def full_list(port: int, since: str) -> list[list[str]]:
    admin(port, "arrivals", {"perCompanyPerHour": 0})
    out = subprocess.run(
        [sdk_python(), __file__, "--truth", "--port", str(port), "--since", since],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return list(json.loads(out.stdout))


def run(args: argparse.Namespace) -> dict[str, Any]:
    sim = start_simulator(args.port, args.companies, args.speed)
    try:
        cmd = [sdk_python(), __file__, "--worker", *sys.argv[1:]]
        wall0 = time.time()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        data = json.loads(out.stdout)
        wall = time.time() - wall0
        sim_cpu = cpu_seconds(sim.pid)  # setup included; reported as such
        cut = datetime.fromisoformat(data["end"]) - timedelta(seconds=2 * INTERVAL)
        checked = compare(data["fetched"], full_list(args.port, data["start"]), cut.isoformat())
    finally:
        sim.terminate()
        sim.wait(10)
    fetched = data["fetched"]
    requests = sum(data["requests_by_group"].values())
    return {
        "benchmark": "naive_sdk_sync",
        "client": "ksef-client 0.20.0 (PyPI), per-company loop, "
        f"{args.threads} threads, KSeF-token login every round",
        "companies": args.companies,
        "arrivals_per_company_per_simulated_hour": args.per_hour,
        "clock_speed": args.speed,
        "simulated_hours": args.hours,
        "wall_seconds_incl_setup": round(wall, 1),
        "sync_interval_simulated_minutes": INTERVAL / 60,
        "invoices_fetched": len(fetched),
        "ksef_requests": requests,
        "requests_per_invoice": round(requests / len(fetched), 2) if fetched else None,
        "requests_by_group": data["requests_by_group"],
        "freshness_simulated_minutes_p50": round(statistics.median(f[3] for f in fetched), 2)
        if fetched
        else None,
        "freshness_simulated_minutes_p99": percentile([f[3] for f in fetched], 0.99),
        "http_429_received": data["http_429_received"],
        "round_errors": data["round_errors"],
        **checked,
        "client_cpu_seconds": data["worker_cpu_seconds"],
        "client_cpu_share_of_one_core": round(
            data["worker_cpu_seconds"] / (args.hours * 3600 / args.speed), 3
        ),
        "simulator_cpu_seconds_incl_setup": round(sim_cpu, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=500)
    parser.add_argument("--per-hour", type=float, default=20.0)
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--hours", type=float, default=2.0, help="simulated hours to run")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=59392)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--truth", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--since", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker or args.truth:
        print(json.dumps(worker(args) if args.worker else truth(args)))
        return
    result = run(args)
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
