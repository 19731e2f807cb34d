"""`imvokg synth`: a synthetic graph of this domain, on top of the curated one, for scale tests.

It plans for what the EU will produce: every company in scope of the CSDDD
with its memberships (in the real agreements and in synthetic ones), its
supplier links, and per agreement a sector risk assessment with assessed
risks and levels, commitments that respond to them, trade union parties and
recognition decisions in all 27 member states. The shapes of the curated
data are followed (labels in English and Dutch, a source on everything the
data checks look at), so the materialisation and checks of the build run
unchanged. Only the concept schemes and the real agreement IRIs are read
from the curated files; everything else is drawn from ``random.Random(seed)``,
so a seed and a size always give the same bytes.

The output is N-Triples written line by line (a 10M-triple file never sits
in memory), for the store's bulk loader (`imvokg build --extra FILE`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from imvokg.namespaces import BASE, COUNTRY, IMVO
from imvokg.resources import resource_dir

RDF_TYPE = str(RDF.type)
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DESCRIPTION = "http://purl.org/dc/terms/description"
SOURCE = "http://purl.org/dc/terms/source"
ISSUED = "http://purl.org/dc/terms/issued"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ID = BASE + "id/"
SYNTH_SOURCE = ID + "source/synthetic-data"
# Synthetic values are what their (synthetic) source states, so their basis is "sourced"; the data
# checks ask every country, step link and assessed risk to name its basis (unmarked-editorial-links).
SOURCED = BASE + "scheme/assessment-basis/sourced"

EU_MEMBER_STATES = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
    "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",
)  # fmt: skip

_NAME_A = ("Noord", "Zuid", "Oost", "West", "Delta", "Rijn", "Maas", "Euro", "Atlas", "Nova", "Terra", "Vita")
_NAME_B = ("textiel", "metaal", "goud", "hout", "agro", "food", "steen", "energie", "chemie", "logistiek")
_NAME_C = ("B.V.", "N.V.", "GmbH", "S.A.", "S.p.A.", "AB", "Oy", "sp. z o.o.", "a.s.", "Ltd")


@dataclass(frozen=True)
class Schemes:
    """The concepts synthetic data may use: read from the curated schemes, so it stays in step."""

    sectors: tuple[str, ...]
    topics: tuple[str, ...]
    steps: tuple[str, ...]
    severity: tuple[str, ...]
    likelihood: tuple[str, ...]
    outcomes: tuple[str, ...]
    regimes: tuple[str, ...]
    effects: tuple[str, ...]
    roles: tuple[str, ...]
    statuses: tuple[str, ...]
    agreements: tuple[str, ...]


def load_schemes() -> Schemes:
    graph = Graph()
    for path in sorted((resource_dir("ontology") / "schemes").glob("*.ttl")):
        graph.parse(path)

    def concepts(scheme: str) -> tuple[str, ...]:
        found = graph.subjects(SKOS.inScheme, graph.namespace_manager.expand_curie(f"s:{scheme}"))
        return tuple(sorted(str(c) for c in found))

    graph.bind("s", BASE + "scheme/")
    agreements = Graph()
    for path in sorted((resource_dir("data") / "agreements").glob("*.ttl")):
        agreements.parse(path)
    real = sorted(
        str(s)
        for kind in ("IrbcAgreement", "ForeignSectorInitiative")
        for s in agreements.subjects(RDF.type, IMVO[kind])
    )
    schemes = Schemes(
        sectors=concepts("sector"),
        topics=concepts("risk-topic"),
        steps=concepts("dd-step"),
        severity=concepts("severity-level"),
        likelihood=concepts("likelihood-level"),
        outcomes=concepts("decision-outcome"),
        regimes=concepts("supervision-regime"),
        effects=concepts("legal-effect"),
        roles=concepts("party-role"),
        statuses=concepts("agreement-status"),
        agreements=tuple(real),
    )
    empty = [name for name, value in schemes.__dict__.items() if not value]
    if empty:
        raise ValueError(f"the curated schemes have no concepts for: {', '.join(empty)}")
    return schemes


def _lit(value: str, lang: str | None = None) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


class _Writer:
    """Counts triples as they are written."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0

    def t(self, s: str, p: str, o: str) -> None:
        """One triple; ``o`` is an IRI unless it is already a literal (starts with a quote)."""
        obj = o if o.startswith('"') else f"<{o}>"
        self.out.write(f"<{s}> <{p}> {obj} .\n")
        self.count += 1

    def labelled(self, s: str, kind: str, en: str, nl: str) -> None:
        self.t(s, RDF_TYPE, str(IMVO[kind]))
        self.t(s, LABEL, _lit(en, "en"))
        self.t(s, LABEL, _lit(nl, "nl"))
        self.t(s, SOURCE, SYNTH_SOURCE)


