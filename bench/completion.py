"""What completion in the query editor costs as a reader types: p95 of /sparql/completions.

    python bench/completion.py --sizes 1M            (part of make bench)
    python bench/completion.py --sizes 10k --quick   (a smoke run)

For each size the data is generated and built as bench/run.py does (and reused
from its work folder), imvokg is started over the embedded store without
warm-up, and the editor's requests are replayed: every prefix of a few words
as they are typed (a concept by its German name, a resource by its English one,
a class and a property of the ontology after their prefix), each kind of
completion the page asks for. Reported: the first request (it reads the list of
classes and properties: a scan of the store, once per store version), then the
median and p95 of the rest, against the target of 100 ms at the 95th percentile.
Results go to bench/results/completion-<timestamp>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from itertools import cycle
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, ROOT, Processes, free_port, log, measure, prepare, report_head

IMVO = "https://w3id.org/imvokg/ont#"
TARGET_P95_MS = 100.0
TYPED = (  # (what the reader types, kind, namespace, language)
    ("Kinderarbeit", "resource", "", "de"),
    ("child labour", "resource", "", "en"),
    ("garment", "resource", "", "nl"),
    ("IrbcAgreement", "class", IMVO, "en"),
    ("coversRiskTopic", "property", IMVO, "en"),
)


def requests() -> list[dict[str, str]]:
    """Every prefix of every typed word, as the editor asks for it (from two letters on)."""
    asked = []
    for word, kind, namespace, lang in TYPED:
        for end in range(2, len(word) + 1):
            asked.append({"text": word[:end], "kind": kind, "namespace": namespace, "lang": lang})
    return asked


def run_size(size: str, args: argparse.Namespace) -> dict[str, object]:
    info = prepare(size, args.work, reason=not args.no_reason, seed=args.seed, log=log)
    target = args.work / size
    procs = Processes(target)
    try:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        procs.start(
            "imvokg-completion",
            [str(BIN / "imvokg"), "serve", "--host", "127.0.0.1", "--no-warm", "--port", str(port),
             "--store", str(target / "store")],
            f"{base}/healthz", env={"IMVOKG_READ_ONLY": "true", "IMVOKG_SPARQL_RATE_PER_S": "0"},
        )  # fmt: skip

        def make() -> object:
            client = httpx.Client(base_url=base, timeout=args.timeout)
            asked = cycle(requests())

            def call() -> object:
                answer = client.get("/sparql/completions", params=next(asked))
                answer.raise_for_status()
                return answer.json()

            return call

        calls = len(requests()) * args.rounds
        summary = measure(
            make(), make, iterations=calls, budget_s=args.budget, throughput_s=args.throughput_seconds
        )  # type: ignore[arg-type]
        return {"size": size, "data": info, "completion": summary.summary(), "requests": len(requests())}
    finally:
        procs.stop_all()


def markdown(report: dict[str, object]) -> str:
    lines = [
        "# Completion in the query editor (/sparql/completions)",
        "",
        f"Command: `{report['command']}`; target: p95 <= {TARGET_P95_MS:.0f} ms.",
        "",
        "| size | triples | first ms | median ms | p95 ms | calls | req/s (8 clients) | p95 within target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in report["results"]:  # type: ignore[attr-defined]
        c = result["completion"]
        p95 = c["p95_ms"]
        within = "yes" if p95 is not None and p95 <= TARGET_P95_MS else "no"
        lines.append(
            f"| {result['size']} | {result['data']['triples']} | {c['first_ms']} | {c['median_ms']} "
            f"| {p95} | {c['n']} | {c['throughput_rps']} | {within} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1M", help="comma-separated sizes (default 1M)")
    parser.add_argument("--quick", action="store_true", help="one round only (a smoke run)")
    parser.add_argument("--rounds", type=int, default=5, help="times every typed prefix is asked")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per size at most")
    parser.add_argument("--throughput-seconds", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-reason", action="store_true", help="build without HermiT (no Java needed)")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.budget, args.throughput_seconds = 1, 10.0, 0.3

    report = report_head("completion.py", argv, args)
    report["results"] = [run_size(s.strip(), args) for s in args.sizes.split(",") if s.strip()]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    json_path = args.out / f"completion-{stamp}.json"
    json_path.write_text(json.dumps(report, indent=2))
    text = markdown(report)
    json_path.with_suffix(".md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
