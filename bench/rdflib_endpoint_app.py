"""rdflib-endpoint serving the benchmark data: `python rdflib_endpoint_app.py DATA.nq PORT`.

The data is loaded into an rdflib Dataset whose default graph is the union
of the named graphs, the reading every imvokg query assumes.
"""

import sys

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint

data, port = sys.argv[1], int(sys.argv[2])
dataset = Dataset(default_union=True)
dataset.parse(data, format="nquads")
app = SparqlEndpoint(graph=dataset, path="/", public_url=f"http://127.0.0.1:{port}/")
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
