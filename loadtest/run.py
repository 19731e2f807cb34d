"""Load figures for the public service, over loopback, on a synthetic graph.

    python loadtest/run.py [--triples 200k] [--step-seconds 10] [--soak-seconds 600]

1. builds (once, cached in var/loadtest) the curated graph plus `imvokg synth`
   data, without the reasoner, and starts `imvokg serve` on a free port with
   the /sparql rate limit off (we measure capacity, not the limiter);
2. sustainable throughput: open-loop load (requests sent on a fixed schedule,
   so a slow server cannot slow the client down and hide its latency) at
   rising rates over a mix of named queries, REST answers and /id/ reads;
   the highest rate whose p99 stays <= 100 ms with no errors wins;
3. isolation: p99 of that mix at half the sustainable rate, alone and while
   two clients loop a heavy /sparql query; the ratio is with / without;
4. saturation: p99 of /healthz and of a named query (10 req/s each, one after
   the other), alone and while two clients loop the heavy query and one CPU
   burner per core (another process, at normal priority) saturates the
   machine; the heavy clients' 503s (admission control) are counted;
5. soak: 70 % of the sustainable rate for --soak-seconds; counts 5xx and the
   memory (RSS of the server and its query workers) at the start and end.

The client runs on the same 2-core machine and takes CPU from the server, so
the figures are a floor. Results are printed and written as JSON under
loadtest/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
P99_TARGET_S = 0.100
HEAVY = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "a.*e.*i.*o")) }'
MIX = [
    "/queries/agreements?lang=en",
    "/queries/coverage-cells?sector=https://w3id.org/imvokg/scheme/sector/gold",
    "/api/v1/coverage?sector=garment-textile",
    "/api/v1/agreements?sector=gold",
    "/id/agreement/nl-garment-textile",
    "/id/agreement/nl-gold",
    "/id/party/fnv",
]


@dataclass
class Sample:
    """Latencies and failures of one load phase."""

    latencies: list[float] = field(default_factory=list)
    errors_5xx: int = 0
    errors_other: int = 0
    sent: int = 0

    def p(self, q: float) -> float:
        if not self.latencies:
            return float("inf")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self, seconds: float) -> dict[str, float | int]:
        return {
            "sent": self.sent,
            "answered": len(self.latencies),
            "rate_per_s": round(len(self.latencies) / seconds, 1),
            "p50_ms": round(self.p(0.50) * 1000, 2),
            "p99_ms": round(self.p(0.99) * 1000, 2),
            "max_ms": round(self.p(1.0) * 1000, 2),
            "errors_5xx": self.errors_5xx,
            "errors_other": self.errors_other,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(work: Path, triples: str) -> Path:
    """The store with the synthetic graph; built once and reused."""
    store = work / f"store-{triples}"
    if (store / "CURRENT").exists() or (store.is_symlink() and store.resolve().exists()):
        return store
    work.mkdir(parents=True, exist_ok=True)
    synth = work / f"synth-{triples}.nt"
    if not synth.exists():
        subprocess.run(
            [BIN / "imvokg", "synth", "--triples", triples, "--seed", "1", "-o", synth], check=True
        )
    subprocess.run(
        [BIN / "imvokg", "build", "--store", store, "--no-reason", "--no-dumps", "--extra", synth],
        check=True,
        cwd=ROOT,
    )
    return store


def start_server(store: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "IMVOKG_SPARQL_RATE_PER_S": "0", "IMVOKG_READ_ONLY": "true"}
    process = subprocess.Popen(
        [BIN / "imvokg", "serve", "--store", store, "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (server + query workers)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending.extend(int(c) for c in children.read().split())
        except OSError:
            continue
    return total


async def open_loop(
    base: str, rate: float, seconds: float, paths: list[str], *, verify: str | None = None
) -> Sample:
    """Send ``rate`` requests per second on a fixed schedule for ``seconds``; never wait for answers.

    ``verify``: the CA file of an https ``base`` (a front with a test certificate).
    """
    sample = Sample()
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=64)
    tls = ssl.create_default_context(cafile=verify) if verify else True
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits, verify=tls) as client:

        async def one(path: str) -> None:
            started = time.perf_counter()
            try:
                response = await client.get(path, headers={"Accept": "application/json, text/turtle;q=0.9"})
            except httpx.HTTPError:
                sample.errors_other += 1
                return
            took = time.perf_counter() - started
            if response.status_code >= 500:
                sample.errors_5xx += 1
            elif response.status_code >= 400:
                sample.errors_other += 1
            else:
                sample.latencies.append(took)

        tasks = []
        interval = 1.0 / rate
        start = time.perf_counter()
        count = int(rate * seconds)
        for i in range(count):
            delay = start + i * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(paths[i % len(paths)])))
            sample.sent += 1
        await asyncio.gather(*tasks)
    return sample


TRIVIAL = {"healthz": "/healthz", "named_query": "/queries/agreements?lang=en"}
BURNER = "while True: pass"


def trivial_p99(base: str, seconds: float) -> dict[str, dict[str, float | int]]:
    """The latency summary of each trivial request, 10 per second, one kind after the other."""
    return {
        name: asyncio.run(open_loop(base, 10, seconds, [path])).summary(seconds)
        for name, path in TRIVIAL.items()
    }


def heavy_clients(base: str, count: int, stop: threading.Event) -> tuple[list[threading.Thread], list[int]]:
    statuses: list[int] = []

    def loop() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while not stop.is_set():
                # a new text each time: an identical query would be answered from the answer cache
                query = f"{HEAVY} # {threading.get_ident()} {len(statuses)}"
                statuses.append(client.post("/sparql", data={"query": query}).status_code)

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, statuses


def isolation(base: str, normal: float, seconds: float) -> dict[str, object]:
    """p99 of the mix at ``normal`` req/s, alone and while two clients loop the heavy query."""
    quiet = asyncio.run(open_loop(base, normal, seconds, MIX))
    stop = threading.Event()
    threads, heavy_statuses = heavy_clients(base, 2, stop)
    time.sleep(1.0)
    try:
        busy = asyncio.run(open_loop(base, normal, seconds, MIX))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    return {
        "rate_per_s": normal,
        "heavy_query": HEAVY,
        "heavy_answers": {str(s): heavy_statuses.count(s) for s in sorted(set(heavy_statuses))},
        "without": quiet.summary(seconds),
        "with_two_heavy_clients": busy.summary(seconds),
        "p99_ratio": round(busy.p(0.99) / quiet.p(0.99), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", default="200k")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "loadtest")
    parser.add_argument("--step-seconds", type=float, default=10.0)
    parser.add_argument("--rates", default="10,20,30,40,60,80,100,150,200")
    parser.add_argument("--soak-seconds", type=float, default=0.0, help="0 skips the soak")
    parser.add_argument(
        "--saturation-only",
        action="store_true",
        help="only step 4: p99 of light requests on a saturated machine (less load on a shared one)",
    )
    args = parser.parse_args()

    store = prepare(args.work, args.triples)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(store, port)
    results: dict[str, object] = {"triples": args.triples, "cpus": os.cpu_count(), "mix": MIX}
    try:
        for path in MIX:  # every path of the mix answers before we measure it
            status = httpx.get(base + path, timeout=30).status_code
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
        asyncio.run(open_loop(base, 20, 3, MIX))  # warm caches and connections

        steps = []
        sustainable = 0.0
        rates = [] if args.saturation_only else [float(r) for r in args.rates.split(",")]
        for rate in rates:
            sample = asyncio.run(open_loop(base, rate, args.step_seconds, MIX))
            summary = {"target_rate": rate, **sample.summary(args.step_seconds)}
            steps.append(summary)
            print("throughput", json.dumps(summary), flush=True)
            ok = sample.p(0.99) <= P99_TARGET_S and sample.errors_5xx == 0 and sample.errors_other == 0
            if not ok:
                break
            sustainable = rate
        results["throughput_steps"] = steps
        results["sustainable_rate_per_s"] = sustainable

        normal = max(sustainable / 2, 10.0)
        if not args.saturation_only:
            results["isolation"] = isolation(base, normal, args.step_seconds)
            print("isolation", json.dumps(results["isolation"]), flush=True)

        alone = trivial_p99(base, args.step_seconds)
        burners = [subprocess.Popen([sys.executable, "-c", BURNER]) for _ in range(os.cpu_count() or 2)]
        stop = threading.Event()
        threads, heavy_statuses = heavy_clients(base, 2, stop)
        time.sleep(1.0)
        try:
            saturated = trivial_p99(base, args.step_seconds)
        finally:
            stop.set()
            for burner in burners:
                burner.kill()
                burner.wait()
            for thread in threads:
                thread.join(timeout=60)
        results["saturation"] = {
            "cpu_burners": len(burners),
            "heavy_answers": {str(s): heavy_statuses.count(s) for s in sorted(set(heavy_statuses))},
            "alone": alone,
            "saturated": saturated,
        }
        print("saturation", json.dumps(results["saturation"]), flush=True)

        if args.soak_seconds > 0:
            soak_rate = max(0.7 * sustainable, 5.0)
            asyncio.run(open_loop(base, soak_rate, 10, MIX))  # settle before the first reading
            before = rss_kib(server.pid)
            soak = asyncio.run(open_loop(base, soak_rate, args.soak_seconds, MIX))
            after = rss_kib(server.pid)
            results["soak"] = {
                "rate_per_s": soak_rate,
                "seconds": args.soak_seconds,
                **soak.summary(args.soak_seconds),
                "rss_start_kib": before,
                "rss_end_kib": after,
                "rss_growth_pct": round(100 * (after - before) / before, 2),
            }
            print("soak", json.dumps(results["soak"]), flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    out = ROOT / "loadtest" / "results"
    out.mkdir(parents=True, exist_ok=True)
    target = out / time.strftime("%Y%m%dT%H%M%S.json")
    target.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
