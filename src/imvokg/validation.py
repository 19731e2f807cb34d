"""Validate RDF against the project's SHACL shapes and explain the results.

The build (curated data) and the HTTP API (submitted agreements) call this
module. A result is reported as: focus node -> shape -> requirement, with the
shape's message in Dutch or English, because policy staff read these reports,
not SHACL engineers.

Two profiles:

- ``curated``: structural integrity of the knowledge graph (core shapes) and
  recognition decisions. Agreements are *not* held to the minimum
  requirements here: the 2014-2019 agreements are history and must load.
- ``agreement``: core and recommended shapes, and every sector agreement in
  the data is checked against ``imvosh:SectorAgreementMinimumShape``.

Validating one agreement must take milliseconds, not a second: most of a
naive pySHACL call is copying the 2,800 ontology and 2,000 concept-scheme
triples into fresh graphs and letting pySHACL copy the class and property
axioms again. So each set of shape files gets one :class:`_Engine`, built once
per process: its shapes graph, and a working graph holding what pySHACL would
mix in from the ontology plus the concept schemes. A validation adds the
submitted triples to that working graph, runs pySHACL on it in place with no
ontology graph, and takes them out again. :func:`reference_validation` runs the
plain pySHACL call (fresh graphs, ``ont_graph``); a test holds both to equal
results on every fixture and on the curated data. A member state's requirement
profile (which changes the shapes) still takes the plain call.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH
from rdflib.term import Node

from imvokg.errors import ConfigError
from imvokg.languages import DEFAULT as DEFAULT_LANGUAGE
from imvokg.languages import LANGUAGES, normalise
from imvokg.messages import N_, say, say_plural
from imvokg.namespaces import IMVO, IMVOSH, bind_prefixes
from imvokg.profiles import Applied
from imvokg.resources import resource_dir

PROFILES = ("curated", "agreement")

MINIMUM_SHAPE = IMVOSH["SectorAgreementMinimumShape"]

# Which shapes files make up each profile. The minimum-requirements file is in
# "curated" too, because decision shapes reach it through sh:node; it has no
# targets, so it does not apply to agreements on its own there.
_PROFILE_FILES: dict[str, tuple[str, ...]] = {
    "curated": (
        "imvo-core.shapes.ttl",
        "minimum-requirements.shapes.ttl",
        "recognition-decision.shapes.ttl",
    ),
    "agreement": (
        "imvo-core.shapes.ttl",
        "minimum-requirements.shapes.ttl",
        "imvo-recommended.shapes.ttl",
    ),
}

_REQUIREMENT_FILES = ("minimum-requirements.shapes.ttl",)
"""The shapes of one agreement's requirement conformance (the minimum shape, aimed at it)."""

_SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_PYSHACL_LOCK = threading.Lock()
"""One validation at a time per process: the SPARQL parser rdflib uses for the shapes' SPARQL
constraints (pyparsing) is not thread-safe, and two parses at once (a submission while the
warm-up computes conformance) fail with a TypeError deep inside it. Validation holds the GIL
anyway, so running one at a time costs almost no throughput."""

_SEVERITY_NAMES = {"violation": N_("violation"), "warning": N_("warning"), "info": N_("information")}
_FALLBACK_LANG = DEFAULT_LANGUAGE

MESSAGE_LANGUAGES: tuple[str, ...] = LANGUAGES
"""The languages reports are given in: the shapes' own (en, nl) and the editorial translations."""


def message_language(lang: str | None) -> str:
    """The language a report in ``lang`` is given in: ``lang`` where the messages exist, else English."""
    chosen = normalise(lang)
    return chosen if chosen in MESSAGE_LANGUAGES else _FALLBACK_LANG


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _parsed(path: str, mtime_ns: int) -> tuple[tuple[Node, Node, Node], ...]:
    """Parse a Turtle file once per version; callers build fresh graphs from it."""
    del mtime_ns  # part of the cache key only: an edited file is parsed again
    return tuple(Graph().parse(path, format="turtle"))


def _graph_from(paths: Iterable[Path]) -> Graph:
    """A new graph holding the triples of the given Turtle files."""
    graph = bind_prefixes(Graph())
    for path in paths:
        for triple in _parsed(str(path), path.stat().st_mtime_ns):
            graph.add(triple)
    return graph


