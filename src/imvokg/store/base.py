"""The Store protocol: the one seam between the project and any triple store.

Everything above this layer speaks in SPARQL text plus bound RDF terms and gets
plain Python values back, so the embedded pyoxigraph store and a remote SPARQL
1.1 store are interchangeable (the contract tests run the same cases on both).
The store knows nothing of the imvo vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

TermKind = Literal["iri", "literal", "bnode"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term as plain data: cheap to build, hash and turn into JSON."""

    kind: TermKind
    value: str
    lang: str | None = None
    datatype: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        if not value or _IRI_FORBIDDEN.search(value):
            raise ValueError("not a valid IRI")
        return cls("iri", value)

    @classmethod
    def literal(cls, value: str, *, lang: str | None = None, datatype: str | None = None) -> Term:
        if lang:
            return cls("literal", value, lang=lang.lower(), datatype=RDF_LANG_STRING)
        return cls("literal", value, datatype=datatype or XSD_STRING)

    def n3(self) -> str:
        """SPARQL/N-Triples syntax, escaped; used only for remote VALUES binding."""
        if self.kind == "iri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        escaped = (
            self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        )
        if self.lang:
            return f'"{escaped}"@{self.lang}'
        if self.datatype and self.datatype != XSD_STRING:
            return f'"{escaped}"^^<{self.datatype}>'
        return f'"{escaped}"'

    def to_json(self) -> dict[str, str]:
        """The SPARQL 1.1 JSON results form of the term."""
        if self.kind == "iri":
            return {"type": "uri", "value": self.value}
        if self.kind == "bnode":
            return {"type": "bnode", "value": self.value}
        out = {"type": "literal", "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype and self.datatype != XSD_STRING:
            out["datatype"] = self.datatype
        return out

    def python(self) -> str | int | float | bool:
        """A Python value for JSON answers: numbers and booleans typed, the rest text."""
        if self.kind == "literal" and self.datatype:
            local = self.datatype.rsplit("#", 1)[-1]
            try:
                if local in {"integer", "int", "long", "positiveInteger", "nonNegativeInteger"}:
                    return int(self.value)
                if local in {"decimal", "double", "float"}:
                    return float(self.value)
                if local == "boolean":
                    return self.value in {"true", "1"}
            except ValueError:
                return self.value
        return self.value


Row = dict[str, Term]


@dataclass(frozen=True, slots=True)
class SelectResult:
    """Variables in order and the rows; unbound variables are absent from a row."""

    variables: tuple[str, ...]
    rows: tuple[Row, ...]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@runtime_checkable
class Store(Protocol):
    """What services need from a triple store."""

    def select(self, query: str, *, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        """Run a SELECT with variables bound to terms (never pasted into the text)."""
        ...

    def ask(self, query: str, *, bindings: Mapping[str, Term] | None = None) -> bool: ...

    def construct(self, query: str, *, bindings: Mapping[str, Term] | None = None) -> bytes:
        """Run a CONSTRUCT/DESCRIBE and return N-Triples."""
        ...

    def query_serialized(
        self,
        query: str,
        *,
        result_media_type: str,
        graph_media_type: str,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> tuple[bytes, str]:
        """Run any read query and serialise the answer; returns (body, media type)."""
        ...

    def replace_graphs(self, graphs: Mapping[str, bytes]) -> None:
        """Replace each named graph (IRI -> N-Triples) in one transaction."""
        ...

    def graph_names(self) -> list[str]: ...

    def triple_count(self) -> int: ...

    def version(self) -> str:
        """Changes whenever the data changes; caches key on it."""
        ...

    def known_version(self) -> str | None:
        """The version when it is known without I/O (for answers served on the event loop), else None."""
        ...

    def dump(self, media_type: str, *, exclude_graphs: Sequence[str] = ()) -> bytes:
        """Serialise the whole dataset as N-Quads/TriG, or the union as a graph format."""
        ...

    def close(self) -> None: ...


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_rows(query: str, variable: str, terms: Sequence[Term]) -> str:
    """Bind one variable to several terms at once (one VALUES row each), like :func:`with_values`.

    For questions asked of many resources in one go (the names of every link on
    a page); the terms are serialised by ``Term.n3`` as for single bindings.
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", variable):
        raise ValueError(f"not a variable name: {variable!r}")
    match = _where_of(query)
    block = f" VALUES ?{variable} {{ " + " ".join(t.n3() for t in terms) + " } "
    return query[: match.end()] + block + query[match.end() :]


def _where_of(query: str) -> re.Match[str]:
    """The opening of the outermost WHERE group (after any header comments)."""
    offset = 0
    for line in query.splitlines(keepends=True):
        if line.lstrip().startswith("#"):
            offset += len(line)
            continue
        match = _WHERE.search(query, offset)
        break
    else:
        match = None
    if match is None:
        raise ValueError("a query with parameters needs an explicit 'WHERE {'")
    return match


def with_values(query: str, bindings: Mapping[str, Term] | None) -> str:
    """Bind variables with a VALUES block at the start of the outermost WHERE group.

    The terms are validated values serialised by ``Term.n3`` (IRIs checked,
    literals escaped), so user input never becomes query syntax. A VALUES
    block at the start of the group binds the variables before any FILTER or
    OPTIONAL sees them, with the same meaning on every SPARQL 1.1 store.
    """
    if not bindings:
        return query
    match = _where_of(query)
    names = list(bindings)
    block = (
        " VALUES ("
        + " ".join(f"?{n}" for n in names)
        + ") { ("
        + " ".join(bindings[n].n3() for n in names)
        + ") } "
    )
    return query[: match.end()] + block + query[match.end() :]
