"""A request body limit on every endpoint (413), before any parser sees the body."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from imvokg.api.problem import PROBLEM_JSON, problem_bytes


class BodySizeLimit:
    """Reject bodies over ``max_bytes``: by Content-Length up front, or while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await self._reject(send)
                    return
        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                started = True
                await self._reject(send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            # A route that reads a streamed (chunked) body sees a disconnect once the limit
            # is passed and fails with it; the client gets the 413, not a 500.
            if not too_large:
                raise
            if not started:
                started = True
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body = problem_bytes(
            413, "payload_too_large", f"the request body is larger than {self.max_bytes} bytes"
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
