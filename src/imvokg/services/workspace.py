"""What the workspace pages show of submissions: the agreement as a person reads it, the
requirement statuses, the trail of an agreement, and drafts kept on the server.

The pages never show RDF syntax unless asked ("view as RDF"); a submission is read
here into rows of names (labels in the reader's language, else English, else the
IRI's last segment), so the web layer needs no RDF library.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from imvokg.errors import InputError, NotFound
from imvokg.messages import N_
from imvokg.namespaces import IMVO
from imvokg.services.credentials import Principal
from imvokg.services.identifiers import short
from imvokg.services.journal import Submission
from imvokg.services.runner import QueryRunner
from imvokg.services.workflow import parse_body
from imvokg.store.base import Term
from imvokg.validation import requirement_conformance, shared_ontology

_DRAFT_ID = re.compile(r"^[0-9a-f]{12}$")
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
MAX_DRAFTS = 50


def _name(graph: Graph, node: Node, lang: str) -> str:
    """A node as a person reads it: its label in ``lang``, else English, else any, else the IRI's tail."""
    if isinstance(node, Literal):
        return str(node)
    labels = [o for p in (RDFS.label, SKOS.prefLabel) for o in graph.objects(node, p)]
    for wanted in (lang, "en", None):
        for label in labels:
            if wanted is None or getattr(label, "language", None) == wanted:
                return str(label)
    return short(str(node)) if isinstance(node, URIRef) else ""


def readable(data_nt: bytes, lang: str) -> list[dict[str, Any]]:
    """The submitted agreement as resources with named properties, the agreement first.

    Names of properties and classes come from the ontology; values are labels or literals.
    """
    data = Graph().parse(data=data_nt, format="nt")
    names = shared_ontology().graph + data
    agreements = set(data.subjects(RDF.type, IMVO.IrbcAgreement)) | set(
        data.subjects(RDF.type, IMVO.SectorAgreement)
    )
    subjects = sorted(
        {s for s in data.subjects() if isinstance(s, URIRef)}, key=lambda s: (s not in agreements, str(s))
    )
    out = []
    for subject in subjects:
        rows = []
        for prop, value in sorted(data.predicate_objects(subject), key=lambda po: (str(po[0]), str(po[1]))):
            if prop in (RDFS.label, RDF.type):
                continue
            rows.append({"property": _name(names, prop, lang), "value": _name(names, value, lang)})
        kinds = sorted(_name(names, t, lang) for t in data.objects(subject, RDF.type))
        out.append(
            {
                "iri": str(subject),
                "name": _name(data, subject, lang),
                "kinds": kinds,
                "rows": rows,
            }
        )
    return out


def requirement_rows(data_nt: bytes, agreement: str, lang: str) -> list[dict[str, Any]]:
    """MR-01 ... MR-14 for a submission: met / not_met / warning with messages in ``lang``."""
    data = Graph().parse(data=data_nt, format="nt")
    return requirement_conformance(data, agreement, lang=lang)


def check_text(body: bytes, content_type: str, lang: str) -> dict[str, Any]:
    """A text the person is writing, checked as it is: per requirement, or why it cannot be read.

    Stores nothing. ``agreement`` is None when the text describes no sector agreement.
    """
    from imvokg.validation import agreements_in

    data = parse_body(body, content_type)
    found = agreements_in(data, shared_ontology().graph)
    if len(found) != 1:
        raise InputError(
            N_("the text must describe exactly one sector agreement (a resource typed imvo:SectorAgreement)")
        )
    agreement = str(found[0])
    nt = data.serialize(format="nt", encoding="utf-8")
    return {
        "agreement": agreement,
        "requirements": requirement_conformance(data, agreement, lang=lang),
        "triples": len(data),
        "ntriples": nt.decode("utf-8"),
    }


# -- the trail of an agreement ----------------------------------------------------------


