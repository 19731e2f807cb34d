"""The workspace (/workspace): submitters and supervisors do their work in the browser.

Sign-in exchanges an API key once for a server-side session (services/sessions.py):
the cookie is HttpOnly, SameSite=Strict, Secure over https, a new token at every
sign-in, gone at sign-out and when the key is revoked. Every form that changes
something carries the session's CSRF token (the sign-in form a token of its own,
double-submitted in a short-lived cookie). The JSON API under /api/v1 never reads
the session cookie: writes there need a bearer key, so a page on another site can
neither ride on the session (SameSite, CSRF) nor on the API.

The pages call the same WorkflowService the API calls, so the rules (roles,
member states, four eyes, one decision per submission) hold in one place.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from imvokg.api.deps import services_of
from imvokg.api.errors import STATUS
from imvokg.api.lang import page_language
from imvokg.api.routes.pages import html_page
from imvokg.errors import AuthError, Forbidden, ImvokgError, InputError, NotFound, ValidationFailed
from imvokg.messages import N_
from imvokg.services.credentials import Credentials, Principal
from imvokg.services.history import GROUP_NAMES, GROUPS, diff_amendment
from imvokg.services.identifiers import agreement_iri
from imvokg.services.publication import REGIMES, DecisionDraft
from imvokg.services.reports import report_json
from imvokg.services.sessions import Session, SessionStore
from imvokg.services.workflow import WorkflowService
from imvokg.services.workspace import (
    DraftStore,
    agreement_fields,
    check_text,
    fill_text,
    form_parts,
    form_values,
    parts_in_text,
    pick_classes,
    pick_options,
    readable,
    requirement_rows,
    trail,
)

router = APIRouter(prefix="/workspace", include_in_schema=False)

SESSION_COOKIE = "imvokg_session"
SIGNIN_COOKIE = "imvokg_signin"
"""The sign-in form's own CSRF token (there is no session yet to hold one)."""
SYNTAXES = {
    "text/turtle": "Turtle",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF/XML",
    "application/n-triples": "N-Triples",
}
_NEXT = re.compile(r"^/workspace(/[A-Za-z0-9._~-]+)*/?$")
MAX_FORM_BYTES = 4 * 1024 * 1024
MAX_FORM_FIELDS = 300


def safe_next(value: str | None) -> str:
    """Where to go after sign-in: a workspace path of this site, never another site (no open redirect)."""
    if value and _NEXT.match(value) and "//" not in value and ".." not in value:
        return value
    return "/workspace"


@dataclass(frozen=True)
class Visitor:
    """A signed-in person: who they are (from their key, read again each request) and their session."""

    principal: Principal
    session: Session


def _sessions(request: Request) -> SessionStore:
    return services_of(request).sessions


def _drafts(request: Request) -> DraftStore:
    return services_of(request).drafts


def get_credentials(request: Request) -> Credentials:
    return services_of(request).credentials


def get_workflow(request: Request) -> WorkflowService:
    return services_of(request).workflow


def visitor(request: Request) -> Visitor | None:
    """The person signed in on this browser, or None (no cookie, expired, or the key revoked)."""
    credentials = get_credentials(request)
    session = _sessions(request).find(
        request.cookies.get(SESSION_COOKIE), lambda key_id: credentials.by_id(key_id) is not None
    )
    if session is None:
        return None
    stored = credentials.by_id(session.key_id)
    if stored is None:
        return None
    return Visitor(stored.principal(), session)


