"""The `imvokg` command line: build, serve, validate, query, export, stats.

Errors are one clear line on stderr (no traceback unless --debug); exit codes
follow the contract: 0 ok, 1 data does not conform or query failed, 2 usage or
input/output error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from imvokg import __version__, cli_registry, languages
from imvokg.config import Settings
from imvokg.errors import (
    ImvokgError,
    InconsistentOntology,
    InputError,
    NotFound,
    QuerySyntaxError,
    ReasonerError,
    UnreadableInput,
    ValidationFailed,
)
from imvokg.formats import FORMAT_PARAM, FORMATS
from imvokg.messages import N_, in_language, say, say_plural, translations
from imvokg.store.base import SelectResult


def _epilog(lang: str) -> str:
    """The examples under ``imvokg --help``: the commands stay, what they do is in `lang`."""
    examples = (
        ("imvokg build", say(lang, "load, validate and reason; write the store and the dumps")),
        (
            "imvokg serve --port 8000",
            say(lang, "serve the HTTP API (builds the store first if it is missing)"),
        ),
        (
            "imvokg validate my-agreement.ttl",
            say(lang, "check an agreement against the minimum requirements"),
        ),
        (
            "imvokg --lang de stats",
            say(lang, "counts per class, labels per language, resources without a source"),
        ),
        ("imvokg export --format ttl -o graph.ttl", say(lang, "dump the published graph")),
    )
    lines = [say(lang, "examples:")]
    lines += [f"  {command:40} {text}" for command, text in examples]
    return "\n".join(lines) + "\n"


class Progress:
    """Progress lines on stderr, only when stderr is a terminal (or forced)."""

    def __init__(self, enabled: bool, lang: str = languages.DEFAULT) -> None:
        self.enabled = enabled
        self.lang = lang
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            line = in_language(
                self.lang, message
            )  # the build's lines are Deferred: said in the reader's language
            print(f"[{time.perf_counter() - self.started:6.1f}s] {line}", file=sys.stderr, flush=True)


ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("%(prog)s: error: %(message)s\n"),
)
"""The words argparse itself prints (usage, headings, its errors), so they are in the catalogue."""


@contextmanager
def _argparse_speaks(lang: str) -> Iterator[None]:
    """argparse says its own words (``usage:``, ``options``, its errors) in `lang`.

    argparse looks its words up through the module's ``_``/``ngettext`` (gettext's global
    domain); pointing them at our catalogue for the parse changes nothing else in the process.
    """
    catalogue = translations(lang)
    saved = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = catalogue.ugettext, catalogue.ungettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _requested_language(argv: Sequence[str]) -> str | None:
    """``--lang X`` / ``--lang=X`` anywhere on the line, before the parser (whose words depend on it)."""
    for position, item in enumerate(argv):
        if item == "--lang" and position + 1 < len(argv):
            return argv[position + 1]
        if item.startswith("--lang="):
            return item.partition("=")[2]
    return None


def _language_type(lang: str) -> Callable[[str], str]:
    def language(tag: str) -> str:
        """``--lang``: the same lookup as ``lang=`` on the web (``de-AT`` -> ``de``); unknown is an error."""
        chosen = languages.normalise(tag)
        if chosen is None:
            raise argparse.ArgumentTypeError(
                say(
                    lang,
                    "'%(tag)s' is not one of %(languages)s",
                    tag=tag,
                    languages=", ".join(languages.LANGUAGES),
                )
            )
        return chosen

    return language


def _parser(lang: str = languages.DEFAULT) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imvokg",
        description=say(
            lang, "Knowledge graph of international responsible business conduct (IMVO) agreements."
        ),
        epilog=_epilog(lang),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"imvokg {__version__}",
        help=say(lang, "show the version and exit"),
    )
    parser.add_argument(
        "--lang",
        type=_language_type(lang),
        metavar="LANG",
        help=say(
            lang,
            "language of the messages: %(languages)s (default: $IMVOKG_LANG, then the locale: $LANG)",
            languages=", ".join(languages.LANGUAGES),
        ),
    )
    parser.add_argument("--debug", action="store_true", help=say(lang, "show tracebacks on errors"))
    parser.add_argument(
        "--progress", action="store_true", help=say(lang, "show progress even when not on a terminal")
    )
    parser.add_argument(
        "--settings",
        type=Path,
        metavar="FILE",
        help=say(lang, "a settings file (IMVOKG_...=value lines), e.g. a registry.env"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=say(lang, "commands"))
    store_help = say(lang, "store directory")
    output_help = say(lang, "file to write (default: standard output)")
    json_help = say(lang, "print JSON")
    update_help = say(lang, "SPARQL update endpoint of the remote store")
    gsp_help = say(lang, "Graph Store Protocol endpoint of the remote store")

    build = sub.add_parser(
        "build",
        help=say(lang, "load, validate and reason; write the store and the dumps"),
    )
    build.add_argument(
        "--store", type=Path, help=say(lang, "store directory (default: var/store or $IMVOKG_STORE_PATH)")
    )
    build.add_argument(
        "--if-changed", action="store_true", help=say(lang, "do nothing when the inputs did not change")
    )
    build.add_argument(
        "--no-reason", action="store_true", help=say(lang, "skip HermiT (no Java needed; no OWL inferences)")
    )
    build.add_argument("--no-dumps", action="store_true", help=say(lang, "do not write the dump files"))
    build.add_argument(
        "--extra",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help=say(
            lang, "N-Triples file to bulk load too (e.g. from `imvokg synth`); no SHACL or HermiT on it"
        ),
    )
    build.add_argument("--endpoint", help=say(lang, "also load the result into this remote SPARQL store"))
    build.add_argument("--update-endpoint", help=update_help)
    build.add_argument("--gsp-endpoint", help=gsp_help)

    synth = sub.add_parser(
        "synth",
        help=say(lang, "write a synthetic graph (companies, memberships, risks, decisions) for scale tests"),
    )
    synth.add_argument("--triples", default="100k", help=say(lang, "about how many triples: 10k, 1M, 10M"))
    synth.add_argument("--seed", type=int, default=1, help=say(lang, "random seed (default 1)"))
    synth.add_argument("-o", "--output", type=Path, help=output_help)

    serve = sub.add_parser(
        "serve", help=say(lang, "serve the HTTP API (builds the store first if it is missing)")
    )
    serve.add_argument("--host", default=None, help=say(lang, "address to bind (default 127.0.0.1)"))
    serve.add_argument("--port", type=int, default=None, help=say(lang, "port (default 8000)"))
    target = serve.add_mutually_exclusive_group()
    target.add_argument("--store", type=Path, help=say(lang, "embedded store directory"))
    target.add_argument(
        "--endpoint", help=say(lang, "SPARQL query endpoint of a remote store instead of the embedded one")
    )
    serve.add_argument("--update-endpoint", help=update_help)
    serve.add_argument("--gsp-endpoint", help=gsp_help)
    serve.add_argument("--workers", type=int, default=1, help=say(lang, "uvicorn worker processes"))
    serve.add_argument(
        "--no-warm", action="store_true", help=say(lang, "do not fill the answer cache at start-up")
    )

    validate = sub.add_parser(
        "validate",
        help=say(lang, "SHACL report of agreement or data files"),
    )
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate.add_argument(
        "--format",
        choices=["turtle", "json-ld", "xml", "nt"],
        help=say(lang, "input format (default: by extension)"),
    )
    validate.add_argument(
        "--lang",
        type=_language_type(lang),
        default=argparse.SUPPRESS,  # the global --lang, which this one may also set
        metavar="LANG",
        help=say(lang, "as imvokg --lang (messages the shapes lack in it are English)"),
    )
    validate.add_argument(
        "--output", choices=["text", "json", "turtle"], default="text", help=say(lang, "report format")
    )

    query = sub.add_parser(
        "query", help=say(lang, "run a named query (see `imvokg query --list`) or a .rq file")
    )
    query.add_argument("name", nargs="?", help=say(lang, "named query or path to a .rq file"))
    query.add_argument(
        "-p", "--param", action="append", default=[], metavar="KEY=VALUE", help=say(lang, "bind a parameter")
    )
    query.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    query.add_argument(
        "--list", action="store_true", help=say(lang, "list the named queries and their parameters")
    )
    query.add_argument("--store", type=Path, help=store_help)

    export = sub.add_parser("export", help=say(lang, "dump the published graph"))
    export.add_argument(
        "--format", choices=[f.names[0] for f in FORMATS if f.kind != "result"], default="ttl"
    )
    export.add_argument("-o", "--output", type=Path, help=output_help)
    export.add_argument("--store", type=Path, help=store_help)

    stats = sub.add_parser(
        "stats", help=say(lang, "counts per class, labels per language, resources without a source")
    )
    stats.add_argument("--store", type=Path, help=store_help)
    stats.add_argument("--json", action="store_true", help=json_help)

    apikey = sub.add_parser(
        "apikey",
        help=say(lang, "create, list or revoke API keys for submitters and supervisors"),
    )
    apikey.add_argument("action", choices=["create", "list", "revoke"])
    apikey.add_argument(
        "key_id", nargs="?", help=say(lang, "for revoke: the key's id (as `apikey list` shows it)")
    )
    apikey.add_argument("--user", help=say(lang, "user name (lowercase letters, digits, '.', '_', '-')"))
    apikey.add_argument("--role", choices=["submitter", "supervisor"], help=say(lang, "what the key may do"))
    apikey.add_argument(
        "--member-state", help=say(lang, "for a supervisor: the member state (ISO 3166-1, e.g. NL)")
    )
    apikey.add_argument(
        "--authority", help=say(lang, "for a supervisor: IRI of their authority (default: minted)")
    )
    apikey.add_argument(
        "--organisation",
        help=say(lang, "the organisation the person works for (nobody decides on its submissions)"),
    )
    apikey.add_argument("--keys-file", type=Path, help=say(lang, "key file (default: see above)"))
    apikey.add_argument("--store", type=Path, help=store_help)
    diff = sub.add_parser(
        "diff",
        help=say(lang, "what changed between two versions of an agreement (default: the last two)"),
    )
    diff.add_argument("agreement", help=say(lang, "the agreement's slug, e.g. nl-garment-textile"))
    diff.add_argument(
        "older", nargs="?", type=int, help=say(lang, "the older version (default: the one before NEWER)")
    )
    diff.add_argument(
        "newer", nargs="?", type=int, help=say(lang, "the newer version (default: the current one)")
    )
    diff.add_argument("--json", action="store_true", help=json_help)
    diff.add_argument("--store", type=Path, help=store_help)
    cli_registry.add_parsers(sub, lang)
    for listed in sub._choices_actions:  # `imvokg COMMAND --help` opens with its line of `imvokg --help`
        sub.choices[listed.dest].description = listed.help
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = languages.normalise(_requested_language(argv)) or languages.from_environment(os.environ)
    with _argparse_speaks(lang):
        parser = _parser(lang)
        args = parser.parse_args(argv)
    args.lang = getattr(args, "lang", None) or lang
    if not args.command:
        parser.print_help()
        return 2
    if args.settings is not None and not args.settings.is_file():
        print(
            say(args.lang, "imvokg: there is no settings file %(file)s", file=args.settings), file=sys.stderr
        )
        return 2
    settings = Settings(_env_file=args.settings) if args.settings else Settings()  # type: ignore[call-arg]
    if getattr(args, "store", None):
        settings = settings.model_copy(update={"store_path": args.store})
    progress = Progress(args.progress or sys.stderr.isatty(), args.lang)
    try:
        return COMMANDS[args.command](args, settings, progress)
    except ImvokgError as exc:
        if args.debug:
            raise
        print(f"imvokg {args.command}: {exc.detail_in(args.lang)}", file=sys.stderr)
        if isinstance(exc, ValidationFailed | InconsistentOntology | QuerySyntaxError):
            return 1
        if isinstance(exc, ReasonerError | InputError | UnreadableInput | NotFound):
            return 2
        return 2
    except KeyboardInterrupt:
        return 130


def cmd_build(args: argparse.Namespace, settings: Settings, progress: Progress) -> int:
    from imvokg.build import build, is_up_to_date

    if args.if_changed and is_up_to_date(settings.store_path):
        print(say(args.lang, "store %(path)s is up to date", path=settings.store_path))
        return 0
    report = build(
        settings.store_path, reason=not args.no_reason, progress=progress, bulk_files=tuple(args.extra)
    )
    if args.endpoint:
        from imvokg.build import publish_to_remote
        from imvokg.store.remote import RemoteStore

        remote = RemoteStore(
            args.endpoint,
            update_endpoint=args.update_endpoint,
            gsp_endpoint=args.gsp_endpoint,
            timeout_s=settings.query_timeout_s,
        )
        try:
            publish_to_remote(settings.store_path, remote, progress=progress)
        finally:
            remote.close()
        print(say(args.lang, "loaded into %(endpoint)s", endpoint=args.endpoint))
    if not args.no_dumps:
        from imvokg.services.dumps import write_release
        from imvokg.store.embedded import EmbeddedStore

        built = EmbeddedStore(settings.store_path.resolve(), read_only=True)
        try:
            write_release(built, settings.var.dumps, progress=progress)
        finally:
            built.close()
    print(
        say(
            args.lang,
            "built %(path)s (%(version)s): files %(files)s, named graphs %(graphs)s, triples %(triples)s "
            "(inferred %(inferred)s), in %(seconds)s s",
            path=report.store_path,
            version=report.version,
            files=report.files,
            graphs=report.graphs,
            triples=report.triples,
            inferred=report.inferred_triples,
            seconds=round(report.seconds.get("total", 0), 1),
        )
    )
    for name, count in report.counts.items():
        print(f"  {name:32} {count}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings, progress: Progress) -> int:
    import uvicorn

    update = {
        k: v
        for k, v in {
            "host": args.host,
            "port": args.port,
            "endpoint": args.endpoint,
            "update_endpoint": args.update_endpoint,
            "gsp_endpoint": args.gsp_endpoint,
        }.items()
        if v is not None
    }
    update["warm_cache"] = not args.no_warm
    update["freeze_heap"] = True  # a serving process: long-lived state leaves the collector's way
    settings = settings.model_copy(update=update)
    if not settings.endpoint and not settings.store_path.exists():
        from imvokg.build import build

        print(
            say(args.lang, "no store at %(path)s: building it first", path=settings.store_path),
            file=sys.stderr,
        )
        build(settings.store_path, progress=Progress(True, args.lang))
    from imvokg.api import create_app
    from imvokg.api.server import server_options

    print(
        say(args.lang, "serving on %(url)s", url="http://" + settings.host + ":" + str(settings.port)),
        file=sys.stderr,
    )
    if args.workers > 1:
        import os

        os.environ.update(settings.to_environ())  # every override reaches every worker
        uvicorn.run(
            "imvokg.api.factory:app",
            host=settings.host,
            port=settings.port,
            workers=args.workers,
            **server_options(settings),
        )
    else:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, **server_options(settings))
    return 0


def cmd_validate(args: argparse.Namespace, settings: Settings, progress: Progress) -> int:
    from imvokg.rdfio import read_rdf_file
    from imvokg.services.profiles import ProfileService
    from imvokg.services.reports import report_json
    from imvokg.validation import message_language, validate_graph

    lang = message_language(args.lang)  # the global --lang, or validate's own
    requirements = ProfileService(settings).current_applied()  # the registry's profile, as /api/v1/validate
    worst = 0
    for path in args.files:
        graph = read_rdf_file(path, args.format)
        report = validate_graph(graph, profile="agreement", lang=lang, requirements=requirements)
        if args.output == "json":
            readable = {"file": str(path), **report_json(report, lang, profile=requirements.profile.iri)}
            print(json.dumps(readable, indent=2, ensure_ascii=False))
        elif args.output == "turtle":
            print(report.to_turtle())
        else:
            verdict = say(lang, "conforms") if report.conforms else say(lang, "does not conform")
            print(f"{path}: {verdict}")
            if report.issues:
                print(report.summary_text(lang))
        if not report.conforms:
            worst = max(worst, 1)
    return worst


def cmd_query(args: argparse.Namespace, settings: Settings, progress: Progress) -> int:
    from imvokg.queries import default_registry, parse_query_file, to_term
    from imvokg.store import open_store

    registry = default_registry()
    if args.list or not args.name:
        titles = _query_titles(settings, args.lang)
        for q in registry:
            params = ", ".join(f"{p.name}:{p.type}{'' if p.required else '?'}" for p in q.parameters)
            print(f"{q.name:40} {titles.get(q.name, q.title)}" + (f"  [{params}]" if params else ""))
        return 0 if args.list else 2
    raw = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(N_("parameters are KEY=VALUE, got %(item)s"), item=repr(item))
        raw[key.strip()] = value
    if args.name.endswith(".rq") and Path(args.name).exists():
        query = parse_query_file(Path(args.name)) if _has_header(Path(args.name)) else None
        text = Path(args.name).read_text(encoding="utf-8")
        bindings = {}
        if query is not None:
            declared = {p.name: p for p in query.parameters}
            for key, value in raw.items():
                if key not in declared:
                    raise InputError(N_("unknown parameter '%(key)s'"), key=key)
                bindings[key] = to_term(declared[key], value)
    else:
        query, bindings = registry.bind(args.name, raw)
        text = query.text
    store = open_store(settings, read_only=True)
    try:
        result = store.select(text, bindings=bindings)
    finally:
        store.close()
    _print_result(result, args.format, args.lang)
    return 0


def _query_titles(settings: Settings, lang: str) -> dict[str, str]:
    """The named queries' titles in `lang`, as the query page shows them (the store's translations).

    Without a store (the list needs none) or in English, the queries' own English headers.
    """
    if lang == languages.DEFAULT or (not settings.endpoint and not settings.store_path.exists()):
        return {}
    from imvokg.queries import default_registry
    from imvokg.services.catalog import CatalogService
    from imvokg.services.runner import QueryRunner
    from imvokg.store import open_store

    store = open_store(settings, read_only=True)
    try:
        return CatalogService(QueryRunner(store, default_registry())).query_texts(lang)
    finally:
        store.close()


def _has_header(path: Path) -> bool:
    return "# title:" in path.read_text(encoding="utf-8")[:2000]


def _print_result(result: SelectResult, fmt: str, lang: str) -> None:
    import csv

    variables = list(result.variables)
    rows = [[row[v].value if v in row else "" for v in variables] for row in result]
    if fmt == "json":
        print(
            json.dumps(
                {
                    "head": {"vars": variables},
                    "results": {"bindings": [{k: t.to_json() for k, t in row.items()} for row in result]},
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if fmt in {"csv", "tsv"}:
        writer = csv.writer(sys.stdout, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(variables)
        writer.writerows(rows)
        return
    widths = [min(60, max([len(v)] + [len(r[i]) for r in rows])) for i, v in enumerate(variables)]
    print("  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c[:w].ljust(w) for c, w in zip(row, widths, strict=True)))
    print(say_plural(lang, "(%(num)s row)", "(%(num)s rows)", len(rows)))


def cmd_export(args: argparse.Namespace, settings: Settings, progress: Progress) -> int:
    from imvokg.namespaces import META_GRAPH
    from imvokg.store import open_store

    media = FORMAT_PARAM[args.format]
    store = open_store(settings, read_only=True)
    try:
        progress(say(args.lang, "serialising the published graph as %(format)s", format=args.format))
        body = store.dump(media, exclude_graphs=(META_GRAPH,))
    finally:
        store.close()
    if args.output:
        args.output.write_bytes(body)
        print(
            say_plural(
                args.lang,
                "wrote %(num)s byte to %(file)s",
                "wrote %(num)s bytes to %(file)s",
                len(body),
                file=args.output,
            ),
            file=sys.stderr,
        )
    else:
        sys.stdout.buffer.write(body)
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings, progress: Progress) -> int:
    from imvokg.services.stats import graph_stats
    from imvokg.store import open_store

    store = open_store(settings, read_only=True)
    try:
        stats = graph_stats(store)
    finally:
        store.close()
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    lang = args.lang
    print(
        say(
            lang,
            "triples: %(triples)s   named graphs: %(graphs)s",
            triples=stats["triples"],
            graphs=stats["graphs"],
        )
    )
    print(say(lang, "resources per class:"))
    for name, count in stats["classes"].items():
        print(f"  {name:32} {count}")
    print(say(lang, "labels per language:"))
    for tag, count in stats["labels_per_language"].items():
        print(f"  {tag:6} {count}")
    print(say(lang, "resources without a source: %(num)s", num=stats["resources_without_source"]))
    return 0 if stats["resources_without_source"] == 0 else 1


def cmd_apikey(args: argparse.Namespace, settings: Settings, progress: Progress) -> int:
    from imvokg.services.credentials import Credentials

    if args.keys_file:
        settings = settings.model_copy(update={"api_keys_file": args.keys_file})
    credentials = Credentials(settings.keys_file)
    if args.action == "list":
        for listed in credentials.stored_keys():
            state = f" {listed.member_state}" if listed.member_state else ""
            created = say(args.lang, "created %(when)s", when=listed.created)
            print(f"{listed.key_id}  {listed.user:24} {listed.role}{state}  {created}")
        return 0
    if args.action == "revoke":
        from imvokg.services.sessions import SessionStore

        if not args.key_id:
            raise InputError(N_("apikey revoke needs the key's id (see apikey list)"))
        revoked = credentials.revoke(args.key_id)
        sessions = SessionStore(
            settings.var.sessions, idle_s=settings.session_idle_s, max_s=settings.session_max_s
        )
        ended = sessions.close_for_key(revoked.key_id)
        print(
            say_plural(
                args.lang,
                "revoked key %(key)s of %(user)s; %(num)s browser session ended",
                "revoked key %(key)s of %(user)s; %(num)s browser sessions ended",
                ended,
                key=revoked.key_id,
                user=revoked.user,
            ),
            file=sys.stderr,
        )
        return 0
    if not args.user or not args.role:
        raise InputError(N_("apikey create needs --user and --role"))
    key, stored = credentials.create(
        args.user,
        args.role,
        member_state=args.member_state,
        authority=args.authority,
        organisation=args.organisation,
    )
    print(key)
    role = f"{stored.role}, {stored.member_state}" if stored.member_state else stored.role
    print(
        say(
            args.lang,
            "created key %(key)s for %(user)s (%(role)s) in %(file)s; it is shown only now",
            key=stored.key_id,
            user=stored.user,
            role=role,
            file=credentials.path,
        ),
        file=sys.stderr,
    )
    return 0


def cmd_synth(args: argparse.Namespace, settings: Settings, progress: Progress) -> int:
    from imvokg.synth import parse_size, write

    try:
        triples = parse_size(args.triples)
    except ValueError:
        raise InputError(
            N_("--triples takes a number like 10k or 1M, got %(triples)s"), triples=repr(args.triples)
        ) from None
    started = time.perf_counter()
    count = write(args.output, triples=triples, seed=args.seed, out=sys.stdout)
    if args.output:
        print(
            say_plural(
                args.lang,
                "wrote %(num)s triple to %(file)s in %(seconds)s s",
                "wrote %(num)s triples to %(file)s in %(seconds)s s",
                count,
                file=args.output,
                seconds=round(time.perf_counter() - started, 1),
            )
        )
    return 0


def cmd_diff(args: argparse.Namespace, settings: Settings, progress: Progress) -> int:
    from imvokg.queries import default_registry
    from imvokg.services import history
    from imvokg.services.identifiers import agreement_iri
    from imvokg.services.journal import Journal
    from imvokg.services.runner import QueryRunner
    from imvokg.store import open_store

    store = open_store(settings, read_only=True)
    try:
        runner = QueryRunner(store, default_registry())
        found = history.diff_versions(
            runner,
            Journal(settings.var.submissions).data,
            agreement_iri(args.agreement).value,
            args.older,
            args.newer,
        )
    finally:
        store.close()
    print(
        json.dumps(found.to_dict(), indent=2, ensure_ascii=False) if args.json else found.text(args.lang),
        end="",
    )
    return 0


COMMANDS = {
    "build": cmd_build,
    "diff": cmd_diff,
    "synth": cmd_synth,
    "serve": cmd_serve,
    "validate": cmd_validate,
    "query": cmd_query,
    "export": cmd_export,
    "stats": cmd_stats,
    "apikey": cmd_apikey,
    **cli_registry.COMMANDS,
}
