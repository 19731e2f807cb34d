"""Completions for the query editor: classes, properties, concepts and resources by name.

The editor asks as the reader types. A SPARQL search over labels reads every
name of the store (seconds at a million triples), so names are found in the
full-text label index (``label_index.py``, through the accelerated named
query ``label-search``), and the list of classes and properties
(``completion-terms``, a scan of the store) is read once per store version.
Each completion carries the IRI, the name in the reader's language and the
name that matched (in whichever language it matched).
"""

from __future__ import annotations

from dataclasses import dataclass

from imvokg.errors import InputError
from imvokg.label_index import fold
from imvokg.messages import N_
from imvokg.services.runner import QueryRunner, lang_term
from imvokg.store.base import Term

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

KINDS = ("class", "property", "resource")
"""What the editor asks for: a class after `a`, a property in a predicate's place, else anything."""

MAX_TEXT = 200
LIMIT = 30


@dataclass(frozen=True)
class Completion:
    iri: str
    label: str
    matched: str
    kind: str

    def to_dict(self) -> dict[str, str]:
        return {"iri": self.iri, "label": self.label, "matched": self.matched, "kind": self.kind}


def _local_name(iri: str) -> str:
    for mark in ("#", "/"):
        if mark in iri:
            iri = iri.rsplit(mark, 1)[1] or iri
    return iri


class CompletionService:
    """What the query editor offers as the reader types, over one store's named queries."""

    def __init__(self, runner: QueryRunner) -> None:
        self.runner = runner

    def terms(self, lang: str) -> list[Completion]:
        """Every class and property with its name in `lang`.

        The list is a scan of the store (seconds at a million triples), read once per
        store version for every language; the names, a lookup of a few hundred
        subjects, once per version and language.
        """
        runner = self.runner

        def kinds() -> list[tuple[str, str]]:
            return [(row["term"].value, row["kind"].value) for row in runner.select("completion-terms")]

        def named() -> list[Completion]:
            listed = runner.cached(("completion-terms",), kinds)
            names: dict[str, dict[str, str]] = {}
            terms = [Term.iri(iri) for iri in sorted({iri for iri, _ in listed})]
            for start in range(0, len(terms), 400):
                for row in runner.select_rows("labels-of", "x", terms[start : start + 400]):
                    if row["lp"].value == RDFS_LABEL:
                        names.setdefault(row["x"].value, {}).setdefault(row["l"].lang or "", row["l"].value)
            found = []
            for iri, kind in listed:
                said = names.get(iri, {})
                label = said.get(lang) or said.get("en") or _local_name(iri)
                found.append(Completion(iri, label, label, kind))
            return found

        return runner.cached(("completion-terms", lang), named)

    def complete(self, text: str, kind: str, lang: str, namespace: str = "") -> list[Completion]:
        """What the reader may mean by `text` where a term of `kind` goes, best first.

        `namespace` (the IRI a typed prefix stands for) keeps only terms under it, so
        ``imvo:Agr`` completes to the ontology's terms. Classes and properties match by
        the start of their local name or by any of their names; resources by name only.
        """
        if kind not in KINDS:
            raise InputError(
                N_("invalid parameters: %(problems)s"), problems=f"kind is one of {', '.join(KINDS)}"
            )
        if len(text) > MAX_TEXT:
            raise InputError(
                N_("invalid parameters: %(problems)s"), problems=f"text has at most {MAX_TEXT} characters"
            )
        runner = self.runner
        needle = fold(text).strip()
        found: dict[str, Completion] = {}
        terms = self.terms(lang)
        kinds = {t.iri: t.kind for t in terms}
        if kind in {"class", "property"}:
            for term in terms:
                if term.kind == kind and term.iri.startswith(namespace):
                    local = fold(_local_name(term.iri))
                    if local.startswith(needle) or (needle and needle in fold(term.label)):
                        found.setdefault(term.iri, term)
        if needle:
            rows = runner.select(
                "label-search", {"text": Term.literal(text.strip()), "lang": lang_term(lang)}
            )
            hits = [r for r in rows if r["resource"].value.startswith(namespace)]
            missing = [r["resource"] for r in hits if r["resource"].value not in kinds]
            if missing:
                for row in runner.select_rows("completion-kinds", "resource", missing):
                    kinds[row["resource"].value] = row["kind"].value
            for row in hits:
                iri = row["resource"].value
                what = kinds.get(iri, "resource")
                if kind != "resource" and what != kind:
                    continue
                label = row["label"].value if "label" in row else iri
                found.setdefault(iri, Completion(iri, label, row["matched"].value, what))
        ordered = sorted(
            found.values(),
            key=lambda c: (
                not fold(c.label).startswith(needle),
                not fold(_local_name(c.iri)).startswith(needle),
            ),
        )
        return ordered[:LIMIT]
