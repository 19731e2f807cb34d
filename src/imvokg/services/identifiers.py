"""Turning the short identifiers users type (slugs, country codes) into IRIs.

REST parameters are short and readable (``sector=garment-textile``,
``recognised_by=NL``); the graph speaks in IRIs. Anything that is not a
well-formed slug or a known country code is refused here, before any query.
"""

from __future__ import annotations

import re

from imvokg.errors import InputError
from imvokg.messages import N_
from imvokg.namespaces import BASE
from imvokg.store.base import Term

COUNTRY_BASE = "http://publications.europa.eu/resource/authority/country/"
SLUG_PATTERN = "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,98}[A-Za-z0-9])?$"
"""A slug as users may type it (any case); also the ``pattern`` the OpenAPI document states."""
SLUG = re.compile(SLUG_PATTERN)

# ISO 3166-1 alpha-2 -> alpha-3 for the EU member states and the other
# countries the curated data uses (EU authority table codes are alpha-3).
ISO2_TO_ISO3 = {
    "AT": "AUT",
    "BE": "BEL",
    "BG": "BGR",
    "HR": "HRV",
    "CY": "CYP",
    "CZ": "CZE",
    "DK": "DNK",
    "EE": "EST",
    "FI": "FIN",
    "FR": "FRA",
    "DE": "DEU",
    "GR": "GRC",
    "EL": "GRC",
    "HU": "HUN",
    "IE": "IRL",
    "IT": "ITA",
    "LV": "LVA",
    "LT": "LTU",
    "LU": "LUX",
    "MT": "MLT",
    "NL": "NLD",
    "PL": "POL",
    "PT": "PRT",
    "RO": "ROU",
    "SK": "SVK",
    "SI": "SVN",
    "ES": "ESP",
    "SE": "SWE",
    "GB": "GBR",
    "US": "USA",
    "CH": "CHE",
    "AE": "ARE",
    "NO": "NOR",
}
EU_MEMBER_STATES = frozenset(
    [
        "AUT",
        "BEL",
        "BGR",
        "HRV",
        "CYP",
        "CZE",
        "DNK",
        "EST",
        "FIN",
        "FRA",
        "DEU",
        "GRC",
        "HUN",
        "IRL",
        "ITA",
        "LVA",
        "LTU",
        "LUX",
        "MLT",
        "NLD",
        "POL",
        "PRT",
        "ROU",
        "SVK",
        "SVN",
        "ESP",
        "SWE",
    ]
)


def slug(value: str, what: str) -> str:
    """The slug in lowercase; exactly what ``SLUG_PATTERN`` admits, so the API does what it documents."""
    if not SLUG.fullmatch(value):
        raise InputError(
            N_("'%(what)s' must be a short identifier of lowercase letters, digits and '-'"), what=what
        )
    return value.lower()


def sector_iri(value: str) -> Term:
    return Term.iri(f"{BASE}scheme/sector/{slug(value, 'sector')}")


def risk_iri(value: str) -> Term:
    return Term.iri(f"{BASE}scheme/risk-topic/{slug(value, 'risk')}")


def agreement_iri(value: str) -> Term:
    return Term.iri(f"{BASE}id/agreement/{slug(value, 'agreement')}")


def iso3(value: str, *, member_state_only: bool = True) -> str:
    """Accept alpha-2 or alpha-3 codes in any case, as the API contract says (ASCII only:
    ``"ıt".upper()`` is ``"IT"``, and ``MEMBER_STATE_PATTERN`` documents ASCII letters)."""
    code = value.upper() if value.isascii() else ""
    if len(code) == 2:
        code = ISO2_TO_ISO3.get(code, "")
    if not re.fullmatch(r"[A-Z]{3}", code) or (member_state_only and code not in EU_MEMBER_STATES):
        raise InputError(
            N_(
                "'%(value)s' is not an EU member state code; use ISO "
                "3166-1 alpha-2 or alpha-3, e.g. NL or NLD"
            ),
            value=value,
        )
    return code


def _any_case(code: str) -> str:
    return "".join(f"[{c}{c.lower()}]" for c in code)


_MEMBER_STATE_CODES = {*EU_MEMBER_STATES, *(a2 for a2, a3 in ISO2_TO_ISO3.items() if a3 in EU_MEMBER_STATES)}
MEMBER_STATE_PATTERN = "^(?:" + "|".join(_any_case(code) for code in sorted(_MEMBER_STATE_CODES)) + ")$"
"""The codes ``iso3`` accepts for a member state, as the OpenAPI document's ``pattern``."""


def country_iri(value: str) -> Term:
    return Term.iri(COUNTRY_BASE + iso3(value))


def short(iri: str) -> str:
    """The last path segment of an IRI: the slug or code users know."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def country_code(iri: str | None) -> str | None:
    if iri and iri.startswith(COUNTRY_BASE):
        return iri[len(COUNTRY_BASE) :]
    return None
