"""What a supervisor asks across member states: where an initiative is recognised, and what
another state recognised that this one has not decided on.

Answers cover this registry's own decisions and those harvested from peers
(``services/harvest.py``); each row says whose decision it is and whether its
proof holds now (own keys, or the peer's keys pinned by the harvester).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from imvokg.config import Settings
from imvokg.errors import InputError
from imvokg.messages import N_
from imvokg.namespaces import GRAPH
from imvokg.queries import QueryRegistry
from imvokg.services.authority import AuthorityKey, AuthorityKeys, controller_iri, keys_file_for
from imvokg.services.identifiers import agreement_iri, country_iri
from imvokg.services.runner import QueryRunner
from imvokg.services.signing import KeyResolver, verify_graph_in_store
from imvokg.services.verification import STATEMENTS, local_resolver
from imvokg.store.base import Term

PEER_PREFIX = str(GRAPH["peer/"])


def peer_resolver(settings: Settings) -> KeyResolver:
    """The peers' keys as the harvester pinned them (harvest/{state}.json next to the store)."""
    folder = settings.var.harvest

    def resolve(method: str) -> AuthorityKey | None:
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                keys = json.loads(Path(path).read_text(encoding="utf-8")).get("keys", {})
            except (OSError, ValueError):
                continue
            if method in keys:
                return AuthorityKey(**keys[method])
        return None

    return resolve


class NetworkService:
    def __init__(self, settings: Settings, runner: QueryRunner, registry: QueryRegistry) -> None:
        self.runner = runner
        self.statements = registry.get(STATEMENTS).text
        own = local_resolver(AuthorityKeys(keys_file_for(settings)), controller_iri(settings))
        peers = peer_resolver(settings)
        self.resolve: KeyResolver = lambda method: own(method) or peers(method)

    def initiative_recognitions(self, slug: str) -> list[dict[str, Any]]:
        """Every decision on one initiative, own and harvested, each with its verification now."""
        rows = self.runner.select("initiative-recognitions", {"agreement": agreement_iri(slug)})
        out = []
        for row in rows:
            graph = row["graph"].value
            check = verify_graph_in_store(self.runner.store, self.statements, graph, self.resolve)
            value = {name: term.value for name, term in row.items()}.get

            out.append(
                {
                    "decision": row["decision"].value,
                    "member_state": row["state"].value.rsplit("/", 1)[-1],
                    "outcome": (value("outcome") or "").rsplit("/", 1)[-1] or None,
                    "issued": value("issued"),
                    "valid_from": value("valid_from"),
                    "valid_until": value("valid_until"),
                    "authority": value("authority"),
                    "profile": value("profile"),
                    "adopts": value("adopts"),
                    "declines": value("declines"),
                    "registry": "peer" if graph.startswith(PEER_PREFIX) else "own",
                    "verification": check.state,
                    "verification_reason": check.reason,
                }
            )
        return out

    def matrix(self, *, lang: str = "en") -> dict[str, Any]:
        """Initiatives x member states: the latest decision of each state on each initiative, checked now.

        A cell is ``recognised``, ``refused``, ``withdrawn``, ``adopted`` (a recognition that takes
        over another state's) or ``declined``; an initiative a state has no decision on has no cell.
        Only the decision shown is verified, so the page costs one check per cell.
        """
        rows = self.runner.select("decision-matrix", {"lang": Term.literal(lang)})
        latest: dict[tuple[str, str], dict[str, str]] = {}
        names: dict[str, str] = {}
        for row in rows:
            value = {name: term.value for name, term in row.items()}
            state = value["state"].rsplit("/", 1)[-1]
            names.setdefault(value["agreement"], value.get("label") or value["agreement"])
            key = (value["agreement"], state)
            if key not in latest or value.get("time", "") >= latest[key].get("time", ""):
                latest[key] = value
        states = sorted({state for _, state in latest})
        initiatives = []
        for agreement in sorted(names, key=lambda a: names[a].casefold()):
            cells = {}
            for state in states:
                chosen = latest.get((agreement, state))
                if chosen is None:
                    continue
                store, graph = self.runner.store, chosen["graph"]
                check = verify_graph_in_store(store, self.statements, graph, self.resolve)
                cells[state] = {
                    "decision": chosen["decision"],
                    "status": _status(chosen),
                    "registry": "peer" if chosen["graph"].startswith(PEER_PREFIX) else "own",
                    "verification": check.state,
                    "profile": chosen.get("profile"),
                }
            initiatives.append({"agreement": agreement, "label": names[agreement], "cells": cells})
        return {"states": states, "initiatives": initiatives}

    def peer_decision(self, decision: str) -> dict[str, Any] | None:
        """A harvested decision with its graph, initiative, state, outcome, proof and check now."""
        try:
            bindings = {"decision": Term.iri(decision)}
        except ValueError:
            raise InputError(N_("decision is the IRI of another member state's decision")) from None
        rows = self.runner.select("peer-decision", bindings).rows
        if not rows:
            return None
        row = {name: term.value for name, term in rows[0].items()}
        check = verify_graph_in_store(self.runner.store, self.statements, row["graph"], self.resolve)
        return {**row, "verification": check.state, "verification_reason": check.reason}

    def recognised_elsewhere(self, member_state: str) -> list[dict[str, str]]:
        """Initiatives another state recognised on which this registry has no decision."""
        rows = self.runner.select("recognised-elsewhere-not-here", {"elsewhere": country_iri(member_state)})
        return [
            {
                "agreement": row["agreement"].value,
                "decision": row["decision"].value,
                "outcome": row["outcome"].value.rsplit("/", 1)[-1],
            }
            for row in rows
        ]


def _status(decision: dict[str, str]) -> str:
    """What a decision did, in the matrix's words: adopting or declining another state's is said so."""
    outcome = decision.get("outcome", "").rsplit("/", 1)[-1]
    if decision.get("adopts"):
        return "adopted"
    if decision.get("declines"):
        return "declined"
    return "recognised" if outcome == "conditionally-recognised" else outcome or "recognised"
