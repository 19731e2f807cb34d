"""`imvokg build`: from Turtle files to a validated, reasoned, queryable store.

Steps, each of which can stop the build with a readable message:
parse every file -> SHACL-validate the curated graph -> HermiT consistency
and inference -> load each file into its own named graph of a *new* store ->
materialise derived triples -> run the data checks -> swap the new store in.
The previous store stays in place until the last step, so a failed build
changes nothing a running server sees.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, XSD

from imvokg import __version__
from imvokg.config import var_layout
from imvokg.derive import materialise_store
from imvokg.errors import ImvokgError, ValidationFailed
from imvokg.ingest import SourceFile, discover, fingerprint, parse_file
from imvokg.label_index import SAVED_FILE as LABELS_FILE
from imvokg.label_index import LabelIndex
from imvokg.messages import N_, Deferred
from imvokg.namespaces import EDITORIAL_TRANSLATIONS, GRAPH, INFERRED_GRAPH, META_GRAPH
from imvokg.queries import check_queries, default_registry
from imvokg.reasoning import reasoner_input, run_hermit
from imvokg.resources import resource_dir
from imvokg.snapshots import Snapshots, event_graph
from imvokg.store.base import Term
from imvokg.store.embedded import EmbeddedStore
from imvokg.store.remote import RemoteStore

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What the build did, for the terminal and for `var/build.json`."""

    store_path: str
    version: str
    fingerprint: str
    files: int
    triples: int
    inferred_triples: int
    graphs: int
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    skipped: bool = False

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _quiet(_: str) -> None:
    return None


def _named(name: str) -> str:
    """The text of a named query (queries/statistics/ holds the build's)."""
    return default_registry().get(name).text


def build_fingerprint(sources: list[SourceFile]) -> str:
    code = resource_dir("queries")
    construct = sorted((code / "construct").glob("*.rq"))
    extra = [p.read_text() for p in construct] + [__version__]
    return fingerprint(sources, *extra)


def is_up_to_date(store_path: Path) -> bool:
    """True when the store was built from exactly the current inputs."""
    stamp = var_layout(store_path).build_stamp
    if not store_path.exists() or not stamp.exists():
        return False
    try:
        recorded = json.loads(stamp.read_text())["fingerprint"]
    except (ValueError, KeyError):
        return False
    return recorded == build_fingerprint(discover())


