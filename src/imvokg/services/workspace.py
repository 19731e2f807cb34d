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


def form_fields(
    runner: QueryRunner, lang: str, cls: str = AGREEMENT_CLASS, prefix: str = "field"
) -> list[dict[str, Any]]:
    """The agreement form's fields as the shapes of the registry say (named query ``form-fields``).

    Each field: its key, the property (path), its name and the shape's message in ``lang``,
    whether it is required, how many values it takes, and its kind: ``date`` (sh:datatype
    xsd:date), ``text`` in a language (a qualified sh:languageIn), ``choice`` of the concepts
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
    """The parts a submitter adds to the agreement, as the shapes say (named query ``form-parts``).

    A part is a class whose shape links it to the agreement class (sh:class), such as a
    membership naming a party and its role. Each part has its own fields (``form_fields``
    for its class) without the link, which the form writes itself.
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
            name = values.get("name")
            parts.append(
                {
                    "key": key,
                    "class": values["part"],
                    "link": values["link"],
                    "name": name if name not in (None, values["part"]) else short(values["part"]),
                    "fields": fields,
                }
            )
        return parts

    return runner.cached(("form-parts", lang), compute)


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
    (its IRI from the English name); everything else the text says is kept. A part whose
    fields are filled in (a party and its role) is added as a new resource linked to the agreement.
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
        value_text = given.get(field["key"], "").strip()
        if not value_text:
            continue  # an empty field leaves what the text says (it may have been typed after the form)
        for value in list(data.objects(agreement, path)):
            if not field["language"] or getattr(value, "language", None) == field["language"]:
                data.remove((agreement, path, value))
        if field["kind"] == "date":
            try:
                date.fromisoformat(value_text)
            except ValueError:
                raise InputError(N_("%(name)s must be a date as YYYY-MM-DD"), name=field["name"]) from None
            data.add((agreement, path, Literal(value_text, datatype=URIRef(XSD_DATE))))
        elif field["kind"] == "text":
            data.add((agreement, path, Literal(value_text, lang=field["language"])))
        else:
            data.add((agreement, path, _iri_value(field, value_text)))
    for part in parts or []:
        _add_part(data, agreement, part, given, runner)
    for prefix, namespace in (("imvo", str(IMVO)), ("agr", "https://w3id.org/imvokg/id/agreement/")):
        data.bind(prefix, namespace)
    return data.serialize(format="turtle")


def _iri_value(field: dict[str, Any], value_text: str) -> URIRef:
    """An IRI a field was given; one of its options when the shape gives them."""
    allowed = {o["value"] for o in field.get("options", [])}
    if (allowed and value_text not in allowed) or not _IRI.match(value_text):
        raise InputError(N_("%(name)s must be an absolute http(s) IRI"), name=field["name"])
    return URIRef(value_text)


def _add_part(
    data: Graph, agreement: URIRef, part: dict[str, Any], given: dict[str, str], runner: QueryRunner | None
) -> None:
    """One part of the agreement from its filled-in fields; nothing when none is filled in.

    Its IRI joins the agreement's last segment and its first value's (for a membership:
    the agreement and the party), so writing the same part twice adds it once.
    """
    said = {f["key"]: given.get(f["key"], "").strip() for f in part["fields"]}
    if not any(said.values()):
        return
    for field in part["fields"]:
        if field["required"] and not said[field["key"]]:
            raise InputError(N_("%(name)s is required"), name=f"{part['name']}: {field['name']}")
    values = [(URIRef(f["path"]), _iri_value(f, said[f["key"]])) for f in part["fields"] if said[f["key"]]]
    slug = re.sub(r"[^a-z0-9-]+", "-", f"{short(str(agreement))}--{short(str(values[0][1]))}".lower())
    node = URIRef(f"https://w3id.org/imvokg/id/{short(part['class']).lower()}/{slug}")
    data.add((node, RDF.type, URIRef(part["class"])))
    data.add((node, URIRef(part["link"]), agreement))
    for path, value in values:
        data.add((node, path, value))
    if runner is None:
        return
    picked = [URIRef(said[f["key"]]) for f in part["fields"] if f["kind"] == "pick" and said[f["key"]]]
    for resource in picked:
        # the submission repeats the kind, names and sources of a picked party (form-picked)
        for row in runner.select("form-picked", {"resource": Term.iri(str(resource))}):
            term = row["value"]
            if term.kind == "iri":
                data.add((resource, URIRef(row["property"].value), URIRef(term.value)))
            else:
                data.add((resource, URIRef(row["property"].value), Literal(term.value, lang=term.lang)))
