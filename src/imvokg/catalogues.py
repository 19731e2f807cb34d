"""Managing the gettext catalogues: extract the messages, keep one .po per language, compile to .mo.

The messages are found by Babel in the Python code (``N_``, ``Nn_``, ``Nc_``
and the ``say``/``say_plural``/``say_in_context`` calls of :mod:`imvokg.messages`) and
in the Jinja templates (``_`` and ``ngettext``). ``imvokg messages update``
merges new messages into every .po; ``imvokg messages compile`` writes the
.mo files the server reads (the wheel build and ``make install`` do it too);
``imvokg messages check`` lists what a language still lacks.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from imvokg.languages import LANGUAGES
from imvokg.messages import DOMAIN, LOCALE_DIR

PACKAGE_DIR = Path(__file__).parent

TRANSLATED = tuple(lang for lang in LANGUAGES if lang != "en")

KEYWORDS = parse_keywords(
    [
        "N_",
        "Nn_:1,2",
        "Nc_:1c,2",
        "say:2",
        "say_plural:2,3",
        "say_in_context:2c,3",
        "_",
        "ngettext:1,2",
    ]
)
METHODS = [("web/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"web/templates/**.html": {"trimmed": "true"}}
_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sd]")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def placeholders(text: str) -> list[str]:
    """The ``%(name)s`` placeholders of a message, each once, in order."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def extract() -> Catalog:
    """Every message of the code and the templates (the template catalogue)."""
    catalog = Catalog(domain=DOMAIN, project="imvokg", charset="utf-8")
    found = extract_from_dir(
        str(PACKAGE_DIR),
        method_map=METHODS,
        options_map=OPTIONS,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        if filename.startswith("locale"):
            continue
        flags = (
            {"python-format"}
            if _PLACEHOLDER.search(message if isinstance(message, str) else message[0])
            else set()
        )
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context, flags=flags)
    return catalog


def read(lang: str) -> Catalog | None:
    """The .po of `lang`, or None when there is none yet."""
    path = po_path(lang)
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def write(lang: str, catalog: Catalog) -> Path:
    """Write the .po of `lang`, its header saying whose translations these are."""
    catalog.fuzzy = False
    catalog.project, catalog.version = "imvokg", "0.1"
    catalog.copyright_holder = "imvokg"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "imvokg editors (editorial translation, awaiting review)"
    catalog.language_team = f"{lang} (editorial)"
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, sort_output=True, include_lineno=False)
    return path


def new_catalog(lang: str) -> Catalog:
    return Catalog(locale=Locale.parse(lang), domain=DOMAIN, project="imvokg", version="0.1", charset="utf-8")


def update() -> list[Path]:
    """Merge the extracted messages into every language's .po (new ones empty, gone ones dropped)."""
    template = extract()
    written = []
    for lang in TRANSLATED:
        catalog = read(lang) or new_catalog(lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        written.append(write(lang, catalog))
    return written


def compile_all(languages: tuple[str, ...] = TRANSLATED) -> list[Path]:
    """Write the .mo of every language that has a .po (what the server reads)."""
    written = []
    for lang in languages:
        catalog = read(lang)
        if catalog is None:
            continue
        mo = po_path(lang).with_suffix(".mo")
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def problems(lang: str, template: Catalog | None = None) -> list[str]:
    """What keeps `lang` from being complete: missing, fuzzy or wrong translations."""
    template = template or extract()
    catalog = read(lang)
    if catalog is None:
        return [f"{lang}: no catalogue at {po_path(lang)}"]
    forms = catalog.num_plurals
    found = []
    for wanted in template:
        if not wanted.id:
            continue
        have: Message | None = catalog.get(wanted.id, context=wanted.context)
        label = wanted.id[0] if isinstance(wanted.id, tuple) else wanted.id
        if have is None or have.fuzzy:
            found.append(f"{lang}: no translation of {label!r}")
            continue
        raw = have.string if isinstance(have.string, tuple) else (have.string,)
        strings = tuple(str(x) if x else "" for x in raw)
        if wanted.pluralizable and len(strings) != forms:
            found.append(f"{lang}: {label!r} needs {forms} plural forms, has {len(strings)}")
        if not all(strings):
            found.append(f"{lang}: no translation of {label!r}")
            continue
        source = "".join(wanted.id) if isinstance(wanted.id, tuple) else str(wanted.id)
        expected = set(placeholders(source)) - {"%(num)s", "%(num)d"}
        for string in strings:
            if not expected <= set(placeholders(string)) or not set(placeholders(string)) <= set(
                placeholders(source)
            ):
                found.append(f"{lang}: {label!r} changes the placeholders: {string!r}")
                break
    return found


def main(argv: list[str] | None = None) -> int:
    """``python -m imvokg.catalogues update|compile|check``."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "check"
    if command == "update":
        for path in update():
            print(path)
        return 0
    if command == "compile":
        print(f"compiled {len(compile_all())} catalogues")
        return 0
    if command == "check":
        template = extract()
        missing = 0
        for lang in TRANSLATED:
            found = problems(lang, template)
            missing += len(found)
            print(f"{lang}: {'complete' if not found else f'{len(found)} problems'}")
        return 1 if missing else 0
    print("usage: python -m imvokg.catalogues update|compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