def load_shapes(profile: str) -> Graph:
    """A fresh shapes graph for one profile (never shared: pySHACL mutates it)."""
    if profile not in _PROFILE_FILES:
        raise ValueError(f"unknown validation profile {profile!r}; use one of {PROFILES}")
    folder = resource_dir("shapes")
    return _graph_from(folder / name for name in _PROFILE_FILES[profile])


def load_ontology() -> Graph:
    """The TBox and the concept schemes: given to pySHACL as ``ont_graph``.

    With it, ``sh:class imvo:CivilSocietyOrganisation`` accepts a trade union.
    """
    folder = resource_dir("ontology")
    return _graph_from([folder / "imvo.ttl", *_scheme_files()])


@dataclass(frozen=True)
class SharedOntology:
    """The ontology of :func:`load_ontology` prepared once per version of its files, for readers only.

    An approval derives triples with it and checks types against it; building a
    fresh graph of 4,800 triples and writing it out as N-Triples took 150-250 ms
    of every approval. Nothing may change ``graph``: every caller shares it.
    """

    graph: Graph
    ntriples: bytes


def shared_ontology() -> SharedOntology:
    """The ontology graph and its N-Triples, shared (rebuilt when an ontology or scheme file changes)."""
    paths = [resource_dir("ontology") / "imvo.ttl", *_scheme_files()]
    return _shared_ontology(tuple(str(p) for p in paths), tuple(p.stat().st_mtime_ns for p in paths))


@lru_cache(maxsize=2)
def _shared_ontology(paths: tuple[str, ...], mtimes: tuple[int, ...]) -> SharedOntology:
    del paths, mtimes  # the cache key only
    graph = load_ontology()
    return SharedOntology(graph, graph.serialize(format="nt", encoding="utf-8"))


def _scheme_files() -> list[Path]:
    """The concept scheme files under ontology/schemes/."""
    return sorted((resource_dir("ontology") / "schemes").glob("*.ttl"))