def trail(
    runner: QueryRunner, agreement: str, submissions: list[Submission], principal: Principal | None
) -> list[dict[str, Any]]:
    """Every event on an agreement, oldest first: the published decisions (anyone may read them,
    with their reasons) and, for a signed-in person, the submissions they may see."""
    events: list[dict[str, Any]] = []
    for row in runner.select("agreement-trail", {"agreement": Term.iri(agreement)}):
        values = {k: t.value for k, t in row.items()}
        events.append(
            {
                "kind": "decision",
                "at": values.get("time", values.get("issued", "")),
                "outcome": short(values["outcome"]),
                "state": short(values["state"]),
                "issued": values.get("issued"),
                "valid_from": values.get("valid_from"),
                "valid_until": values.get("valid_until"),
                "regime": short(values["regime"]) if "regime" in values else None,
                "reason": values.get("reason"),
                "who": values.get("who"),
                "decision": values["decision"],
                "submission": short(values["submission"]) if "submission" in values else None,
                "report": values.get("report"),
            }
        )
    if principal is not None:
        for record in submissions:
            if record.agreement != agreement:
                continue
            events.append(
                {
                    "kind": "submission",
                    "at": record.submitted_at,
                    "who": record.submitted_by,
                    "status": record.status,
                    "id": record.id,
                    "reason": record.reason if record.status == "rejected" else None,
                    "decided_by": record.decided_by,
                    "decided_at": record.decided_at,
                }
            )
    return sorted(events, key=lambda e: str(e["at"]))


# -- drafts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """An agreement being written: the text, its syntax and the member state asked."""

    id: str
    user: str
    text: str
    media_type: str
    member_state: str
    saved: str


