"""What the pages show, assembled from the services' answers; plain data in, plain data out.

The routes fetch (services, named queries) and hand the answers here; these
functions shape them for the templates, so they can be tested without HTTP.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from imvokg.namespaces import BASE
from imvokg.queries import default_registry
from imvokg.web.site import local_path

XSD = "http://www.w3.org/2001/XMLSchema#"


def kind_of(iri: str) -> str:
    """'agreement' for .../id/agreement/x, 'risk-topic' for .../scheme/risk-topic/x, else ''."""
    if iri.startswith(BASE):
        parts = iri[len(BASE) :].split("/")
        if len(parts) >= 3 and parts[0] in {"id", "scheme"}:
            return parts[1]
        if parts[0].startswith("ont"):
            return "ontology"
    return ""


def slug_of(iri: str) -> str:
    """The last path segment of an IRI."""
    return re.split(r"[/#]", iri.rstrip("/"))[-1]


# -- query page ---------------------------------------------------------------


def _literal(ptype: str, value: str) -> str:
    text = value.replace("\\", "\\\\").replace('"', '\\"')
    if ptype == "iri":
        return f"<{value}>"
    if ptype in {"integer", "decimal"} and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return value
    if ptype == "boolean" and value.lower() in {"true", "false"}:
        return value.lower()
    if ptype == "date":
        return f'"{text}"^^<{XSD}date>'
    return f'"{text}"'


def runnable_text(
    text: str,
    parameters: Iterable[Mapping[str, Any]],
    lang: str,
    values_given: Mapping[str, str] | None = None,
) -> str:
    """A named query with its parameters (and `lang`) bound by VALUES at the top of WHERE.

    The named-query service binds parameters as RDF terms; in the editor the same
    bindings are written out, so the loaded example runs as it is. Without
    `values_given` (the example form's fields, already checked by the registry)
    the required parameters get their examples and the optional ones stay unbound.
    """
    values = []
    for param in parameters:
        name, ptype = str(param["name"]), str(param["type"])
        given = (values_given or {}).get(name, "")
        if ptype == "lang":
            values.append(f'  VALUES ?{name} {{ "{given or lang}" }}')
        elif given:
            values.append(f"  VALUES ?{name} {{ {_literal(ptype, given)} }}")
        elif param.get("required", True) and values_given is None:
            values.append(f"  VALUES ?{name} {{ {_literal(ptype, str(param['example']))} }}")
    if not values:
        return text
    match = re.search(r"\bWHERE\s*\{", text, re.I)
    if match is None:
        return text
    return text[: match.end()] + "\n" + "\n".join(values) + text[match.end() :]


def default_query(lang: str) -> str:
    """The query in the editor when none is given (queries/pages/editor-start.rq), names in `lang`."""
    query = default_registry().get("editor-start")
    return runnable_text(query.text, [p.to_dict() for p in query.parameters], lang)


# -- coverage matrix ----------------------------------------------------------


def coverage_matrix(
    coverage: Mapping[str, Any],
    agreements: Iterable[Mapping[str, Any]],
    cells: Iterable[Mapping[str, str]],
) -> dict[str, Any]:
    """Rows (risks by salience), columns (agreements) and a cell for each pair with its reasons.

    `coverage` is the /api/v1/coverage answer; `agreements` the agreements on the
    sector; `cells` the rows of the named query coverage-cells.
    """
    columns: dict[str, dict[str, Any]] = {}
    for agreement in agreements:
        columns[agreement["iri"]] = {
            "iri": agreement["iri"],
            "slug": agreement["slug"],
            "label": agreement.get("label") or agreement["slug"],
            "kind": agreement.get("kind"),
            "recognised": False,
        }
    for risk in coverage["risks"]:
        for hit in risk["agreements"]:
            column = columns.setdefault(
                hit["iri"],
                {
                    "iri": hit["iri"],
                    "slug": hit["slug"],
                    "label": hit["label"] or hit["slug"],
                    "kind": None,
                    "recognised": False,
                },
            )
            column["recognised"] = column["recognised"] or bool(hit.get("recognised"))
    reasons: dict[tuple[str, str], dict[str, list[dict[str, object]]]] = defaultdict(
        lambda: {"commitment": [], "provision": []}
    )
    for row in cells:
        bucket = reasons[(row["agreement"], row["topic"])][row["kind"]]
        entry = {
            "iri": row["item"],
            "label": row.get("item_label") or slug_of(row["item"]),
            "topic": row.get("item_topic", ""),
            "topic_label": row.get("item_topic_label") or slug_of(row.get("item_topic", "")),
            "narrower": row.get("item_topic", "") != row["topic"],
        }
        if entry not in bucket:
            bucket.append(entry)
    ordered = sorted(
        columns.values(),
        key=lambda c: (
            -sum(1 for r in coverage["risks"] for a in r["agreements"] if a["iri"] == c["iri"]),
            c["label"].lower(),
        ),
    )
    rows = []
    for risk in coverage["risks"]:
        hits = {a["iri"]: a for a in risk["agreements"]}
        row_cells = []
        for column in ordered:
            hit = hits.get(column["iri"])
            why = reasons.get((column["iri"], risk["iri"]), {"commitment": [], "provision": []})
            status = "not_covered" if hit is None else hit["coverage"]
            row_cells.append(
                {
                    "agreement": column,
                    "status": status,
                    "match": hit["match"] if hit else None,
                    "commitments": why["commitment"] if hit else [],
                    "provisions": why["provision"],
                }
            )
        rows.append({"risk": risk, "gap": not risk["covered"], "cells": row_cells})
    return {"columns": ordered, "rows": rows}


# -- compare ------------------------------------------------------------------


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """Side by side: parties by kind, sectors, risks, provisions; what one covers and the other not."""

    def parties_by_kind(agreement: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
        groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        seen = set()
        for party in agreement.get("parties", []):
            if party["iri"] in seen:
                continue
            seen.add(party["iri"])
            groups[party.get("kind") or "Party"].append(party)
        return {
            kind: sorted(items, key=lambda p: (p.get("label") or "").lower())
            for kind, items in sorted(groups.items())
        }

    def split(
        key: str, label_key: str, items_a: list[Mapping[str, Any]], items_b: list[Mapping[str, Any]]
    ) -> dict[str, list[dict[str, str]]]:
        left = {str(i[key]): str(i.get(label_key) or i[key]) for i in items_a}
        right = {str(i[key]): str(i.get(label_key) or i[key]) for i in items_b}

        def listing(keys: set[str], names: Mapping[str, str]) -> list[dict[str, str]]:
            return sorted(({"key": k, "label": names[k]} for k in keys), key=lambda x: x["label"].lower())

        return {
            "both": listing(set(left) & set(right), {**right, **left}),
            "only_a": listing(set(left) - set(right), left),
            "only_b": listing(set(right) - set(left), right),
        }

    risks = split("risk", "risk_label", a.get("risks", []), b.get("risks", []))
    provisions = split("iri", "label", a.get("provisions", []), b.get("provisions", []))
    sectors = split(
        "slug",
        "slug",
        [{"slug": s} for s in a.get("sectors", [])],
        [{"slug": s} for s in b.get("sectors", [])],
    )
    requirements = None
    if a.get("requirements") is not None or b.get("requirements") is not None:
        by_id: dict[str, dict[str, Any]] = {}
        for side, agreement in (("a", a), ("b", b)):
            for row in agreement.get("requirements") or []:
                entry = by_id.setdefault(
                    str(row.get("id")), {"id": row.get("id"), "title": row.get("title"), "a": None, "b": None}
                )
                entry[side] = row
        requirements = sorted(by_id.values(), key=lambda r: str(r["id"]))
    return {
        "a": a,
        "b": b,
        "parties": (parties_by_kind(a), parties_by_kind(b)),
        "risks": risks,
        "provisions": provisions,
        "sectors": sectors,
        "requirements": requirements,
    }


# -- the SER position paper -------------------------------------------------------

QUERY_IRI = BASE + "query/"


def answer_link(iri: str) -> dict[str, str]:
    """Where a browser reads about one answer of a statement: a named query's text, else the resource."""
    if iri.startswith(QUERY_IRI):
        name = iri[len(QUERY_IRI) :]
        return {"href": f"/queries/{name}.rq", "text": name, "kind": "query"}
    return {"href": local_path(iri), "text": slug_of(iri), "kind": kind_of(iri)}


def paper_statements(rows: Iterable[Mapping[str, str]]) -> list[dict[str, Any]]:
    """The rows of `ser-2023-statements` grouped by answer status, keeping the query's order.

    The query already puts the unanswered first and the paper's order within a
    status; here each group keeps that order and the space-separated IRIs
    become links.
    """
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        status = row["answer_status"]
        group = groups.setdefault(
            status, {"status": slug_of(status), "label": row.get("answer_status_label", ""), "items": []}
        )
        group["items"].append(
            {
                **row,
                "answers": [answer_link(i) for i in row.get("answered_by", "").split()],
                "milestones": row.get("milestones", "").split(),
            }
        )
    return list(groups.values())
