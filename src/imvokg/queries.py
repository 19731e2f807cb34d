"""Named queries: the `.rq` files under queries/, their headers and safe binding.

Every answer the API gives is one of these files run with bound parameters,
so a researcher can read and rerun exactly what the service ran. Parameters
are validated by type and handed to the store as RDF terms; user text never
becomes part of a query string.

Header format (comment lines at the top of the file)::

    # title: Agreements covering the salient risks of a sector
    # description: One line or more, in plain words.
    # param: sector iri https://w3id.org/imvokg/scheme/sector/garment-textile -- the sector
    # param: on date? 2020-01-01 -- optional parameters end their type with ?
    # keywords: coverage, salience
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from imvokg.errors import InputError, NotFound
from imvokg.messages import N_
from imvokg.resources import resource_dir
from imvokg.store.base import Term

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "date", "dateTime", "string", "lang", "integer", "decimal", "boolean")
_LANG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KIND = re.compile(r"^\s*(?:PREFIX[^\n]*\n|BASE[^\n]*\n|#[^\n]*\n|\s)*(SELECT|CONSTRUCT|ASK|DESCRIBE)", re.I)
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
"""A date parameter, YYYY-MM-DD; also the OpenAPI ``pattern`` (``date.fromisoformat`` alone takes
``20270101`` and ``2027-W01-1`` too, which the document does not promise)."""
_DATE = re.compile(DATE_PATTERN)
MAX_STRING = 500


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    example: str
    description: str = ""
    required: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": self.type,
            "example": self.example,
            "description": self.description,
            "required": self.required,
        }


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    kind: str
    parameters: tuple[Parameter, ...] = ()
    keywords: tuple[str, ...] = field(default_factory=tuple)
    path: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "kind": self.kind,
            "keywords": list(self.keywords),
            "parameters": [p.to_dict() for p in self.parameters],
        }

    def example_bindings(self) -> dict[str, str]:
        return {p.name: p.example for p in self.parameters if p.required}


def parse_query_file(path: Path, *, name: str | None = None) -> NamedQuery:
    """Read one `.rq` file and its header; a malformed header is an error, not a guess."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line[1:].strip()
        key, sep, value = body.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "param":
            params.append(_parse_param(value, path))
        elif key in {"title", "description", "keywords"}:
            fields[key] = (fields.get(key, "") + " " + value).strip()
    match = _KIND.match(text)
    if "title" not in fields or match is None:
        raise ValueError(f"{path}: a named query needs a '# title:' header and a query form")
    keywords = tuple(k.strip() for k in fields.get("keywords", "").split(",") if k.strip())
    return NamedQuery(
        name=name or path.stem,
        title=fields["title"],
        description=fields.get("description", ""),
        text=text,
        kind=match.group(1).upper(),
        parameters=tuple(params),
        keywords=keywords,
        path=str(path),
    )


def _parse_param(value: str, path: Path) -> Parameter:
    spec, _, description = value.partition(" -- ")
    parts = spec.split()
    if len(parts) < 3:
        raise ValueError(f"{path}: '# param: name type example' expected, got {value!r}")
    name, ptype, example = parts[0], parts[1], " ".join(parts[2:])
    required = not ptype.endswith("?")
    ptype = ptype.rstrip("?")
    if ptype not in PARAM_TYPES:
        raise ValueError(f"{path}: parameter type {ptype!r} is not one of {PARAM_TYPES}")
    return Parameter(name, ptype, example, description.strip(), required)


