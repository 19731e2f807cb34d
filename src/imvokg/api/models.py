"""The shapes of the JSON answers of /api/v1, for the OpenAPI document and for the tests.

The routes send the services' answers as cached bytes (``api/answers.py``), so
these models are not run per request; they declare what each answer holds, and
the tests hold every real answer to them (``extra="forbid"``: a field a service
adds without saying so here fails a test). Values the graph may lack are
``None``; numbers come as the graph types them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from imvokg.services.journal import Submission
from imvokg.services.signing import GraphVerification

# Answers that are a service's own record use its class (one definition, no copy to drift):
# what the journal keeps of a submission, and one graph's proof checked.
__all__ = ["GraphVerification", "Submission"]

Scalar = str | int | float | bool | None


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- agreements ------------------------------------------------------------------


class AgreementSummary(Shape):
    """One agreement or initiative in a list."""

    slug: str
    iri: str
    label: Scalar
    kind: Scalar
    country: str | None
    signing_date: Scalar
    start_date: Scalar
    end_date: Scalar
    status: Scalar
    sectors: list[str]


class Party(Shape):
    slug: str
    iri: str
    label: Scalar
    kind: Scalar
    role: str
    role_label: Scalar
    country: str | None
    start_date: Scalar
    end_date: Scalar


class RiskCommitment(Shape):
    iri: str
    label: Scalar
    risk: str
    risk_label: Scalar
    steps: list[str]


class ProvisionCited(Shape):
    iri: str
    label: Scalar
    instrument: Scalar
    instrument_label: Scalar


class Mechanism(Shape):
    iri: str
    label: Scalar
    kinds: list[str]
    operated_by: Scalar
    description: Scalar


class Recognition(Shape):
    """A recognition decision: who decided, for which member state, from when, with what effect."""

    decision: str
    agreement: str
    agreement_label: Scalar
    authority: Scalar
    authority_label: Scalar
    member_state: str | None
    issued: Scalar
    valid_from: Scalar
    valid_until: Scalar
    outcome: str
    supervision_regime: str | None
    legal_effects: list[str]
    version: str | None = None
    """The version of the agreement the decision was about (decisions taken through the workflow)."""
    version_superseded: bool | None = None
    """True once a later version replaced the one decided on: the decision is not carried over."""


class RequirementRow(Shape):
    """One minimum requirement (MR-01 ... MR-14) and whether the agreement meets it."""

    id: str
    iri: str
    title: str | None
    status: str
    messages: list[str]


class AgreementDetail(Shape):
    slug: str
    iri: str
    label: Scalar
    names: dict[str, str]
    kind: str
    description: Scalar
    sectors: list[str]
    country: str | None
    signing_date: Scalar
    start_date: Scalar
    end_date: Scalar
    status: str | None
    founding_year: Scalar
    web_page: Scalar
    sources: list[str]
    notes: list[str]
    editorial_notes: list[str]
    parties: list[Party]
    risks: list[RiskCommitment]
    provisions: list[ProvisionCited]
    mechanisms: list[Mechanism]
    recognitions: list[Recognition]
    requirements: list[RequirementRow]


# -- coverage and gaps -----------------------------------------------------------


class Severity(Shape):
    scale: Scalar
    scope: Scalar
    irremediable_character: Scalar


class Assessment(Shape):
    assessed_risk: str
    assessment: str
    assessment_label: Scalar
    assessed_sector: str
    score: Scalar
    rank: Scalar
    severity: Severity
    likelihood: Scalar
    basis: Scalar


class Salience(Shape):
    """The most salient assessment of the risk in the sector, and which assessment says so."""

    score: Scalar
    severity: Severity
    likelihood: Scalar
    basis: Scalar
    from_: str = Field(alias="from")  # "from" is a Python keyword


class CoveringAgreement(Shape):
    slug: str
    iri: str
    label: Scalar
    coverage: str
    match: Scalar
    recognised: bool


class CoveredRisk(Shape):
    risk: str
    iri: str
    label: Scalar
    salience: Salience
    assessments: list[Assessment]
    agreements: list[CoveringAgreement]
    covered: bool


class Coverage(Shape):
    """The salient risks of a sector, most salient first, and the agreements covering each."""

    sector: str
    sector_iri: str
    query: str
    risks: list[CoveredRisk]


class Gap(Shape):
    risk: str
    iri: str
    label: Scalar
    max_score: Scalar
    assessments: Scalar


class Gaps(Shape):
    """Salient risks of a sector no (recognised) agreement covers."""

    sector: str
    sector_iri: str
    basis: str
    query: str
    gaps: list[Gap]


# -- taxonomies ------------------------------------------------------------------


class Grounding(Shape):
    iri: str
    slug: str | None
    label: Scalar
    instrument: str


class RiskTopic(Shape):
    slug: str
    iri: str
    notation: Scalar
    label: Scalar
    labels: dict[str, str]
    definition: Scalar
    broader: list[str]
    narrower: list[str]
    grounded_by: list[Grounding]


class NaceMappings(Shape):
    exact: list[str]
    close: list[str]
    related: list[str]


class Sector(Shape):
    slug: str
    iri: str
    label: Scalar
    labels: dict[str, str]
    definition: Scalar
    broader: list[str]
    narrower: list[str]
    nace: NaceMappings


class Instrument(Shape):
    slug: str
    iri: str
    kind: Scalar
    label: Scalar
    labels: dict[str, str]
    issued: Scalar
    entry_into_force: Scalar
    amends: str | None
    provision_count: int


class Linked(Shape):
    iri: str
    slug: str | None
    label: Scalar


class Provision(Shape):
    slug: str | None
    iri: str
    label: Scalar
    labels: dict[str, str]
    number: Scalar
    kind: Scalar
    heading: Scalar
    description: Scalar
    page: Scalar
    instrument: str | None
    parent: str | None
    parts: list[Linked]
    equivalent_provisions: list[Linked]
    risk_topics: list[Linked]
    due_diligence_steps: list[Linked]
    implements: list[Linked]
    agreements: list[Linked]
    agreements_citing_instrument: list[Linked]
    queries: list[str]


# -- compare ---------------------------------------------------------------------


class ComparedAgreement(Shape):
    slug: str
    iri: str
    label: Scalar
    kind: str
    country: str | None
    start_date: Scalar
    end_date: Scalar
    status: str | None
    requirements_met: int
    recognitions: int


class Comparison(Shape):
    """Two initiatives side by side; each group splits into shared, only in a, only in b."""

    a: ComparedAgreement
    b: ComparedAgreement
    parties: dict[str, Any]
    sectors: dict[str, list[dict[str, Any]]]
    risks: dict[str, list[dict[str, Any]]]
    provisions: dict[str, list[dict[str, Any]]]
    requirements: list[dict[str, Any]]


# -- validation ------------------------------------------------------------------


class RequirementRef(Shape):
    id: str | None
    iri: str
    title: str | None


class FocusNode(Shape):
    iri: str | None
    label: str | None


class ReportResult(Shape):
    requirement: RequirementRef | None
    focus_node: FocusNode
    path: str | None
    severity: str
    message: str
    value: str | None
    shape: str | None


class ValidationReport(Shape):
    """A validation report in the shape people read (``services/reports.py``)."""

    conforms: bool
    violations: int
    warnings: int
    lang: str
    results: list[ReportResult]
    profile: str | None = Field(None, description="the requirement profile version checked against")


# -- the write side ----------------------------------------------------------------------


# -- requirement profiles --------------------------------------------------------


class ProfileSummary(Shape):
    """One version of a requirement profile."""

    id: str
    version: str
    iri: str
    title: str | None
    valid_from: str | None
    valid_until: str | None
    in_force: bool
    builds_on: str | None
    example: bool
    used_here: bool


class ProfileRequirement(Shape):
    id: str
    iri: str
    title: str | None
    severity: str


class ProfileDetail(ProfileSummary):
    requirements: list[ProfileRequirement]


class ComparedRequirement(Shape):
    """One requirement and the severity each profile gives it (null: not checked)."""

    id: str
    iri: str
    title: str | None
    a: str | None
    b: str | None


class ProfileComparison(Shape):
    a: ProfileSummary
    b: ProfileSummary
    only_a: list[ComparedRequirement]
    only_b: list[ComparedRequirement]
    stricter_a: list[ComparedRequirement]
    stricter_b: list[ComparedRequirement]
    same: list[ComparedRequirement]


class SubmissionCreated(Shape):
    id: str
    status: str
    location: str
    submission: Submission
    report: ValidationReport


class Approval(Shape):
    submission: Submission
    decision: str | None
    """None while a four-eyes approval awaits the second supervisor."""
    agreement: str
    approvals_needed: int = 0
    version: str | None = None
    """The version the approval published (``/id/agreement/{slug}/v/{n}``)."""


class Withdrawal(Shape):
    decision: str
    agreement: str
    withdraws: str


# -- signed decisions and the network of registries ------------------------------------------


class DecisionVerification(Shape):
    decision: str
    state: str
    reason: str
    graphs: list[GraphVerification]


class InitiativeRecognition(Shape):
    """One decision on an initiative, this registry's own or harvested from another's."""

    decision: str
    member_state: str
    outcome: str | None
    issued: str | None
    valid_from: str | None
    valid_until: str | None
    authority: str | None
    profile: str | None = Field(None, description="the requirement profile version it was taken under")
    adopts: str | None = Field(None, description="the other state's decision it takes over")
    declines: str | None = Field(None, description="the other state's decision it does not take over")
    registry: str = Field(description="own, or peer (harvested from another member state's registry)")
    verification: str
    verification_reason: str


class RecognisedElsewhere(Shape):
    agreement: str
    decision: str
    outcome: str


class Adoption(Shape):
    """A decision that takes over (adopts) or declines another member state's decision."""

    decision: str
    agreement: str
    adopts: str | None = None
    declines: str | None = None


