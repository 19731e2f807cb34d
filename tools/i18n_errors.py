"""Turn the messages of the project's errors into gettext messages (a one-off rewrite, kept for review).

``raise InputError(f"the query is longer than {max_chars} characters")`` becomes
``raise InputError(N_("the query is longer than %(max_chars)s characters"), max_chars=max_chars)``:
the msgid is extracted by Babel and translated at the edge, in the reader's language.
Run with ``--list`` to print the msgids as JSON, with ``--write`` to rewrite the sources.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ERRORS = {
    "ImvokgError",
    "ConfigError",
    "InputError",
    "UnreadableInput",
    "UnsupportedMediaType",
    "NotAcceptable",
    "QueryRefused",
    "QuerySyntaxError",
    "NotFound",
    "Conflict",
    "AuthError",
    "Forbidden",
    "ValidationFailed",
    "StoreError",
    "QueryTimeout",
    "ReasonerError",
    "InconsistentOntology",
    "JavaUnavailable",
    "ResultTooLarge",
    "QueryCrashed",
    "PoolBusy",
}


def _class_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _name_for(expr: ast.expr, taken: dict[str, str], source: str) -> str:
    """A readable placeholder name for an interpolated expression."""
    text = ast.get_source_segment(source, expr) or ""
    for existing, code in taken.items():
        if code == text:
            return existing
    if isinstance(expr, ast.Name):
        base = expr.id
    elif isinstance(expr, ast.Attribute):
        base = expr.attr
    elif isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
        base = expr.value.id
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.args:
        inner = expr.args[0]
        base = inner.id if isinstance(inner, ast.Name) else expr.func.id
        if isinstance(inner, ast.Attribute):
            base = inner.attr
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.args:
        inner = expr.args[0]
        base = inner.id if isinstance(inner, ast.Name) else "items"
    else:
        base = "value"
    base = base.strip("_").lower() or "value"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    return name


def convert(node: ast.expr, source: str) -> tuple[str, dict[str, str]] | None:
    """(msgid, {placeholder: source expression}) for a str or f-string; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("%", "%%"), {}
    if not isinstance(node, ast.JoinedStr):
        return None
    parts: list[str] = []
    params: dict[str, str] = {}
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value).replace("%", "%%"))
            continue
        assert isinstance(value, ast.FormattedValue)
        if isinstance(value.value, ast.JoinedStr):
            return None
        code = ast.get_source_segment(source, value.value) or ""
        if value.conversion == ord("r"):
            code = f"repr({code})"
        if value.format_spec is not None:
            spec = "".join(str(v.value) for v in value.format_spec.values if isinstance(v, ast.Constant))
            code = f"format({code}, {spec!r})"
        name = _name_for(value.value, params, source)
        params[name] = code
        parts.append(f"%({name})s")
    return "".join(parts), params


def raises(path: Path):
    """Every raise of a project error with a literal message in `path`."""
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
            continue
        call = node.exc
        if _class_name(call.func) not in ERRORS or not call.args:
            continue
        converted = convert(call.args[0], source)
        if converted is not None:
            yield call, converted, source


def main() -> int:
    files = sorted((ROOT / "src" / "imvokg").rglob("*.py"))
    if "--write" in sys.argv:
        for path in files:
            found = list(raises(path))
            if not found:
                continue
            source = found[0][2]
            lines = source.splitlines(keepends=True)
            offsets = [0]
            for line in lines:
                offsets.append(offsets[-1] + len(line))
            edits = []
            for call, (msgid, params), _ in found:
                arg = call.args[0]
                start = offsets[arg.lineno - 1] + arg.col_offset
                end = offsets[arg.end_lineno - 1] + arg.end_col_offset
                text = "N_(" + json.dumps(msgid, ensure_ascii=False) + ")"
                if params:
                    text += ", " + ", ".join(f"{k}={v}" for k, v in params.items())
                edits.append((start, end, text))
            for start, end, text in sorted(edits, reverse=True):
                source = source[:start] + text + source[end:]
            path.write_text(source, encoding="utf-8")
        return 0
    out = []
    for path in files:
        for call, (msgid, params), _ in raises(path):
            out.append(
                {
                    "msgid": msgid,
                    "placeholders": sorted(params),
                    "where": f"{path.relative_to(ROOT)}:{call.lineno}",
                }
            )
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