def build(
    store_path: Path,
    *,
    reason: bool = True,
    progress: Progress = _quiet,
    extra_files: tuple[Path, ...] = (),
    bulk_files: tuple[Path, ...] = (),
) -> BuildReport:
    """Build a fresh store next to ``store_path`` and swap it in when all is well."""
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 3)
        return now

    sources = discover(extra=extra_files)
    progress(Deferred(N_("parsing the source files (%(num)s)"), num=len(sources)))
    # Translations are language-tagged text only: neither validated nor reasoned over, so the
    # store's own Turtle parser loads them (rdflib would take seconds for 23 languages).
    graphs = {source.graph_iri: parse_file(source) for source in sources if source.folder != "translations"}
    texts = [source for source in sources if source.folder == "translations"]
    t = lap("parse", started)

    ontology = Graph()
    data = Graph()
    for source in sources:
        if source.folder == "ontology":
            ontology += graphs[source.graph_iri]
        elif source.folder == "data":
            data += graphs[source.graph_iri]

    progress(Deferred(N_("validating against the SHACL shapes")))
    from imvokg.validation import validate_graph

    report = validate_graph(data + ontology, profile="curated")
    if not report.conforms:
        raise ValidationFailed(
            "the data does not conform to the shapes:\n" + report.summary_text(), report=report
        )
    t = lap("validate", t)

    inferred = Graph()
    if reason:
        progress(Deferred(N_("reasoning with HermiT (consistency, classification, derived parties)")))
        tbox = ontology + Graph().parse(resource_dir("ontology") / "imports" / "stubs.ttl")
        inferred = run_hermit(reasoner_input(tbox, data)).inferred
        t = lap("reason", t)

    store_path = store_path.absolute()
    store_path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = store_path.parent / f"{store_path.name}-{stamp}"
    progress(Deferred(N_("loading the named graphs into a new store (%(num)s)"), num=len(sources)))
    store = EmbeddedStore(target)
    try:
        sources_data = {
            iri: (graph.serialize(format="nt", encoding="utf-8"), "application/n-triples")
            for iri, graph in graphs.items()
        }
        sources_data.update({source.graph_iri: (source.path.read_bytes(), "text/turtle") for source in texts})
        store.bulk_load_graphs(sources_data)
        sizes = {iri: len(graph) for iri, graph in graphs.items()}
        sizes.update({source.graph_iri: _graph_size(store, source.graph_iri) for source in texts})
        store.bulk_load(inferred.serialize(format="nt", encoding="utf-8"), graph=str(INFERRED_GRAPH))
        for path in bulk_files:
            # Synthetic or other large N-Triples: the store's bulk loader, no SHACL, no HermiT
            # (pyshacl and HermiT take hours at millions of triples); the construct queries and
            # the data checks below still run over them.
            progress(Deferred(N_("bulk loading %(file)s"), file=path.name))
            store.bulk_load(path.read_bytes(), graph=bulk_graph_iri(path))
        t = lap("load", t)

        progress(Deferred(N_("materialising derived triples into graph/inferred")))
        materialise_store(store)
        t = lap("materialise", t)

        progress(Deferred(N_("running the data checks")))
        failures = []
        for check in check_queries():
            found = store.select(check.text)
            if len(found):
                sample = ", ".join(" ".join(term.value for term in row.values()) for row in found.rows[:5])
                failures.append(f"{check.title}: {len(found)} found, e.g. {sample}")
        if failures:
            raise ValidationFailed("data checks failed:\n  " + "\n  ".join(failures))
        t = lap("checks", t)

        carried = carry_over_publications(store_path, store)
        if carried:
            progress(
                Deferred(
                    N_("graphs (approvals, decisions) carried over from the previous store: %(num)s"),
                    num=carried,
                )
            )

        version = f"{__version__}+{stamp}"
        built_at = datetime.now(UTC)
        event_iri, event = event_graph(
            kind="build", moment=built_at, actor=None, label=f"Build of release {version}"
        )
        store.bulk_load(event.serialize(format="nt", encoding="utf-8"), graph=event_iri)
        store.bulk_load(
            _meta_graph(sources, sizes, version).serialize(format="nt", encoding="utf-8"),
            graph=META_GRAPH,
        )
        store.set_version(version)
        progress(Deferred(N_("indexing the names for label search")))
        LabelIndex(store).save(target / LABELS_FILE)
        counts = _class_counts(store)
        triples = store.triple_count()
        graph_count = len(store.graph_names())  # sources, inferred, meta, the build event, carried ones
        size = _named("graph-size")
        inferred_count = int(
            store.select(size, bindings={"g": Term.iri(str(INFERRED_GRAPH))}).rows[0]["n"].value
        )
        store.optimize()
        store.close()
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise

    _swap_in(target, store_path)
    _snapshot(target, built_at)
    t = lap("swap", t)
    result = BuildReport(
        store_path=str(store_path),
        version=version,
        fingerprint=build_fingerprint(sources),
        files=len(sources),
        triples=triples,
        inferred_triples=inferred_count,
        graphs=graph_count,
        seconds=timings,
        counts=counts,
    )
    timings["total"] = round(time.perf_counter() - started, 3)
    var_layout(store_path).build_stamp.write_text(json.dumps(result.to_dict(), indent=2))
    return result


def _snapshot(target: Path, moment: datetime) -> None:
    """The new release as the registry's state from the build on (``as_of``, ``/sparql?release=``)."""
    built = EmbeddedStore(target)
    try:
        Snapshots(var_layout(target).history).take(built, moment)
    finally:
        built.close()


def bulk_graph_iri(path: Path) -> str:
    """The named graph of a bulk-loaded file: ``graph/extra-{stem}``."""
    stem = path.name.split(".", 1)[0].lower().replace("_", "-")
    return str(GRAPH[f"extra-{stem}"])


