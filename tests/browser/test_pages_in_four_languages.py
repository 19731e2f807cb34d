"""Pages in Greek, Bulgarian, Polish and Irish: no English interface text, no broken layout at 400 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from imvokg import catalogues, messages

LANGS = ("el", "bg", "pl", "ga")
PAGES = {
    "home": "/",
    "resource": "/scheme/risk-topic/child-labour",
    "coverage": "/coverage?sector=garment-textile",
    "compare": "/compare?a=nl-garment-textile&b=fair-wear-foundation",
    "search": "/?q=kinder",
}
# Elements that hold interface text (not names from the graph)
INTERFACE = (
    "header nav a, h2, label, button, caption, summary, .notice, .lead, thead th, .legend li, footer p"
)


def _english_interface_text(lang: str) -> set[str]:
    """Every message whose translation into `lang` differs from the English."""
    english = set()
    for message in catalogues.extract():
        if not message.id or message.pluralizable or "%(" in message.id:
            continue
        if messages.say(lang, message.id) != message.id:
            english.add(message.id)
    return english


@pytest.mark.parametrize("lang", LANGS)
def test_pages_show_no_english_interface_text(browser: Any, server: Any, artifacts: Path, lang: str) -> None:
    english = _english_interface_text(lang)
    context = browser.new_context(base_url=server.url, locale=lang, viewport={"width": 400, "height": 900})
    try:
        tab = context.new_page()
        for name, path in PAGES.items():
            response = tab.goto(path + ("&" if "?" in path else "?") + f"lang={lang}")
            assert response.status == 200, path
            assert tab.evaluate("document.documentElement.lang") == lang
            texts = tab.eval_on_selector_all(INTERFACE, "els => els.map(e => e.innerText.trim())")
            leftovers = sorted({t for t in texts if t in english})
            assert leftovers == [], (name, leftovers)
            # long words and other scripts wrap instead of pushing the page sideways
            width = tab.evaluate("document.documentElement.scrollWidth")
            wide = tab.evaluate(
                "() => Array.from(document.querySelectorAll('body *')).filter(e => "
                "e.getBoundingClientRect().right > 401).slice(0, 5).map(e => e.tagName + '.' + e.className)"
            )
            assert width <= 400, (name, width, wide)
            tab.screenshot(path=str(artifacts / f"lang-{lang}-{name}.png"), full_page=True)
    finally:
        context.close()
