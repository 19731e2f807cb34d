"""The registry's snapshots and events: what every write, build or approval, leaves behind.

Below the services and the build (both record events and take snapshots); the design is
in docs/HISTORY.md and :mod:`imvokg.services.history` builds on it.
"""

from __future__ import annotations

import gzip
import re
import secrets
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from imvokg.errors import NotFound
from imvokg.messages import N_
from imvokg.namespaces import GRAPH, ID
from imvokg.store import open_snapshot
from imvokg.store.base import Store

EVENT_KINDS = ("approval", "amendment", "rejection", "withdrawal", "adoption", "declination", "build")


def event_graph_iri(token: str) -> str:
    return str(GRAPH[f"event-{token}"])


def event_graph(
    *,
    kind: str,
    moment: datetime,
    actor: URIRef | None,
    label: str,
    subject: str | None = None,
    used: Iterable[URIRef] = (),
    generated: Iterable[URIRef] = (),
) -> tuple[str, Graph]:
    """One registry event as a ``prov:Activity``, in a graph of its own: (graph IRI, graph)."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    token = f"{moment.strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(3)}"
    event = ID[f"event/{token}"]
    graph = Graph()
    graph.add((event, RDF.type, PROV.Activity))
    graph.add((event, DCTERMS.type, Literal(kind)))
    graph.add((event, RDFS.label, Literal(label, lang="en")))
    graph.add((event, PROV.endedAtTime, Literal(moment, datatype=XSD.dateTime)))
    graph.add((event, DCTERMS.source, event))
    if actor is not None:
        graph.add((event, PROV.wasAssociatedWith, actor))
    if subject is not None:
        graph.add((event, DCTERMS.subject, URIRef(subject)))
    for node in used:
        graph.add((event, PROV.used, node))
    for node in generated:
        graph.add((event, PROV.generated, node))
    return event_graph_iri(token), graph


def _stamp_name(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass(frozen=True)
class Snapshot:
    """The whole registry as it stood from ``moment`` until the next snapshot."""

    moment: datetime
    version: str
    path: Path

    @property
    def embedded(self) -> bool:
        return self.path.is_dir()


_SAFE = re.compile(r"[^0-9A-Za-z.+_-]")


class Snapshots:
    """The snapshots of one registry, one per write, in ``<var>/history``.

    A snapshot is named ``{moment}--{version}``: the moment the write was published (the
    journal's strictly increasing stamp, or a build's time) and the store version it left.
    Snapshots are never removed by the registry (see docs/HISTORY.md for the space they take).
    """

    def __init__(self, root: Path, *, keep_open: int = 4) -> None:
        self.root = root
        self._open: OrderedDict[str, Store] = OrderedDict()
        self._keep = keep_open
        self._lock = threading.Lock()

    def all(self) -> list[Snapshot]:
        """Every snapshot, oldest first."""
        if not self.root.exists():
            return []
        found = []
        for path in self.root.iterdir():
            name = path.name.removesuffix(".nq.gz")
            if path.name.startswith(".") or "--" not in name:
                continue
            stamp, _, version = name.partition("--")
            try:
                moment = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
            except ValueError:
                continue
            found.append(Snapshot(moment, version, path))
        return sorted(found, key=lambda s: s.moment)

    def has(self, version: str) -> bool:
        return any(s.version == _SAFE.sub("_", version) for s in self.all())

    def take(self, store: Store, moment: datetime) -> Snapshot:
        """Record the store as it is now, as the registry from ``moment`` on (call inside the lock)."""
        self.root.mkdir(parents=True, exist_ok=True)
        version = _SAFE.sub("_", store.version())
        name = f"{_stamp_name(moment)}--{version}"
        tmp = self.root / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.unlink(missing_ok=True) if tmp.is_file() else None
        backup = getattr(store, "backup", None)
        if callable(backup) and backup(tmp):
            target = self.root / name
        else:
            tmp.write_bytes(gzip.compress(store.dump("application/n-quads"), compresslevel=5))
            target = self.root / f"{name}.nq.gz"
        tmp.rename(target)  # a snapshot is whole or absent: the rename is the commit
        return Snapshot(moment.astimezone(UTC), version, target)

    def ensure(self, store: Store, moment: datetime) -> None:
        """A snapshot of the current state if it has none (a crash came between a write and its snapshot)."""
        if not self.has(store.version()):
            self.take(store, moment)

    def at(self, moment: datetime) -> Snapshot:
        """The snapshot in force at ``moment``; NotFound before the first one."""
        found = [s for s in self.all() if s.moment <= moment]
        if not found:
            first = self.all()
            raise NotFound(
                N_("the registry has no record before %(first)s; as_of must be at or after it"),
                first=first[0].moment.isoformat() if first else "-",
            )
        return found[-1]

    def release(self, name: str) -> Snapshot:
        """The snapshot of a release (a store version, as ``X-Release`` names it); 404 if none."""
        for snapshot in reversed(self.all()):
            if snapshot.version == name:
                return snapshot
        raise NotFound(
            N_("there is no release '%(release)s'; GET /api/v1/releases lists them"), release=name[:100]
        )

    def open(self, snapshot: Snapshot) -> Store:
        """The snapshot as a read-only store (a few are kept open)."""
        key = str(snapshot.path)
        with self._lock:
            if key in self._open:
                self._open.move_to_end(key)
                return self._open[key]
            store = open_snapshot(snapshot.path)
            self._open[key] = store
            while len(self._open) > self._keep:
                _, old = self._open.popitem(last=False)
                old.close()
            return store

    def close(self) -> None:
        with self._lock:
            for store in self._open.values():
                store.close()
            self._open.clear()
