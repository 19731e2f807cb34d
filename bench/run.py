"""The benchmark: the same six questions, the same generated data, every engine, one run.

    python bench/run.py --sizes 10k,100k,1M        (make bench)
    python bench/run.py --sizes 10k --quick        (the CI smoke run)

For each size it generates the data (`imvokg synth`), builds the store
(`imvokg build --extra`), exports the built dataset as N-Quads and starts, on
free loopback ports: imvokg over the embedded store, a raw Oxigraph server
loaded with the same N-Quads, imvokg with that Oxigraph server behind it,
rdflib-endpoint over the same N-Quads, and the HTTP floor (a constant FastAPI
route under uvicorn). rdflib in memory runs in this process. imvokg is asked
through its domain endpoints (what a user calls); the SPARQL engines get the
text of the same named query with the same values bound. imvokg's /sparql is
measured too, with the SPARQL text, against the raw server.

Reported per engine and question: the first call (for imvokg, the cache
miss), median and p95 of the calls after it, throughput with 8 concurrent
clients, and the ratio imvokg / alternative. Results go to
bench/results/<timestamp>.json and .md with a description of the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONCURRENCY = 8

SECTOR = "https://w3id.org/imvokg/scheme/sector/garment-textile"


@dataclass(frozen=True)
class Question:
    """One question: imvokg's domain URL, and the named query + bindings for SPARQL engines."""

    key: str
    title: str
    path: str
    query: str
    bindings: dict[str, tuple[str, str]]  # name -> (kind, value)


QUESTIONS = (
    Question(
        "q1", "agreements covering the salient risks of a sector",
        "/api/v1/coverage?sector=garment-textile", "sector-coverage", {"sector": ("iri", SECTOR)},
    ),
    Question(
        "q2", "coverage gaps of a sector", "/api/v1/gaps?sector=garment-textile&basis=any",
        "sector-gaps", {"sector": ("iri", SECTOR)},
    ),
    Question(
        "q3", "recognitions valid on a date", "/api/v1/recognitions?valid_on=2027-06-01",
        "recognitions", {"valid_on": ("date", "2027-06-01")},
    ),
    Question(
        "q4", "multilingual label search", "/queries/label-search?text=kinder&lang=nl",
        "label-search", {"text": ("string", "kinder"), "lang": ("lang", "nl")},
    ),
    Question(
        "q5", "agreements of a sector with their members", "/api/v1/agreements?sector=garment-textile",
        "agreements", {"sector": ("iri", SECTOR)},
    ),
    Question(
        "q6", "one agreement's description", "/api/v1/agreements/nl-garment-textile",
        "agreement-summary",
        {"agreement": ("iri", "https://w3id.org/imvokg/id/agreement/nl-garment-textile"),
         "lang": ("lang", "en")},
    ),
)  # fmt: skip


def sparql_text(question: Question) -> str:
    """The named query with its values bound exactly as imvokg binds them (a VALUES block)."""
    from imvokg.queries import default_registry
    from imvokg.store.base import Term, with_values

    terms = {}
    for name, (kind, value) in question.bindings.items():
        if kind == "iri":
            terms[name] = Term.iri(value)
        elif kind == "date":
            terms[name] = Term.literal(value, datatype="http://www.w3.org/2001/XMLSchema#date")
        else:
            terms[name] = Term.literal(value)
    return with_values(default_registry().get(question.query).text, terms)


