"""Serving a store that is already built (10M triples takes half an hour to build).

    python bench/scale.py --store /path/to/store [--iterations 30]

Starts `imvokg serve` on the store (read-only, no warm-up) and asks the six
benchmark questions over HTTP: the first call (the cache miss, and for label
search the reading of every name into the label index) and the median of the
calls after it, then the same SPARQL text straight on the store with
pyoxigraph (no HTTP: the fastest a plain engine can do on this data), and the
server's peak memory. Prints a Markdown table; nothing is written.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, QUESTIONS, Processes, free_port, http_get, sparql_text


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(call, iterations: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    call()
    first = (time.perf_counter() - started) * 1000
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return first, statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--raw-iterations", type=int, default=3, help="pyoxigraph runs per question")
    args = parser.parse_args()
    store = args.store.resolve()
    logs = Path("/tmp") / f"imvokg-scale-{int(time.time())}"
    logs.mkdir()
    procs = Processes(logs)
    port = free_port()
    rows = []
    try:
        started = time.perf_counter()
        procs.start("imvokg", [str(BIN / "imvokg"), "serve", "--port", str(port), "--store", str(store),
                               "--no-warm"], f"http://127.0.0.1:{port}/healthz",
                    env={"IMVOKG_READ_ONLY": "true", "IMVOKG_SPARQL_RATE_PER_S": "0"})  # fmt: skip
        print(f"server up in {time.perf_counter() - started:.1f} s", flush=True)
        pid = procs.running[0].pid
        for question in QUESTIONS:
            call = http_get(f"http://127.0.0.1:{port}", question.path, 600)()
            first, median = timed(call, args.iterations)
            rows.append([question.key, question.title, first, median])
            print(f"{question.key}: first {first:.1f} ms, median {median:.2f} ms", flush=True)
        rss = peak_rss_mib(pid)
    finally:
        procs.stop_all()
    import pyoxigraph as ox

    raw = ox.Store.read_only(str(store))
    for row, question in zip(rows, QUESTIONS, strict=True):
        text = sparql_text(question)

        def ask(text: str = text) -> None:
            list(raw.query(text, use_default_graph_as_union=True))

        first, median = timed(ask, args.raw_iterations)
        row += [first, median]
        print(f"{question.key} pyoxigraph: first {first:.0f} ms, median {median:.0f} ms", flush=True)
    print(f"\nstore {store}, {len(raw)} quads; server peak RSS {rss:.0f} MiB\n")
    print("| question | imvokg first call | imvokg median | pyoxigraph on disk, first | median |")
    print("| --- | --- | --- | --- | --- |")
    for key, title, first, median, raw_first, raw_median in rows:
        print(
            f"| {key} {title} | {first:.0f} ms | {median:.2f} ms | {raw_first:.0f} ms | {raw_median:.0f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
