"""The HTTP floor: a constant FastAPI route served by uvicorn exactly as imvokg is served.

The route is as cheap as FastAPI allows (async, no dependency, the body
encoded once), so nothing answers faster over HTTP on this machine with this
stack; imvokg's cached answers are compared with it.
"""

import json

from fastapi import FastAPI, Response

app = FastAPI()
ANSWER = {"sector": "garment-textile", "risks": [{"topic": "child-labour", "agreements": 3}]}
BODY = json.dumps(ANSWER).encode()


@app.get("/constant")
async def constant() -> Response:
    return Response(BODY, media_type="application/json")