# -- processes ------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Processes:
    """Every server this run starts, stopped at the end whatever happens."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, argv: list[str], ready_url: str, *, env: dict[str, str] | None = None,
              timeout: float = 900, post: bool = False) -> None:  # fmt: skip
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        self.running.append(process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.logs / (name + '.log')}")
            try:
                response = (
                    httpx.post(ready_url, data={"query": "ASK {}"}, timeout=2)
                    if post
                    else httpx.get(ready_url, timeout=2)
                )
                if response.status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not start in {timeout:.0f} s")

    def stop_all(self) -> None:
        for process in reversed(self.running):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()


# -- data -------------------------------------------------------------------------
def parse_size(text: str) -> int:
    from imvokg.synth import parse_size as parse

    return parse(text)


def prepare(
    size: str, work: Path, *, reason: bool, seed: int, log: Callable[[str], None]
) -> dict[str, object]:
    """Synth, build and export one size; reused when the same size and seed were built before."""
    target = work / size
    marker = target / "ready.json"
    key = hashlib.sha256(f"{size}/{seed}/{reason}".encode()).hexdigest()[:12]
    if marker.exists() and json.loads(marker.read_text()).get("key") == key:
        log(f"[{size}] reusing {target}")
        return dict(json.loads(marker.read_text()))
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    synth = target / "synth.nt"
    imvokg = str(BIN / "imvokg")
    started = time.perf_counter()
    subprocess.run([imvokg, "synth", "--triples", size, "--seed", str(seed), "-o", str(synth)], check=True)
    synth_s = time.perf_counter() - started
    log(f"[{size}] building the store")
    started = time.perf_counter()
    argv = [imvokg, "build", "--store", str(target / "store"), "--no-dumps", "--extra", str(synth)]
    subprocess.run(argv + ([] if reason else ["--no-reason"]), check=True, stdout=subprocess.DEVNULL)
    build_s = time.perf_counter() - started
    from imvokg.store.embedded import EmbeddedStore

    store = EmbeddedStore(target / "store", read_only=True)
    triples = store.triple_count()
    (target / "data.nq").write_bytes(store.dump("application/n-quads"))
    store.close()
    log(f"[{size}] loading the Oxigraph server store")
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(target / "oxigraph"), "--file", str(target / "data.nq")],  # noqa: E501
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    info = {
        "key": key, "size": size, "triples": triples, "synth_s": round(synth_s, 2),
        "build_s": round(build_s, 2), "oxigraph_load_s": round(time.perf_counter() - started, 2),
        "store_bytes": sum(p.stat().st_size for p in (target / "store").resolve().rglob("*") if p.is_file()),
    }  # fmt: skip
    marker.write_text(json.dumps(info))
    return info


# -- measuring ----------------------------------------------------------------------
@dataclass
class Measure:
    first_ms: float | None = None
    samples_ms: list[float] = field(default_factory=list)
    throughput_rps: float | None = None
    error: str | None = None

    def summary(self) -> dict[str, object]:
        samples = sorted(self.samples_ms)
        p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))] if samples else None
        return {
            "first_ms": _r(self.first_ms),
            "median_ms": _r(statistics.median(samples)) if samples else None,
            "p95_ms": _r(p95),
            "n": len(samples),
            "throughput_rps": _r(self.throughput_rps),
            "error": self.error,
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def measure(call: Callable[[], object], make_call: Callable[[], Callable[[], object]], *,
            iterations: int, budget_s: float, throughput_s: float) -> Measure:  # fmt: skip
    """First call, then up to ``iterations`` calls within ``budget_s``, then 8 concurrent clients."""
    result = Measure()
    try:
        started = time.perf_counter()
        call()
        result.first_ms = (time.perf_counter() - started) * 1000
        deadline = time.monotonic() + budget_s
        for _ in range(iterations):
            started = time.perf_counter()
            call()
            result.samples_ms.append((time.perf_counter() - started) * 1000)
            if time.monotonic() > deadline:
                break
    except Exception as exc:  # a slow or failing engine is reported, not fatal
        result.error = f"{type(exc).__name__}: {str(exc)[:200]}"
        return result
    if result.samples_ms and statistics.median(result.samples_ms) < 500:
        result.throughput_rps = concurrent(make_call, throughput_s)
    return result


def concurrent(make_call: Callable[[], Callable[[], object]], seconds: float) -> float:
    """Requests per second completed by 8 clients, each with its own connection, for ``seconds``."""
    counts = [0] * CONCURRENCY
    stop = threading.Event()

    calls = [make_call() for _ in range(CONCURRENCY)]  # connections are made before the clock starts

    def client(index: int) -> None:
        call = calls[index]
        while not stop.is_set():
            call()
            counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    return sum(counts) / (time.perf_counter() - started)


def http_get(base: str, path: str, timeout: float) -> Callable[[], Callable[[], object]]:
    def make() -> Callable[[], object]:
        client = httpx.Client(base_url=base, timeout=timeout)

        def call() -> object:
            response = client.get(path)
            response.raise_for_status()
            return response.content

        return call

    return make


def http_sparql(
    url: str, query: str, timeout: float, *, union: bool = False, distinct_text: bool = False
) -> Callable[[], Callable[[], object]]:
    """POST the query; with ``distinct_text`` each call adds a numbered comment, so no answer cache helps."""
    data = {"query": query, **({"union-default-graph": "true"} if union else {})}
    counter = iter(range(10**9))

    def make() -> Callable[[], object]:
        client = httpx.Client(timeout=timeout)

        def call() -> object:
            form = {**data, "query": f"{query}\n# call {next(counter)}"} if distinct_text else data
            response = client.post(url, data=form, headers={"Accept": "application/sparql-results+json"})
            response.raise_for_status()
            return response.content

        return call

    return make


# -- the run --------------------------------------------------------------------------
def machine() -> dict[str, object]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    mem = next(
        (int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal")), 0,
    )  # fmt: skip
    versions = {}
    for package in (
        "imvokg",
        "pyoxigraph",
        "oxigraph",
        "rdflib",
        "rdflib-endpoint",
        "fastapi",
        "uvicorn",
        "httpx",
    ):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "nproc": os.cpu_count(), "memory_bytes": mem, "cpu": cpu, "python": platform.python_version(),
        "platform": platform.platform(), "versions": versions,
    }  # fmt: skip


def run_size(
    size: str, args: argparse.Namespace, work: Path, log: Callable[[str], None]
) -> dict[str, object]:
    info = prepare(size, work, reason=not args.no_reason, seed=args.seed, log=log)
    target = work / size
    procs = Processes(target)
    timeout = args.timeout
    engines: dict[str, dict[str, object]] = {}
    common = {"iterations": args.iterations, "budget_s": args.budget, "throughput_s": args.throughput_seconds}
    try:
        ports = {name: free_port() for name in ("imvokg", "imvokg_ox", "oxigraph", "rdflib_ep", "floor")}
        ox_url = f"http://127.0.0.1:{ports['oxigraph']}/query"
        # no warm-up (first calls are measured as misses) and no /sparql rate limit (the load is ours)
        serve = [str(BIN / "imvokg"), "serve", "--host", "127.0.0.1", "--no-warm"]
        unlimited = {"IMVOKG_SPARQL_RATE_PER_S": "0"}
        log(f"[{size}] starting the servers")
        procs.start("oxigraph", [str(BIN / "oxigraph"), "serve-read-only", "--location", str(target / "oxigraph"),  # noqa: E501
                                 "--bind", f"127.0.0.1:{ports['oxigraph']}"], ox_url, post=True)  # fmt: skip
        procs.start("imvokg", [*serve, "--port", str(ports["imvokg"]), "--store", str(target / "store")],
                    f"http://127.0.0.1:{ports['imvokg']}/healthz", env={"IMVOKG_READ_ONLY": "true", **unlimited})  # fmt: skip  # noqa: E501
        procs.start("imvokg-oxigraph", [*serve, "--port", str(ports["imvokg_ox"]), "--endpoint", ox_url],
                    f"http://127.0.0.1:{ports['imvokg_ox']}/healthz", env=unlimited)  # fmt: skip
        procs.start("floor", [str(BIN / "uvicorn"), "floor_app:app", "--app-dir", str(ROOT / "bench"),
                              "--port", str(ports["floor"]), "--log-level", "warning"],
                    f"http://127.0.0.1:{ports['floor']}/constant")  # fmt: skip
        imvokg = f"http://127.0.0.1:{ports['imvokg']}"
        imvokg_ox = f"http://127.0.0.1:{ports['imvokg_ox']}"
        floor = http_get(f"http://127.0.0.1:{ports['floor']}", "/constant", timeout)
        engines["http-floor"] = {"all": measure(floor(), floor, **common).summary()}
        texts = {q.key: sparql_text(q) for q in QUESTIONS}

        def run_engine(name: str, factory: Callable[[Question], Callable[[], Callable[[], object]]]) -> None:
            log(f"[{size}] {name}")
            engines[name] = {}
            for question in QUESTIONS:
                make = factory(question)
                engines[name][question.key] = measure(make(), make, **common).summary()

        run_engine("imvokg (embedded)", lambda q: http_get(imvokg, q.path, timeout))
        run_engine("imvokg (Oxigraph server)", lambda q: http_get(imvokg_ox, q.path, timeout))
        run_engine("oxigraph server", lambda q: http_sparql(ox_url, texts[q.key], timeout, union=True))
        run_engine("imvokg /sparql", lambda q: http_sparql(imvokg + "/sparql", texts[q.key], timeout))
        run_engine(
            "imvokg /sparql, every query new",
            lambda q: http_sparql(imvokg + "/sparql", texts[q.key], timeout, distinct_text=True),
        )
        if parse_size(size) <= args.rdflib_max:
            log(f"[{size}] loading rdflib-endpoint")
            procs.start("rdflib-endpoint", [sys.executable, str(ROOT / "bench" / "rdflib_endpoint_app.py"),
                                            str(target / "data.nq"), str(ports["rdflib_ep"])],
                        f"http://127.0.0.1:{ports['rdflib_ep']}/", post=True)  # fmt: skip
            rdflib_ep = f"http://127.0.0.1:{ports['rdflib_ep']}/"
            run_engine("rdflib-endpoint", lambda q: http_sparql(rdflib_ep, texts[q.key], timeout))
            log(f"[{size}] loading rdflib in memory")
            from rdflib import Dataset

            dataset = Dataset(default_union=True)
            dataset.parse(str(target / "data.nq"), format="nquads")

            def in_memory(q: Question) -> Callable[[], Callable[[], object]]:
                return lambda: lambda: list(dataset.query(texts[q.key]))

            run_engine("rdflib in memory", in_memory)
            del dataset
    finally:
        procs.stop_all()
    result: dict[str, object] = {"size": size, "data": info, "engines": engines}
    if not args.no_writes:
        log(f"[{size}] answers across writes (bench/writes.py)")
        from writes import measure as measure_writes

        result["writes"] = measure_writes(target / "store", target, rounds=1 if args.quick else 3)
        log(f"[{size}] answers as of a past moment against today's (bench/as_of.py)")
        from as_of import measure as measure_as_of

        result["as_of"] = measure_as_of(target / "store", target)
    return result


def ratios(result: dict[str, object]) -> dict[str, dict[str, float | None]]:
    """imvokg (embedded) median / alternative median, per question."""
    engines = result["engines"]
    ours = engines["imvokg (embedded)"]  # type: ignore[index]
    out: dict[str, dict[str, float | None]] = {}
    for name, per_question in engines.items():  # type: ignore[union-attr]
        if name.startswith(("imvokg (embedded)", "imvokg /sparql")) or name == "http-floor":
            continue
        out[name] = {}
        for key, summary in per_question.items():
            mine, theirs = ours.get(key, {}).get("median_ms"), summary.get("median_ms")
            out[name][key] = round(mine / theirs, 4) if mine and theirs else None
    raw = engines.get("oxigraph server", {})  # type: ignore[union-attr]
    for name in ("imvokg /sparql", "imvokg /sparql, every query new"):
        if name in engines:  # type: ignore[operator]
            out[f"{name} / oxigraph server"] = {
                key: (round(mine / theirs, 4) if mine and theirs else None)
                for key, summary in engines[name].items()  # type: ignore[index]
                for mine, theirs in [(summary.get("median_ms"), raw.get(key, {}).get("median_ms"))]
            }
    floor = engines["http-floor"]["all"]["median_ms"]  # type: ignore[index]
    out["http-floor"] = {
        k: (round(v["median_ms"] / floor, 3) if v.get("median_ms") and floor else None)
        for k, v in ours.items()
    }
    return out


def markdown(report: dict[str, object]) -> str:
    m = report["machine"]
    lines = [
        f"# imvokg benchmark {report['started']}",
        "",
        f"`{report['command']}`",
        "",
        f"Machine: {m['cpu']}, {m['nproc']} CPUs, {m['memory_bytes'] / 2**30:.1f} GiB; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v),
        "",
        "Milliseconds: median / p95 (first call); throughput in requests/s with 8 concurrent clients.",
    ]
    for result in report["results"]:
        d = result["data"]
        lines += [
            "",
            f"## {result['size']}: {d['triples']} triples (build {d['build_s']} s, store {d['store_bytes'] / 2**20:.0f} MiB)",  # noqa: E501
            "",
            "| engine | " + " | ".join(f"{q.key} {q.title}" for q in QUESTIONS) + " |",
            "| --- | " + " | ".join("---" for _ in QUESTIONS) + " |",
        ]
        floor = result["engines"]["http-floor"]["all"]
        lines.append(
            f"| HTTP floor | {floor['median_ms']} / {floor['p95_ms']}, {floor['throughput_rps']} req/s |"
        )
        for name, per_question in result["engines"].items():
            if name == "http-floor":
                continue
            cells = []
            for q in QUESTIONS:
                s = per_question.get(q.key, {})
                if s.get("error"):
                    cells.append(f"error: {s['error'][:60]}")
                    continue
                rps = f", {s['throughput_rps']:.0f} req/s" if s.get("throughput_rps") else ""
                cells.append(f"{s['median_ms']} / {s['p95_ms']} ({s['first_ms']}){rps}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "Ratios of medians: imvokg (embedded) / each alternative; the `/sparql` rows are"
            " imvokg's /sparql / the raw Oxigraph server on the same query text:",
            "",
        ]
        lines.append("| vs | " + " | ".join(q.key for q in QUESTIONS) + " |")
        lines.append("| --- | " + " | ".join("---" for _ in QUESTIONS) + " |")
        for name, per_question in result["ratios"].items():
            lines.append(f"| {name} | " + " | ".join(str(per_question.get(q.key)) for q in QUESTIONS) + " |")
        if result.get("writes"):
            from writes import markdown as writes_markdown

            lines += ["", f"### {result['size']}: answers across writes (ms; X-Cache)", ""]
            lines.append(writes_markdown(result["writes"]))
        if result.get("as_of"):
            from as_of import markdown as as_of_markdown

            lines += ["", f"### {result['size']}: as_of against today's answer (ms; X-Cache)", ""]
            lines.append(as_of_markdown(result["as_of"]))
    if report.get("validation"):
        from validation import markdown as validation_markdown

        lines += ["", "## SHACL validation per fixture (bench/validation.py)", ""]
        lines.append(validation_markdown(report["validation"]))  # type: ignore[arg-type]
    return "\n".join(lines) + "\n"


def log(message: str) -> None:
    """Progress on stderr; the report goes to stdout and to files."""
    print(message, file=sys.stderr, flush=True)


def report_head(script: str, argv: list[str] | None, args: argparse.Namespace) -> dict[str, object]:
    """The start of a report (when, the command, the machine); makes the work and output folders."""
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    return {
        "started": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": f"python bench/{script} " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated sizes (default 10k,100k,1M)")
    parser.add_argument("--quick", action="store_true", help="a few iterations only (the CI smoke run)")
    parser.add_argument("--iterations", type=int, default=200, help="calls per engine and question")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per engine and question at most")
    parser.add_argument("--throughput-seconds", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per call")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-reason", action="store_true", help="build without HermiT (no Java needed)")
    parser.add_argument("--rdflib-max", default="1M", help="largest size rdflib engines are run on")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench", help="data and stores")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--no-validation", action="store_true", help="skip the SHACL engine comparison")
    parser.add_argument("--no-writes", action="store_true", help="skip the runs across writes and as_of")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/validation.py, bench/writes.py
    if args.quick:
        args.iterations, args.budget, args.throughput_seconds = 3, 1.0, 0.3
    args.rdflib_max = parse_size(args.rdflib_max)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]

    report = report_head("run.py", argv, args)
    report["questions"] = [
        {"key": q.key, "title": q.title, "path": q.path, "query": q.query} for q in QUESTIONS
    ]
    report["results"] = []
    for size in sizes:
        result = run_size(size, args, args.work, log)
        result["ratios"] = ratios(result)
        report["results"].append(result)  # type: ignore[attr-defined]
    if not args.no_validation:
        log("SHACL engines on the fixtures")
        from validation import measure

        report["validation"] = measure(1 if args.quick else 5)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    json_path = args.out / f"{stamp}.json"
    json_path.write_text(json.dumps(report, indent=2))
    text = markdown(report)
    (args.out / f"{stamp}.md").write_text(text)
    print(text)
    print(f"written {json_path} and {json_path.with_suffix('.md')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
