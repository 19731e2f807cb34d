"""Text a person reads, in their language: gettext catalogues managed with Babel.

One ``.po`` per language under ``imvokg/locale/<lang>/LC_MESSAGES/imvokg.po``,
compiled to ``.mo`` when the package is built (and by ``imvokg messages compile``).
The msgid is the English text; placeholders are ``%(name)s`` so Babel checks
that each translation keeps them. Code that cannot know the reader's language
(a service raising an error) marks its text with :func:`N_` and the edge
translates it with :func:`say` once the language is chosen.

Plural forms come from CLDR through Babel: ``say_plural(lang, "%(num)s warning",
"%(num)s warnings", n)`` picks the right form of the language (Polish has three,
Irish five), so no page says "1 warnings".
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations

DOMAIN = "imvokg"
LOCALE_DIR = Path(__file__).parent / "locale"


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction without translating it (the edge translates later)."""
    return msgid


def Nc_(context: str, msgid: str) -> tuple[str, str]:
    """Mark a message that needs a context (Babel keyword ``Nc_:1c,2``).

    :func:`say_in_context` translates it.
    """
    return context, msgid


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural message for extraction (Babel keyword ``Nn_:1,2``); :func:`say_plural` picks the form."""
    return singular, plural


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of `lang`; English (the msgids themselves) when there is none."""
    if lang == "en":
        return NullTranslations()
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = mo.with_suffix(".po")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if po.exists():
        return _from_po(po)
    return NullTranslations()


def _from_po(po: Path) -> NullTranslations:
    """A catalogue read straight from the .po (a source checkout that was never compiled)."""
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _fill(text: str, params: dict[str, Any]) -> str:
    return text % params if params else text.replace("%%", "%")


def say(lang: str, msgid: str, **params: Any) -> str:
    """`msgid` in `lang`, with its ``%(name)s`` placeholders filled from `params`."""
    return _fill(translations(lang).ugettext(msgid), params)


def say_plural(lang: str, singular: str, plural: str, num: int, **params: Any) -> str:
    """The plural form of `lang` that fits `num`; ``%(num)s`` is filled with it."""
    return _fill(translations(lang).ungettext(singular, plural, num), {"num": num, **params})


def say_in_context(lang: str, context: str, msgid: str, **params: Any) -> str:
    """`msgid` in `lang` where the same English needs a different translation per `context`."""
    return _fill(translations(lang).upgettext(context, msgid), params)


class Deferred(str):
    """English text that keeps its msgid and values, so an edge that knows the reader can say it again.

    Code below the edge that reports as it goes (the build's progress lines) cannot know the
    reader's language; it hands over ``Deferred(N_("..."), name=value)``, which reads as the
    English wherever a plain string is expected, and the command line says it with
    :func:`in_language`.
    """

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Deferred:
        text = super().__new__(cls, _fill(msgid, params))
        text.msgid, text.params = msgid, params
        return text


def in_language(lang: str, text: str) -> str:
    """`text` in `lang` when it is :class:`Deferred`; any other text as it is."""
    return say(lang, text.msgid, **text.params) if isinstance(text, Deferred) else text
