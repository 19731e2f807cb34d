"""Find and parse the source files of the knowledge graph.

Each file becomes one named graph (``graph/{folder}-{path}``), so every
triple can be traced back to the file, and through its ``dcterms:source`` to
the document it rests on. A file that does not parse stops the build with its
path and line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from imvokg.errors import UnreadableInput
from imvokg.messages import N_
from imvokg.namespaces import GRAPH
from imvokg.resources import resource_root

SOURCE_FOLDERS = ("ontology", "shapes", "data", "translations")
EXCLUDED = ("ontology/imports", "data/examples")
_LINE = re.compile(r"line (\d+)", re.I)


@dataclass(frozen=True)
class SourceFile:
    """One Turtle file, its named graph and its content hash."""

    path: Path
    relative: str
    folder: str
    graph_iri: str
    sha256: str


def graph_iri_for(relative: str) -> str:
    """``data/agreements/nl-gold.ttl`` -> ``graph/agreements-nl-gold``; other roots keep their folder."""
    parts = Path(relative).with_suffix("").parts
    if parts[0] == "data":
        parts = parts[1:]
    slug = "-".join(parts).lower().replace("_", "-").replace(".", "-")
    return str(GRAPH[slug])


def discover(root: Path | None = None, *, extra: Iterable[Path] = ()) -> list[SourceFile]:
    """Every Turtle file the build loads, in a stable order."""
    root = root or resource_root()
    found: list[SourceFile] = []
    for folder in SOURCE_FOLDERS:
        base = root / folder
        for path in sorted(base.rglob("*.ttl")):
            relative = path.relative_to(root).as_posix()
            if relative.startswith(EXCLUDED):
                continue
            found.append(_source(path, relative, folder))
    for path in extra:
        found.append(_source(path, f"extra/{path.name}", "data"))
    seen: dict[str, str] = {}
    for source in found:
        if source.graph_iri in seen:
            raise UnreadableInput(
                N_(
                    "%(relative)s and %(seen)s would load into the same named "
                    "graph %(graph_iri)s; rename one of them"
                ),
                relative=source.relative,
                seen=seen[source.graph_iri],
                graph_iri=source.graph_iri,
            )
        seen[source.graph_iri] = source.relative
    return found


def _source(path: Path, relative: str, folder: str) -> SourceFile:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return SourceFile(path, relative, folder, graph_iri_for(relative), digest)


def parse_file(source: SourceFile) -> Graph:
    """Parse Turtle; a syntax error names the file and the line."""
    graph = Graph()
    try:
        graph.parse(source.path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad input
        message = " ".join(str(exc).split())
        line = _LINE.search(message)
        where = f"{source.relative}, line {line.group(1)}" if line else source.relative
        raise UnreadableInput(
            N_("%(where)s: the Turtle does not parse (%(message)s)"),
            where=where,
            message=_short(message),
            file=source.relative,
        ) from None
    return graph


def fingerprint(sources: Iterable[SourceFile], *extra: str) -> str:
    """A hash of every input, to skip a build when nothing changed."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.relative.encode())
        digest.update(source.sha256.encode())
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()


def _short(message: str) -> str:
    message = message.replace("\n", " ")
    return message if len(message) < 240 else message[:240] + "..."