async def _form(request: Request) -> dict[str, str]:
    """An URL-encoded form body (the only kind these forms send)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise InputError(N_("the form could not be read"))
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        raise InputError(N_("the form could not be read"))
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise InputError(N_("the form could not be read")) from None
    form: dict[str, str] = {}
    for name, value in pairs:  # a multiple choice sends its name once per value: one value a line
        form[name] = f"{form[name]}\n{value}" if name in form else value
    return form


def _require_csrf(who: Visitor, form: dict[str, str]) -> None:
    if not SessionStore.csrf_ok(who.session, form.get("csrf")):
        raise Forbidden(
            N_("this form did not come from your workspace or has expired; reload the page and send it again")
        )


def _status_of(problem: ImvokgError) -> int:
    return next((code for kind, code in STATUS if isinstance(problem, kind)), 500)


def _sign_in_redirect(request: Request) -> RedirectResponse:
    target = safe_next(request.url.path)
    return RedirectResponse(f"/workspace/sign-in?next={quote(target)}", status_code=303)


def _problem_page(request: Request, who: Visitor | None, problem: ImvokgError) -> HTMLResponse:
    lang = page_language(request).lang
    report = None
    if isinstance(problem, ValidationFailed) and problem.context.get("report") is not None:
        report = report_json(problem.context["report"], lang)
    return html_page(
        request,
        "workspace/problem.html",
        status=_status_of(problem),
        who=who,
        problem=problem.detail_in(lang),
        report=report,
    )


Handler = Callable[[Request, Visitor], Awaitable[Response]]


async def _signed_in(request: Request, handler: Handler, *, form: bool = False) -> Response:
    """Run a page for a signed-in person; else to sign-in (GET) or 401 (a form sent without a session)."""
    who = await run_in_threadpool(visitor, request)
    if who is None:
        if request.method == "GET":
            return _sign_in_redirect(request)
        return _problem_page(request, None, AuthError(N_("you are not signed in; sign in with your API key")))
    try:
        return await handler(request, who)
    except ImvokgError as problem:
        return _problem_page(request, who, problem)


def _page(request: Request, who: Visitor | None, template: str, **context: Any) -> HTMLResponse:
    response = html_page(request, f"workspace/{template}", who=who, **context)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- sign in and out -------------------------------------------------------------------


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request) -> HTMLResponse:
    """The sign-in form: the API key, once."""
    token = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(24)
    response = _page(
        request, None, "sign-in.html", csrf=token, next=safe_next(request.query_params.get("next"))
    )
    _set_cookie(request, response, SIGNIN_COOKIE, token, max_age=3600)
    return response


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """Exchange the key for a new session; the old session of this browser, if any, ends."""
    lang = page_language(request).lang
    try:
        form = await _form(request)
    except ImvokgError as problem:
        return _problem_page(request, None, problem)
    expected = request.cookies.get(SIGNIN_COOKIE) or ""
    target = safe_next(form.get("next"))
    if not expected or not secrets.compare_digest(expected.encode(), form.get("csrf", "").encode()):
        refused = Forbidden(
            N_("this form did not come from your workspace or has expired; reload the page and send it again")
        )
        return _problem_page(request, None, refused)
    credentials = get_credentials(request)
    try:
        principal = await run_in_threadpool(credentials.authenticate, form.get("key", "").strip() or None)
    except AuthError as failed:
        response = _page(
            request, None, "sign-in.html", csrf=expected, next=target, problem=failed.detail_in(lang)
        )
        response.status_code = 401
        return response
    sessions = _sessions(request)
    sessions.close(request.cookies.get(SESSION_COOKIE))
    token, _ = await run_in_threadpool(sessions.open, principal.key_id or "", principal.user)
    moved = RedirectResponse(target, status_code=303)
    settings = services_of(request).settings
    _set_cookie(request, moved, SESSION_COOKIE, token, max_age=settings.session_max_s)
    moved.delete_cookie(SIGNIN_COOKIE, path="/workspace")
    return moved


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    async def run(request: Request, who: Visitor) -> Response:
        _require_csrf(who, await _form(request))
        _sessions(request).close(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/workspace/sign-in", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return await _signed_in(request, run)


def _set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/" if name == SESSION_COOKIE else "/workspace",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


# -- home: own submissions, or the queue of a member state -----------------------------------


@router.get("", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    async def run(request: Request, who: Visitor) -> Response:
        workflow = get_workflow(request)
        records = await run_in_threadpool(workflow.list, who.principal)
        pending = [r for r in records if r.status == "pending"]  # oldest first (the journal's order)
        decided = sorted(
            (r for r in records if r.status != "pending"), key=lambda r: r.decided_at or "", reverse=True
        )
        drafts = _drafts(request).list(who.principal.user) if who.principal.role == "submitter" else []
        return _page(
            request,
            who,
            "home.html",
            pending=pending,
            decided=decided,
            drafts=drafts,
            four_eyes=workflow.four_eyes,
        )

    return await _signed_in(request, run)


# -- one submission: the report, the agreement, the decision ---------------------------------


@router.get("/submissions/{submission_id}", response_class=HTMLResponse)
async def submission_page(submission_id: str, request: Request) -> Response:
    async def run(request: Request, who: Visitor) -> Response:
        lang = page_language(request).lang
        workflow = get_workflow(request)

        def gather() -> dict[str, Any]:
            record = workflow.get(who.principal, submission_id)
            data = workflow.journal.data(submission_id)
            changes = None
            if record.replaces:  # an amendment: what it changes in the published version
                diff = diff_amendment(
                    workflow.runner, workflow.journal.data, record.agreement, record.replaces, data
                )
                changes = [
                    {"key": g, "name": GROUP_NAMES[g], "removed": diff.removed[g], "added": diff.added[g]}
                    for g in GROUPS
                    if diff.removed[g] or diff.added[g]
                ]
            return {
                "record": record,
                "changes": changes,
                "requirements": requirement_rows(data, record.agreement, lang),
                "resources": readable(data, lang),
                "ntriples": data.decode("utf-8"),
            }

        found = await run_in_threadpool(gather)
        record = found["record"]
        principal = who.principal
        may_decide = (
            principal.role == "supervisor"
            and principal.member_state == record.member_state
            and record.status == "pending"
        )
        own_organisation = (
            bool(principal.organisation) and principal.organisation == record.submitted_by_organisation
        )
        awaiting_second = bool(record.first_approval) and record.first_approval.get("by") == principal.user
        return _page(
            request,
            who,
            "submission.html",
            **found,
            may_decide=may_decide and not own_organisation,
            own_organisation=own_organisation and may_decide,
            awaiting_second=awaiting_second,
            four_eyes=workflow.four_eyes,
            regimes=REGIMES,
            slug=record.agreement.rsplit("/", 1)[-1],
            done=request.query_params.get("done"),
        )

    return await _signed_in(request, run)


@router.post("/submissions/{submission_id}/approve")
async def approve(submission_id: str, request: Request) -> Response:
    async def run(request: Request, who: Visitor) -> Response:
        form = await _form(request)
        _require_csrf(who, form)
        fields = ("issued", "valid_from", "valid_until", "supervision_regime", "reason")
        draft = DecisionDraft.from_json({k: form[k] for k in fields if form.get(k, "").strip()})
        answer = await run_in_threadpool(get_workflow(request).approve, who.principal, submission_id, draft)
        done = "approved" if answer["decision"] else "first-approval"
        return RedirectResponse(f"/workspace/submissions/{submission_id}?done={done}", status_code=303)

    return await _signed_in(request, run)


@router.post("/submissions/{submission_id}/reject")
async def reject(submission_id: str, request: Request) -> Response:
    async def run(request: Request, who: Visitor) -> Response:
        form = await _form(request)
        _require_csrf(who, form)
        reason = form.get("reason", "").strip()
        if not reason:
            raise InputError(N_("a rejection needs a reason"))
        await run_in_threadpool(get_workflow(request).reject, who.principal, submission_id, reason)
        return RedirectResponse(f"/workspace/submissions/{submission_id}?done=rejected", status_code=303)

    return await _signed_in(request, run)


# -- the trail of an agreement (public: decisions and reasons; signed in: also submissions) -----


@router.get("/agreements/{slug}", response_class=HTMLResponse)
async def agreement_trail(slug: str, request: Request) -> Response:
    who = await run_in_threadpool(visitor, request)
    workflow = get_workflow(request)
    try:
        iri = agreement_iri(slug).value
        records = await run_in_threadpool(workflow.list, who.principal) if who else []
        events = await run_in_threadpool(trail, workflow.runner, iri, records, who.principal if who else None)
        if not events and not await run_in_threadpool(workflow.is_published, iri):
            raise NotFound(N_("there is no agreement '%(slug)s'"), slug=slug)
    except ImvokgError as problem:
        return _problem_page(request, who, problem)
    may_withdraw = who is not None and who.principal.role == "supervisor"
    return _page(
        request,
        who,
        "trail.html",
        slug=slug,
        iri=iri,
        events=events,
        may_withdraw=may_withdraw,
        done=request.query_params.get("done"),
    )


@router.post("/agreements/{slug}/withdraw")
async def withdraw(slug: str, request: Request) -> Response:
    async def run(request: Request, who: Visitor) -> Response:
        form = await _form(request)
        _require_csrf(who, form)
        fields = ("valid_from", "reason")
        draft = DecisionDraft.from_json(
            {k: form[k] for k in fields if form.get(k, "").strip()}, regime_default="regular"
        )
        await run_in_threadpool(get_workflow(request).withdraw, who.principal, slug, draft)
        return RedirectResponse(f"/workspace/agreements/{quote(slug)}?done=withdrawn", status_code=303)

    return await _signed_in(request, run)


# -- a new submission: write or upload, check, save a draft, submit ----------------------------


def _editor_context(request: Request, who: Visitor, **given: Any) -> dict[str, Any]:
    lang = page_language(request).lang
    fields = agreement_fields(services_of(request).runner, lang)
    parts = form_parts(services_of(request).runner, lang)
    text, media_type = given.get("text", ""), given.get("media_type", "text/turtle")
    return {
        "fields": fields,
        "parts": parts,
        "values": form_values(fields, text, media_type),
        "in_text": parts_in_text(parts, text, media_type, lang),
        "syntaxes": SYNTAXES,
        "text": given.get("text", ""),
        "media_type": given.get("media_type", "text/turtle"),
        "member_state": given.get("member_state", ""),
        "draft_id": given.get("draft_id", ""),
        "idempotency_key": given.get("idempotency_key") or secrets.token_urlsafe(16),
        "checked": given.get("checked"),
        "problem": given.get("problem"),
        "saved": given.get("saved", False),
    }


@router.get("/new", response_class=HTMLResponse)
async def new_page(request: Request) -> Response:
    async def run(request: Request, who: Visitor) -> Response:
        who.principal.require_role("submitter")
        draft_id = request.query_params.get("draft")
        given: dict[str, Any] = {}
        if draft_id:
            draft = _drafts(request).get(who.principal.user, draft_id)
            given = {
                "text": draft.text,
                "media_type": draft.media_type,
                "member_state": draft.member_state,
                "draft_id": draft.id,
            }
        return _page(request, who, "new.html", **_editor_context(request, who, **given))

    return await _signed_in(request, run)


@router.post("/new")
async def new_submit(request: Request) -> Response:
    """One form, three buttons: check (stores nothing), save as draft, submit (once per idempotency key)."""

    async def run(request: Request, who: Visitor) -> Response:
        who.principal.require_role("submitter")
        form = await _form(request)
        _require_csrf(who, form)
        lang = page_language(request).lang
        media_type = form.get("media_type", "text/turtle")
        if media_type not in SYNTAXES:
            raise InputError(N_("choose one of the syntaxes offered"))
        given = {
            "text": form.get("text", ""),
            "media_type": media_type,
            "member_state": form.get("member_state", "").strip(),
            "draft_id": form.get("draft_id", ""),
            "idempotency_key": form.get("idempotency_key", ""),
        }
        action = form.get("action", "check")
        if action == "fill":
            fields = await run_in_threadpool(agreement_fields, services_of(request).runner, lang)
            parts = await run_in_threadpool(form_parts, services_of(request).runner, lang)
            given["text"] = await run_in_threadpool(
                fill_text, fields, form, given["text"], media_type, parts, services_of(request).runner
            )
            given["media_type"] = media_type = "text/turtle"
        body = given["text"].encode("utf-8")
        if action == "save":
            draft = await run_in_threadpool(
                _drafts(request).save,
                who.principal.user,
                given["text"],
                media_type,
                given["member_state"],
                given["draft_id"] or None,
            )
            given["draft_id"] = draft.id
            return _page(request, who, "new.html", **_editor_context(request, who, **given, saved=True))
        if action == "submit":
            try:
                record, _ = await run_in_threadpool(
                    get_workflow(request).submit,
                    who.principal,
                    body,
                    media_type,
                    member_state=given["member_state"] or None,
                    lang=lang,
                    idempotency_key=given["idempotency_key"] or None,
                )
            except (InputError, ValidationFailed) as refused:
                checked = await _checked(body, media_type, lang)
                page = _page(
                    request,
                    who,
                    "new.html",
                    **_editor_context(
                        request, who, **given, checked=checked, problem=refused.detail_in(lang)
                    ),
                )
                page.status_code = _status_of(refused)
                return page
            if given["draft_id"]:
                with contextlib.suppress(NotFound):
                    _drafts(request).delete(who.principal.user, given["draft_id"])
            return RedirectResponse(f"/workspace/submissions/{record.id}?done=submitted", status_code=303)
        checked = await _checked(body, media_type, lang)
        return _page(request, who, "new.html", **_editor_context(request, who, **given, checked=checked))

    return await _signed_in(request, run)


async def _checked(body: bytes, media_type: str, lang: str) -> dict[str, Any]:
    """The requirement statuses of a text, or the reason it cannot be read (never raises)."""
    try:
        return await run_in_threadpool(check_text, body, media_type, lang)
    except ImvokgError as problem:
        return {"problem": problem.detail_in(lang), "requirements": []}


@router.post("/check")
async def check(request: Request) -> Response:
    """For the page's script: the requirement statuses of the text as typed, as JSON (stores nothing)."""
    from fastapi.responses import JSONResponse

    async def run(request: Request, who: Visitor) -> Response:
        form = await _form(request)
        _require_csrf(who, form)
        media_type = form.get("media_type", "text/turtle")
        if media_type not in SYNTAXES:
            raise InputError(N_("choose one of the syntaxes offered"))
        lang = page_language(request).lang
        checked = await _checked(form.get("text", "").encode("utf-8"), media_type, lang)
        return JSONResponse(checked, headers={"Cache-Control": "no-store"})

    return await _signed_in(request, run)


@router.get("/pick")
async def pick(request: Request, q: str = "", cls: str = Query("", alias="class")) -> Response:
    """For the page's script: resources of a pick field's class whose name contains ``q``, as JSON.

    Only the classes of the form's pick fields (sh:class or the range of a field) are searched.
    """
    from fastapi.responses import JSONResponse

    async def run(request: Request, who: Visitor) -> Response:
        who.principal.require_role("submitter")
        runner = services_of(request).runner
        lang = page_language(request).lang
        text = q
        if cls not in await run_in_threadpool(pick_classes, runner, lang):
            raise InputError(N_("no field of the form takes values of this class"))
        found = await run_in_threadpool(pick_options, runner, cls, text, lang) if text.strip() else []
        return JSONResponse({"options": found}, headers={"Cache-Control": "no-store"})

    return await _signed_in(request, run)
