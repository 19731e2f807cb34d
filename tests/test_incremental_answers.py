"""Answers that survive writes: a write drops only what it touches, and what stays equals a fresh answer.

A registry on a private copy of the built store takes a random sequence of
writes through the real workflow (submissions approved, recognitions
withdrawn) and amendment-like rewrites of a published agreement's graph;
after each one, every domain question answered by the long-lived runner
(cached, carried over or recomputed) must equal the answer of a fresh runner
on the same store, errors included.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from imvokg.cache import Question
from imvokg.errors import ImvokgError
from imvokg.queries import default_registry
from imvokg.services.credentials import Principal
from imvokg.services.journal import Journal
from imvokg.services.knowledge import KnowledgeService
from imvokg.services.publication import DecisionDraft, data_graph_iri
from imvokg.services.runner import QueryRunner
from imvokg.services.workflow import WorkflowService
from imvokg.store.embedded import EmbeddedStore

pytestmark = pytest.mark.slow  # a private store copy and a few dozen approvals' worth of answers

FIXTURE = Path(__file__).parent / "shapes" / "valid" / "agreement-complete.ttl"
SUBMITTER = Principal("alice", "submitter")
SUPERVISOR = Principal("bob", "supervisor", member_state="NLD")
CURATED = "nl-garment-textile"
AGREEMENT = "https://w3id.org/imvokg/id/agreement/"


def agreement_ttl(slug: str, *, garment: bool = False, own_concepts: bool = True) -> bytes:
    """The conforming fixture under another IRI; on the garment sector too, or without its concept copies."""
    text = FIXTURE.read_text(encoding="utf-8").replace("agr:example-widgets", f"agr:{slug}")
    if garment:
        text = text.replace(
            "imvo:coversSector sector:example-widgets ;",
            "imvo:coversSector sector:example-widgets , sector:garment-textile ;",
        )
    if not own_concepts:  # the risk topics are in the published schemes already
        start = text.index("rt:labour-rights a imvo:RiskTopic")
        text = text[:start] + text[text.index("sector:example-widgets a imvo:Sector") :]
    return text.encode()


Ask = Callable[[KnowledgeService], Question[Any]]


def questions(slugs: list[str]) -> dict[str, Ask]:
    """Every domain question of the REST API, in two languages, with the filters that enumerate."""
    asks: dict[str, Ask] = {}
    for lang in ("en", "nl"):
        asks[f"agreements {lang}"] = lambda k, lang=lang: k.list_agreements_question(lang=lang)
        asks[f"agreements garment {lang}"] = lambda k, lang=lang: k.list_agreements_question(
            sector="garment-textile", lang=lang
        )
        asks[f"agreements widgets {lang}"] = lambda k, lang=lang: k.list_agreements_question(
            sector="example-widgets", lang=lang
        )
        asks[f"agreements child labour {lang}"] = lambda k, lang=lang: k.list_agreements_question(
            risk="child-labour", lang=lang
        )
        asks[f"agreements recognised by NL {lang}"] = lambda k, lang=lang: k.list_agreements_question(
            recognised_by="NL", valid_on="2031-06-01", lang=lang
        )
        for sector in ("garment-textile", "example-widgets"):
            asks[f"coverage {sector} {lang}"] = lambda k, s=sector, lang=lang: k.coverage_question(
                s, lang=lang
            )
            asks[f"gaps {sector} {lang}"] = lambda k, s=sector, lang=lang: k.gaps_question(s, lang=lang)
            asks[f"gaps any {sector} {lang}"] = lambda k, s=sector, lang=lang: k.gaps_question(
                s, recognised_only=False, lang=lang
            )
        asks[f"recognitions {lang}"] = lambda k, lang=lang: k.recognitions_question(lang=lang)
        asks[f"recognitions 2031 {lang}"] = lambda k, lang=lang: k.recognitions_question(
            member_state="NL", valid_on="2031-06-01", lang=lang
        )
        for slug in [CURATED, *slugs]:
            asks[f"agreement {slug} {lang}"] = lambda k, s=slug, lang=lang: k.get_agreement_question(
                s, lang=lang
            )
    return asks


def outcome(knowledge: KnowledgeService, ask: Ask) -> object:
    try:
        return knowledge.runner.ask(ask(knowledge))
    except ImvokgError as exc:  # a 404 before an agreement is published is an answer too
        return (type(exc).__name__, str(exc))


class Registry:
    def __init__(self, root: Path, store_path: Path) -> None:
        shutil.copytree(store_path.resolve(), root / "store")
        self.store = EmbeddedStore(root / "store")
        self.registry = default_registry()
        self.knowledge = KnowledgeService(QueryRunner(self.store, self.registry))
        self.workflow = WorkflowService(self.knowledge.runner, Journal(root / "journal"))
        self.published: dict[str, str] = {}  # slug -> submission id
        self.recognised: set[str] = set()

    def fresh(self) -> KnowledgeService:
        return KnowledgeService(QueryRunner(self.store, self.registry))

    def approve(self, slug: str, **shape: bool) -> None:
        record, _ = self.workflow.submit(SUBMITTER, agreement_ttl(slug, **shape), "text/turtle")
        draft = DecisionDraft(issued=date(2030, 1, 20), valid_from=date(2030, 2, 1))
        self.workflow.approve(SUPERVISOR, record.id, draft)
        self.published[slug] = record.id
        self.recognised.add(slug)

    def withdraw(self, slug: str) -> None:
        self.workflow.withdraw(
            SUPERVISOR, slug, DecisionDraft(issued=date(2031, 1, 2), valid_from=date(2031, 1, 5))
        )
        self.recognised.discard(slug)

    def amend(self, slug: str, label: str) -> None:
        """Rewrite the published agreement's own graph with another English name (a new kind of write)."""
        graph = data_graph_iri(self.published[slug])
        body = self.store.construct(
            self.registry.get("graph-statements").text, bindings={"g": _iri(graph)}
        ).decode()
        subject = (
            f"<https://w3id.org/imvokg/id/agreement/{slug}> <http://www.w3.org/2000/01/rdf-schema#label> "
        )
        lines = [
            line for line in body.splitlines() if not (line.startswith(subject) and line.endswith('"@en .'))
        ]
        assert len(lines) == len(body.splitlines()) - 1  # exactly its English name goes
        lines.append(f'{subject}"{label}"@en .')
        self.knowledge.runner.write({graph: ("\n".join(lines) + "\n").encode()})


