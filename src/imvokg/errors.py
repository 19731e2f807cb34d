"""One exception tree for the whole project.

    ImvokgError
    ├── ConfigError            a setting is missing or wrong
    ├── InputError             user input that cannot be used (maps to 400)
    │   ├── UnreadableInput    RDF that does not parse (names file/line)
    │   ├── UnsupportedMediaType
    │   ├── QueryRefused       SPARQL that is not allowed here (update, SERVICE, LOAD)
    │   └── QuerySyntaxError
    ├── NotFound
    ├── Conflict               e.g. a submission that was already decided
    ├── AuthError              missing or wrong credential (401) / Forbidden (403)
    ├── ValidationFailed       data does not conform to the shapes (carries the report)
    ├── StoreError             the store cannot answer
    │   └── QueryTimeout
    └── ReasonerError
        ├── InconsistentOntology
        └── JavaUnavailable

Services raise these; the edges (HTTP, CLI) translate them once. The
``detail`` is written for the person who sent the request: it never carries
raw library text. It is a gettext msgid marked with ``N_`` whose
``%(name)s`` placeholders are filled from the keyword arguments, so the edge
can say it in the reader's language (:meth:`ImvokgError.detail_in`);
``detail`` itself is the English.
"""

from __future__ import annotations

from typing import Any

from imvokg.messages import say


class ImvokgError(Exception):
    """Base of every error the project raises on purpose."""

    code = "error"

    def __init__(self, msgid: str, /, **context: Any) -> None:
        self.msgid = msgid
        self.context = context
        self.detail = self.detail_in("en")
        super().__init__(self.detail)

    def detail_in(self, lang: str) -> str:
        """The detail in `lang` (English where the catalogue has no translation)."""
        params = {k: v for k, v in self.context.items() if f"%({k})" in self.msgid}
        try:
            return say(lang, self.msgid, **params)
        except (KeyError, ValueError, TypeError):
            return self.msgid


class ConfigError(ImvokgError):
    code = "config_error"


class InputError(ImvokgError):
    code = "bad_request"


class UnreadableInput(InputError):
    code = "unreadable_input"


class UnsupportedMediaType(InputError):
    code = "unsupported_media_type"


class NotAcceptable(InputError):
    code = "not_acceptable"


class QueryRefused(InputError):
    code = "query_refused"


class QuerySyntaxError(InputError):
    code = "query_syntax_error"


class NotFound(ImvokgError):
    code = "not_found"


class Conflict(ImvokgError):
    code = "conflict"


class AuthError(ImvokgError):
    code = "unauthorized"


class Forbidden(AuthError):
    code = "forbidden"


class ValidationFailed(ImvokgError):
    code = "validation_failed"


class StoreError(ImvokgError):
    code = "store_error"


class QueryTimeout(StoreError):
    code = "query_timeout"


class ReasonerError(ImvokgError):
    code = "reasoner_error"


class InconsistentOntology(ReasonerError):
    code = "inconsistent_ontology"


class JavaUnavailable(ReasonerError):
    code = "java_unavailable"
