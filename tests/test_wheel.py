"""A built wheel carries ontology/, shapes/, queries/ and data/ and works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from imvokg.catalogues import LANGUAGES

pytestmark = pytest.mark.slow  # builds and installs the wheel

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("imvokg-*.whl")
    return found


def test_wheel_contains_the_resources(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "imvokg/_resources/ontology/imvo.ttl",
        "imvokg/_resources/shapes/minimum-requirements.shapes.ttl",
        "imvokg/_resources/queries/coverage/sector-coverage.rq",
        "imvokg/_resources/data/agreements/nl-garment-textile.ttl",
        "imvokg/_resources/ontology/imports/stubs.ttl",
        "imvokg/_resources/translations/en.ttl",
    ):
        assert expected in names
    # the gettext catalogues are compiled when the wheel is built, one per language
    compiled = {n.split("/")[2] for n in names if n.endswith("/LC_MESSAGES/imvokg.mo")}
    assert compiled == {lang for lang in LANGUAGES if lang != "en"}


def test_installed_wheel_builds_and_answers_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [sys.executable, "-c", "import imvokg.resources as r; print(r.resource_root())"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(site)), where
    subprocess.run(
        [sys.executable, "-m", "imvokg", "build", "--no-reason", "--no-dumps", "--store", "var/store"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result = subprocess.run(
        [sys.executable, "-m", "imvokg", "query", "agreements", "--store", "var/store", "--format", "csv"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "nl-garment-textile" in result.stdout
    # interface text comes from the compiled catalogues of the installed package
    said = subprocess.run(
        [
            sys.executable,
            "-c",
            "from imvokg.messages import say, LOCALE_DIR; print(LOCALE_DIR, say('de', 'Search'))",
        ],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert said.startswith(str(site)) and said.split()[-1] == "Suchen"
