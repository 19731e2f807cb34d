"""Shapes, requirements and the validation API, driven by the fixture files.

Adding a file to tests/shapes/valid/ or tests/shapes/invalid/ adds a test.
An invalid fixture is named ``<shape-local-name>--<case>.ttl`` and must fail
exactly that shape (and no other shape at Violation level).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH

from imvokg.namespaces import IMVOSH
from imvokg.resources import resource_dir
from imvokg.services.reports import report_json
from imvokg.validation import (
    MINIMUM_SHAPE,
    PROFILES,
    agreements_in,
    load_ontology,
    load_requirements,
    load_shapes,
    reference_validation,
    requirement_conformance,
    undefined_shape_references,
    validate_graph,
)

FIXTURES = Path(__file__).parent / "shapes"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
COMPLETE = FIXTURES / "valid" / "agreement-complete.ttl"
AGREEMENT = "https://w3id.org/imvokg/id/agreement/example-widgets"
MR_IDS = [f"MR-{n:02d}" for n in range(1, 15)]


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def _all_shapes() -> Graph:
    """Every shapes file together, for lint checks."""
    graph = Graph()
    for path in sorted(resource_dir("shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _decision_shapes() -> set[URIRef]:
    graph = Graph().parse(resource_dir("shapes") / "recognition-decision.shapes.ttl")
    return {s for s in graph.subjects() if isinstance(s, URIRef)}


def _profile_for(shape: URIRef) -> str:
    """Decision shapes live in the curated profile; the rest are checked as submissions."""
    return "curated" if shape in _decision_shapes() else "agreement"


def _expected_shape(path: Path) -> URIRef:
    return IMVOSH[path.stem.split("--", 1)[0]]


def _constraint_shapes(shapes: Graph) -> set[URIRef]:
    """Named shapes that report results: those carrying a message."""
    return {
        s
        for s in shapes.subjects(SH.message, None)
        if isinstance(s, URIRef) and str(s).startswith(str(IMVOSH))
    }


# --------------------------------------------------------------------------
# Lint: the shapes themselves
# --------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_every_referenced_named_shape_is_defined(profile: str) -> None:
    assert undefined_shape_references(load_shapes(profile)) == []


def test_lint_finds_an_undefined_shape() -> None:
    shapes = load_shapes("agreement")
    shapes.add((MINIMUM_SHAPE, SH.property, IMVOSH["SectorAgreement-doesNotExist"]))
    assert undefined_shape_references(shapes) == [str(IMVOSH["SectorAgreement-doesNotExist"])]


def test_named_shapes_have_messages_in_nl_and_en_and_a_known_requirement() -> None:
    shapes = _all_shapes()
    requirements = load_requirements()
    named = _constraint_shapes(shapes)
    assert len(named) > 40
    for shape in named:
        messages = shapes.objects(shape, SH.message)
        languages = {m.language for m in messages if isinstance(m, Literal)}
        assert {"en", "nl"} <= languages, shape
        requirement = shapes.value(shape, RDFS.seeAlso)
        assert requirement is not None, shape
        assert (requirement, DCTERMS.identifier, None) in requirements, (shape, requirement)


def test_every_minimum_requirement_has_a_shape_with_the_agreed_severity() -> None:
    shapes = _all_shapes()
    requirements = load_requirements()
    seen = set()
    for shape in _constraint_shapes(shapes):
        requirement = shapes.value(shape, RDFS.seeAlso)
        identifier = str(requirements.value(requirement, DCTERMS.identifier))
        if not identifier.startswith("MR-"):
            continue
        seen.add(identifier)
        severity = shapes.value(shape, SH.severity, default=SH.Violation)
        expected = SH.Warning if identifier in {"MR-12", "MR-13", "MR-14"} else SH.Violation
        assert severity == expected, (shape, identifier)
    assert seen == set(MR_IDS)


def test_minimum_shape_has_no_target() -> None:
    shapes = _all_shapes()
    for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        assert (MINIMUM_SHAPE, target, None) not in shapes


def test_requirements_are_labelled_in_both_languages() -> None:
    requirements = load_requirements()
    ids = {str(i) for i in requirements.objects(None, DCTERMS.identifier)}
    assert set(MR_IDS) <= ids and {"DQ-01", "DQ-02"} <= ids
    for req in requirements.subjects(DCTERMS.identifier, None):
        for predicate in (DCTERMS.title, RDFS.label):
            langs = {t.language for t in requirements.objects(req, predicate)}
            assert {"en", "nl"} <= langs, (req, predicate)
        assert (req, DCTERMS.source, None) in requirements, req


# --------------------------------------------------------------------------
# Fixtures: valid and invalid
# --------------------------------------------------------------------------


def test_there_are_fixtures() -> None:
    assert COMPLETE in VALID
    assert len(INVALID) >= len(MR_IDS)


def _valid_cases() -> list[tuple[Path, str]]:
    """Every valid fixture with the curated profile; agreements also as submissions.

    ``decision-*`` fixtures are about decisions (a refusal may concern an
    agreement that fails the minimum), so they are checked as curated data only.
    """
    cases = [(path, "curated") for path in VALID]
    cases += [(path, "agreement") for path in VALID if not path.stem.startswith("decision-")]
    return cases


@pytest.mark.parametrize(
    ("path", "profile"), _valid_cases(), ids=lambda v: v.stem if isinstance(v, Path) else v
)
def test_valid_fixture_conforms(path: Path, profile: str) -> None:
    report = validate_graph(_parse(path), profile=profile)
    assert report.conforms, report.summary_text()


def test_complete_agreement_has_no_warnings_either() -> None:
    report = validate_graph(_parse(COMPLETE), profile="agreement")
    assert report.issues == (), report.summary_text()


@pytest.mark.slow  # one pySHACL run per fixture
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_exactly_its_shape(path: Path) -> None:
    expected = _expected_shape(path)
    shapes = _all_shapes()
    assert (expected, None, None) in shapes, f"{path.name} names an unknown shape"
    report = validate_graph(_parse(path), profile=_profile_for(expected))
    hits = [i for i in report.issues if i.source_shape == str(expected)]
    assert hits, report.summary_text()
    others = [i for i in report.violations if i.source_shape != str(expected)]
    assert others == [], report.summary_text()
    is_warning = shapes.value(expected, SH.severity) == SH.Warning
    assert report.conforms is is_warning
    assert all(i.requirement_id for i in hits)


def test_each_minimum_requirement_has_a_failing_fixture() -> None:
    shapes = _all_shapes()
    requirements = load_requirements()
    covered = {
        str(requirements.value(shapes.value(_expected_shape(p), RDFS.seeAlso), DCTERMS.identifier))
        for p in INVALID
    }
    assert set(MR_IDS) <= covered


# --------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------


UNION_SUPPORTER = FIXTURES / "invalid" / "SectorAgreement-tradeUnionSignatory--union-only-supporter.ttl"


def _union_supporter_fixture() -> Graph:
    return _parse(UNION_SUPPORTER)


def test_issue_explains_requirement_in_the_asked_language() -> None:
    data = _union_supporter_fixture()
    en = validate_graph(data, lang="en").violations[0]
    nl = validate_graph(data, lang="nl").violations[0]
    assert en.requirement_id == nl.requirement_id == "MR-03"
    assert en.requirement_iri == "https://w3id.org/imvokg/id/requirement/mr-03"
    assert en.focus_node == AGREEMENT
    assert en.path == "^org:organization"
    assert en.severity == "violation"
    assert "trade union" in en.message and "vakbond" in nl.message
    assert en.requirement_title == "A trade union signs"
    assert nl.requirement_title == "Een vakbond ondertekent"
    assert nl.focus_label == "Voorbeeldconvenant Onderdelen"


def test_filled_in_message_keeps_its_language() -> None:
    data = _parse(FIXTURES / "invalid" / "SectorAgreement-salientRisksCovered--broader-topic-only.ttl")
    nl = validate_graph(data, lang="nl").violations[0]
    en = validate_graph(data, lang="en").violations[0]
    assert nl.message.startswith("Prioritair risico https://w3id.org/imvokg/scheme/risk-topic/child-labour")
    assert en.message.startswith("Salient risk https://w3id.org/imvokg/scheme/risk-topic/child-labour")
    assert en.source_shape == str(IMVOSH["SectorAgreement-salientRisksCovered"])


def test_report_serialisations() -> None:
    report = validate_graph(_union_supporter_fixture())
    as_dict = report_json(report)
    assert as_dict["conforms"] is False
    assert as_dict["violations"] == 1 and as_dict["warnings"] == 0
    assert as_dict["results"][0]["requirement"]["id"] == "MR-03"
    parsed = Graph().parse(data=report.to_turtle(), format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in parsed
    assert len(list(parsed.subjects(RDF.type, SH.ValidationResult))) == 1
    assert "MR-03" in report.summary_text()
    assert "Een vakbond ondertekent" in report.summary_text("nl")


# --------------------------------------------------------------------------
# Profiles and inputs
# --------------------------------------------------------------------------


def test_curated_profile_does_not_hold_agreements_to_the_minimum() -> None:
    assert validate_graph(_union_supporter_fixture(), profile="curated").conforms


def test_agreement_profile_finds_agreements_by_subclass() -> None:
    assert agreements_in(_parse(COMPLETE), load_ontology()) == [URIRef(AGREEMENT)]


def test_focus_agreements_can_be_switched_off() -> None:
    report = validate_graph(_union_supporter_fixture(), focus_agreements=False)
    assert report.conforms


def test_dataset_is_validated_as_the_union_of_its_graphs() -> None:
    data = _parse(COMPLETE)
    dataset = Dataset()
    memberships = dataset.graph(URIRef("urn:test:memberships"))
    rest = dataset.graph(URIRef("urn:test:rest"))
    for s, p, o in data:
        (memberships if "/membership/" in str(s) else rest).add((s, p, o))
    assert validate_graph(dataset).issues == ()


def test_strings_are_refused() -> None:
    with pytest.raises(TypeError):
        validate_graph(str(COMPLETE))  # type: ignore[arg-type]


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError):
        load_shapes("lenient")


def test_shapes_graphs_are_never_shared() -> None:
    first, second = load_shapes("agreement"), load_shapes("agreement")
    assert first is not second
    first.add((MINIMUM_SHAPE, SH.targetNode, URIRef(AGREEMENT)))
    assert (MINIMUM_SHAPE, SH.targetNode, None) not in second


# --------------------------------------------------------------------------
# Requirement conformance per agreement
# --------------------------------------------------------------------------


def test_conformance_rows_for_a_complete_agreement() -> None:
    rows = requirement_conformance(_parse(COMPLETE), AGREEMENT)
    assert [r["id"] for r in rows] == MR_IDS
    assert {r["status"] for r in rows} == {"met"}
    assert all(r["title"] and r["iri"].endswith(r["id"].lower()) for r in rows)


def test_conformance_picks_one_agreement_out_of_a_larger_graph() -> None:
    gadgets_text = re.sub("example-widgets", "example-gadgets", UNION_SUPPORTER.read_text())
    data = _parse(COMPLETE)
    data.parse(data=gadgets_text, format="turtle")
    widgets = {r["id"]: r for r in requirement_conformance(data, AGREEMENT, lang="nl")}
    gadgets = {
        r["id"]: r
        for r in requirement_conformance(
            data, AGREEMENT.replace("example-widgets", "example-gadgets"), lang="nl"
        )
    }
    assert {r["status"] for r in widgets.values()} == {"met"}
    assert gadgets["MR-03"]["status"] == "not_met"
    assert gadgets["MR-03"]["messages"] == ["Ten minste één vakbond moet de afspraak ondertekenen."]
    assert gadgets["MR-03"]["title"] == "Een vakbond ondertekent"
    assert [k for k, r in gadgets.items() if r["status"] != "met"] == ["MR-03"]


def test_conformance_reports_warnings_as_warnings() -> None:
    data = _parse(FIXTURES / "invalid" / "SectorAgreement-internalTransparency--monitoring-undescribed.ttl")
    rows = {r["id"]: r["status"] for r in requirement_conformance(data, AGREEMENT)}
    assert rows["MR-14"] == "warning"
    assert [k for k, s in rows.items() if s != "met"] == ["MR-14"]


def test_one_report_explains_itself_in_either_language() -> None:
    report = validate_graph(_union_supporter_fixture(), lang="en")
    (dutch,) = report.issues_in("nl")
    assert dutch.message == "Ten minste één vakbond moet de afspraak ondertekenen."
    assert report.issues[0].message == "At least one trade union must sign the agreement."


# --------------------------------------------------------------------------
# The prepared engine against the plain pySHACL call
# --------------------------------------------------------------------------


def _same_report(fast, reference, langs=("en", "nl", "de")) -> None:
    assert fast.conforms == reference.conforms
    for lang in langs:
        assert fast.issues_in(lang) == reference.issues_in(lang)


EQUIVALENCE_IN_THE_FAST_TIER = {
    "agreement-complete",
    "decision-recognised-with-warnings",
    "SectorAgreement-tradeUnionSignatory--union-only-supporter",
    "RecognitionDecision-agreementMeetsMinimum--agreement-without-union-signatory",
}
"""An agreement and a decision, each valid and invalid: the plain pySHACL call takes about half a
second a fixture, so `make test-fast` compares these four and `make test` every fixture."""


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path, id=path.stem, marks=() if path.stem in EQUIVALENCE_IN_THE_FAST_TIER else pytest.mark.slow
        )
        for path in VALID + INVALID
    ],
)
@pytest.mark.parametrize("profile", PROFILES)
def test_prepared_validation_equals_plain_pyshacl_on_every_fixture(path: Path, profile: str) -> None:
    data = _parse(path)
    _same_report(validate_graph(data, profile=profile), reference_validation(data, profile=profile))


def test_prepared_validation_leaves_no_trace_between_runs() -> None:
    """An invalid agreement validated first must not change the next one's report (nor the reverse)."""
    broken = _parse(INVALID[0])
    complete = _parse(COMPLETE)
    first = validate_graph(complete)
    validate_graph(broken)
    again = validate_graph(complete)
    assert first.conforms and again.conforms
    assert again.issues == first.issues
    assert validate_graph(broken).issues == reference_validation(broken).issues


