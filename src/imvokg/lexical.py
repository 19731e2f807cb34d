"""Lexical forms of XML Schema datatypes: does ``"…"^^xsd:T`` spell a value of T?

A literal whose text does not fit its datatype (``"2020-13-45"^^xsd:date``,
``"1.5"^^xsd:integer``, ``"2027"^^xsd:gYear`` is fine, ``"27"^^xsd:gYear`` is
not) is accepted by every RDF parser and by the store, but no client can read
its value. rdflib's converters catch some of them and let others through
(``xsd:gYear``, ``xsd:time``, the ranges of ``xsd:byte`` …), so submitted data is
checked here against the lexical spaces of XML Schema 1.1 Part 2, for the
datatypes RDF 1.1 lists as usable. Datatypes outside that list are not judged.
"""

from __future__ import annotations

import calendar
import re

XSD = "http://www.w3.org/2001/XMLSchema#"

_YEAR = r"-?(?:[1-9][0-9]{4,}|[0-9]{4})"
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_INTEGER = r"[+-]?[0-9]+"
_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_FLOAT = r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)"
_DURATION_DAY_TIME = r"(?:[0-9]+D)?(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?"

_PATTERNS: dict[str, str] = {
    "boolean": r"true|false|1|0",
    "decimal": _DECIMAL,
    "integer": _INTEGER,
    "float": _FLOAT,
    "double": _FLOAT,
    "date": rf"(?P<y>{_YEAR})-(?P<m>[0-9]{{2}})-(?P<d>[0-9]{{2}}){_TZ}?",
    "dateTime": rf"(?P<y>{_YEAR})-(?P<m>[0-9]{{2}})-(?P<d>[0-9]{{2}})T{_TIME}{_TZ}?",
    "dateTimeStamp": rf"(?P<y>{_YEAR})-(?P<m>[0-9]{{2}})-(?P<d>[0-9]{{2}})T{_TIME}{_TZ}",
    "time": rf"{_TIME}{_TZ}?",
    "gYear": rf"{_YEAR}{_TZ}?",
    "gYearMonth": rf"{_YEAR}-(?:0[1-9]|1[0-2]){_TZ}?",
    "gMonth": rf"--(?:0[1-9]|1[0-2]){_TZ}?",
    "gDay": rf"---(?:0[1-9]|[12][0-9]|3[01]){_TZ}?",
    "gMonthDay": rf"--(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12][0-9]|3[01]){_TZ}?",
    "duration": rf"-?P(?=[0-9T])(?:[0-9]+Y)?(?:[0-9]+M)?{_DURATION_DAY_TIME}",
    "yearMonthDuration": r"-?P(?=[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?",
    "dayTimeDuration": rf"-?P(?=[0-9T]){_DURATION_DAY_TIME}",
    "hexBinary": r"(?:[0-9a-fA-F]{2})*",
    "language": r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*",
}
"""The lexical space of each datatype (whitespace already collapsed where the type says so)."""

_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
"""The integer types: the lexical space of ``xsd:integer`` within these bounds."""

_COMPILED = {name: re.compile(pattern) for name, pattern in _PATTERNS.items()}


def fits(lexical: str, datatype: str) -> bool:
    """Whether ``lexical`` is in the lexical space of ``datatype`` (True for types not judged here)."""
    if not datatype.startswith(XSD):
        return True
    name = datatype[len(XSD) :]
    text = re.sub(r"[ \t\n\r]+", " ", lexical).strip(" ")  # every type judged here collapses whitespace
    if name in _BOUNDS:
        if not _COMPILED["integer"].fullmatch(text):
            return False
        low, high = _BOUNDS[name]
        value = int(text)
        return (low is None or value >= low) and (high is None or value <= high)
    pattern = _COMPILED.get(name)
    if pattern is None:
        return True
    match = pattern.fullmatch(text)
    if match is None:
        return False
    groups = match.groupdict()
    if groups.get("m") is not None and groups.get("d") is not None:
        month, day = int(groups["m"]), int(groups["d"])
        year = int(groups["y"]) if groups.get("y") else 2000  # gMonthDay: --02-29 is a day of some year
        if not 1 <= month <= 12:
            return False
        return 1 <= day <= calendar.monthrange(2000 + year % 400, month)[1]
    return True
