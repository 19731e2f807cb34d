"""The HTTP floor: a constant FastAPI route served by uvicorn exactly as imvokg is served.

Nothing answers faster over HTTP on this machine with this stack; imvokg's
cached answers are compared with it.
"""

from fastapi import FastAPI

app = FastAPI()
BODY = {"sector": "garment-textile", "risks": [{"topic": "child-labour", "agreements": 3}]}


@app.get("/constant")
def constant() -> dict[str, object]:
    return BODY