def generate(out: IO[str], *, triples: int, seed: int, schemes: Schemes | None = None) -> int:
    """Write at least ``triples`` triples (stopping at the end of a company); returns the count."""
    schemes = schemes or load_schemes()
    rng = random.Random(seed)
    w = _Writer(out)
    w.t(SYNTH_SOURCE, LABEL, _lit("Synthetic data generated by imvokg synth", "en"))
    w.t(SYNTH_SOURCE, LABEL, _lit("Synthetische gegevens gemaakt met imvokg synth", "nl"))

    authorities: dict[str, str] = {}
    unions: dict[str, str] = {}
    for state in EU_MEMBER_STATES:
        authority = f"{ID}party/synth-authority-{state.lower()}"
        w.labelled(
            authority, "GovernmentBody", f"Competent authority {state}", f"Bevoegde autoriteit {state}"
        )
        w.t(authority, str(IMVO.country), str(COUNTRY[state]))
        w.t(authority, str(IMVO.countryBasis), SOURCED)
        authorities[state] = authority
        union = f"{ID}party/synth-union-{state.lower()}"
        w.labelled(union, "TradeUnion", f"Trade union confederation {state}", f"Vakbondsfederatie {state}")
        w.t(union, str(IMVO.country), str(COUNTRY[state]))
        w.t(union, str(IMVO.countryBasis), SOURCED)
        unions[state] = union

    agreements: list[str] = list(schemes.agreements)
    decisions = 0
    company = 0
    signatory = next((r for r in schemes.roles if r.endswith("/signatory")), schemes.roles[0])
    while w.count < triples:
        if company % 200 == 0:
            agreement = _agreement(w, rng, schemes, len(agreements), unions, signatory)
            agreements.append(agreement)
            # the first synthetic agreement is decided on in every member state, so all 27 appear
            for _ in range(len(EU_MEMBER_STATES) if decisions == 0 else rng.randint(1, 3)):
                state = EU_MEMBER_STATES[decisions % len(EU_MEMBER_STATES)]
                _decision(w, rng, schemes, agreement, state, authorities[state], decisions)
                decisions += 1
        _company(w, rng, schemes, company, agreements, signatory)
        company += 1
    return w.count


def _agreement(
    w: _Writer, rng: random.Random, schemes: Schemes, n: int, unions: dict[str, str], signatory: str
) -> str:
    slug = f"synth-{n:05d}"
    agreement = f"{ID}agreement/{slug}"
    sector = rng.choice(schemes.sectors)
    state = rng.choice(EU_MEMBER_STATES)
    year = rng.randint(2014, 2025)
    w.labelled(
        agreement, "IrbcAgreement", f"Sector agreement {n} ({state})", f"Sectorconvenant {n} ({state})"
    )
    w.t(agreement, DESCRIPTION, _lit(f"Synthetic sector agreement number {n} for scale tests.", "en"))
    w.t(agreement, str(IMVO.country), str(COUNTRY[state]))
    w.t(agreement, str(IMVO.countryBasis), SOURCED)
    w.t(agreement, str(IMVO.coversSector), sector)
    w.t(agreement, str(IMVO.signingDate), _typed(f"{year}-{rng.randint(1, 12):02d}-01", "date"))
    w.t(agreement, str(IMVO.startDate), _typed(f"{year}-{rng.randint(1, 12):02d}-15", "date"))
    w.t(agreement, str(IMVO.agreementStatus), rng.choice(schemes.statuses))
    assessment = f"{ID}risk-assessment/{slug}"
    w.t(agreement, str(IMVO.hasRiskAssessment), assessment)
    w.labelled(assessment, "SectorRiskAssessment", f"Risks of agreement {n}", f"Risico's van convenant {n}")
    w.t(assessment, str(IMVO.assessesSector), sector)
    for topic in rng.sample(schemes.topics, rng.randint(6, 12)):
        key = topic.rsplit("/", 1)[-1]
        risk = f"{ID}assessed-risk/{slug}--{key}"
        w.t(assessment, str(IMVO.hasAssessedRisk), risk)
        w.labelled(risk, "AssessedRisk", f"{key}: risk of agreement {n}", f"{key}: risico van convenant {n}")
        w.t(risk, str(IMVO.assessesSector), sector)
        w.t(risk, str(IMVO.riskTopic), topic)
        w.t(risk, str(IMVO.isSalient), _typed("true" if rng.random() < 0.7 else "false", "boolean"))
        w.t(risk, str(IMVO.severityScale), rng.choice(schemes.severity))
        w.t(risk, str(IMVO.severityScope), rng.choice(schemes.severity))
        w.t(risk, str(IMVO.irremediability), rng.choice(schemes.severity))
        w.t(risk, str(IMVO.likelihood), rng.choice(schemes.likelihood))
        w.t(risk, str(IMVO.assessmentBasis), SOURCED)
        if rng.random() < 0.75:
            commitment = f"{ID}commitment/{slug}--{key}"
            w.t(agreement, str(IMVO.hasCommitment), commitment)
            w.labelled(commitment, "Commitment", f"{key}: commitment {n}", f"{key}: afspraak {n}")
            w.t(commitment, str(IMVO.addressesRiskTopic), topic)
            w.t(commitment, str(IMVO.respondsTo), risk)
            w.t(commitment, str(IMVO.coversStep), rng.choice(schemes.steps))
            w.t(commitment, str(IMVO.stepBasis), SOURCED)
    union_state = rng.choice(EU_MEMBER_STATES)
    _membership(w, agreement, unions[union_state], f"union-{union_state.lower()}", signatory, n)
    return agreement


