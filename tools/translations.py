"""The inventory of everything a person reads, for translators, and the way their work comes back.

    python tools/translations.py inventory OUT.json   every message and graph text, English + Dutch
    python tools/translations.py import DIR           DIR/<lang>.json -> .po files + data/translations
    python tools/translations.py coverage             what each language still lacks

Messages are the gettext msgids extracted by Babel (``imvokg.catalogues``);
graph texts are read from the source files (ontology/, shapes/, data/, queries/).
One key per distinct English text: the same English under one key applies
to every use listed with it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, SH, SKOS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from imvokg import catalogues  # noqa: E402
from imvokg.queries import default_registry  # noqa: E402

M8G = Namespace("http://data.europa.eu/m8g/")
IMVO = Namespace("https://w3id.org/imvokg/ont#")
INSTRUMENT_TYPES = (IMVO.BindingInstrument, IMVO.GuidelineInstrument, IMVO.Instrument)
SEEDED = ("nl", "de", "fr")

# Vocabulary terms the resource pages show as property names but whose vocabularies
# we do not load: our own English and Dutch names for them (editorial).
EXTERNAL_TERMS: dict[str, tuple[str, str]] = {
    str(RDF.type): ("type", "type"),
    str(RDFS.label): ("label", "label"),
    str(RDFS.comment): ("comment", "opmerking"),
    str(RDFS.seeAlso): ("see also", "zie ook"),
    str(RDFS.subClassOf): ("subclass of", "subklasse van"),
    str(SKOS.prefLabel): ("preferred name", "voorkeursnaam"),
    str(SKOS.altLabel): ("alternative name", "alternatieve naam"),
    str(SKOS.definition): ("definition", "definitie"),
    str(SKOS.editorialNote): ("editorial note", "redactionele noot"),
    str(SKOS.note): ("note", "noot"),
    str(SKOS.scopeNote): ("scope note", "toelichting op de reikwijdte"),
    str(SKOS.notation): ("notation", "notatie"),
    str(SKOS.broader): ("broader concept", "breder begrip"),
    str(SKOS.narrower): ("narrower concept", "smaller begrip"),
    str(SKOS.inScheme): ("in scheme", "in schema"),
    str(SKOS.topConceptOf): ("top concept of", "topbegrip van"),
    str(SKOS.hasTopConcept): ("has top concept", "heeft topbegrip"),
    str(SKOS.exactMatch): ("exact match", "exacte overeenkomst"),
    str(SKOS.closeMatch): ("close match", "nauwe overeenkomst"),
    str(SKOS.related): ("related concept", "verwant begrip"),
    str(DCTERMS.source): ("source", "bron"),
    str(DCTERMS.title): ("title", "titel"),
    str(DCTERMS.description): ("description", "beschrijving"),
    str(DCTERMS.publisher): ("publisher", "uitgever"),
    str(DCTERMS.issued): ("date issued", "datum van uitgave"),
    str(DCTERMS.modified): ("date modified", "datum van wijziging"),
    str(DCTERMS.created): ("date created", "datum van aanmaak"),
    str(DCTERMS.identifier): ("identifier", "identificatie"),
    str(DCTERMS.hasPart): ("has part", "heeft als onderdeel"),
    str(DCTERMS.replaces): ("replaces", "vervangt"),
    str(DCTERMS.isReplacedBy): ("is replaced by", "wordt vervangen door"),
    "http://data.europa.eu/eli/ontology#number": ("number", "nummer"),
    "http://data.europa.eu/eli/ontology#is_part_of": ("is part of", "is onderdeel van"),
    "http://data.europa.eu/eli/ontology#date_publication": ("date of publication", "datum van publicatie"),
    "http://data.europa.eu/eli/ontology#date_applicability": (
        "date of applicability",
        "datum van toepassing",
    ),
    "http://data.europa.eu/eli/ontology#based_on": ("based on", "gebaseerd op"),
    "http://www.w3.org/ns/org#organization": ("organisation", "organisatie"),
    "http://www.w3.org/ns/org#member": ("member", "lid"),
    "http://www.w3.org/ns/org#role": ("role", "rol"),
    "http://xmlns.com/foaf/0.1/page": ("web page", "webpagina"),
    "http://www.w3.org/ns/prov#wasAttributedTo": ("attributed to", "toegeschreven aan"),
    "http://www.w3.org/ns/prov#wasDerivedFrom": ("derived from", "afgeleid van"),
    "http://data.europa.eu/m8g/isDerivedFrom": ("derived from", "afgeleid van"),
}


def _key(prefix: str, english: str) -> str:
    return f"{prefix}.{hashlib.sha1(english.encode('utf-8')).hexdigest()[:10]}"


def _texts(graph: Graph, subject: URIRef, prop: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in graph.objects(subject, prop):
        if isinstance(value, Literal) and value.language:
            found.setdefault(value.language, str(value))
    return found


def _load(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path)
    return graph


def graph_texts() -> list[dict]:
    """Every graph text a person reads: (kind, IRI, property, {lang: text}) grouped by English."""
    ontology = _load(sorted((ROOT / "ontology").rglob("*.ttl")))
    shapes = _load(sorted((ROOT / "shapes").glob("*.ttl")))
    requirements = _load(sorted((ROOT / "data" / "requirements").glob("*.ttl")))
    instruments = _load(sorted((ROOT / "data" / "instruments").glob("*.ttl")))
    uses: list[tuple[str, str, str, dict[str, str]]] = []

    def add(kind: str, graph: Graph, subject: URIRef, prop: URIRef) -> None:
        texts = _texts(graph, subject, prop)
        if texts:
            uses.append((kind, str(subject), str(prop), texts))

    for cls in (SKOS.ConceptScheme, SKOS.Concept):
        for s in sorted(set(ontology.subjects(RDF.type, cls))):
            add("concept-label", ontology, s, SKOS.prefLabel)
    for cls in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for s in sorted(set(ontology.subjects(RDF.type, cls))):
            if str(s).startswith(str(IMVO)):
                add("ontology-label", ontology, s, RDFS.label)
    for s in sorted(set(ontology.subjects(RDF.type, OWL.Ontology))):
        add("ontology-title", ontology, s, DCTERMS.title)
        add("ontology-description", ontology, s, DCTERMS.description)
    for cls in (M8G.ReferenceFramework, M8G.Requirement):
        for s in sorted(set(requirements.subjects(RDF.type, cls))):
            add("requirement-title", requirements, s, DCTERMS.title)
            add("requirement-title", requirements, s, RDFS.label)
            add("requirement-definition", requirements, s, SKOS.definition)
    for s in sorted(set(shapes.subjects(SH.message, None))):
        add("shape-message", shapes, s, SH.message)
    for s in sorted(set(shapes.subjects(SH.name, None))):
        add("shape-name", shapes, s, SH.name)
    for cls in INSTRUMENT_TYPES:
        for s in sorted(set(instruments.subjects(RDF.type, cls))):
            add("instrument-title", instruments, s, RDFS.label)
            add("instrument-title", instruments, s, DCTERMS.title)
    for iri, (en, nl) in EXTERNAL_TERMS.items():
        uses.append(("vocabulary-term-label", iri, str(RDFS.label), {"en": en, "nl": nl}))
    for query in default_registry():
        uses.append(("query-title", f"query:{query.name}", "title", {"en": query.title}))
        if query.description:
            uses.append(
                ("query-description", f"query:{query.name}", "description", {"en": query.description})
            )
        for param in query.parameters:
            if param.description:
                uses.append(
                    (
                        "query-parameter",
                        f"query:{query.name}",
                        f"param:{param.name}",
                        {"en": param.description},
                    )
                )
    return _group(uses)


def _group(uses: list[tuple[str, str, str, dict[str, str]]]) -> list[dict]:
    entries: dict[str, dict] = {}
    for kind, iri, prop, texts in uses:
        english = texts.get("en")
        if english is None:
            continue
        key = _key("g", english)
        entry = entries.setdefault(key, {"key": key, "kind": kind, "en": english, "uses": []})
        entry["uses"].append([iri, prop])
        for lang in SEEDED:
            if lang in texts:
                entry.setdefault(lang, texts[lang])
        placeholders = sorted(set(_shacl_placeholders(english)))
        if placeholders:
            entry["placeholders"] = placeholders
    return sorted(entries.values(), key=lambda e: (e["kind"], e["en"]))


def _shacl_placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}", text)


def message_texts() -> list[dict]:
    """Every gettext message, with the Dutch, German and French the catalogues already hold."""
    template = catalogues.extract()
    seeded = {lang: catalogues.read(lang) for lang in SEEDED}
    entries = []
    for message in template:
        if not message.id:
            continue
        msgid, plural = (message.id[0], message.id[1]) if message.pluralizable else (message.id, None)
        key = _key("m", (message.context or "") + "\x04" + msgid)
        entry: dict = {"key": key, "kind": "plural" if plural else "message", "msgid": msgid}
        if plural:
            entry["msgid_plural"] = plural
        if message.context:
            entry["context"] = message.context
        placeholders = catalogues.placeholders(msgid + (plural or ""))
        if placeholders:
            entry["placeholders"] = placeholders
        entry["where"] = sorted({f"{path}" for path, _ in message.locations})[:3]
        for lang, catalog in seeded.items():
            if catalog is None:
                continue
            existing = catalog.get(message.id if not plural else msgid, context=message.context)
            if (
                existing is not None
                and existing.string
                and (any(existing.string) if isinstance(existing.string, tuple) else True)
            ):
                entry[lang] = list(existing.string) if isinstance(existing.string, tuple) else existing.string
        entries.append(entry)
    return entries


def plural_forms() -> dict[str, dict]:
    """Per language: how many plural forms, the gettext rule, and sample numbers for each form."""
    import gettext

    from babel.messages.plurals import get_plural

    table = {}
    for lang in catalogues.TRANSLATED:
        rule = get_plural(lang)
        pick = gettext.c2py(rule.plural_expr)
        samples: list[list[int]] = [[] for _ in range(rule.num_plurals)]
        for n in [*range(0, 112), 1000000]:
            if len(samples[pick(n)]) < 6:
                samples[pick(n)].append(n)
        table[lang] = {"count": rule.num_plurals, "rule": rule.plural_expr, "examples": samples}
    return table


def inventory() -> dict:
    return {
        "format": "imvokg-translation-inventory/1",
        "languages": list(catalogues.LANGUAGES),
        "plural_forms": plural_forms(),
        "messages": message_texts(),
        "graph": graph_texts(),
    }


# -- bringing translations back ------------------------------------------------

QUERY_BASE = "https://w3id.org/imvokg/query/"
TRANSLATIONS_DIR = ROOT / "translations"
OPTIONAL_KINDS = {"query-description"}
_SHACL_MARK = r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}"


def _marks(text: str) -> list[str]:
    import re

    return sorted(re.findall(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%%|" + _SHACL_MARK, text))


def validate(lang: str, data: dict, inv: dict) -> tuple[dict, list[str]]:
    """The usable translations of one file and the problems of the rest (never guessed)."""
    forms = inv["plural_forms"][lang]["count"]
    good: dict = {}
    problems: list[str] = []
    for entry in inv["messages"] + inv["graph"]:
        key, english = entry["key"], entry.get("msgid") or entry.get("en")
        value = data.get(key)
        if value is None:
            if entry["kind"] not in OPTIONAL_KINDS:
                problems.append(f"{lang}: missing {key} {english[:50]!r}")
            continue
        if entry["kind"] == "plural":
            source = entry["msgid"] + entry["msgid_plural"]
            wanted = set(_marks(source)) - {"%(num)s", "%(num)d"}
            if not (
                isinstance(value, list)
                and len(value) == forms
                and all(isinstance(v, str) and v for v in value)
            ):
                problems.append(f"{lang}: {key} needs {forms} plural forms")
            elif any(
                not wanted <= set(_marks(v)) or not set(_marks(v)) <= set(_marks(source)) for v in value
            ):
                problems.append(f"{lang}: {key} changes the placeholders")
            else:
                good[key] = value
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{lang}: {key} is empty")
        elif _marks(value) != _marks(english):
            problems.append(f"{lang}: {key} changes the placeholders: {value[:60]!r}")
        else:
            good[key] = value.strip()
    return good, problems


def _use_iri(iri: str, prop: str) -> tuple[URIRef, URIRef]:
    """Where a use of a text goes in the graph (named queries get IRIs of their own)."""
    if iri.startswith("query:"):
        name = iri[len("query:") :]
        if prop == "title":
            return URIRef(QUERY_BASE + name), RDFS.label
        if prop == "description":
            return URIRef(QUERY_BASE + name), RDFS.comment
        return URIRef(f"{QUERY_BASE}{name}/parameter/{prop.split(':', 1)[1]}"), RDFS.comment
    return URIRef(iri), URIRef(prop)


def write_messages(lang: str, good: dict, inv: dict) -> int:
    """Put the message translations of `lang` into its .po (existing ones are kept unless replaced)."""
    catalog = catalogues.read(lang) or catalogues.new_catalog(lang)
    template = catalogues.extract()
    by_key = {e["key"]: e for e in inv["messages"]}
    written = 0
    for message in template:
        if not message.id:
            continue
        msgid = message.id[0] if message.pluralizable else message.id
        key = _key("m", (message.context or "") + "\x04" + msgid)
        entry = by_key.get(key)
        value = good.get(key) if entry else None
        if value is None:
            continue
        existing = catalog.get(message.id, context=message.context)
        if existing is not None:
            catalog.delete(message.id, context=message.context)
        string = tuple(value) if message.pluralizable else value
        catalog.add(message.id, string, context=message.context, flags=message.flags - {"fuzzy"})
        written += 1
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalogues.write(lang, catalog)
    return written


def write_graph(lang: str, good: dict, inv: dict) -> int:
    """translations/<lang>.ttl: the editorial graph texts of `lang` (where the sources have none)."""
    from rdflib import Graph as RdfGraph

    ontology = _load(sorted((ROOT / "ontology").rglob("*.ttl")))
    ontology += _load(sorted((ROOT / "shapes").glob("*.ttl")))
    ontology += _load(sorted((ROOT / "data" / "requirements").glob("*.ttl")))
    ontology += _load(sorted((ROOT / "data" / "instruments").glob("*.ttl")))
    out = RdfGraph()
    out.bind("skos", SKOS)
    out.bind("dcterms", DCTERMS)
    out.bind("sh", SH)
    count = 0
    for entry in inv["graph"]:
        value = good.get(entry["key"])
        if value is None and lang in ("en", "nl") and entry["kind"] == "vocabulary-term-label":
            value = entry.get(lang)
        if value is None:
            continue
        for iri, prop in entry["uses"]:
            if not iri.startswith(("http://", "https://", "query:")):
                continue  # a blank node (an inline shape): the named shape carries the same text
            subject, predicate = _use_iri(iri, prop)
            if any(
                isinstance(o, Literal) and o.language == lang for o in ontology.objects(subject, predicate)
            ):
                continue  # the source file has its own text in this language
            out.add((subject, predicate, Literal(value, lang=lang)))
            count += 1
    header = (
        f"# Editorial translations into {lang}: names, titles, definitions and messages of the graph.\n"
        "# Written by tools/translations.py from the translators' files; the named graph\n"
        f"# graph/translations-{lang} has dcterms:source src:editorial-translations (awaiting review).\n"
    )
    TRANSLATIONS_DIR.mkdir(exist_ok=True)
    body = out.serialize(format="turtle")
    (TRANSLATIONS_DIR / f"{lang}.ttl").write_text(header + body, encoding="utf-8")
    return count


def import_dir(folder: Path) -> int:
    inv = inventory()
    status = 0
    for lang in catalogues.TRANSLATED:
        path = folder / f"{lang}.json"
        if not path.exists():
            print(f"{lang}: no file")
            status = 1
            continue
        good, problems = validate(lang, json.loads(path.read_text(encoding="utf-8")), inv)
        for problem in problems[:20]:
            print(problem)
        if len(problems) > 20:
            print(f"{lang}: ... {len(problems) - 20} more problems")
        status = status or (1 if problems else 0)
        messages = write_messages(lang, good, inv)
        triples = write_graph(lang, good, inv)
        print(f"{lang}: {messages} messages, {triples} graph texts, {len(problems)} problems")
    print(f"en: {write_graph('en', {}, inv)} graph texts (vocabulary term names)")
    return status


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "inventory":
        data = inventory()
        Path(argv[1]).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{len(data['messages'])} messages, {len(data['graph'])} graph texts -> {argv[1]}")
        return 0
    if len(argv) >= 2 and argv[0] == "import":
        return import_dir(Path(argv[1]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
