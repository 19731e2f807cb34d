"""Fill the answer cache after start-up, so the first visitor does not pay for it.

The domain answers are cached per store version; a fresh server would compute
each one on its first request (the agreement detail with its requirement
conformance takes a second or more). A background thread asks the common
questions once, at low priority, and stops at the first sign of trouble: a
warm-up failure must never take the server down.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from imvokg.cache import Question
from imvokg.heap import freeze_long_lived
from imvokg.label_index import LabelIndex
from imvokg.profiles import Applied
from imvokg.services.completion import CompletionService
from imvokg.services.knowledge import KnowledgeService
from imvokg.validation import prepare as prepare_validation

log = logging.getLogger("imvokg.warmup")


def warm(
    knowledge: KnowledgeService,
    *,
    languages: tuple[str, ...] = ("en", "nl"),
    budget_s: float | None = None,
    after_each: Callable[[], None] = lambda: None,
) -> int:
    """Ask the common questions once, JSON included; returns how many answers were computed.

    The questions are the ones the JSON API and the pages ask, so each warmed
    entry is the very one a request reads (value and encoded bytes): a warmed
    server answers them on the event loop.

    With a budget it stops when the time is up: at ten million triples there
    are thousands of agreements, and warming every one would keep a CPU busy
    for an hour. Sectors come first (few, and each answer is costly), then
    agreements in the order the list gives them.

    `after_each` runs after every answer, when nothing but the answers is held
    (the serving process freezes them there, imvokg/heap.py).
    """
    deadline = None if budget_s is None else time.monotonic() + budget_s
    done = 0
    agreements = knowledge.list_agreements()
    sectors = [row["sector"].value.rsplit("/", 1)[-1] for row in knowledge.runner.select("agreement-sectors")]
    questions: list[Question[Any]] = []
    for lang in languages:
        questions.append(knowledge.list_agreements_question(lang=lang))
        for sector in sectors:
            questions.append(knowledge.coverage_question(sector, lang=lang))
            questions.append(knowledge.gaps_question(sector, lang=lang))
    for agreement in agreements:
        questions += [knowledge.get_agreement_question(agreement["slug"], lang=lang) for lang in languages]
    for question in questions:
        if deadline is not None and time.monotonic() > deadline:
            log.info("warm-up budget spent after %d of %d answers", done, len(questions))
            break
        knowledge.runner.answer(question).body  # noqa: B018  (encoding is the point)
        after_each()
        done += 1
    return done


def start_warmup(
    knowledge: KnowledgeService,
    labels: LabelIndex | None = None,
    *,
    budget_s: float | None = None,
    completion: CompletionService | None = None,
    freeze: bool = False,
    requirements: Callable[[], Applied] | None = None,
) -> threading.Thread:
    """Run :func:`warm` in a daemon thread, after the validation engines and the label index are ready.

    With `completion`, the query editor's list of classes and properties is read too
    (a scan of the store: seconds at a million triples), so the first reader who
    types in the editor does not wait for it. With `requirements` (the registry's profile, read
    in the thread) the engine submissions are validated with is built too.

    With `freeze`, what the warm-up builds (engines, index, answers) is frozen after
    each step, once its garbage is collected (imvokg/heap.py): unfrozen, each full
    collection walked every answer computed so far while holding the GIL, and
    requests waited 0.3-1.7 s at 200k triples.
    """
    settle = freeze_long_lived if freeze else (lambda: None)

    def run() -> None:
        try:
            prepare_validation(requirements() if requirements is not None else None)
            settle()
            if labels is not None:
                labels.refresh()
                settle()
                log.info("indexed %d names in %.1f s", len(labels), labels.last_refresh_s)
            if completion is not None:
                log.info("read %d classes and properties for the editor", len(completion.terms("en")))
                settle()
            count = warm(knowledge, budget_s=budget_s, after_each=settle)
            log.info("warmed %d answers", count)
        except Exception:  # a cold cache is only slower; never fail the server for it
            log.warning("cache warm-up stopped early", exc_info=True)

    thread = threading.Thread(target=run, name="imvokg-warmup", daemon=True)
    thread.start()
    return thread