class DraftStore:
    """Drafts per user, one JSON file each (mode 0600), beside the store."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()

    def _dir(self, user: str) -> Path:
        return self.root / user

    def save(
        self, user: str, text: str, media_type: str, member_state: str, draft_id: str | None = None
    ) -> Draft:
        if draft_id is not None and not _DRAFT_ID.match(draft_id):
            raise NotFound(N_("there is no draft '%(draft_id)s'"), draft_id=draft_id[:40])
        if draft_id is None and len(self.list(user)) >= MAX_DRAFTS:
            raise InputError(N_("at most %(count)s drafts are kept; delete one first"), count=MAX_DRAFTS)
        draft = Draft(
            id=draft_id or secrets.token_hex(6),
            user=user,
            text=text,
            media_type=media_type,
            member_state=member_state,
            saved=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with self._lock:
            folder = self._dir(user)
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = folder / f"{draft.id}.json"
            tmp = folder / f".{draft.id}.{os.getpid()}.{threading.get_ident()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(json.dumps(asdict(draft), ensure_ascii=False).encode("utf-8"))
            os.replace(tmp, path)
        return draft

    def get(self, user: str, draft_id: str) -> Draft:
        if _DRAFT_ID.match(draft_id):
            try:
                return Draft(**json.loads((self._dir(user) / f"{draft_id}.json").read_text(encoding="utf-8")))
            except (FileNotFoundError, ValueError, TypeError):
                pass
        raise NotFound(N_("there is no draft '%(draft_id)s'"), draft_id=draft_id[:40])

    def list(self, user: str) -> list[Draft]:
        folder = self._dir(user)
        if not folder.exists():
            return []
        found = []
        for path in folder.glob("*.json"):
            if _DRAFT_ID.match(path.stem):
                try:
                    found.append(Draft(**json.loads(path.read_text(encoding="utf-8"))))
                except (ValueError, TypeError):
                    continue
        return sorted(found, key=lambda d: d.saved, reverse=True)

    def delete(self, user: str, draft_id: str) -> None:
        self.get(user, draft_id)
        (self._dir(user) / f"{draft_id}.json").unlink(missing_ok=True)


# -- the form: fields from the shapes, values to and from the text ---------------------------

AGREEMENT_CLASS = "https://w3id.org/imvokg/ont#SectorAgreement"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
PART_DEPTH = 2
"""How deep parts nest below the agreement: a risk analysis and the risks it assesses."""


def form_fields(
    runner: QueryRunner, lang: str, cls: str = AGREEMENT_CLASS, prefix: str = "field"
) -> list[dict[str, Any]]:
    """The agreement form's fields as the shapes of the registry say (named query ``form-fields``).

    Each field: its key, the property (path), its name and the shape's message in ``lang``,
    whether it is required, how many values it takes, and its kind: ``date`` (sh:datatype
    xsd:date), ``boolean`` (sh:datatype xsd:boolean), ``text`` in a language (a qualified
    sh:languageIn), ``choice`` of the concepts
    of a scheme (with the options), ``pick`` of a resource of a class (sh:class, found by
    name as the person types), or ``iri``. ``cls`` and ``prefix`` give the fields of a part.
    """

    def compute() -> list[dict[str, Any]]:
        bindings = {"class": Term.iri(cls), "lang": Term.literal(lang)}
        fields = []
        for number, row in enumerate(runner.select("form-fields", bindings)):
            values = {k: t.value for k, t in row.items()}
            field: dict[str, Any] = {
                "key": f"{prefix}-{number}",
                "path": values["path"],
                "name": values["name"]
                if values.get("name") not in (None, values["path"])
                else short(values["path"]),
                "message": values.get("message"),
                "required": int(values.get("min", "0") or 0) > 0,
                "single": values.get("max") == "1",
                "language": values.get("language"),
                "kind": "iri",
                "range": values.get("range"),
            }
            if values.get("datatype") == XSD_DATE:
                field["kind"] = "date"
            elif values.get("datatype") == XSD_BOOLEAN:
                field["kind"] = "boolean"
            elif values.get("language"):
                field["kind"] = "text"
            elif values.get("scheme"):
                field["kind"] = "choice"
                concepts = runner.select(
                    "scheme-concepts", {"scheme": Term.iri(values["scheme"]), "lang": Term.literal(lang)}
                )
                field["options"] = [
                    {"value": c["concept"].value, "label": c["label"].value} for c in concepts
                ]
            elif values.get("range"):
                field["kind"] = "pick"
            fields.append(field)
        # a shape on a path that other shapes already give per language (sh:uniqueLang on the labels)
        # constrains those fields' values; it is not a field of its own
        per_language = {f["path"] for f in fields if f["language"]}
        return [f for f in fields if f["language"] or f["path"] not in per_language]

    return runner.cached(("form-fields", cls, prefix, lang), compute)


def form_parts(runner: QueryRunner, lang: str) -> list[dict[str, Any]]:
    """The parts a submitter adds to the agreement, as the shapes say.

    Two ways a part is linked. A class whose shape links it to the agreement class
    (sh:class, named query ``form-parts``) points at the agreement: a membership naming a
    party and its role. A field of the agreement whose values are of a class that node
    shapes describe (the property's range: a risk analysis, a commitment, a mechanism)
    is a part the agreement points at; such a part has parts of its own the same way (the
    risks a risk analysis assesses), down to ``PART_DEPTH``. Each part has the fields its
    class's shapes give, without the link (the form writes it), and a ``kind`` when the
    class has subclasses in the ontology (named query ``form-kinds``).
    """

    def compute() -> list[dict[str, Any]]:
        bindings = {"class": Term.iri(AGREEMENT_CLASS), "lang": Term.literal(lang)}
        parts = []
        for number, row in enumerate(runner.select("form-parts", bindings)):
            values = {k: t.value for k, t in row.items()}
            key = f"part-{number}"
            fields = [
                f for f in form_fields(runner, lang, values["part"], key) if f["path"] != values["link"]
            ]
            parts.append(_part(runner, lang, key, values["part"], values["link"], "in", fields, 1))
        for field in _agreement_fields(runner, lang):
            if _described(runner, lang, field):
                key = f"part-{len(parts)}"
                parts.append(_part(runner, lang, key, field["range"], field["path"], "out", None, 1))
        return parts

    return runner.cached(("form-parts", lang), compute)


def _described(runner: QueryRunner, lang: str, field: dict[str, Any]) -> bool:
    """Whether a field's values are resources a part of the form describes (shapes target their class)."""
    return field["kind"] == "pick" and bool(form_fields(runner, lang, field["range"], "probe"))


def _agreement_fields(runner: QueryRunner, lang: str) -> list[dict[str, Any]]:
    return form_fields(runner, lang)


def agreement_fields(runner: QueryRunner, lang: str) -> list[dict[str, Any]]:
    """The agreement's own fields: those of its shapes whose values are not parts of the form."""
    return [f for f in _agreement_fields(runner, lang) if not _described(runner, lang, f)]


def _part(
    runner: QueryRunner,
    lang: str,
    key: str,
    cls: str,
    link: str,
    direction: str,
    fields: list[dict[str, Any]] | None,
    depth: int,
) -> dict[str, Any]:
    """One part: its class, how it is linked, its name and kinds, its fields and its own parts."""
    kinds = runner.select("form-kinds", {"class": Term.iri(cls), "lang": Term.literal(lang)})
    names = [(r["kind"].value, r["name"].value, r["own"].value == "true") for r in kinds]
    own = next((name for iri, name, is_own in names if is_own and name != iri), short(cls))
    found = form_fields(runner, lang, cls, key) if fields is None else fields
    children: list[dict[str, Any]] = []
    if direction == "out" and depth < PART_DEPTH:
        for field in found:
            if _described(runner, lang, field):
                child = f"{key}-p{len(children)}"
                children.append(
                    _part(runner, lang, child, field["range"], field["path"], "out", None, depth + 1)
                )
    linked = {c["link"] for c in children}
    own_fields = [f for f in found if f["path"] not in linked]
    subclasses = [{"value": iri, "label": name} for iri, name, is_own in names if not is_own]
    if subclasses:
        own_fields.insert(
            0,
            {
                "key": f"{key}-kind",
                "path": str(RDF.type),
                "name": None,  # the page names it "Kind" in the reader's language
                "message": None,
                "required": False,
                "single": True,
                "language": None,
                "kind": "choice",
                "range": None,
                "options": subclasses,
            },
        )
    return {
        "key": key,
        "class": cls,
        "link": link,
        "direction": direction,
        "name": own,
        "fields": own_fields,
        "parts": children,
    }


def pick_classes(runner: QueryRunner, lang: str) -> set[str]:
    """The classes the form's pick fields take values of (the agreement's and its parts')."""

    def fields_of(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [f for part in parts for f in part["fields"] + fields_of(part["parts"])]

    every = agreement_fields(runner, lang) + fields_of(form_parts(runner, lang))
    return {f["range"] for f in every if f["kind"] == "pick"}


def pick_options(runner: QueryRunner, cls: str, text: str, lang: str) -> list[dict[str, str]]:
    """Resources of ``cls`` whose name contains ``text``: the typeahead of a ``pick`` field."""
    if not _IRI.match(cls):
        raise InputError(N_("%(name)s must be an absolute http(s) IRI"), name="class")
    rows = runner.select(
        "form-instances",
        {"class": Term.iri(cls), "text": Term.literal(text.strip()[:100]), "lang": Term.literal(lang)},
    )
    return [{"value": r["resource"].value, "label": r["label"].value} for r in rows]


def _agreement_of(data: Graph) -> URIRef | None:
    from imvokg.validation import agreements_in

    found = agreements_in(data, shared_ontology().graph)
    return found[0] if len(found) == 1 else None


def form_values(fields: list[dict[str, Any]], text: str, media_type: str) -> dict[str, str]:
    """What the text says for each field (the form shows what was written or uploaded)."""
    if not text.strip():
        return {}
    try:
        data = parse_body(text.encode("utf-8"), media_type)
    except InputError:
        return {}
    agreement = _agreement_of(data)
    if agreement is None:
        return {}
    said = {}
    for field in fields:
        for value in data.objects(agreement, URIRef(field["path"])):
            if field["language"] and getattr(value, "language", None) != field["language"]:
                continue
            said[field["key"]] = str(value)
            break
    return said


def parts_in_text(parts: list[dict[str, Any]], text: str, media_type: str, lang: str) -> dict[str, list[str]]:
    """Per part of the form, the names of the resources of that part the text already has.

    A resumed draft or an uploaded agreement shows what it holds next to the part's fields
    (the fields add to it; what is there is changed in the text).
    """
    try:
        data = parse_body(text.encode("utf-8"), media_type) if text.strip() else Graph()
    except InputError:
        return {}
    agreement = _agreement_of(data)
    if agreement is None:
        return {}
    names = shared_ontology().graph + data
    found: dict[str, list[str]] = {}

    def walk(part: dict[str, Any], owners: list[Node]) -> None:
        link = URIRef(part["link"])
        if part["direction"] == "in":
            nodes = sorted({n for o in owners for n in data.subjects(link, o)}, key=str)
        else:
            nodes = sorted({n for o in owners for n in data.objects(o, link)}, key=str)
        shown = []
        for node in nodes:
            picked = [
                v
                for f in part["fields"]
                if f["kind"] == "pick"
                for v in data.objects(node, URIRef(f["path"]))
            ]
            shown.append(_name(names, picked[0] if picked else node, lang))
        if shown:
            found[part["key"]] = shown
        for child in part.get("parts", []):
            walk(child, list(nodes))

    for part in parts:
        walk(part, [agreement])
    return found


def fill_text(
    fields: list[dict[str, Any]],
    given: dict[str, str],
    text: str,
    media_type: str,
    parts: list[dict[str, Any]] | None = None,
    runner: QueryRunner | None = None,
) -> str:
    """The text with the agreement's values for the filled-in fields replaced by ``given``, as Turtle.

    A text that cannot be read, or describes no single agreement, starts a new agreement
    (its IRI from the English name); everything else the text says is kept. A field that
    takes one value replaces what the text says; one that takes several adds to it (several
    IRIs may be given at once, separated by spaces or as a multiple choice). A part whose
    fields are filled in (a party and its role, a risk analysis, a risk, a commitment, a
    mechanism) is added as a new resource linked to the agreement (or to its parent part).
    """
    data = Graph()
    if text.strip():
        try:
            data = parse_body(text.encode("utf-8"), media_type)
        except InputError:
            data = Graph()
    agreement = _agreement_of(data)
    if agreement is None:
        english = next((given.get(f["key"], "") for f in fields if f["language"] == "en"), "")
        slug = re.sub(r"[^a-z0-9]+", "-", english.lower()).strip("-")[:60] or "new-agreement"
        agreement = URIRef(f"https://w3id.org/imvokg/id/agreement/{slug}")
        data.add((agreement, RDF.type, URIRef(AGREEMENT_CLASS)))
    for field in fields:
        path = URIRef(field["path"])
        said = _values(field, given.get(field["key"], ""))
        if not said:
            continue  # an empty field leaves what the text says (it may have been typed after the form)
        if field["single"] or field["language"]:
            for value in list(data.objects(agreement, path)):
                if not field["language"] or getattr(value, "language", None) == field["language"]:
                    data.remove((agreement, path, value))
        for value in said:
            data.add((agreement, path, value))
        if field["kind"] == "pick" and runner is not None:
            _repeat_picked(data, runner, said)
    for part in parts or []:
        _add_part(data, agreement, agreement, part, given, runner, fields)
    for prefix, namespace in (("imvo", str(IMVO)), ("agr", "https://w3id.org/imvokg/id/agreement/")):
        data.bind(prefix, namespace)
    return data.serialize(format="turtle")


def _values(field: dict[str, Any], typed: str) -> list[Node]:
    """What a field was given, as RDF terms of its kind (several for a field that takes several IRIs)."""
    typed = typed.strip()
    if not typed:
        return []
    kind = field["kind"]
    if kind == "date":
        try:
            date.fromisoformat(typed)
        except ValueError:
            raise InputError(N_("%(name)s must be a date as YYYY-MM-DD"), name=field["name"]) from None
        return [Literal(typed, datatype=URIRef(XSD_DATE))]
    if kind == "boolean":
        if typed not in ("true", "false"):
            raise InputError(N_("choose one of the values offered for %(name)s"), name=field["name"])
        return [Literal(typed == "true")]
    if kind == "text":
        return [Literal(typed, lang=field["language"])]
    return [_iri_value(field, value) for value in (typed.split() if not field["single"] else [typed])]


def _iri_value(field: dict[str, Any], value_text: str) -> URIRef:
    """An IRI a field was given; one of its options when the shape gives them."""
    allowed = {o["value"] for o in field.get("options", [])}
    if (allowed and value_text not in allowed) or not _IRI.match(value_text):
        raise InputError(N_("%(name)s must be an absolute http(s) IRI"), name=field["name"] or "type")
    return URIRef(value_text)


def _add_part(
    data: Graph,
    agreement: URIRef,
    parent: URIRef | None,
    part: dict[str, Any],
    given: dict[str, str],
    runner: QueryRunner | None,
    agreement_fields: list[dict[str, Any]],
    parent_name: str = "",
) -> None:
    """A part from its filled-in fields, then its own parts; nothing when none is filled in.

    Its IRI joins the agreement's last segment and its name (else its first value): for a
    membership, the agreement and the party; writing the same part twice adds it once, and a
    different part that would get the same IRI gets a number. A required field left empty
    whose property the agreement also has (where a part is from: dcterms:source) takes the
    agreement's values. A part below another (a risk of a risk analysis) belongs to the one
    filled in with it, else to the one the text already has.
    """
    said = {f["key"]: _values(f, given.get(f["key"], "")) for f in part["fields"]}
    node: URIRef | None = None
    if any(said.values()):
        if parent is None:
            raise InputError(
                N_("%(name)s belongs to a %(parent)s: fill that in first"),
                name=part["name"],
                parent=parent_name,
            )
        inherited = {f["path"] for f in agreement_fields}
        for field in part["fields"]:
            if field["required"] and not said[field["key"]]:
                said[field["key"]] = list(data.objects(agreement, URIRef(field["path"])))
                if not said[field["key"]] or field["path"] not in inherited:
                    raise InputError(N_("%(name)s is required"), name=f"{part['name']}: {field['name']}")
        values = [(URIRef(f["path"]), v) for f in part["fields"] for v in said[f["key"]]]
        node = _part_node(data, agreement, part, values)
        kind = next((v for p, v in values if p == RDF.type), None)
        data.add((node, RDF.type, kind or URIRef(part["class"])))
        if part["direction"] == "in":
            data.add((node, URIRef(part["link"]), agreement))
        else:
            data.add((parent, URIRef(part["link"]), node))
        for path, value in values:
            data.add((node, path, value))
        if runner is not None:
            _repeat_picked(
                data, runner, [v for f in part["fields"] if f["kind"] == "pick" for v in said[f["key"]]]
            )
    for child in part.get("parts", []):
        owner = node
        if owner is None and parent is not None:  # the parent part the text already has
            owner = min(
                (o for o in data.objects(parent, URIRef(part["link"])) if isinstance(o, URIRef)), default=None
            )
        _add_part(data, agreement, owner, child, given, runner, agreement_fields, part["name"])


def _part_node(
    data: Graph, agreement: URIRef, part: dict[str, Any], values: list[tuple[URIRef, Node]]
) -> URIRef:
    named = next((v for _, v in values if isinstance(v, Literal) and v.language), None)
    first = named if named is not None else next(v for p, v in values if p != RDF.type)
    tail = re.sub(
        r"[^a-z0-9]+", "-", (str(first) if isinstance(first, Literal) else short(str(first))).lower()
    )
    base = f"https://w3id.org/imvokg/id/{short(part['class']).lower()}/{short(str(agreement))}--{tail.strip('-')[:60]}"
    node, number = URIRef(base), 1
    while (node, RDF.type, None) in data and not all(
        (node, p, v) in data for p, v in values if p != RDF.type
    ):
        number += 1
        node = URIRef(f"{base}-{number}")
    return node


def _repeat_picked(data: Graph, runner: QueryRunner, picked: list[Node]) -> None:
    """The submission repeats the kind, names and sources of a resource picked (form-picked)."""
    for resource in picked:
        for row in runner.select("form-picked", {"resource": Term.iri(str(resource))}):
            term = row["value"]
            if term.kind == "iri":
                data.add((resource, URIRef(row["property"].value), URIRef(term.value)))
            else:
                data.add((resource, URIRef(row["property"].value), Literal(term.value, lang=term.lang)))
