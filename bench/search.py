"""What search by name costs at scale: the full-text index against SPARQL CONTAINS on the same store.

    python bench/search.py --sizes 1M            (part of make bench)
    python bench/search.py --sizes 10k --quick   (a smoke run)

For each size the data is generated and built as bench/run.py does (and reused
from its work folder). Three ways of answering the same searches are timed:

* **index**: the server's full-text index (``label_index.LabelIndex``, loaded
  from the file the build saved), in this process: case-, accent- and
  near-form-tolerant, every language;
* **http**: ``GET /queries/label-search`` of ``imvokg serve --no-warm`` over
  loopback, every text asked once (so no answer comes from the cache);
* **sparql**: the plain SPARQL form of the same search
  (``queries/pages/label-search.rq``: ``CONTAINS(LCASE(?label), ...)``), on the
  same embedded store, in this process.

The texts are the issue's examples (``securite``, ``kinderarbeit``,
``child labor``) and every prefix, from three letters on, of a few words as a
reader types them. Reported: p50 and p95 per way, the ratio SPARQL / index,
and how many resources each way finds for the examples (SPARQL finds nothing
for ``securite`` or ``child labor``). The target is p95 <= 5 ms for the index.
Results go to bench/results/search-<timestamp>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, ROOT, Processes, free_port, log, prepare, report_head

TARGET_P95_MS = 5.0
EXAMPLES = (("securite", "fr"), ("kinderarbeit", "de"), ("child labor", "en"))
TYPED = (("Kinderarbeit", "de"), ("child labour", "en"), ("sécurité", "fr"), ("garment", "nl"))


def texts() -> list[tuple[str, str]]:
    """The examples, then every prefix of every typed word from three letters on."""
    typed = [(word[:end], lang) for word, lang in TYPED for end in range(3, len(word) + 1)]
    return list(dict.fromkeys([*EXAMPLES, *typed]))


def percentiles(samples: list[float]) -> dict[str, float | int | None]:
    ordered = sorted(samples)
    if not ordered:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(p95, 3),
        "max_ms": round(ordered[-1], 3),
    }


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    answer = call()
    return (time.perf_counter() - started) * 1000, answer


def run_size(size: str, args: argparse.Namespace) -> dict[str, object]:
    from imvokg.label_index import SAVED_FILE, LabelIndex
    from imvokg.queries import default_registry
    from imvokg.store.base import Term
    from imvokg.store.embedded import EmbeddedStore

    info = prepare(size, args.work, reason=not args.no_reason, seed=args.seed, log=log)
    target = args.work / size
    asked = texts()
    result: dict[str, object] = {"size": size, "data": info, "texts": len(asked)}

    store = EmbeddedStore(target / "store", read_only=True)
    try:
        index = LabelIndex(store, saved=target / "store" / SAVED_FILE)
        load_ms, _ = timed(index.refresh)
        result["index_load_ms"] = round(load_ms, 1)
        result["names"] = len(index)
        log(f"[{size}] index: {len(index)} names, loaded in {load_ms:.0f} ms; {len(asked)} texts")
        samples = [timed(lambda t=t, lang=lang: index.search(t, lang))[0] for _ in range(args.rounds)
                   for t, lang in asked]  # fmt: skip
        result["index"] = percentiles(samples)
        found: dict[str, dict[str, int]] = {t: {"index": len(index.search(t, lang))} for t, lang in EXAMPLES}

        query = default_registry().get("label-search").text
        sparql: list[float] = []
        deadline = time.monotonic() + args.budget
        for t, lang in asked:
            if time.monotonic() > deadline:
                break
            bound = {"text": Term.literal(t), "lang": Term.literal(lang)}
            ms, rows = timed(lambda bound=bound: store.select(query, bindings=bound))
            sparql.append(ms)
            if t in found:
                found[t]["sparql"] = len(rows)  # type: ignore[arg-type]
        result["sparql"] = percentiles(sparql)
        result["found"] = found
        log(f"[{size}] sparql: {len(sparql)} texts within the {args.budget:.0f} s budget")
    finally:
        store.close()

    procs = Processes(target)
    try:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        procs.start(
            "imvokg-search",
            [str(BIN / "imvokg"), "serve", "--host", "127.0.0.1", "--no-warm", "--port", str(port),
             "--store", str(target / "store")],
            f"{base}/healthz", env={"IMVOKG_READ_ONLY": "true", "IMVOKG_SPARQL_RATE_PER_S": "0"},
        )  # fmt: skip
        with httpx.Client(base_url=base, timeout=args.timeout) as client:
            client.get("/queries/label-search", params={"text": "warm-up", "lang": "en"}).raise_for_status()
            http: list[float] = []
            caches: dict[str, int] = {}
            for t, lang in asked:
                asked_for = {"text": t, "lang": lang}
                ms, answer = timed(lambda p=asked_for: client.get("/queries/label-search", params=p))
                answer.raise_for_status()  # type: ignore[attr-defined]
                http.append(ms)
                state = answer.headers.get("X-Cache", "none")  # type: ignore[attr-defined]
                caches[state] = caches.get(state, 0) + 1
        result["http"] = {**percentiles(http), "x_cache": caches}
    finally:
        procs.stop_all()
    index_p50, index_p95 = result["index"]["p50_ms"], result["index"]["p95_ms"]  # type: ignore[index]
    sparql_p50, sparql_p95 = result["sparql"]["p50_ms"], result["sparql"]["p95_ms"]  # type: ignore[index]
    result["ratio_sparql_to_index"] = {
        "p50": round(sparql_p50 / index_p50, 1) if sparql_p50 and index_p50 else None,
        "p95": round(sparql_p95 / index_p95, 1) if sparql_p95 and index_p95 else None,
    }
    return result


def markdown(report: dict[str, object]) -> str:
    lines = [
        "# Search by name: full-text index against SPARQL CONTAINS",
        "",
        f"Command: `{report['command']}`; target: index p95 <= {TARGET_P95_MS:.0f} ms.",
        "",
        "| size | triples | names | way | texts | p50 ms | p95 ms | max ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    notes = []
    for result in report["results"]:  # type: ignore[attr-defined]
        for way in ("index", "http", "sparql"):
            m = result[way]
            lines.append(
                f"| {result['size']} | {result['data']['triples']} | {result['names']} | {way} | {m['n']} "
                f"| {m['p50_ms']} | {m['p95_ms']} | {m['max_ms']} |"
            )
        ratio = result["ratio_sparql_to_index"]
        found = ", ".join(
            f"`{t}` {f.get('index')} / {f.get('sparql', '-')}" for t, f in result["found"].items()
        )
        notes.append(
            f"* {result['size']}: SPARQL / index = {ratio['p50']}x at p50, {ratio['p95']}x at p95; "
            f"index loaded in {result['index_load_ms']} ms; X-Cache over HTTP {result['http']['x_cache']}; "
            f"resources found (index / SPARQL): {found}"
        )
    return "\n".join([*lines, "", *notes]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1M", help="comma-separated sizes (default 1M)")
    parser.add_argument("--quick", action="store_true", help="one round, a short SPARQL budget (a smoke run)")
    parser.add_argument("--rounds", type=int, default=20, help="times every text is asked of the index")
    parser.add_argument("--budget", type=float, default=300.0, help="seconds of SPARQL per size at most")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-reason", action="store_true", help="build without HermiT (no Java needed)")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.budget = 1, 10.0

    report = report_head("search.py", argv, args)
    report["results"] = [run_size(s.strip(), args) for s in args.sizes.split(",") if s.strip()]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    json_path = args.out / f"search-{stamp}.json"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    text = markdown(report)
    json_path.with_suffix(".md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