# -- history ------------------------------------------------------------------------


class VersionRecord(Shape):
    """One published version of an agreement (``/id/agreement/{slug}/v/{n}``)."""

    version: int
    iri: str
    published: str
    submission: str
    approved_by: str | None
    replaces: str | None


class RegistryEvent(Shape):
    """One write: approval, amendment, withdrawal, adoption, declination, rejection or build."""

    event: str | None
    kind: str
    time: str | None
    actor: str | None
    agreement: str | None
    version: str | None
    submission: str | None
    decision: str | None


class DiffGroup(Shape):
    """Statements (N-Triples) added and removed in one group."""

    added: list[str]
    removed: list[str]


class VersionDiff(Shape):
    """What changed from one version to another, by parties, risks, commitments, mechanisms, agreement."""

    from_: int = Field(alias="from")
    to: int
    groups: dict[str, DiffGroup]
    added: int
    removed: int


class AgreementHistory(Shape):
    """An agreement's versions, the events that made them, and the diffs between them."""

    agreement: str
    iri: str
    current: str
    versions: list[VersionRecord]
    events: list[RegistryEvent]
    diffs: list[VersionDiff]
    diff: VersionDiff | None = None


class Release(Shape):
    """A state of the registry that /sparql?release= and as_of answer from."""

    release: str
    since: str
    until: str | None


class ReleaseFile(Shape):
    """One file of /dumps/: a release of the whole graph in one syntax, named by its version."""

    name: str
    url: str
    version: str
    media_type: str
    compressed: bool
    byte_size: int
    sha256: str
    modified: str