def _iri(value: str) -> Any:
    from imvokg.store.base import Term

    return Term.iri(value)


@pytest.fixture()
def registry(store_path: Path, tmp_path: Path) -> Iterator[Registry]:
    reg = Registry(tmp_path, store_path)
    yield reg
    reg.knowledge.runner.settle()
    reg.store.close()


def assert_like_fresh(reg: Registry, asks: dict[str, Ask]) -> None:
    reg.knowledge.runner.settle()
    fresh = reg.fresh()
    for name, ask in asks.items():
        assert outcome(reg.knowledge, ask) == outcome(fresh, ask), name


@pytest.mark.parametrize("seed", [1, 2])
def test_after_random_writes_every_answer_equals_a_fresh_one(registry: Registry, seed: int) -> None:
    rng = random.Random(seed)
    slugs = [f"example-{seed}-{n}" for n in range(5)]
    asks = questions(slugs)
    for ask in asks.values():  # everything warm first: the writes must not leave stale answers
        outcome(registry.knowledge, ask)
    for step in range(7):
        unpublished = [s for s in slugs if s not in registry.published]
        kinds = ["approve"] * bool(unpublished) + ["withdraw"] * bool(registry.recognised)
        kinds += ["amend"] * bool(registry.published)
        kind = rng.choice(kinds)
        if kind == "approve":
            registry.approve(
                rng.choice(unpublished), garment=rng.random() < 0.5, own_concepts=rng.random() < 0.5
            )
        elif kind == "withdraw":
            registry.withdraw(rng.choice(sorted(registry.recognised)))
        else:
            registry.amend(rng.choice(sorted(registry.published)), f"Amended name {seed}-{step}")
        assert_like_fresh(registry, asks)