@pytest.mark.slow
@pytest.mark.parametrize("profile", PROFILES)
def test_prepared_validation_equals_plain_pyshacl_on_the_curated_data(profile: str) -> None:
    """The whole curated registry: every agreement against the minimum shape, every decision."""
    from imvokg.ingest import discover, parse_file

    data = Graph()
    for source in discover():
        if source.folder in {"data", "ontology"}:
            data += parse_file(source)
    fast = validate_graph(data, profile=profile)
    reference = reference_validation(data, profile=profile)
    if profile == "agreement":  # the 2014-2019 agreements predate some requirements: results to compare
        assert fast.violations
    _same_report(fast, reference, langs=("en", "nl"))


PROFILE_EXAMPLES = Path(__file__).parent / "profiles"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path, id=path.stem, marks=() if path.stem in EQUIVALENCE_IN_THE_FAST_TIER else pytest.mark.slow
        )
        for path in VALID + INVALID
    ],
)
@pytest.mark.parametrize("profile_key", ["eu-minimum", "de-example/2"])
def test_prepared_validation_under_a_requirement_profile_equals_plain_pyshacl(
    path: Path, profile_key: str
) -> None:
    """What a server validates submissions with (its profile, severities re-graded) is prepared once too."""
    from imvokg.profiles import ProfileCatalogue

    catalogue = ProfileCatalogue(PROFILE_EXAMPLES)
    token, _, version = profile_key.partition("/")
    applied = catalogue.applied(catalogue.get(token, version or None))
    data = _parse(path)
    _same_report(validate_graph(data, requirements=applied), reference_validation(data, requirements=applied))
