"""Lexical forms of XML Schema datatypes (imvokg.lexical): the edges of each lexical space."""

from __future__ import annotations

import pytest

from imvokg.errors import InputError
from imvokg.lexical import XSD, fits
from imvokg.rdfio import parse_untrusted

FITS = [
    ("date", "2027-01-01"),
    ("date", "2024-02-29"),
    ("date", "2027-01-01Z"),
    ("date", "2027-01-01+14:00"),
    ("date", "-0044-03-15"),
    ("date", "12027-01-01"),
    ("dateTime", "2027-01-01T10:00:00"),
    ("dateTime", "2027-01-01T24:00:00Z"),
    ("dateTime", "2027-01-01T10:00:00.123-05:00"),
    ("time", "23:59:59"),
    ("gYear", "2027"),
    ("gYear", "2027Z"),
    ("gYearMonth", "2027-12"),
    ("gMonthDay", "--02-29"),
    ("gDay", "---31"),
    ("gMonth", "--12"),
    ("integer", "-0"),
    ("integer", " 42\n"),  # whitespace collapses
    ("integer", "+123456789012345678901234567890"),
    ("byte", "-128"),
    ("unsignedByte", "255"),
    ("positiveInteger", "1"),
    ("decimal", "-.5"),
    ("decimal", "3."),
    ("double", "1E-10"),
    ("double", "-INF"),
    ("float", "NaN"),
    ("boolean", "1"),
    ("duration", "P1Y2M3DT4H5M6.7S"),
    ("duration", "-PT0S"),
    ("dayTimeDuration", "P1D"),
    ("yearMonthDuration", "P1Y"),
    ("hexBinary", "0fA9"),
    ("language", "zh-Hant-TW"),
    ("string", "anything\u0000at all"),  # not judged here
    ("anyURI", "not even an IRI"),  # not judged here
]
DOES_NOT_FIT = [
    ("date", "2027-13-01"),
    ("date", "2027-00-10"),
    ("date", "2023-02-29"),
    ("date", "2027-04-31"),
    ("date", "20270101"),
    ("date", "2027-1-01"),
    ("date", "027-01-01"),
    ("date", "2027-01-01+15:00"),
    ("date", "2027-01-01T00:00:00"),
    ("dateTime", "2027-01-01"),
    ("dateTime", "2027-01-01T24:00:01"),
    ("dateTime", "2027-01-01T10:60:00"),
    ("time", "12:00"),
    ("time", "noon"),
    ("gYear", "27"),
    ("gYear", "+2027"),
    ("gYearMonth", "2027-13"),
    ("gMonthDay", "--02-30"),
    ("gDay", "---32"),
    ("integer", "1.5"),
    ("integer", "1e3"),
    ("integer", ""),
    ("integer", "\u0661\u0662"),  # Arabic-Indic digits: int() takes them, XML Schema does not
    ("byte", "128"),
    ("unsignedByte", "-1"),
    ("nonNegativeInteger", "-1"),
    ("negativeInteger", "0"),
    ("long", str(2**63)),
    ("decimal", "1e5"),
    ("decimal", "."),
    ("decimal", "NaN"),
    ("double", "e5"),
    ("double", "Infinity"),
    ("boolean", "TRUE"),
    ("boolean", "yes"),
    ("duration", "P"),
    ("duration", "PT"),
    ("duration", "P1DT"),
    ("dayTimeDuration", "P1Y"),
    ("yearMonthDuration", "P1D"),
    ("hexBinary", "abc"),
    ("language", "en_GB"),
]


@pytest.mark.parametrize(("datatype", "lexical"), FITS)
def test_values_that_fit(datatype: str, lexical: str) -> None:
    assert fits(lexical, XSD + datatype)


@pytest.mark.parametrize(("datatype", "lexical"), DOES_NOT_FIT)
def test_values_that_do_not_fit(datatype: str, lexical: str) -> None:
    assert not fits(lexical, XSD + datatype)


def test_other_vocabularies_are_not_judged() -> None:
    assert fits("2027-13-45", "http://example.org/date")


@pytest.mark.filterwarnings("ignore::UserWarning")  # rdflib: "Parsing weird boolean"
@pytest.mark.parametrize("fmt", ["nt", "turtle", "xml"])
@pytest.mark.parametrize("lexical", ["yes", "no", "True", "2", ""])
def test_an_ill_typed_boolean_is_refused_as_written_in_every_syntax(fmt: str, lexical: str) -> None:
    """rdflib rewrites an ill-typed boolean to "false"; the value must be judged as it was written."""
    boolean = "http://www.w3.org/2001/XMLSchema#boolean"
    if fmt == "xml":
        body = (
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e.org/">'
            f'<rdf:Description rdf:about="http://e.org/a"><e:p rdf:datatype="{boolean}">{lexical}</e:p>'
            "</rdf:Description></rdf:RDF>"
        )
    else:
        body = f'<http://e.org/a> <http://e.org/p> "{lexical}"^^<{boolean}> .\n'
    with pytest.raises(InputError) as refused:
        parse_untrusted(body.encode(), fmt)
    assert f"xsd:boolean ('{lexical}')" in str(refused.value) and "line 1" in str(refused.value)
