"""Requirement profiles: which requirements a registry checks an agreement against, and how hard.

The EU minimum requirements (MR-01 ... MR-14, ``shapes/minimum-requirements.shapes.ttl`` and
``data/requirements/``) are one profile, ``eu-minimum``, described in
``data/requirements/profiles.ttl``. A member state adds its own profile on top of it: a folder
(under ``IMVOKG_PROFILES_DIR``) with Turtle data (the profile, ``prof:Profile`` with
``prof:hasToken``, ``owl:versionInfo``, ``prof:isProfileOf`` the EU profile, a validity period
``dcterms:temporal [dcat:startDate, dcat:endDate]``, and its own ``m8g:Requirement`` resources)
and ``*.shapes.ttl`` files (named shapes with ``rdfs:seeAlso`` their requirement, attached to
``imvosh:SectorAgreementMinimumShape`` by ``sh:property``), the conventions of ``shapes/``.

A national profile may add requirements and raise a severity (a Warning of the EU profile
becomes a Violation by restating the shape's ``sh:severity``); it may never lower one nor
deactivate a shape: the EU minimum is the floor every registry keeps. Each version of a
profile is a resource of its own, so a decision names the exact version it was taken under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from imvokg.errors import ConfigError, NotFound
from imvokg.messages import N_
from imvokg.namespaces import IMVOSH, M8G
from imvokg.resources import resource_dir

PROF = Namespace("http://www.w3.org/ns/dx/prof/")
EU_PROFILE = "eu-minimum"
"""The token of the EU minimum requirements, the profile every other one builds on."""
MINIMUM_SHAPE = IMVOSH["SectorAgreementMinimumShape"]
_RANK = {SH.Info: 0, SH.Warning: 1, SH.Violation: 2}
_SEVERITY = {SH.Info: "info", SH.Warning: "warning", SH.Violation: "violation"}


@dataclass(frozen=True)
class Requirement:
    """One requirement as a profile applies it: its strongest severity over the shapes that check it."""

    iri: str
    identifier: str
    severity: str


@dataclass(frozen=True)
class Profile:
    """One version of a requirement profile, with what it is made of."""

    iri: str
    token: str
    version: str
    valid_from: date | None
    valid_until: date | None
    base: str | None
    """The IRI of the profile version this one builds on (None for the EU profile)."""
    data_files: tuple[Path, ...]
    shape_files: tuple[Path, ...]
    example: bool

    @property
    def key(self) -> str:
        """``token/version``: how the API and the settings name one version."""
        return f"{self.token}/{self.version}"

    def valid_on(self, day: date) -> bool:
        """Whether the profile version is in force on ``day`` (both ends included)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def description(self) -> Graph:
        """The profile's own data: its description and its requirements (and the EU's for a national one)."""
        return _graph(self.data_files)

    def shapes(self) -> Graph:
        """The requirement shapes the profile adds or re-grades, applied over the EU minimum shapes."""
        return _graph(self.shape_files)

    def requirements(self, catalogue: ProfileCatalogue) -> tuple[Requirement, ...]:
        """Every requirement the profile checks on an agreement, in identifier order."""
        shapes = catalogue.requirement_shapes(self)
        data = catalogue.requirement_data(self)
        found: dict[str, tuple[str, URIRef]] = {}
        for shape in _applied_shapes(shapes):
            requirement = shapes.value(shape, RDFS.seeAlso)
            if not isinstance(requirement, URIRef):
                continue
            identifier = data.value(requirement, DCTERMS.identifier)
            level = shapes.value(shape, SH.severity)
            level = level if isinstance(level, URIRef) and level in _RANK else SH.Violation
            key = str(requirement)
            if key not in found or _RANK[level] > _RANK[found[key][1]]:
                found[key] = (str(identifier) if identifier is not None else key, level)
        return tuple(
            sorted(
                (Requirement(iri, ident, _SEVERITY[level]) for iri, (ident, level) in found.items()),
                key=lambda r: (r.identifier, r.iri),
            )
        )


