"""The words of the interface that templates cannot spell out themselves, and how a page picks its language.

Every sentence lives in the gettext catalogues (``imvokg.messages``); this
module only maps the codes the services hand the templates (an agreement's
kind, a party's kind, a requirement status, a count) to marked messages, and
names the languages with CLDR (through Babel) instead of typing them. Labels
that come from the graph are asked for in the same language (``lang=`` on
the services); which language a page is in is chosen in ``imvokg.languages``.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

from imvokg.languages import LANGUAGES
from imvokg.messages import N_, Nc_, Nn_, say, say_in_context, say_plural
from imvokg.services.identifiers import ISO2_TO_ISO3


@cache
def language_name(code: str, in_lang: str | None = None) -> str:
    """The CLDR name of language `code`, in `in_lang` (its own language when not given)."""
    name = Locale.parse(code).get_display_name(in_lang or code) or code
    return name[:1].upper() + name[1:]


LANGUAGE_NAMES: dict[str, str] = {code: language_name(code) for code in LANGUAGES}
"""Each language named in itself, for the language switcher."""


_ISO3_TO_ISO2 = {three: two for two, three in ISO2_TO_ISO3.items() if two != "EL"}


@cache
def country_name(code: str, lang: str) -> str:
    """The CLDR name of country `code` (ISO 3166-1 alpha-2 or alpha-3) in `lang`; else the code."""
    two = _ISO3_TO_ISO2.get(code.upper(), code.upper())
    return Locale.parse(lang).territories.get(two, code)


_KINDS = {  # the same English as the counted nouns below, hence a context of its own
    "irbc-agreement": Nc_("kind of initiative", "Dutch IRBC agreement"),
    "foreign-initiative": Nc_("kind of initiative", "foreign initiative"),
}

_PARTY_KINDS = {
    "trade-union": N_("Trade unions"),
    "ngo": N_("Non-governmental organisations"),
    "company": N_("Companies"),
    "industry-association": N_("Industry associations"),
    "supervisory-authority": N_("Supervisory authorities"),
    "government-body": N_("Government bodies"),
    "knowledge-institution": N_("Knowledge institutions"),
    "intermediary": N_("Intermediary organisations"),
    "party": N_("Other parties"),
}

_CONFORMANCE = {
    "met": N_("meets the requirement"),
    "not_met": N_("does not meet the requirement"),
    "warning": N_("warning"),
}

_SEVERITIES = {
    "violation": N_("violation"),
    "warning": N_("warning"),
    "info": N_("information"),
}

# what the home page counts -> (singular, plural)
_COUNTS = {
    "agreements": Nn_("Dutch IRBC agreement", "Dutch IRBC agreements"),
    "initiatives": Nn_("foreign initiative", "foreign initiatives"),
    "parties": Nn_("party", "parties"),
    "risks": Nn_("risk topic", "risk topics"),
    "sectors": Nn_("sector", "sectors"),
    "provisions": Nn_("provision of an instrument", "provisions of instruments"),
    "commitments": Nn_("commitment", "commitments"),
    "resources": Nn_("resource described", "resources described"),
}


class Helpers:
    """The functions a template gets for one language (bound once per page)."""

    NAMES = (
        "kind_name", "party_kind_name", "conformance_name", "severity_name", "count_noun",
        "language_name", "country_name",
    )  # fmt: skip

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def kind_name(self, kind: str) -> str:
        return say_in_context(self.lang, *_KINDS[kind]) if kind in _KINDS else kind

    def party_kind_name(self, kind: str) -> str:
        return say(self.lang, _PARTY_KINDS.get(kind, _PARTY_KINDS["party"]))

    def conformance_name(self, status: str) -> str:
        return say(self.lang, _CONFORMANCE[status]) if status in _CONFORMANCE else status

    def severity_name(self, severity: str) -> str:
        key = severity.rsplit("#", 1)[-1].lower()
        return say(self.lang, _SEVERITIES[key]) if key in _SEVERITIES else severity

    def count_noun(self, what: str, num: int) -> str:
        one, many = _COUNTS[what]
        return say_plural(self.lang, one, many, num)

    def language_name(self, code: str) -> str:
        return language_name(code, self.lang)

    def country_name(self, code: str) -> str:
        return country_name(code, self.lang)
