"""The code stays ruff clean and formatted, type-checks, and the layering contracts hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean() -> None:
    result = _run(BIN / "ruff", "check", "src", "tests")
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_format_is_kept() -> None:
    result = _run(BIN / "ruff", "format", "--check", "src", "tests")
    assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_finds_nothing() -> None:
    """The whole package type-checks; the stores and the services under strict rules (pyproject)."""
    result = _run(BIN / "mypy")
    assert result.returncode == 0, result.stdout[-3000:]


def test_import_layers_hold() -> None:
    result = _run(BIN / "lint-imports")
    assert result.returncode == 0, result.stdout[-3000:]
