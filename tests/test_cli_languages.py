"""The command line speaks the chosen language: --lang, IMVOKG_LANG, then the locale, then English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from imvokg import catalogues, cli, languages
from imvokg.messages import N_, Deferred, in_language, say, say_plural

HARVEST = "follow the other registries' event streams (the peers file) into this store"
NO_PEERS = "no peers are configured; set IMVOKG_PEERS_FILE to a JSON list of registries"
LOCALE = ("IMVOKG_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No language from the machine running the tests, and lines wide enough not to wrap."""
    for name in LOCALE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("IMVOKG_PEERS_FILE", raising=False)
    monkeypatch.setenv("COLUMNS", "400")


def _translated(lang: str, msgid: str) -> str:
    text = say(lang, msgid)
    assert text != msgid, f"{msgid!r} has no {lang} translation"
    return text


@pytest.mark.parametrize("lang", ["de", "el", "pl", "ga"])
def test_help_is_in_the_chosen_language(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--lang", lang, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(_translated(lang, "usage: "))  # argparse's own words too
    assert _translated(lang, HARVEST) in out  # a registry command's line
    assert _translated(lang, "show this help message and exit") in out
    assert "usage:" not in out and HARVEST not in out


def test_a_subcommand_help_is_translated(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["harvest", "--help", "--lang", "bg"])
    out = capsys.readouterr().out
    assert _translated("bg", "seconds between rounds") in out
    assert _translated("bg", HARVEST) in out  # the command's description


def test_imvokg_lang_translates_the_errors_of_a_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IMVOKG_LANG", "pl")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # IMVOKG_LANG comes first
    assert cli.main(["harvest"]) == 2
    assert capsys.readouterr().err.strip() == f"imvokg harvest: {_translated('pl', NO_PEERS)}"
    assert cli.main(["--lang", "fi", "harvest"]) == 2  # --lang comes before both
    assert _translated("fi", NO_PEERS) in capsys.readouterr().err


def test_the_locale_chooses_when_nothing_else_does(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    assert cli.main(["synth", "--triples", "lots"]) == 2
    err = capsys.readouterr().err
    expected = say("sv", "--triples takes a number like 10k or 1M, got %(triples)s", triples="'lots'")
    assert expected in err and "takes a number" not in err


def test_argparse_errors_are_translated(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--lang", "el", "query", "--format", "xx"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(_translated("el", "usage: "))
    assert _translated("el", "invalid choice: %(value)r (choose from %(choices)s)").split("%")[0] in err
    assert "invalid choice" not in err


@pytest.mark.parametrize("lang", ["pl", "ga", "lv"])
def test_results_use_the_plural_forms_of_the_language(
    lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "synth.nt"
    assert cli.main(["--lang", lang, "synth", "--triples", "2k", "-o", str(out)]) == 0
    printed = capsys.readouterr().out.strip()
    count = sum(1 for line in out.read_text(encoding="utf-8").splitlines() if line.strip())
    singular, plural = (
        "wrote %(num)s triple to %(file)s in %(seconds)s s",
        "wrote %(num)s triples to %(file)s in %(seconds)s s",
    )
    seconds = re.findall(r"\d+\.\d", printed)[-1]
    assert printed == say_plural(lang, singular, plural, count, file=out, seconds=seconds)
    assert not printed.startswith("wrote")


def test_argparse_speaks_english_again_after_a_translated_run(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--lang", "de", "--help"])
    capsys.readouterr()
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert capsys.readouterr().out.startswith("usage: ")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "de_AT.UTF-8"}, "de"),
        ({"LANG": "de_DE.UTF-8@euro"}, "de"),
        ({"IMVOKG_LANG": "nl", "LANG": "de_DE.UTF-8"}, "nl"),
        ({"IMVOKG_LANG": "xx", "LANG": "fr_FR.UTF-8"}, "fr"),  # what we do not speak is passed over
        ({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en"),  # the first locale variable set decides
        ({"LANGUAGE": "ja:pt_PT", "LANG": "de_DE.UTF-8"}, "pt"),
        ({"LANGUAGE": "ja", "LC_MESSAGES": "hu_HU.UTF-8"}, "hu"),
        ({"LANG": "ja_JP.UTF-8"}, "en"),
    ],
)
def test_the_language_of_the_environment(environ: dict[str, str], expected: str) -> None:
    assert languages.from_environment(environ) == expected


def test_every_help_text_of_every_command_is_in_the_catalogue() -> None:
    ids = {m.id for m in catalogues.extract() if isinstance(m.id, str)}
    parser = cli._parser("en")
    [commands] = [a for a in parser._actions if a.dest == "command"]
    texts = {parser.description} | {a.help for a in parser._actions if a.help and a.dest != "command"}
    for name, sub in commands.choices.items():  # type: ignore[union-attr]
        texts |= {sub.description} | {a.help for a in sub._actions if a.help}
        assert sub.description, name
    spoken = ", ".join(languages.LANGUAGES)  # the one help with a value filled in
    missing = sorted(t for t in texts if t and t.replace(spoken, "%(languages)s") not in ids)
    assert missing == []


def test_the_errors_services_raise_are_said_in_the_language_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert cli.main(["--lang", "de", "verify", "a.txt"]) == 2
    wanted = "a file to verify is TriG (.trig) or N-Quads (.nq): it must keep the graph names"
    assert capsys.readouterr().err.strip() == f"imvokg verify: {_translated('de', wanted)}"
    assert cli.main(["--lang", "hr", "validate", "a.txt"]) == 2
    unknown = "%(file)s: unknown file type; name it .ttl, .jsonld, .rdf or .nt, or pass --format"
    assert say("hr", unknown, file="a.txt") in capsys.readouterr().err
    assert _translated("hr", unknown)


def test_a_progress_line_is_english_below_the_edge_and_translated_at_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = Deferred(N_("parsing the source files (%(num)s)"), num=3)
    assert line == "parsing the source files (3)"  # what a caller without a language reads
    cli.Progress(True, "pl")(line)
    assert say("pl", "parsing the source files (%(num)s)", num=3) in capsys.readouterr().err
    cli.Progress(True, "pl")("a plain line")
    assert capsys.readouterr().err.endswith("a plain line\n")


@pytest.mark.slow  # a whole build
def test_every_progress_line_of_a_build_can_be_said_in_another_language(tmp_path: Path) -> None:
    from imvokg.build import build

    lines: list[str] = []
    build(tmp_path / "store", reason=False, progress=lines.append)
    assert len(lines) >= 5
    for line in lines:
        assert isinstance(line, Deferred), line
        assert in_language("lt", line) != line, line


def test_the_list_of_named_queries_carries_their_titles_in_the_language(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from imvokg.queries import default_registry

    english = default_registry().get("agreement-parties").title
    assert cli.main(["--lang", "de", "query", "--list", "--store", str(store_path)]) == 0
    [line] = [x for x in capsys.readouterr().out.splitlines() if x.startswith("agreement-parties ")]
    title = line.split(None, 1)[1].split("  [")[0]
    assert title != english
    root = Path(__file__).resolve().parent.parent
    assert (
        f'query/agreement-parties> rdfs:label "{title}"@de' in (root / "translations" / "de.ttl").read_text()
    )
    assert cli.main(["query", "--list", "--store", str(store_path)]) == 0  # English: the query's own header
    assert english in capsys.readouterr().out
