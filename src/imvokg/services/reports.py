"""Validation reports in the shape people read: requirement, focus node, path, message.

The flat ``ValidationIssue`` fields are grouped the way a policy officer asks
about them: which requirement (id and title), which resource (IRI and label),
where (the path), how bad (severity) and what to do (the message, in nl or en).
"""

from __future__ import annotations

from typing import Any

from imvokg.validation import ValidationReport, message_language


def report_json(report: ValidationReport, lang: str = "en", *, profile: str | None = None) -> dict[str, Any]:
    """``{conforms, violations, warnings, results[]}`` with messages in ``lang`` (and the IRI of the
    requirement profile version checked against, when one was named)."""
    language = message_language(lang)
    results = []
    for issue in report.issues_in(language):
        results.append(
            {
                "requirement": (
                    {
                        "id": issue.requirement_id,
                        "iri": issue.requirement_iri,
                        "title": issue.requirement_title,
                    }
                    if issue.requirement_iri
                    else None
                ),
                "focus_node": {"iri": issue.focus_node, "label": issue.focus_label},
                "path": issue.path,
                "severity": issue.severity,
                "message": issue.message,
                "value": issue.value,
                "shape": issue.source_shape,
            }
        )
    answer: dict[str, Any] = {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "lang": language,
        "results": results,
    }
    if profile is not None:
        answer["profile"] = profile
    return answer