def test_an_unrelated_approval_keeps_other_sectors_answers_and_drops_the_lists(registry: Registry) -> None:
    knowledge = registry.knowledge
    runner = knowledge.runner
    kept = [
        knowledge.coverage_question("garment-textile", lang="en"),
        knowledge.get_agreement_question(CURATED, lang="en"),
    ]
    dropped = [knowledge.list_agreements_question(lang="en"), knowledge.recognitions_question(lang="en")]
    for question in kept + dropped:
        runner.answer(question)
    runner.settle()
    before = {question.key: runner.peek_answer(question) for question in kept}
    registry.approve("example-unrelated", own_concepts=False)  # another sector, no shared resources
    for question in kept:
        answer = runner.peek_answer(question)
        assert answer is not None and answer is before[question.key], question.key  # the same entry
    for question in dropped:  # a new agreement and decision: the lists are new answers
        assert "example-unrelated" in str(runner.ask(question))
    assert_like_fresh(registry, questions(["example-unrelated"]))


def test_a_write_to_the_garment_sector_drops_its_coverage(registry: Registry) -> None:
    knowledge = registry.knowledge
    question = knowledge.coverage_question("garment-textile", lang="en")
    old = knowledge.runner.ask(question)
    registry.approve("example-garment", garment=True, own_concepts=False)
    new = knowledge.runner.ask(question)
    assert "example-garment" not in str(old) and "example-garment" in str(new)


def test_an_approval_returns_with_the_answers_it_dropped_computed_again(
    store_path: Path, tmp_path: Path
) -> None:
    """The reader right after a write meets ready answers: the write waited for their refresh."""
    from imvokg.label_index import LabelIndex

    reg = Registry(tmp_path, store_path)
    runner = QueryRunner(reg.store, reg.registry, refresh_wait_s=None)  # wait as long as it takes
    reg.knowledge = KnowledgeService(runner)
    reg.workflow = WorkflowService(runner, Journal(tmp_path / "journal"))
    labels = LabelIndex(reg.store)
    runner.accelerate("label-search", labels.search_bindings)
    runner.after_write(labels.refresh)
    try:
        knowledge = reg.knowledge
        dropped = [
            knowledge.list_agreements_question(lang="en"),
            knowledge.recognitions_question(lang="en"),
            knowledge.gaps_question("garment-textile", recognised_only=False, lang="en"),
        ]
        for question in dropped:
            runner.answer(question)
        labels.refresh()
        before = {question.key: runner.peek_answer(question) for question in dropped}
        reg.approve("example-ready", own_concepts=False)
        assert labels.version == reg.store.version()  # the names of the new version are read
        for question in dropped:
            ready = runner.peek_answer(question)  # at hand without computing anything
            assert ready is not None and ready is not before[question.key], question.key
        assert "example-ready" in str(runner.peek_answer(dropped[0]).value)  # type: ignore[union-attr]
        assert_like_fresh(reg, questions(["example-ready"]))
    finally:
        runner.settle()
        reg.store.close()


def test_recognitions_are_updated_from_the_rows_of_the_agreements_a_write_touched(
    registry: Registry,
) -> None:
    """The list after an approval is the list before it plus the rows read again, equal to a fresh one."""
    from imvokg.cache import ANY, TYPED, about, linked

    knowledge = registry.knowledge
    registry.approve("example-before")  # a row that is kept
    registry.knowledge.runner.settle()
    for filters in ({}, {"valid_on": "2030-06-01"}, {"member_state": "NL", "valid_on": "2031-06-01"}):
        question = knowledge.recognitions_question(lang="en", **filters)
        before = knowledge.runner.ask(question)
        assert question.update is not None
        slug = f"example-after-{len(filters)}"
        record, _ = registry.workflow.submit(SUBMITTER, agreement_ttl(slug), "text/turtle")
        draft = DecisionDraft(issued=date(2030, 1, 20), valid_from=date(2030, 2, 1))
        decision = registry.workflow.approve(SUPERVISOR, record.id, draft)["decision"]
        touched = frozenset({ANY, TYPED, about(AGREEMENT + slug), linked(AGREEMENT + slug), about(decision)})
        updated = question.update(before, touched)
        assert updated is not None and updated == registry.fresh().runner.ask(question), filters
        assert any(row["agreement"] == slug for row in updated)  # the supervisor decides for NL
        # a write to what a kept row names (its authority) cannot be told from the rows: computed whole
        authorities = {row["authority"] for row in before if row["authority"]}
        if authorities:
            assert question.update(before, touched | {about(sorted(authorities)[0])}) is None