def translation(lang: str) -> Graph:
    """The editorial translations of one language (translations/<lang>.ttl), parsed once per version.

    Only the language asked for is read, so an English validation (the build's) reads none.
    """
    path = resource_dir("translations") / f"{lang}.ttl"
    if lang == _FALLBACK_LANG or not path.exists():
        return Graph()
    return _translation_graph(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _translation_graph(path: str, mtime_ns: int) -> Graph:
    graph = Graph()
    for triple in _parsed(path, mtime_ns):
        graph.add(triple)
    return graph


def _said_in(graph: Graph, subject: Node, predicate: Node, lang: str) -> str | None:
    """A text of `subject` in `lang`: from the curated files, else from the editorial translations."""
    return (
        _text_in(graph, subject, predicate, lang, fallback=False)
        or _text_in(translation(lang), subject, predicate, lang, fallback=False)
        or _text_in(graph, subject, predicate, lang)
    )


def load_requirements() -> Graph:
    """The requirement resources (MR-01 ... and the house rules) shapes point at.

    Shared by every report (built once per version of the files, not per
    validation): read it, never change it.
    """
    paths = sorted((resource_dir("data") / "requirements").glob("*.ttl"))
    return _requirements(tuple(str(p) for p in paths), tuple(p.stat().st_mtime_ns for p in paths))


@lru_cache(maxsize=2)
def _requirements(paths: tuple[str, ...], mtimes: tuple[int, ...]) -> Graph:
    del mtimes  # part of the cache key only
    return _graph_from(Path(p) for p in paths)


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationIssue:
    """One validation result, explained in terms of the requirement it breaks."""

    requirement_id: str | None
    requirement_iri: str | None
    requirement_title: str | None
    focus_node: str
    focus_label: str | None
    path: str | None
    severity: str
    message: str
    source_shape: str
    value: str | None


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of one validation; ``conforms`` tolerates warnings."""

    conforms: bool
    issues: tuple[ValidationIssue, ...]
    report_graph: Graph
    explain: Callable[[str], tuple[ValidationIssue, ...]] | None = field(
        default=None, repr=False, compare=False
    )

    def issues_in(self, lang: str) -> tuple[ValidationIssue, ...]:
        """The same issues explained in another language (one validation, many readers)."""
        return self.explain(lang) if self.explain is not None else self.issues

    @property
    def violations(self) -> tuple[ValidationIssue, ...]:
        """Issues that block loading or recognition."""
        return tuple(i for i in self.issues if i.severity == "violation")

    @property
    def warnings(self) -> tuple[ValidationIssue, ...]:
        """Issues that are reported but never block."""
        return tuple(i for i in self.issues if i.severity == "warning")

    def to_turtle(self) -> str:
        """The raw ``sh:ValidationReport``, for audit and for PROV links."""
        return bind_prefixes(self.report_graph).serialize(format="turtle")

    def summary_text(self, lang: str = "en") -> str:
        """A readable multi-line report for the CLI and the build log, in `lang`."""
        verdict = say(lang, "conforms") if self.conforms else say(lang, "does not conform")
        violations = say_plural(lang, "%(num)s violation", "%(num)s violations", len(self.violations))
        warnings = say_plural(lang, "%(num)s warning", "%(num)s warnings", len(self.warnings))
        lines = [
            say(
                lang,
                "%(verdict)s (%(violations)s, %(warnings)s)",
                verdict=verdict,
                violations=violations,
                warnings=warnings,
            )
        ]
        for issue in self.issues_in(lang):
            requirement = " ".join(part for part in (issue.requirement_id, issue.requirement_title) if part)
            focus = issue.focus_node + (f" ({issue.focus_label})" if issue.focus_label else "")
            severity = (
                say(lang, _SEVERITY_NAMES[issue.severity])
                if issue.severity in _SEVERITY_NAMES
                else issue.severity
            )
            lines.append(f"[{severity}] {requirement or issue.source_shape}: {focus}")
            lines.append(f"    {issue.message}")
            if issue.path:
                lines.append("    " + say(lang, "path: %(path)s", path=issue.path))
            if issue.value:
                lines.append("    " + say(lang, "value: %(value)s", value=issue.value))
        return "\n".join(lines)


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def validate_graph(
    data: Graph,
    *,
    profile: str = "agreement",
    lang: str = "en",
    focus_agreements: bool = True,
    requirements: Applied | None = None,
) -> ValidationReport:
    """Validate ``data`` with one profile and explain each result.

    With the ``agreement`` profile and ``focus_agreements``, every
    ``imvo:SectorAgreement`` in the data (subclasses included) is also checked
    against the minimum requirements, or against the requirement profile
    ``requirements`` (a member state's requirements and severities over the EU
    minimum). A Dataset is validated as the union of its graphs (pySHACL would
    otherwise check each named graph on its own).
    """
    if profile not in _PROFILE_FILES:
        raise ValueError(f"unknown validation profile {profile!r}; use one of {PROFILES}")
    engine = _engine(_PROFILE_FILES[profile], requirements)
    targets: tuple[URIRef, ...] = ()
    if profile == "agreement" and focus_agreements:
        targets = tuple(agreements_in(_as_graph(data), engine.ontology))
    return engine.run(
        data, targets, lang, requirements.requirement_data if requirements is not None else None
    )


def prepare(requirements: Applied | None = None) -> None:
    """Build the validation engines now (about half a second), so the first submission does not wait.

    With `requirements` (the registry's profile) the engine submissions are checked with too.
    """
    for files in (*_PROFILE_FILES.values(), _REQUIREMENT_FILES):
        _engine(files)
    if requirements is not None:
        _engine(_PROFILE_FILES["agreement"], requirements)


def reference_validation(
    data: Graph,
    *,
    profile: str = "agreement",
    lang: str = "en",
    focus_agreements: bool = True,
    requirements: Applied | None = None,
) -> ValidationReport:
    """:func:`validate_graph` the plain way: fresh shapes and ontology graphs for pySHACL to mix in.

    What the fast path is held to (tests, ``bench/validation.py``), and the way a
    member state's requirement profile is applied.
    """
    shapes = load_shapes(profile)
    if requirements is not None:
        requirements.overlay(shapes)
    ontology = load_ontology()
    if profile == "agreement" and focus_agreements:
        for agreement in agreements_in(_as_graph(data), ontology):
            shapes.add((MINIMUM_SHAPE, SH.targetNode, agreement))
    return _run(
        data, shapes, ontology, lang, requirements.requirement_data if requirements is not None else None
    )


def requirement_conformance(data: Graph, agreement_iri: str, *, lang: str = "en") -> list[dict]:
    """One row per minimum requirement for one agreement in a larger graph.

    Rows are ``{"id", "iri", "title", "status", "messages", "paths"}`` with status
    ``met``, ``not_met`` (a violation) or ``warning``, in MR order; ``paths`` are the
    properties of the agreement the requirement's shapes start from (so a form can point
    at the field that meets it).
    """
    agreement = URIRef(agreement_iri)
    starts = _requirement_starts()
    report = _engine(_REQUIREMENT_FILES).run(data, (agreement,), lang)
    requirements = load_requirements()
    rows = []
    for req_iri, identifier in sorted(_minimum_requirements(requirements), key=lambda r: r[1]):
        issues = [
            i for i in report.issues if i.requirement_iri == str(req_iri) and i.focus_node == str(agreement)
        ]
        if any(i.severity == "violation" for i in issues):
            status = "not_met"
        elif issues:
            status = "warning"
        else:
            status = "met"
        rows.append(
            {
                "id": identifier,
                "iri": str(req_iri),
                "title": _said_in(requirements, req_iri, DCTERMS.title, lang),
                "status": status,
                "messages": [i.message for i in issues],
                "paths": starts.get(str(req_iri), []),
            }
        )
    return rows


def _requirement_starts() -> dict[str, list[str]]:
    """Per requirement, the first property of its shapes' paths (of an inverse path: its property)."""
    folder = resource_dir("shapes")
    shapes = _graph_from(folder / name for name in _REQUIREMENT_FILES)
    starts: dict[str, set[str]] = {}
    for shape, requirement in shapes.subject_objects(RDFS.seeAlso):
        path = shapes.value(shape, SH.path)
        if path is None:
            continue
        if not isinstance(path, URIRef):  # a sequence: its first step; an inverse: its property
            path = shapes.value(path, RDF.first) or path
            path = shapes.value(path, SH.inversePath) or shapes.value(path, SH.alternativePath) or path
        if isinstance(path, URIRef):
            starts.setdefault(str(requirement), set()).add(str(path))
    return {requirement: sorted(paths) for requirement, paths in starts.items()}


def agreements_in(data: Graph, ontology: Graph) -> list[URIRef]:
    """Every sector agreement in ``data``, typed with the class or a subclass."""
    classes = _subclasses(IMVO["SectorAgreement"], (ontology, data))
    found = {s for cls in classes for s in data.subjects(RDF.type, cls) if isinstance(s, URIRef)}
    return sorted(found)


def undefined_shape_references(shapes: Graph) -> list[str]:
    """Named shapes referenced by another shape but defined nowhere.

    pySHACL aborts instead of reporting when it meets one, so the build and
    the tests lint for them first.
    """
    referring = (SH.property, SH.node, SH.sparql, SH.qualifiedValueShape, SH["not"])
    missing = set()
    for predicate in referring:
        for target in shapes.objects(None, predicate):
            if isinstance(target, URIRef) and (target, None, None) not in shapes:
                missing.add(str(target))
    for predicate in (SH["or"], SH["and"], SH.xone):
        for head in shapes.objects(None, predicate):
            for member in Collection(shapes, head):
                if isinstance(member, URIRef) and (member, None, None) not in shapes:
                    missing.add(str(member))
    return sorted(missing)


# --------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------


def _working_graph(data: Graph) -> Graph:
    """The data plus the concept schemes, in a graph of our own.

    pySHACL copies only class and property definitions from ``ont_graph``
    into the data, not SKOS concepts, so ``skos:inScheme`` checks on values
    (severity, likelihood, role, decision outcome...) need the schemes here.
    Being our own copy, pySHACL may work on it in place.
    """
    work = Graph()
    for triple in _as_graph(data):
        work.add(triple)
    for path in _scheme_files():
        for triple in _parsed(str(path), path.stat().st_mtime_ns):
            work.add(triple)
    return work


class _Engine:
    """pySHACL over one set of shape files, with everything but the submitted data prepared once.

    The working graph holds the ontology axioms pySHACL's ``ont_graph`` mixing
    would copy (computed once with pySHACL's own inoculation) and the concept
    schemes. A run adds the data's triples that are not there yet, aims the
    minimum shape at the target agreements, validates in place and takes both
    out again, all under the one validation lock. Nothing else changes the
    graphs (the shapes have no rules and inference is off); a run that finds
    the working graph grown anyway rebuilds it, so a surprise costs time, never
    a wrong answer.
    """

    def __init__(self, files: tuple[str, ...], requirements: Applied | None = None) -> None:
        folder = resource_dir("shapes")
        self.shapes = _graph_from(folder / name for name in files)
        if requirements is not None:  # a member state's profile re-grades the shapes, once here
            requirements.overlay(self.shapes)
        self.lookup = bind_prefixes(Graph())
        for triple in self.shapes:
            self.lookup.add(triple)
        self.ontology = shared_ontology().graph
        self._support = self._support_triples()
        self.work = self._fresh_work()

    def _support_triples(self) -> tuple[tuple[Node, Node, Node], ...]:
        from pyshacl.rdfutil.inoculate import inoculate

        mixed = Graph()
        inoculate(mixed, self.ontology)  # type: ignore[arg-type]  # works on any rdflib Graph
        for path in _scheme_files():
            for triple in _parsed(str(path), path.stat().st_mtime_ns):
                mixed.add(triple)
        return tuple(mixed)

    def _fresh_work(self) -> Graph:
        work = bind_prefixes(Graph())
        for triple in self._support:
            work.add(triple)
        return work

    def run(
        self, data: Graph, targets: Iterable[URIRef], lang: str, requirement_data: Graph | None = None
    ) -> ValidationReport:
        data = _as_graph(data)
        aims = [(MINIMUM_SHAPE, SH.targetNode, t) for t in targets]
        with _PYSHACL_LOCK:
            work, shapes = self.work, self.shapes
            size = len(work)
            added = [t for t in data if t not in work]
            new_aims = [a for a in aims if a not in shapes]
            for triple in added:
                work.add(triple)
            for aim in new_aims:
                shapes.add(aim)
            try:
                report_graph = _pyshacl(work, shapes, None)
            finally:
                for aim in new_aims:
                    shapes.remove(aim)
                for triple in added:
                    work.remove(triple)
                if len(work) != size:
                    self.work = self._fresh_work()
        return _explained(report_graph, self.lookup, data, lang, requirement_data)


_ENGINES: OrderedDict[tuple[object, ...], _Engine] = OrderedDict()
_ENGINES_LOCK = threading.Lock()


def _engine(files: tuple[str, ...], requirements: Applied | None = None) -> _Engine:
    """The engine of these shape files (as a requirement profile re-grades them), made once.

    Rebuilt when a shapes, ontology, scheme or profile shape file changes; a few are kept
    (one per profile in use and per set of files).
    """
    folder = resource_dir("shapes")
    paths = [folder / name for name in files]
    paths += [resource_dir("ontology") / "imvo.ttl", *_scheme_files()]
    key = (files, tuple(p.stat().st_mtime_ns for p in paths), requirements and requirements.shapes_key)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = _Engine(files, requirements)
            while len(_ENGINES) > 8:
                _ENGINES.popitem(last=False)
        _ENGINES.move_to_end(key)
        return engine


def _run(
    data: Graph, shapes: Graph, ontology: Graph, lang: str, requirement_data: Graph | None = None
) -> ValidationReport:
    """Call pySHACL with explicit graphs (never paths) and explain the report."""
    lookup = bind_prefixes(Graph())
    for triple in shapes:
        lookup.add(triple)
    data = _as_graph(data)
    with _PYSHACL_LOCK:
        report_graph = _pyshacl(_working_graph(data), shapes, ontology)
    return _explained(report_graph, lookup, data, lang, requirement_data)


def _pyshacl(work: Graph, shapes: Graph, ontology: Graph | None) -> Graph:
    """The report graph of one pySHACL run in place on `work` (the caller holds the lock)."""
    try:
        _, report_graph, _ = pyshacl.validate(
            work,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            advanced=True,
            allow_warnings=True,
            inplace=True,
        )
    except ReportableRuntimeError as exc:
        raise ConfigError(
            N_("The validation shapes could not be applied; check shapes/ for a broken shape."),
            reason=str(exc.message),
        ) from exc
    return report_graph


def _explained(
    report_graph: Graph, lookup: Graph, data: Graph, lang: str, requirement_data: Graph | None = None
) -> ValidationReport:
    """The report of one pySHACL run, explained (in `lang` now, in others on demand)."""
    requirements = requirement_data if requirement_data is not None else load_requirements()

    @cache
    def explain(language: str) -> tuple[ValidationIssue, ...]:
        return tuple(
            sorted(
                (
                    _issue(result, report_graph, lookup, requirements, data, language)
                    for result in _top_level_results(report_graph)
                ),
                key=lambda i: (i.severity != "violation", i.requirement_id or "~", i.focus_node),
            )
        )

    issues = explain(lang)
    conforms = not any(i.severity == "violation" for i in issues)
    return ValidationReport(conforms=conforms, issues=issues, report_graph=report_graph, explain=explain)


def _top_level_results(report: Graph) -> Iterator[Node]:
    """The report's own results, not the ``sh:detail`` results nested in them."""
    for report_node in report.subjects(RDF.type, SH.ValidationReport):
        yield from report.objects(report_node, SH.result)


def _issue(
    result: Node,
    report: Graph,
    shapes: Graph,
    requirements: Graph,
    data: Graph,
    lang: str,
) -> ValidationIssue:
    """Turn one ``sh:ValidationResult`` into an issue a person can act on."""
    shape = _named_shape(result, report, shapes)
    requirement = shapes.value(shape, RDFS.seeAlso) if shape is not None else None
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    level = report.value(result, SH.resultSeverity)
    severity = _SEVERITIES.get(level, "violation") if isinstance(level, URIRef) else "violation"
    message = _message(result, report, shape, shapes, lang)
    return ValidationIssue(
        requirement_id=_identifier(requirements, requirement),
        requirement_iri=str(requirement) if requirement is not None else None,
        requirement_title=(
            _said_in(requirements, requirement, DCTERMS.title, lang) if requirement is not None else None
        ),
        focus_node=str(focus),
        focus_label=_text_in(data, focus, RDFS.label, lang) if focus is not None else None,
        path=_render_path(path, report) if path is not None else None,
        severity=severity,
        message=message,
        source_shape=str(shape) if shape is not None else str(report.value(result, SH.sourceShape)),
        value=str(value) if value is not None else None,
    )


def _message(result: Node, report: Graph, shape: Node | None, shapes: Graph, lang: str) -> str:
    """The result message in the asked language, falling back to English.

    pySHACL drops the language tag when it fills ``{?var}`` placeholders, so
    untagged result messages are matched back to the shape's tagged templates.
    A language the shape files do not speak takes the shape's editorial
    translation, filled with the values read off the English message.
    """
    tagged = _text_in(report, result, SH.resultMessage, lang, fallback=False)
    if tagged:
        return tagged
    untagged = [
        str(m) for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal) and not m.language
    ]
    templates = list(shapes.objects(shape, SH.message)) if shape is not None else []
    if not any(isinstance(t, Literal) and t.language == lang for t in templates) and shape is not None:
        translated = _text_in(translation(lang), shape, SH.message, lang, fallback=False)
        english = [str(t) for t in templates if isinstance(t, Literal) and t.language == _FALLBACK_LANG]
        filled = (
            _fill_translation(translated, english, untagged + _tagged(report, result)) if translated else None
        )
        if filled:
            return filled
    for wanted in (lang, _FALLBACK_LANG):
        for template in templates:
            if not isinstance(template, Literal) or template.language != wanted:
                continue
            pattern = _template_pattern(str(template))
            for filled in untagged:
                if pattern.fullmatch(filled):
                    return filled
            if "{" not in str(template):
                return str(template)
    return _text_in(report, result, SH.resultMessage, lang) or say(lang, "The data does not meet this shape.")