def to_term(param: Parameter, raw: str) -> Term:
    """Validate one user-supplied value and turn it into an RDF term."""
    value = raw.strip()
    if param.type == "iri":
        if not value.startswith(("http://", "https://")):
            raise InputError(
                N_("parameter '%(name)s' must be an absolute http(s) IRI, e.g. %(example)s"),
                name=param.name,
                example=param.example,
            )
        try:
            return Term.iri(value)
        except ValueError:
            raise InputError(
                N_("parameter '%(name)s' must be a valid IRI, e.g. %(example)s"),
                name=param.name,
                example=param.example,
            ) from None
    if param.type == "date":
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            return Term.literal(date.fromisoformat(value).isoformat(), datatype=XSD + "date")
        except ValueError:
            raise InputError(
                N_("parameter '%(name)s' must be a date as YYYY-MM-DD, e.g. %(example)s"),
                name=param.name,
                example=param.example,
            ) from None
    if param.type == "dateTime":
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(
                N_("parameter '%(name)s' must be a date and time with its zone, e.g. %(example)s"),
                name=param.name,
                example=param.example,
            ) from None
        if moment.tzinfo is None:
            raise InputError(
                N_(
                    "parameter '%(name)s' must be a date and time with its zone (Z or +01:00), "
                    "e.g. %(example)s"
                ),
                name=param.name,
                example=param.example,
            )
        return Term.literal(moment.isoformat().replace("+00:00", "Z"), datatype=XSD + "dateTime")
    if param.type == "lang":
        if not _LANG.match(value):
            raise InputError(
                N_("parameter '%(name)s' must be a language tag such as 'en' or 'nl'"), name=param.name
            )
        return Term.literal(value.lower())
    if param.type == "integer":
        if not re.fullmatch(r"-?\d{1,18}", value):
            raise InputError(
                N_("parameter '%(name)s' must be a whole number, e.g. %(example)s"),
                name=param.name,
                example=param.example,
            )
        return Term.literal(str(int(value)), datatype=XSD + "integer")
    if param.type == "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise InputError(
                N_("parameter '%(name)s' must be a number, e.g. %(example)s"),
                name=param.name,
                example=param.example,
            ) from None
        if not number.is_finite():
            raise InputError(N_("parameter '%(name)s' must be a finite number"), name=param.name)
        return Term.literal(str(number), datatype=XSD + "decimal")
    if param.type == "boolean":
        if value.lower() not in {"true", "false"}:
            raise InputError(N_("parameter '%(name)s' must be true or false"), name=param.name)
        return Term.literal(value.lower(), datatype=XSD + "boolean")
    if len(value) > MAX_STRING or "\x00" in value:
        raise InputError(
            N_("parameter '%(name)s' must be text of at most %(max_string)s characters"),
            name=param.name,
            max_string=MAX_STRING,
        )
    return Term.literal(value)


class QueryRegistry:
    """All named queries of one folder, by name."""

    def __init__(self, queries: Mapping[str, NamedQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    @classmethod
    def from_dir(cls, root: Path, *, exclude: tuple[str, ...] = ("construct", "checks")) -> QueryRegistry:
        found: dict[str, NamedQuery] = {}
        for path in sorted(root.rglob("*.rq")):
            if path.relative_to(root).parts[0] in exclude:
                continue
            query = parse_query_file(path)
            if not _NAME.match(query.name):
                raise ValueError(f"{path}: query names are lowercase letters, digits and '-'")
            if query.name in found:
                raise ValueError(f"{path}: a query named {query.name!r} exists already")
            found[query.name] = query
        return cls(found)

    def __iter__(self) -> Iterator[NamedQuery]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def names(self) -> list[str]:
        return list(self._queries)

    def get(self, name: str) -> NamedQuery:
        try:
            return self._queries[name]
        except KeyError:
            raise NotFound(
                N_("there is no named query '%(name)s'; GET /queries lists them"), name=name
            ) from None

    def term(self, name: str, parameter: str, raw: str) -> Term:
        """One value for one parameter of a query, typed as the query's header says."""
        for param in self.get(name).parameters:
            if param.name == parameter:
                return to_term(param, raw)
        raise ValueError(f"query '{name}' has no parameter '{parameter}'")

    def bind(self, name: str, raw: Mapping[str, str]) -> tuple[NamedQuery, dict[str, Term]]:
        """Check the supplied parameters against the header and convert them."""
        query = self.get(name)
        known = {p.name: p for p in query.parameters}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise InputError(
                N_("unknown parameter(s) %(unknown)s for query '%(name)s'; it takes: %(value)s"),
                unknown=", ".join(unknown),
                name=name,
                value=", ".join(known) or "none",
            )
        bindings: dict[str, Term] = {}
        for param in query.parameters:
            if param.name in raw and raw[param.name] != "":
                bindings[param.name] = to_term(param, raw[param.name])
            elif param.required:
                raise InputError(
                    N_("query '%(name)s' needs parameter '%(name2)s' (%(type)s), e.g. %(name2)s=%(example)s"),
                    name=name,
                    name2=param.name,
                    type=param.type,
                    example=param.example,
                )
        return query, bindings


@cache
def default_registry() -> QueryRegistry:
    """The named queries shipped with the package."""
    return QueryRegistry.from_dir(resource_dir("queries"))


def construct_queries() -> list[NamedQuery]:
    """The build's materialisation steps, in file-name order."""
    root = resource_dir("queries") / "construct"
    return [parse_query_file(p) for p in sorted(root.glob("*.rq"))]


def check_queries() -> list[NamedQuery]:
    """Data checks that must return no rows."""
    root = resource_dir("queries") / "checks"
    return [parse_query_file(p) for p in sorted(root.glob("*.rq"))]