@dataclass(frozen=True)
class Applied:
    """A profile ready for validation: the layers over the EU shapes, and every requirement's data."""

    profile: Profile
    layers: tuple[Profile, ...]
    requirement_data: Graph

    @property
    def shapes_key(self) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
        """What :meth:`overlay` applies, as a key: each layer's name and shape files (with their mtimes).

        Two profiles with equal keys change the shapes alike, so a prepared validation engine
        made for one serves the other.
        """
        return tuple(
            (layer.key, tuple((str(path), path.stat().st_mtime_ns) for path in layer.shape_files))
            for layer in self.layers
        )

    def overlay(self, shapes: Graph) -> None:
        """Apply the profile's layers to a fresh shapes graph (one validation's own copy)."""
        for layer in self.layers:
            overlay_shapes(shapes, layer.shapes(), layer.key)


class ProfileCatalogue:
    """The profiles a registry knows: the EU one (packaged) and those in its profiles folder."""

    def __init__(self, profiles_dir: Path | None = None) -> None:
        self.profiles_dir = profiles_dir
        self.profiles: tuple[Profile, ...] = _load(profiles_dir)
        for profile in self.profiles:  # a profile that weakens the EU minimum is refused at start
            self.requirement_shapes(profile)

    def get(self, token: str, version: str | None = None, *, on: date | None = None) -> Profile:
        """One version of a profile: the one asked for, else the one in force ``on``, else the latest."""
        versions = [p for p in self.profiles if p.token == token]
        if not versions:
            raise NotFound(N_("there is no requirement profile '%(profile)s'"), profile=token)
        if version is not None:
            for profile in versions:
                if profile.version == version:
                    return profile
            raise NotFound(
                N_("the requirement profile %(profile)s has no version '%(version)s'"),
                profile=token,
                version=version,
            )
        if on is not None:
            current = [p for p in versions if p.valid_on(on)]
            if current:
                versions = current
        return max(versions, key=lambda p: (p.valid_from or date.min, p.version))

    def by_iri(self, iri: str) -> Profile | None:
        return next((p for p in self.profiles if p.iri == iri), None)

    def configured(self, name: str, *, on: date) -> Profile:
        """The profile a registry validates under: ``token`` or ``token/version``, in force ``on``.

        A registry whose configured profile is not in force refuses submissions rather than
        deciding under rules that do not apply.
        """
        token, _, version = name.partition("/")
        try:
            profile = self.get(token, version or None, on=on)
        except NotFound:
            profile = None
        if profile is None or not profile.valid_on(on):
            raise ConfigError(
                N_(
                    "the configured requirement profile %(profile)s is not known here "
                    "or not in force on %(day)s"
                ),
                profile=name,
                day=on.isoformat(),
            )
        return profile

    def applied(self, profile: Profile) -> Applied:
        """What validating under ``profile`` needs: its shape layers and its requirement data."""
        return Applied(profile, tuple(self._chain(profile)), self.requirement_data(profile))

    def requirement_shapes(self, profile: Profile) -> Graph:
        """The EU minimum shapes with the profile's shapes applied over them (severities raised)."""
        shapes = _graph([resource_dir("shapes") / "minimum-requirements.shapes.ttl"])
        chain = self._chain(profile)
        for layer in chain:
            overlay_shapes(shapes, layer.shapes(), layer.key)
        return shapes

    def requirement_data(self, profile: Profile) -> Graph:
        """The requirement resources of the profile and of every profile it builds on."""
        data = _graph(sorted((resource_dir("data") / "requirements").glob("*.ttl")))
        for layer in self._chain(profile):
            for triple in layer.description():
                data.add(triple)
        return data

    def _chain(self, profile: Profile) -> list[Profile]:
        """The profile and those it builds on, the EU one first (which adds no shapes of its own)."""
        chain = [profile]
        while chain[-1].base is not None:
            base = self.by_iri(chain[-1].base)
            if base is None or base in chain:
                raise unusable(chain[-1].key)
            chain.append(base)
        return list(reversed(chain))


def overlay_shapes(shapes: Graph, extra: Graph, name: str) -> None:
    """Apply a national profile's shapes over ``shapes``: new shapes added, severities only raised."""
    for subject, level in extra.subject_objects(SH.severity):
        before = shapes.value(subject, SH.severity)
        if isinstance(before, URIRef) and isinstance(level, URIRef):
            if _RANK.get(level, 2) < _RANK.get(before, 2):
                raise weakens(name, str(subject))
            shapes.remove((subject, SH.severity, None))
    for subject in extra.subjects(SH.deactivated, Literal(True)):
        raise weakens(name, str(subject))
    for triple in extra:
        shapes.add(triple)


