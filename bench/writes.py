"""Answers across writes: warm, first call after an approval / a withdrawal, and the writes' own time.

    python bench/writes.py --store var/bench/100k/store       (make bench runs it for every size)

On a copy of a built store, a writable `imvokg serve` (no warm-up) is asked
each question until warm; then, per round, an agreement on a sector of its own
is submitted and approved over HTTP (or a recognition withdrawn) and every
question is asked once right after the approval is acknowledged: the first
call after the write, as the next reader meets it. Reported per question: the
warm median, each first-after-write call (ms and whether the server computed
it: X-Cache), and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FIXTURE = ROOT / "tests" / "shapes" / "valid" / "agreement-complete.ttl"
PATHS = {
    "q1": "/api/v1/coverage?sector=garment-textile",
    "q2": "/api/v1/gaps?sector=garment-textile&basis=any",
    "q3": "/api/v1/recognitions?valid_on=2027-06-01",
    "q4": "/queries/label-search?text=kinder&lang=nl",
    "q5": "/api/v1/agreements?sector=garment-textile",
    "q6": "/api/v1/agreements/nl-garment-textile",
    # the other domain answers an approval changes: every agreement, every recognition, the gaps
    # left by recognised agreements (the default basis)
    "q7": "/api/v1/agreements",
    "q8": "/api/v1/recognitions",
    "q9": "/api/v1/gaps?sector=garment-textile",
}


def agreement(slug: str) -> bytes:
    """The fixture agreement under another IRI, without its copies of published risk topics."""
    text = FIXTURE.read_text(encoding="utf-8").replace("agr:example-widgets", f"agr:{slug}")
    start = text.index("rt:labour-rights a imvo:RiskTopic")
    return (text[:start] + text[text.index("sector:example-widgets a imvo:Sector") :]).encode()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timed(client: httpx.Client, path: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed, response.headers.get("X-Cache", "-")


@dataclass
class Writable:
    """A writable `imvokg serve --no-warm` on a copy of a built store, with two keys."""

    server: subprocess.Popen[bytes]
    client: httpx.Client
    submitter: str
    supervisor: str
    store: Path

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=30)
        shutil.rmtree(self.store, ignore_errors=True)


def start_writable(store: Path, work: Path, name: str) -> Writable:
    """Copy `store` into `work` and serve it writable; returns once /healthz answers."""
    from imvokg.services.credentials import Credentials

    target = work / f"{name}-store"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(store.resolve(), target)
    keys = Credentials(work / f"{name}-keys.json")
    submitter = keys.create("bench-submitter", "submitter")[0]
    supervisor = keys.create("bench-supervisor", "supervisor", member_state="NLD")[0]
    port = _free_port()
    env = {"IMVOKG_API_KEYS_FILE": str(work / f"{name}-keys.json"), "IMVOKG_WARM_CACHE": "false"}
    log = (work / f"{name}-server.log").open("wb")
    argv = [str(BIN / "imvokg"), "serve", "--no-warm", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*argv, "--store", str(target)], stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env}
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600)
    deadline = time.monotonic() + 900
    while True:
        try:
            if client.get("/healthz").status_code == 200:
                return Writable(server, client, submitter, supervisor, target)
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.terminate()
            raise RuntimeError(f"the writable server did not start; see {log.name}")
        time.sleep(0.2)


def measure(store: Path, work: Path, *, rounds: int = 3, warm_calls: int = 30) -> dict[str, Any]:
    served = start_writable(store, work, "writes")
    client, submitter, supervisor = served.client, served.submitter, served.supervisor
    try:
        first_start = {key: _timed(client, path)[0] for key, path in PATHS.items()}
        warm = {}
        for key, path in PATHS.items():
            warm[key] = statistics.median(_timed(client, path)[0] for _ in range(warm_calls))
        writes: list[dict[str, Any]] = []
        approved: list[str] = []
        for n in range(rounds):
            slug = f"bench-{int(time.time())}-{n}"
            submitted = client.post(
                "/api/v1/submissions",
                content=agreement(slug),
                headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {submitter}"},
            )
            submitted.raise_for_status()
            path = f"/api/v1/submissions/{submitted.json()['id']}/approve"
            draft = {"valid_from": "2030-02-01", "issued": "2030-01-20"}
            writes.append({"write": "approval", **_write(client, path, draft, supervisor)})
            approved.append(slug)
        draft = {"valid_from": "2031-01-05", "issued": "2031-01-02"}
        path = f"/api/v1/agreements/{approved[0]}/withdraw"
        writes.append({"write": "withdrawal", **_write(client, path, draft, supervisor)})
        submit_ms = []
        for _ in range(3):
            started = time.perf_counter()
            client.post(
                "/api/v1/validate",
                content=agreement("bench-validate"),
                headers={"Content-Type": "text/turtle"},
            )
            submit_ms.append((time.perf_counter() - started) * 1000)
    finally:
        served.stop()
    return {
        "first_after_start_ms": {k: round(v, 1) for k, v in first_start.items()},
        "warm_ms": {k: round(v, 2) for k, v in warm.items()},
        "writes": writes,
        "validate_ms": round(statistics.median(submit_ms), 1),
        "ratios": {
            w["write"] + f" {i}": {k: round(w["after"][k]["ms"] / warm[k], 2) for k in PATHS}
            for i, w in enumerate(writes)
        },
    }


def _write(client: httpx.Client, path: str, draft: dict[str, str], key: str) -> dict[str, Any]:
    """POST one decision; its latency and the first call of every question right after it."""
    started = time.perf_counter()
    response = client.post(path, json=draft, headers={"Authorization": f"Bearer {key}"})
    write_ms = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return {"write_ms": round(write_ms, 1), **_after(client)}


def _after(client: httpx.Client) -> dict[str, Any]:
    after = {}
    for key, path in PATHS.items():
        ms, cache = _timed(client, path)
        after[key] = {"ms": round(ms, 1), "cache": cache}
    return {"after": after}


def markdown(result: dict[str, Any]) -> str:
    keys = list(PATHS)
    lines = [
        "| | " + " | ".join(keys) + " |",
        "| --- | " + " | ".join("---" for _ in keys) + " |",
        "| first after start | " + " | ".join(str(result["first_after_start_ms"][k]) for k in keys) + " |",
        "| warm median | " + " | ".join(str(result["warm_ms"][k]) for k in keys) + " |",
    ]
    for i, write in enumerate(result["writes"]):
        cells = [f"{write['after'][k]['ms']} ({write['after'][k]['cache']})" for k in keys]
        lines.append(
            f"| first after {write['write']} {i} ({write['write_ms']} ms) | " + " | ".join(cells) + " |"
        )
    for name, ratios in result["ratios"].items():
        lines.append(f"| ratio after {name} | " + " | ".join(str(ratios[k]) for k in keys) + " |")
    lines.append("")
    lines.append(
        f"POST /api/v1/validate of one agreement over HTTP: {result['validate_ms']} ms (median of 3)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path, required=True, help="a built store (copied, never written)")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    result = measure(args.store, args.work, rounds=args.rounds)
    print(markdown(result))
    print(json.dumps(result), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