def _tagged(report: Graph, result: Node) -> list[str]:
    return [str(m) for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal) and m.language]


_VARIABLE = re.compile(r"\{([?$][A-Za-z_][A-Za-z0-9_]*)\}")


def _fill_translation(translated: str, english: list[str], messages: list[str]) -> str | None:
    """`translated` with its ``{?var}`` replaced by the values the English message was filled with."""
    if not _VARIABLE.search(translated):
        return translated
    for template in english:
        names = _VARIABLE.findall(template)
        parts = _VARIABLE.split(template)[::2]
        pattern = re.compile("(.*?)".join(re.escape(part) for part in parts), re.DOTALL)
        for message in messages:
            match = pattern.fullmatch(message)
            if match:
                return _substitute(translated, dict(zip(names, match.groups(), strict=False)))
    return None


def _substitute(template: str, values: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _template_pattern(template: str) -> re.Pattern[str]:
    """A regex that matches a message template with its placeholders filled."""
    parts = re.split(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}", template)
    return re.compile(".*?".join(re.escape(part) for part in parts), re.DOTALL)


def _named_shape(result: Node, report: Graph, shapes: Graph) -> Node | None:
    """The shape that explains a result.

    SPARQL constraints report their node shape as ``sh:sourceShape``; the
    constraint itself (which carries the message and requirement) is in
    ``sh:sourceConstraint``.
    """
    constraint = report.value(result, SH.sourceConstraint)
    if constraint is not None and (constraint, RDFS.seeAlso, None) in shapes:
        return constraint
    return report.value(result, SH.sourceShape)


def _identifier(requirements: Graph, requirement: Node | None) -> str | None:
    """The short code of a requirement, e.g. ``MR-03``."""
    if requirement is None:
        return None
    identifier = requirements.value(requirement, DCTERMS.identifier)
    return str(identifier) if identifier is not None else None


def _minimum_requirements(requirements: Graph) -> Iterator[tuple[Node, str]]:
    """The MR-nn requirements, as (IRI, identifier)."""
    for req, identifier in requirements.subject_objects(DCTERMS.identifier):
        if str(identifier).startswith("MR-"):
            yield req, str(identifier)


def _text_in(graph: Graph, subject: Node, predicate: Node, lang: str, *, fallback: bool = True) -> str | None:
    """A literal in the asked language; else English, else any (if ``fallback``)."""
    literals = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    for wanted in (lang, _FALLBACK_LANG) if fallback else (lang,):
        for literal in literals:
            if literal.language == wanted:
                return str(literal)
    if fallback and literals:
        return str(sorted(literals)[0])
    return None


def _render_path(path: Node, graph: Graph) -> str:
    """A SPARQL-like rendering of a SHACL path, e.g. ``^org:organization``."""
    if isinstance(path, URIRef):
        return graph.namespace_manager.normalizeUri(path)
    if not isinstance(path, BNode):
        return str(path)
    if (path, RDF.first, None) in graph:
        return "/".join(_render_path(p, graph) for p in Collection(graph, path))
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(_wrap(_render_path(inner, graph)))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_render_path(p, graph) for p in Collection(graph, alternatives)) + ")"
    return "[path]"