def _membership(w: _Writer, agreement: str, party: str, key: str, role: str, n: int | str) -> None:
    slug = agreement.rsplit("/", 1)[-1]
    membership = f"{ID}membership/{slug}--{key}"
    w.labelled(membership, "Membership", f"{key} in agreement {n}", f"{key} in convenant {n}")
    w.t(membership, ORG + "organization", agreement)
    w.t(membership, ORG + "member", party)
    w.t(membership, ORG + "role", role)


def _decision(
    w: _Writer, rng: random.Random, schemes: Schemes, agreement: str, state: str, authority: str, n: int
) -> None:
    decision = f"{ID}recognition/synth-{n:06d}"
    year = rng.randint(2025, 2029)
    w.labelled(decision, "RecognitionDecision", f"Recognition {n} in {state}", f"Erkenning {n} in {state}")
    w.t(decision, str(IMVO.recognises), agreement)
    w.t(decision, str(IMVO.decidedBy), authority)
    w.t(decision, str(IMVO.memberState), str(COUNTRY[state]))
    w.t(decision, ISSUED, _typed(f"{year}-{rng.randint(1, 12):02d}-01", "date"))
    w.t(decision, str(IMVO.validFrom), _typed(f"{year}-{rng.randint(1, 12):02d}-01", "date"))
    if rng.random() < 0.5:
        w.t(decision, str(IMVO.validUntil), _typed(f"{year + rng.randint(2, 5)}-12-31", "date"))
    w.t(decision, str(IMVO.decisionOutcome), rng.choice(schemes.outcomes))
    w.t(decision, str(IMVO.supervisionRegime), rng.choice(schemes.regimes))
    for effect in schemes.effects:
        if effect.endswith("no-safe-harbour") or rng.random() < 0.5:
            w.t(decision, str(IMVO.legalEffect), effect)


def _company(
    w: _Writer, rng: random.Random, schemes: Schemes, n: int, agreements: list[str], signatory: str
) -> None:
    company = f"{ID}party/synth-company-{n:07d}"
    name = f"{rng.choice(_NAME_A)}{rng.choice(_NAME_B)} {n} {rng.choice(_NAME_C)}"
    w.labelled(company, "Company", name, name)
    w.t(company, str(IMVO.country), str(COUNTRY[rng.choice(EU_MEMBER_STATES)]))
    w.t(company, str(IMVO.countryBasis), SOURCED)
    # memberships: mostly the newest synthetic agreements, sometimes a real one
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.1:
            agreement = rng.choice(agreements[: len(schemes.agreements)])
        else:
            agreement = agreements[max(len(schemes.agreements), len(agreements) - rng.randint(1, 5))]
        role = signatory if rng.random() < 0.8 else rng.choice(schemes.roles)
        _membership(w, agreement, company, f"company-{n:07d}", role, name)
    # supplier links to earlier companies (org:linkedTo: an organisation linked to another)
    for _ in range(rng.randint(1, 4) if n else 0):
        w.t(company, ORG + "linkedTo", f"{ID}party/synth-company-{rng.randrange(n):07d}")


def write(path: Path | None, *, triples: int, seed: int, out: IO[str] | None = None) -> int:
    """Generate into ``path`` (or ``out``), atomically for a path; returns the triple count."""
    if path is None:
        assert out is not None
        return generate(out, triples=triples, seed=seed)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", buffering=1 << 20) as handle:
        count = generate(handle, triples=triples, seed=seed)
    tmp.replace(path)
    return count


def parse_size(text: str) -> int:
    """``10k``, ``1M``, ``2.5m`` or a plain number."""
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000, "g": 1_000_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    return int(float(number) * factor)
