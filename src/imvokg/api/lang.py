"""The language of an answer at the HTTP edge: reads the request, asks ``imvokg.languages``.

The JSON API takes ``lang=`` and ``Accept-Language``; pages and the HTML
representations of linked data also honour the remembered choice (cookie).
Both ask the same function, so one request gets one language everywhere.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from imvokg.languages import COOKIE, LANG_HELP, LanguageChoice, choice

__all__ = ["LANG_HELP", "LangDep", "LanguageChoice", "api_language", "page_language"]


def api_language(request: Request, lang: str | None = None) -> LanguageChoice:
    """``lang=`` (the query parameter), then Accept-Language, then English."""
    return choice(lang, accept_language=request.headers.get("accept-language"))


def page_language(request: Request) -> LanguageChoice:
    """``?lang=``, then the remembered choice, then Accept-Language, then English."""
    return choice(
        request.query_params.get("lang"),
        cookie=request.cookies.get(COOKIE),
        accept_language=request.headers.get("accept-language"),
        uses_cookie=True,
    )


async def _api_language(
    request: Request, lang: Annotated[str | None, Query(description=LANG_HELP)] = None
) -> LanguageChoice:
    # async: a plain function dependency would cost a worker-thread hop on every request
    return api_language(request, lang)


LangDep = Annotated[LanguageChoice, Depends(_api_language)]
"""The language of a JSON answer; declares the ``lang`` query parameter in the OpenAPI document."""
