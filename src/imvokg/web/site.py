"""Rendering the site's pages: one Jinja2 environment over web/templates, autoescaped.

Nothing here knows about HTTP; the routes hand in the language and the data and
get HTML text back.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from imvokg import languages, messages
from imvokg.namespaces import BASE
from imvokg.web import i18n

WEB_DIR = Path(__file__).parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


def local_path(iri: str) -> str:
    """Where a browser on this server reads about `iri`: /id/..., /scheme/..., /ontology#...; else the IRI."""
    if iri.startswith(BASE + "ont#"):
        return "/ontology#" + iri.split("#", 1)[1]
    if iri.startswith((BASE + "id/", BASE + "scheme/")):
        return "/" + iri[len(BASE) :]
    return iri


_PAGE_LANG: ContextVar[str] = ContextVar("page_lang", default=languages.DEFAULT)
"""The language of the page being rendered (macros imported without context see it too)."""


def _gettext(msgid: str, **params: Any) -> Markup:
    """``_()`` in templates: the message in the page language, placeholders escaped then filled.

    Without parameters the text is left as it is (a message handed to the scripts keeps its
    ``%(num)s`` for them to fill).
    """
    translated = Markup(messages.translations(_PAGE_LANG.get()).ugettext(msgid))
    return translated % params if params else translated


def _ngettext(singular: str, plural: str, num: int, **params: Any) -> Markup:
    """``ngettext()`` in templates: the page language's plural form for `num`."""
    chosen = messages.translations(_PAGE_LANG.get()).ungettext(singular, plural, num)
    return Markup(chosen) % {"num": num, **params}


def _helper(name: str) -> Any:
    return lambda *args: getattr(i18n.Helpers(_PAGE_LANG.get()), name)(*args)


def install(env: Environment) -> Environment:
    """Add the helpers every page template may use (also for environments made elsewhere)."""
    env.globals.setdefault("languages", i18n.LANGUAGES)
    env.globals.setdefault("language_names", i18n.LANGUAGE_NAMES)
    env.globals.setdefault("_", _gettext)
    env.globals.setdefault("ngettext", _ngettext)
    for name in i18n.Helpers.NAMES:
        env.globals.setdefault(name, _helper(name))
    env.filters.setdefault("local_path", local_path)
    return env


@cache
def environment() -> Environment:
    """The shared template environment (autoescape on for every .html template)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return install(env)


def language_links(path: str, params: dict[str, str]) -> dict[str, str]:
    """For the switcher: this page's URL in each language."""
    links = {}
    for code in i18n.LANGUAGES:
        kept = {k: v for k, v in params.items() if k != "lang" and v}
        kept["lang"] = code
        links[code] = path + "?" + urlencode(kept)
    return links


def render(
    name: str, *, lang: str, path: str = "/", params: dict[str, str] | None = None, **context: Any
) -> str:
    """Render template `name` in `lang`: ``_()``/``ngettext()`` and the helpers speak `lang`."""
    template = environment().get_template(name)
    token = _PAGE_LANG.set(lang)
    try:
        return template.render(
            lang=lang,
            current_path=path,
            lang_links=language_links(path, params or {}),
            **context,
        )
    finally:
        _PAGE_LANG.reset(token)