def _wrap(text: str) -> str:
    """Parenthesise a compound path before a unary operator applies to it."""
    return f"({text})" if "/" in text or "|" in text else text


def _subclasses(root: URIRef, graphs: Iterable[Graph]) -> set[Node]:
    """``root`` and every class below it by ``rdfs:subClassOf`` in any graph."""
    graphs = tuple(graphs)
    found: set[Node] = {root}
    frontier: list[Node] = [root]
    while frontier:
        current = frontier.pop()
        for graph in graphs:
            for sub in graph.subjects(RDFS.subClassOf, current):
                if sub not in found:
                    found.add(sub)
                    frontier.append(sub)
    return found


def _as_graph(data: Graph) -> Graph:
    """A plain graph to validate; a Dataset becomes the union of its graphs."""
    if not isinstance(data, Graph):
        raise TypeError("validate an rdflib Graph, not a path or a string")
    if isinstance(data, Dataset) or type(data).__name__ == "ConjunctiveGraph":
        union = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):  # type: ignore[attr-defined]  # Dataset
            union.add((s, p, o))
        return union
    return data


__all__ = [
    "MINIMUM_SHAPE",
    "PROFILES",
    "ValidationIssue",
    "ValidationReport",
    "agreements_in",
    "load_ontology",
    "load_requirements",
    "load_shapes",
    "prepare",
    "reference_validation",
    "requirement_conformance",
    "shared_ontology",
    "undefined_shape_references",
    "validate_graph",
]
