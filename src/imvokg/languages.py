"""Choosing the language of an answer: the one place that knows the languages and the order.

Every edge asks here (the JSON API, the pages, the linked-data documents, the
CLI and validation), so one request gets one language wherever it lands. The
order: an explicit ``lang=``, then the remembered choice (the cookie, pages
only), then ``Accept-Language`` ranked by q-value with RFC 4647 *lookup*
(``de-AT`` falls back to ``de``), then English. A choice that is not one of
:data:`LANGUAGES` is passed over, never echoed. The answer then says which
language it is in (``Content-Language``) and what it depended on (``Vary``),
so shared caches keep one copy per language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LANGUAGES: tuple[str, ...] = (
    "en", "bg", "cs", "da", "de", "el", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip
"""The languages the service speaks, the default first: the 24 official languages of the EU
(labels, interface, messages; see README, Languages and translations)."""

DEFAULT = "en"
COOKIE = "imvokg_lang"
"""The cookie that remembers a reader's explicit ``?lang=`` on the pages."""

LANG_HELP = (
    f"Language of labels: {', '.join(LANGUAGES)} (falls back to English); default from Accept-Language."
)


def normalise(tag: str | None) -> str | None:
    """RFC 4647 lookup of one language tag: ``de-AT`` -> ``de``; None when we do not speak it."""
    if not tag:
        return None
    subtags = tag.strip().lower().replace("_", "-").split("-")
    while subtags:
        candidate = "-".join(subtags)
        if candidate in LANGUAGES:
            return candidate
        subtags.pop()
        if subtags and len(subtags[-1]) == 1:  # a singleton ('x', 'u') never ends a lookup range
            subtags.pop()
    return None


ENVIRONMENT = ("IMVOKG_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Where a process (the CLI) finds its language when ``--lang`` is not given: ``IMVOKG_LANG``,
then the locale variables in the order gettext reads them."""


def from_environment(environ: Mapping[str, str]) -> str:
    """The language of a command line: ``IMVOKG_LANG``, then the POSIX locale, then English.

    ``IMVOKG_LANG`` counts when we speak it. Of the locale variables the first one that is set
    decides, as for gettext (``LC_ALL=C`` means English even when ``LANG`` says otherwise);
    ``LANGUAGE`` may list several (``fr:de``), the first we speak wins; ``de_AT.UTF-8@euro`` -> ``de``.
    """
    chosen = normalise(environ.get("IMVOKG_LANG"))
    if chosen:
        return chosen
    for name in ENVIRONMENT[1:]:
        value = environ.get(name, "").strip()
        if not value:
            continue
        for tag in value.split(":"):
            found = normalise(tag.split(".")[0].split("@")[0])
            if found:
                return found
        if name != "LANGUAGE":  # a LANGUAGE list we cannot use leaves the choice to the locale
            return DEFAULT
    return DEFAULT


def from_accept_language(header: str | None) -> str | None:
    """The supported language the client ranks highest: q-values first, then their order."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        pieces = part.strip().split(";")
        code = normalise(pieces[0])
        if code is None:
            continue
        quality = 1.0
        for extra in pieces[1:]:
            name, _, value = extra.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else None


@dataclass(frozen=True)
class LanguageChoice:
    """The chosen language and the request headers the choice may have depended on."""

    lang: str
    vary: tuple[str, ...]

    def headers(self, content_language: str | None = None, *, vary: tuple[str, ...] = ()) -> dict[str, str]:
        """``Content-Language`` (the chosen one unless the answer fell back) and ``Vary``.

        ``vary`` names the other request headers the answer depends on (``Accept``).
        """
        return {"Content-Language": content_language or self.lang, "Vary": ", ".join((*vary, *self.vary))}


def choose(lang: str | None = None, *, cookie: str | None = None, accept_language: str | None = None) -> str:
    """``lang=`` first, then the cookie, then Accept-Language, then English."""
    return normalise(lang) or normalise(cookie) or from_accept_language(accept_language) or DEFAULT


def choice(
    lang: str | None = None,
    *,
    cookie: str | None = None,
    accept_language: str | None = None,
    uses_cookie: bool = False,
) -> LanguageChoice:
    """:func:`choose`, plus the ``Vary`` the answer must send (``Cookie`` only where it counts)."""
    chosen = choose(lang, cookie=cookie if uses_cookie else None, accept_language=accept_language)
    return LanguageChoice(chosen, ("Accept-Language", "Cookie") if uses_cookie else ("Accept-Language",))