def publish_to_remote(store_path: Path, remote: RemoteStore, *, progress: Progress = _quiet) -> str:
    """Load every named graph of a built embedded store into a remote store; the version goes last.

    Each graph is replaced with a GSP PUT (or a SPARQL update when the store
    has no GSP endpoint). The meta graph, which carries the version triple,
    is written after all the others, so a reader of the remote store never
    sees the new version with half of the new data. Graphs in the remote
    store that this build does not have are left alone.
    """
    built = EmbeddedStore(store_path, read_only=True)
    try:
        version = built.version()
        names = [g for g in built.graph_names() if g != META_GRAPH] + [META_GRAPH]
        for number, graph in enumerate(names, 1):
            progress(
                Deferred(
                    N_("loading graph %(number)s/%(total)s %(graph)s"),
                    number=number,
                    total=len(names),
                    graph=graph,
                )
            )
            body = built.construct(_named("graph-statements"), bindings={"g": Term.iri(graph)})
            remote.put_graph(graph, body)
    finally:
        built.close()
    remote.set_version(version)
    return version


PUBLISHED_PREFIXES = (
    str(GRAPH["submission-"]),
    str(GRAPH["decision-"]),
    str(GRAPH["peer/"]),
    str(GRAPH["versions-"]),
    str(GRAPH["event-"]),
)
"""Graphs only the store holds: approvals, decisions, their proofs, and what was harvested from peers."""


def carry_over_publications(previous: Path, store: EmbeddedStore) -> int:
    """Copy what approvals published (never in data/) from the previous store into the new one.

    Curated files are rebuilt from data/; approved submissions and recognition
    decisions (with their proofs), and the decisions harvested from other
    registries, exist only in the store, in their own named graphs, so a rebuild
    must carry them over or it would silently withdraw them.
    """
    if not previous.exists():
        return 0
    old = EmbeddedStore(previous.resolve(), read_only=True)
    try:
        names = [g for g in old.graph_names() if g.startswith(PUBLISHED_PREFIXES)]
        for name in names:
            triples = old.construct(_named("graph-statements"), bindings={"g": Term.iri(name)})
            store.bulk_load(triples, graph=name)
    finally:
        old.close()
    return len(names)


def _swap_in(target: Path, link: Path) -> None:
    """Point ``link`` at the new store atomically; keep one previous build."""
    if link.exists() and not link.is_symlink():
        raise ImvokgError(
            N_("%(link)s exists and is not a store link made by `imvokg build`; move it away"), link=link
        )
    tmp_link = link.parent / f".{link.name}.new"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(target.name)
    previous = link.resolve() if link.is_symlink() else None
    os.replace(tmp_link, link)
    for old in sorted(link.parent.glob(f"{link.name}-*")):
        if old not in {target, previous}:
            shutil.rmtree(old, ignore_errors=True)


def _graph_size(store: EmbeddedStore, iri: str) -> int:
    rows = store.select(_named("graph-size"), bindings={"g": Term.iri(iri)}).rows
    return int(rows[0]["n"].value)


def _meta_graph(sources: list[SourceFile], sizes: dict[str, int], version: str) -> Graph:
    """One dcat:Dataset per named graph: file, hash, size and build time (provenance)."""
    meta = Graph()
    now = Literal(datetime.now(UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime)
    for source in sources:
        node = URIRef(source.graph_iri)
        meta.add((node, RDF.type, DCAT.Dataset))
        meta.add((node, DCTERMS.title, Literal(source.relative)))
        meta.add((node, DCTERMS.identifier, Literal(source.sha256)))
        meta.add((node, PROV.generatedAtTime, now))
        meta.add((node, DCTERMS.hasVersion, Literal(version)))
        meta.add((node, URIRef("http://rdfs.org/ns/void#triples"), Literal(sizes[source.graph_iri])))
        if source.folder == "translations":
            meta.add((node, DCTERMS.source, EDITORIAL_TRANSLATIONS))
            meta.add((node, DCTERMS.language, Literal(Path(source.relative).stem)))
    inferred = URIRef(str(INFERRED_GRAPH))
    meta.add((inferred, RDF.type, DCAT.Dataset))
    meta.add((inferred, DCTERMS.title, Literal("Triples added by the reasoner and the construct queries")))
    meta.add((inferred, PROV.generatedAtTime, now))
    meta.add((URIRef(str(GRAPH["meta"])), DCTERMS.modified, now))
    return meta


def _class_counts(store: EmbeddedStore) -> dict[str, int]:
    rows = store.select(_named("class-counts"))
    return {row["class"].value.rsplit("#", 1)[-1]: int(row["n"].value) for row in rows}
