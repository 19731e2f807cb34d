"""The w3id.org redirect rules (w3id/.htaccess) applied to sample IRIs, as Apache's mod_rewrite would,
checked against the service's own mapping of its IRIs and followed on a running server."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from imvokg.api.publishing import local_link
from imvokg.namespaces import BASE

HTACCESS = Path(__file__).resolve().parents[1] / "w3id" / ".htaccess"
PREFIX = "https://w3id.org/imvokg/"
RULE = re.compile(r"^RewriteRule\s+(\S+)\s+(\S+)\s+\[([^\]]+)\]\s*$")


def rules() -> list[tuple[re.Pattern[str], str, set[str]]]:
    found = []
    for line in HTACCESS.read_text(encoding="utf-8").splitlines():
        match = RULE.match(line.strip())
        if match:
            found.append((re.compile(match.group(1)), match.group(2), set(match.group(3).split(","))))
    return found


def redirect(iri: str) -> tuple[int, str]:
    """What w3id.org answers for ``iri``: the first rule that matches (every rule ends with L)."""
    assert iri.startswith(PREFIX)
    path = urlsplit(iri).path[len(urlsplit(PREFIX).path) :]  # the fragment never reaches the server
    for pattern, target, flags in rules():
        match = pattern.match(path)
        if match:
            assert "L" in flags
            status = int(next(f for f in flags if f.startswith("R=")).removeprefix("R="))
            return status, re.sub(
                r"\$(\d)", lambda m, found=match: found.group(int(m.group(1))) or "", target
            )
    raise AssertionError(f"no rule for {iri}")


SAMPLES = [
    "https://w3id.org/imvokg/ont",
    "https://w3id.org/imvokg/ont#IrbcAgreement",
    "https://w3id.org/imvokg/shapes#AgreementShape",
    "https://w3id.org/imvokg/id/agreement/nl-garment-textile",
    "https://w3id.org/imvokg/id/instrument/ungp-2011/principle-14",
    "https://w3id.org/imvokg/scheme/risk-topic",
    "https://w3id.org/imvokg/scheme/risk-topic/child-labour",
    "https://w3id.org/imvokg/graph/inferred",
    "https://w3id.org/imvokg/query/sector-coverage",
]


def test_the_namespace_of_the_rules_is_the_projects() -> None:
    assert BASE == PREFIX


@pytest.mark.parametrize("iri", SAMPLES)
def test_each_iri_goes_where_the_service_serves_it(iri: str) -> None:
    status, target = redirect(iri)
    assert status == 303
    assert target.startswith("https://") and urlsplit(target).query == ""
    assert urlsplit(target).path == local_link(BASE)(iri).split("#")[0]


def test_anything_else_goes_to_the_home_page_and_the_catalogue_to_its_record() -> None:
    assert urlsplit(redirect(PREFIX)[1]).path == "/"
    assert urlsplit(redirect(PREFIX + "no/such/thing")[1]).path == "/"
    assert urlsplit(redirect(PREFIX + "catalog")[1]).path == "/catalog"


def test_one_target_host_for_every_rule() -> None:
    hosts = {urlsplit(target).netloc for _, target, _ in rules()}
    assert len(hosts) == 1 and len(rules()) >= 6


@pytest.mark.parametrize("iri", SAMPLES)
def test_the_redirected_path_answers_on_a_running_server(client: httpx.Client, iri: str) -> None:
    path = urlsplit(redirect(iri)[1]).path
    if path.endswith(".rq"):  # a named query's text: one representation
        text = client.get(path)
        assert text.status_code == 200 and "SELECT" in text.text.upper(), (iri, path)
        return
    for accept, media in (("text/turtle", "text/turtle"), ("text/html", "text/html")):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 200, (iri, path, accept, response.text[:200])
        assert response.headers["content-type"].startswith(media), (iri, accept)
