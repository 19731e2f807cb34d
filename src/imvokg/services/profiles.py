"""The requirement profiles of a registry as answers: list, one profile, and two compared.

A supervisor asks "what does their profile require that ours does not?" before adopting another
state's decision; the comparison answers it requirement by requirement, with the severity each
profile gives (a requirement is *required* at Violation level, a Warning is reported only).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from imvokg.config import Settings
from imvokg.profiles import Applied, Profile, ProfileCatalogue, Requirement
from imvokg.validation import translation

_STRENGTH = {None: 0, "info": 1, "warning": 2, "violation": 3}


class ProfileService:
    """The profiles this registry knows and the one it decides under."""

    def __init__(self, settings: Settings) -> None:
        self.catalogue = ProfileCatalogue(settings.profiles_dir)
        self.configured_name = settings.requirement_profile

    def current(self, on: date | None = None) -> Profile:
        """The profile version this registry validates under and names in its decisions (today's)."""
        return self.catalogue.configured(self.configured_name, on=on or _today())

    def current_applied(self) -> Applied:
        return self.catalogue.applied(self.current())

    def list(self, *, lang: str = "en") -> list[dict[str, Any]]:
        """Every profile version, the EU one first, with its validity and whether this registry uses it."""
        current = self._current_iri()
        return [self._summary(p, lang, current) for p in self.catalogue.profiles]

    def get(self, token: str, *, version: str | None = None, lang: str = "en") -> dict[str, Any]:
        """One profile version (the one in force today unless ``version`` is given) and its requirements."""
        profile = self.catalogue.get(token, version, on=_today())
        data = self.catalogue.requirement_data(profile)
        return {
            **self._summary(profile, lang, self._current_iri()),
            "requirements": [_requirement(r, data, lang) for r in profile.requirements(self.catalogue)],
        }

    def compare(
        self, a: str, b: str, *, version_a: str | None = None, version_b: str | None = None, lang: str = "en"
    ) -> dict[str, Any]:
        """What ``a`` requires that ``b`` does not, and the other way round, and what both require alike.

        A profile compared with itself is a plain answer (everything alike), not an error: the
        OpenAPI document cannot say "a and b differ", and nothing is wrong with the question.
        """
        first = self.catalogue.get(a, version_a, on=_today())
        second = self.catalogue.get(b, version_b, on=_today())
        data = self.catalogue.requirement_data(first)
        for triple in self.catalogue.requirement_data(second):
            data.add(triple)
        in_a = {r.iri: r for r in first.requirements(self.catalogue)}
        in_b = {r.iri: r for r in second.requirements(self.catalogue)}
        rows = []
        for iri in sorted(set(in_a) | set(in_b), key=lambda i: (in_a.get(i) or in_b[i]).identifier):
            req = in_a.get(iri) or in_b[iri]
            row = _requirement(req, data, lang)
            del row["severity"]
            row["a"] = in_a[iri].severity if iri in in_a else None
            row["b"] = in_b[iri].severity if iri in in_b else None
            rows.append(row)
        stronger_a = [r for r in rows if _STRENGTH[r["a"]] > _STRENGTH[r["b"]]]
        stronger_b = [r for r in rows if _STRENGTH[r["b"]] > _STRENGTH[r["a"]]]
        current = self._current_iri()
        return {
            "a": self._summary(first, lang, current),
            "b": self._summary(second, lang, current),
            "only_a": [r for r in stronger_a if r["a"] == "violation"],
            "only_b": [r for r in stronger_b if r["b"] == "violation"],
            "stricter_a": [r for r in stronger_a if r["a"] != "violation"],
            "stricter_b": [r for r in stronger_b if r["b"] != "violation"],
            "same": [r for r in rows if r["a"] == r["b"]],
        }

    # -- internals -------------------------------------------------------------
    def _current_iri(self) -> str | None:
        try:
            return self.current().iri
        except Exception:
            return None

    def _summary(self, profile: Profile, lang: str, current: str | None) -> dict[str, Any]:
        data = profile.description() if profile.base is not None else self.catalogue.requirement_data(profile)
        return {
            "id": profile.token,
            "version": profile.version,
            "iri": profile.iri,
            "title": _text(data, URIRef(profile.iri), DCTERMS.title, lang),
            "valid_from": profile.valid_from.isoformat() if profile.valid_from else None,
            "valid_until": profile.valid_until.isoformat() if profile.valid_until else None,
            "in_force": profile.valid_on(_today()),
            "builds_on": profile.base,
            "example": profile.example,
            "used_here": profile.iri == current,
        }


def _requirement(req: Requirement, data: Graph, lang: str) -> dict[str, Any]:
    return {
        "id": req.identifier,
        "iri": req.iri,
        "title": _text(data, URIRef(req.iri), DCTERMS.title, lang),
        "severity": req.severity,
    }


def _text(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> str | None:
    """The text in ``lang`` (the profile's own, then the editorial translations), else English, else any."""
    texts = list(graph.objects(subject, predicate))
    for source in (texts, list(translation(lang).objects(subject, predicate))):
        for text in source:
            if getattr(text, "language", None) == lang:
                return str(text)
    for text in texts:
        if getattr(text, "language", None) == "en":
            return str(text)
    return str(texts[0]) if texts else None


def _today() -> date:
    return datetime.now(UTC).date()
