"""Dependencies of the write side: the key file, the caller, the workflow service.

Built on first use and kept on the application state; the workflow shares the
application's store and query runner, so its writes bump the version every
cached answer keys on.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Request

from imvokg.api.deps import services_of
from imvokg.services.authority import AuthorityKeys, controller_iri
from imvokg.services.authority import keys_file_for as authority_keys_file
from imvokg.services.credentials import Credentials, Principal
from imvokg.services.journal import Journal
from imvokg.services.signing import Signer
from imvokg.services.workflow import WorkflowService

_CREATE = threading.Lock()


def get_credentials(request: Request) -> Credentials:
    state = request.app.state
    with _CREATE:
        if getattr(state, "credentials", None) is None:
            state.credentials = Credentials(services_of(request).settings.keys_file)
    return state.credentials


def get_workflow(request: Request) -> WorkflowService:
    state = request.app.state
    with _CREATE:
        if getattr(state, "workflow", None) is None:
            services = services_of(request)
            settings = services.settings
            state.workflow = WorkflowService(
                services.runner,
                Journal(settings.var.submissions),
                read_only=settings.read_only,
                signer=Signer(AuthorityKeys(authority_keys_file(settings)), controller_iri(settings)),
            )
    return state.workflow


def presented_key(request: Request) -> str | None:
    """``Authorization: Bearer <key>``, or ``X-API-Key: <key>``."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key") or None


def get_principal(
    request: Request, credentials: Annotated[Credentials, Depends(get_credentials)]
) -> Principal:
    return credentials.authenticate(presented_key(request))


PrincipalDep = Annotated[Principal, Depends(get_principal)]
WorkflowDep = Annotated[WorkflowService, Depends(get_workflow)]