def weakens(profile: str, shape: str) -> ConfigError:
    """A profile that lowers a severity or deactivates a shape: the EU minimum is the floor."""
    return ConfigError(
        N_(
            "the requirement profile %(profile)s weakens %(shape)s; a profile may only add "
            "requirements or make them stricter"
        ),
        profile=profile,
        shape=shape,
    )


def unusable(where: str) -> ConfigError:
    """The one error of a profile that cannot be read (``where``: its folder, file, name or value)."""
    return ConfigError(
        N_(
            "the requirement profile %(path)s cannot be used: it must be readable Turtle describing "
            "one prof:Profile with prof:hasToken, owl:versionInfo, prof:isProfileOf a profile known "
            "here and dates as YYYY-MM-DD, once"
        ),
        path=where,
    )


def _applied_shapes(shapes: Graph) -> list[URIRef]:
    """The named shapes the minimum node shape applies (property shapes and SPARQL constraints)."""
    out = []
    for predicate in (SH.property, SH.sparql):
        for shape in shapes.objects(MINIMUM_SHAPE, predicate):
            if isinstance(shape, URIRef):
                out.append(shape)
    return out


def _load(profiles_dir: Path | None) -> tuple[Profile, ...]:
    """The EU profile from the packaged data, and each folder of ``profiles_dir`` as one version."""
    packaged = resource_dir("data") / "requirements" / "profiles.ttl"
    found = [_profile_in(packaged.parent, [packaged], [], base_required=False)]
    if profiles_dir is not None:
        if not profiles_dir.is_dir():
            raise unusable(str(profiles_dir))
        for folder in sorted(p for p in profiles_dir.iterdir() if p.is_dir()):
            files = sorted(folder.glob("*.ttl"))
            shapes = [f for f in files if f.name.endswith(".shapes.ttl")]
            data = [f for f in files if f not in shapes]
            found.append(_profile_in(folder, data, shapes, base_required=True))
    keys = [p.key for p in found]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise unusable(twice[0])
    return tuple(found)


def _profile_in(folder: Path, data: list[Path], shapes: list[Path], *, base_required: bool) -> Profile:
    graph = _graph(data)
    subjects = [s for s in graph.subjects(RDF.type, PROF.Profile) if isinstance(s, URIRef)]
    if len(subjects) != 1:
        raise unusable(str(folder))
    iri = subjects[0]
    token = graph.value(iri, PROF.hasToken)
    version = graph.value(iri, OWL.versionInfo)
    base = graph.value(iri, PROF.isProfileOf)
    if token is None or version is None or (base_required and base is None):
        raise unusable(str(folder))
    period = graph.value(iri, DCTERMS.temporal)
    return Profile(
        iri=str(iri),
        token=str(token),
        version=str(version),
        valid_from=_day(graph, period, DCAT.startDate),
        valid_until=_day(graph, period, DCAT.endDate),
        base=str(base) if base is not None else None,
        data_files=tuple(data) if base_required else (),
        shape_files=tuple(shapes),
        example=(iri, SKOS.scopeNote, Literal("example", lang="en")) in graph,
    )


def _day(graph: Graph, period: object, predicate: URIRef) -> date | None:
    if not isinstance(period, BNode | URIRef):
        return None
    value = graph.value(period, predicate)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise unusable(str(value)) from None


def _graph(paths: list[Path] | tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in paths:
        for triple in _parsed(str(path), path.stat().st_mtime_ns):
            graph.add(triple)
    return graph


@lru_cache(maxsize=64)
def _parsed(path: str, mtime_ns: int) -> tuple[tuple[Node, Node, Node], ...]:
    """A profile file's triples, parsed once per version of the file."""
    del mtime_ns
    try:
        return tuple(Graph().parse(path, format="turtle"))
    except Exception as exc:
        raise unusable(path) from exc


__all__ = [
    "EU_PROFILE",
    "M8G",
    "PROF",
    "Applied",
    "Profile",
    "ProfileCatalogue",
    "Requirement",
    "overlay_shapes",
]
