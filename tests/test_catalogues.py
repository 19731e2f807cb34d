"""Interface text through gettext: every message in all 24 languages, no text outside the catalogue."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.catalog import Catalog

from imvokg import catalogues, messages
from imvokg.web.site import TEMPLATES_DIR

INCOMPLETE: set[str] = set()
"""Languages whose catalogue is known to lack translations (each listed one is a strict xfail)."""


@pytest.fixture(scope="module")
def template() -> Catalog:
    return catalogues.extract()


def test_the_catalogue_holds_the_messages_of_code_and_templates(template: Catalog) -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    assert "Skip to content" in ids  # base.html
    assert "%(num)s violation" in ids  # validation.py, a plural
    assert "the API key is not valid" in ids  # an error message of a service
    assert "usage: " in ids and "(%(num)s row)" in ids  # the command line, argparse's own words
    assert "no peers are configured; set IMVOKG_PEERS_FILE to a JSON list of registries" in ids
    assert len(ids) > 250


@pytest.mark.parametrize(
    "lang",
    [
        pytest.param(lang, marks=pytest.mark.xfail(strict=True, reason="translation not delivered"))
        if lang in INCOMPLETE
        else lang
        for lang in catalogues.TRANSLATED
    ],
)
def test_every_message_is_translated(lang: str, template: Catalog) -> None:
    problems = catalogues.problems(lang, template)
    assert problems == [], "\n".join(problems[:40])


def test_plural_forms_follow_the_language() -> None:
    assert catalogues.read("pl").num_plurals == 3
    assert catalogues.read("ga").num_plurals == 5
    assert messages.say_plural("en", "%(num)s warning", "%(num)s warnings", 1) == "1 warning"
    assert messages.say_plural("en", "%(num)s warning", "%(num)s warnings", 2) == "2 warnings"


def test_a_translation_that_loses_a_placeholder_is_reported(tmp_path, monkeypatch) -> None:
    catalog = catalogues.new_catalog("de")
    catalog.add("the query nests deeper than %(max_depth)s levels", "die Abfrage ist zu tief")
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    catalogues.write("de", catalog)
    only = Catalog()
    only.add("the query nests deeper than %(max_depth)s levels", flags={"python-format"})
    assert any("placeholders" in p for p in catalogues.problems("de", only))
    only.add("Skip to content")
    assert any("no translation of 'Skip to content'" in p for p in catalogues.problems("de", only))


# -- templates: no text outside the catalogue ------------------------------------------------

# Words that are the same in every language: names, formats, keys on the keyboard.
NOT_TRANSLATED = {
    "imvokg", "SPARQL", "CSV", "TSV", "JSON", "XML", "SHA-256", "CC BY 4.0", "Ctrl", "Enter",
    "ASK", "/queries", "/docs", "SPARQL DESCRIBE", ".rq", "SER", "JSON-LD", "N-Triples", "Turtle",
}  # fmt: skip
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TEXT_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "label", "summary"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if name in _TEXT_ATTRIBUTES and value:
                self.found.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.found.append(data)


def _words_outside_the_catalogue(source: str) -> list[str]:
    parser = _Text()
    parser.feed(_JINJA.sub(" ", source))
    leftovers = []
    for chunk in parser.found:
        for token in sorted(NOT_TRANSLATED, key=len, reverse=True):  # "JSON-LD" before "JSON"
            chunk = chunk.replace(token, " ")
        if re.search(r"[^\W\d_]{2,}", chunk):
            leftovers.append(chunk.strip())
    return leftovers


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES_DIR.glob("*.html")))
def test_templates_hold_no_text_outside_the_catalogue(name: str) -> None:
    source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    assert _words_outside_the_catalogue(source) == []


def test_the_template_check_sees_plain_words() -> None:
    assert _words_outside_the_catalogue("<p>Statements</p>") == ["Statements"]
    assert _words_outside_the_catalogue('<a title="Open it">{{ _("x") }}</a>') == ["Open it"]
    assert _words_outside_the_catalogue('<p>{{ _("Statements") }} · CSV</p>') == []
