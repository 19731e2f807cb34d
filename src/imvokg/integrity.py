"""Signed statements: W3C Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite.

A supervisory authority's decision must be checkable by anyone who has the
authority's public key, wherever the decision travelled (another member
state's registry, a dump, an e-mail). The statement is an RDF graph; its
bytes change with every serialisation, so what is signed is its canonical
form (RDF Dataset Canonicalization, RDFC-1.0): the same graph always gives
the same N-Quads text, whoever wrote it and however its blank nodes were
named. The cryptosuite (W3C "Data Integrity EdDSA Cryptosuites v1.0",
section 3.2) then hashes the canonical proof configuration and the canonical
statement with SHA-256 and signs the two hashes with Ed25519; the signature
travels as a multibase (base58btc) ``proofValue``.

What is signed is always the statement's triples without a graph name, so a
statement verifies the same in whichever named graph a registry keeps it, and
with its literals as an Oxigraph store writes them back (typed literals in
their canonical lexical form, language tags in lower case), so a statement
read back from the store is byte for byte what was signed.

Canonicalization: a statement without blank nodes (every statement this
registry mints) needs no relabelling, and its canonical form is the sorted,
de-duplicated canonical N-Quads lines. Blank nodes are relabelled by the
RDFC-1.0 algorithm below, with a cap on their number and on the work, since a
hostile graph of blank nodes can make the labelling exponential.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from imvokg.errors import InputError

CRYPTOSUITE = "eddsa-rdfc-2022"
SEC = "https://w3id.org/security#"
DCTERMS_CREATED = "http://purl.org/dc/terms/created"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
MAX_BLANK_NODES = 64
"""Most blank nodes a statement may hold before it is refused rather than canonicalized."""
MAX_N_DEGREE_CALLS = 2_000
"""Work limit of the canonicalization (calls of Hash N-Degree Quads), against poison graphs."""

_ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub
_ED25519_PRIV = b"\x80\x26"  # multicodec ed25519-priv
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {c: i for i, c in enumerate(_BASE58)}
_UCHAR = re.compile("[\u0000-\u0007\u000b\u000e-\u001f\u007f]")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ECHARS = re.compile('[\\\\"\n\r\t\b\f]')


class IntegrityError(InputError):
    """A statement or proof that cannot be canonicalized, signed or read (400)."""

    code = "bad_proof"


# -- multibase and multikey -------------------------------------------------------------


def base58btc_encode(data: bytes) -> str:
    """Bitcoin-alphabet base58, leading zero bytes as '1' (the multibase 'z' encoding's body)."""
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _BASE58[rest] + out
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + out


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _BASE58_INDEX:
            raise IntegrityError(f"{char!r} is not a base58btc character")
        number = number * 58 + _BASE58_INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_decode(value: str) -> bytes:
    if not value.startswith("z"):
        raise IntegrityError("only base58btc multibase values (starting with 'z') are understood")
    return base58btc_decode(value[1:])


def public_key_multibase(key: Ed25519PublicKey) -> str:
    """The key as a Multikey ``publicKeyMultibase`` (``z6Mk...``)."""
    return "z" + base58btc_encode(_ED25519_PUB + key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    raw = multibase_decode(value)
    if not raw.startswith(_ED25519_PUB) or len(raw) != 34:
        raise IntegrityError("the publicKeyMultibase is not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def secret_key_multibase(key: Ed25519PrivateKey) -> str:
    """The key as a Multikey ``secretKeyMultibase`` (keep it secret: it signs for the authority)."""
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + base58btc_encode(_ED25519_PRIV + seed)


def secret_key_from_multibase(value: str) -> Ed25519PrivateKey:
    raw = multibase_decode(value)
    if not raw.startswith(_ED25519_PRIV) or len(raw) != 34:
        raise IntegrityError("the secretKeyMultibase is not an Ed25519 Multikey secret key")
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def serialize(
    terms: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES
) -> bytes:
    """Triples or quads as bytes (pyoxigraph returns None only when writing to a file)."""
    body = ox.serialize(terms, format=fmt)
    assert body is not None
    return body


# -- canonical N-Quads (RDFC-1.0) -------------------------------------------------------


def _literal_text(value: str) -> str:
    escaped = _ECHARS.sub(lambda m: _ECHAR[m.group()], value)
    return _UCHAR.sub(lambda m: f"\\u{ord(m.group()):04X}", escaped)


def _term(term: object, labels: dict[str, str], reference: str | None = None) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        if reference is not None:  # Hash First Degree Quads: the node itself _:a, any other _:z
            return "_:a" if term.value == reference else "_:z"
        return "_:" + labels.get(term.value, term.value)
    if isinstance(term, ox.Literal):
        text = f'"{_literal_text(term.value)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f"{text}^^<{term.datatype.value}>"
        return text
    raise IntegrityError(f"a statement cannot hold the term {term!r}")


def _line(quad: ox.Quad, labels: dict[str, str], reference: str | None = None) -> str:
    terms = [quad.subject, quad.predicate, quad.object]
    if not isinstance(quad.graph_name, ox.DefaultGraph):
        terms.append(quad.graph_name)
    parts = [_term(term, labels, reference) for term in terms]
    return " ".join(parts) + " .\n"


def parse_statement(data: bytes, media_type: str = "application/n-triples") -> list[ox.Quad]:
    """A statement's triples (graph names dropped: a statement is signed as one graph)."""
    try:
        formats = {
            "application/n-triples": ox.RdfFormat.N_TRIPLES,
            "application/n-quads": ox.RdfFormat.N_QUADS,
            "text/turtle": ox.RdfFormat.TURTLE,
            "application/trig": ox.RdfFormat.TRIG,
        }
        fmt = formats[media_type]
    except KeyError:
        raise IntegrityError(f"a statement cannot be read from {media_type}") from None
    try:
        triples = [ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)]
    except (SyntaxError, ValueError) as exc:
        raise IntegrityError(f"the statement does not parse: {exc}") from None
    # As the registry's store keeps it: a store writes typed literals back in their canonical
    # lexical form ("1.50" -> "1.5", "+00:00" -> "Z"), so a statement read back from it must be
    # the statement that was signed.
    kept = ox.Store()
    kept.extend(triples)
    return list(kept)


def canonical_nquads(quads: Iterable[ox.Quad]) -> str:
    """RDFC-1.0 canonical N-Quads of a dataset: labelled, sorted, one line per distinct quad."""
    quads = list(dict.fromkeys(quads))  # a dataset is a set: a repeated quad counts once
    blanks = {
        term.value
        for quad in quads
        for term in (quad.subject, quad.object, quad.graph_name)
        if isinstance(term, ox.BlankNode)
    }
    labels: dict[str, str] = {}
    if blanks:
        if len(blanks) > MAX_BLANK_NODES:
            raise IntegrityError(
                f"the statement has {len(blanks)} blank nodes; at most {MAX_BLANK_NODES} are "
                "canonicalized (name the resources with IRIs)"
            )
        labels = _Canonicalizer(quads, MAX_N_DEGREE_CALLS).labels()
    return "".join(sorted({_line(quad, labels) for quad in quads}))


class _Issuer:
    """Issues ``prefix0``, ``prefix1``... to blank nodes in first-come order (RDFC-1.0 section 4.5)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = {}

    def issue(self, blank: str) -> str:
        if blank not in self.issued:
            self.issued[blank] = f"{self.prefix}{len(self.issued)}"
        return self.issued[blank]

    def copy(self) -> _Issuer:
        twin = _Issuer(self.prefix)
        twin.issued = dict(self.issued)
        return twin


class _Canonicalizer:
    """RDFC-1.0 (W3C Recommendation, 2024) section 4.4 to 4.9, step by step.

    pyld's URDNA2015 (3.3) counts a quad twice for a blank node that is both its subject and its
    object, which gives other labels than the specification for such graphs; so this is written
    out here, and compared with the reference implementation (rdf-canonize) in the tests.
    """

    def __init__(self, quads: Sequence[ox.Quad], max_calls: int) -> None:
        self.quads = quads
        self.canonical = _Issuer("c14n")
        self.by_blank: dict[str, list[ox.Quad]] = {}
        self.first_degree: dict[str, str] = {}
        self.calls_left = max_calls
        for quad in quads:
            for blank in dict.fromkeys(_blank_values(quad)):  # each quad once per blank node
                self.by_blank.setdefault(blank, []).append(quad)

    def labels(self) -> dict[str, str]:
        by_hash: dict[str, list[str]] = {}
        for blank in self.by_blank:
            by_hash.setdefault(self.hash_first_degree(blank), []).append(blank)
        for hashed in sorted(by_hash):
            if len(by_hash[hashed]) == 1:
                self.canonical.issue(by_hash.pop(hashed)[0])
        for hashed in sorted(by_hash):
            paths: list[tuple[str, _Issuer]] = []
            for blank in by_hash[hashed]:
                if blank in self.canonical.issued:
                    continue
                temporary = _Issuer("b")
                temporary.issue(blank)
                paths.append(self.hash_n_degree(blank, temporary))
            for _, issuer in sorted(paths, key=lambda result: result[0]):
                for blank in issuer.issued:
                    self.canonical.issue(blank)
        return self.canonical.issued

    def hash_first_degree(self, blank: str) -> str:
        if blank not in self.first_degree:
            lines = sorted(_line(quad, {}, reference=blank) for quad in self.by_blank[blank])
            self.first_degree[blank] = _sha256("".join(lines))
        return self.first_degree[blank]

    def hash_related(self, related: str, quad: ox.Quad, issuer: _Issuer, position: str) -> str:
        if related in self.canonical.issued:
            identifier = "_:" + self.canonical.issued[related]
        elif related in issuer.issued:
            identifier = "_:" + issuer.issued[related]
        else:
            identifier = self.hash_first_degree(related)
        predicate = "" if position == "g" else f"<{quad.predicate.value}>"
        return _sha256(position + predicate + identifier)

    def hash_n_degree(self, blank: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        self.calls_left -= 1
        if self.calls_left < 0:
            raise IntegrityError(
                "the statement's blank nodes are too entangled to canonicalize within the work "
                "limit (name the resources with IRIs)"
            )
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.by_blank[blank]:
            for position, term in (("s", quad.subject), ("o", quad.object), ("g", quad.graph_name)):
                if isinstance(term, ox.BlankNode) and term.value != blank:
                    hashed = self.hash_related(term.value, quad, issuer, position)
                    related_by_hash.setdefault(hashed, []).append(term.value)
        data = ""
        for hashed in sorted(related_by_hash):
            data += hashed
            chosen_path, chosen_issuer = "", None
            for permutation in itertools.permutations(related_by_hash[hashed]):
                candidate, path, recurse = issuer.copy(), "", []
                for related in permutation:
                    if related in self.canonical.issued:
                        path += "_:" + self.canonical.issued[related]
                    else:
                        if related not in candidate.issued:
                            recurse.append(related)
                        path += "_:" + candidate.issue(related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        break
                else:
                    for related in recurse:
                        result, candidate = self.hash_n_degree(related, candidate)
                        path += "_:" + candidate.issue(related) + f"<{result}>"
                        if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                            break
                    else:
                        if not chosen_path or path < chosen_path:
                            chosen_path, chosen_issuer = path, candidate
            data += chosen_path
            assert chosen_issuer is not None
            issuer = chosen_issuer
        return _sha256(data), issuer


def _blank_values(quad: ox.Quad) -> list[str]:
    terms = (quad.subject, quad.object, quad.graph_name)
    return [term.value for term in terms if isinstance(term, ox.BlankNode)]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- proofs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proof:
    """A ``DataIntegrityProof`` of the ``eddsa-rdfc-2022`` cryptosuite over one statement."""

    verification_method: str
    created: str
    proof_value: str
    proof_purpose: str = "assertionMethod"

    def configuration(self) -> str:
        """The canonical proof configuration: the proof without its value (what is hashed first)."""
        node, iri = ox.BlankNode("proof"), ox.NamedNode

        def typed(value: str, datatype: str) -> ox.Literal:
            return ox.Literal(value, datatype=iri(datatype))

        quads = [
            ox.Quad(node, iri(RDF_TYPE), iri(SEC + "DataIntegrityProof")),
            ox.Quad(node, iri(SEC + "cryptosuite"), typed(CRYPTOSUITE, SEC + "cryptosuiteString")),
            ox.Quad(node, iri(DCTERMS_CREATED), typed(self.created, XSD_DATETIME)),
            ox.Quad(node, iri(SEC + "proofPurpose"), iri(SEC + self.proof_purpose)),
            ox.Quad(node, iri(SEC + "verificationMethod"), iri(self.verification_method)),
        ]
        return canonical_nquads(quads)

    def as_json(self) -> dict[str, str]:
        """The proof as the JSON-LD ``proof`` member of a secured document."""
        return {
            "type": "DataIntegrityProof",
            "cryptosuite": CRYPTOSUITE,
            "created": self.created,
            "verificationMethod": self.verification_method,
            "proofPurpose": self.proof_purpose,
            "proofValue": self.proof_value,
        }


def hash_data(statement: str, configuration: str) -> bytes:
    """SHA-256 of the proof configuration, then SHA-256 of the statement (the signed bytes)."""
    return hashlib.sha256(configuration.encode()).digest() + hashlib.sha256(statement.encode()).digest()


def now_xsd() -> str:
    """The current time as the cryptosuite writes it: UTC, seconds, a 'Z'."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sign(
    quads: Iterable[ox.Quad], key: Ed25519PrivateKey, verification_method: str, *, created: str | None = None
) -> Proof:
    """Sign a statement for the holder of ``key``, named by ``verification_method``."""
    unsigned = Proof(verification_method, created or now_xsd(), "")
    signature = key.sign(hash_data(canonical_nquads(quads), unsigned.configuration()))
    return Proof(verification_method, unsigned.created, "z" + base58btc_encode(signature))


@dataclass(frozen=True)
class Verification:
    """Whether a proof holds for a statement, and why not when it does not."""

    valid: bool
    reason: str


def verify(quads: Iterable[ox.Quad], proof: Proof, key: Ed25519PublicKey) -> Verification:
    """Check a proof against a statement and the public key of its verification method."""
    try:
        signature = multibase_decode(proof.proof_value)
        statement = canonical_nquads(quads)
    except IntegrityError as exc:
        return Verification(False, str(exc))
    if len(signature) != 64:
        return Verification(False, "the proofValue is not an Ed25519 signature (64 bytes)")
    try:
        key.verify(signature, hash_data(statement, proof.configuration()))
    except InvalidSignature:
        return Verification(
            False, "the signature does not match the statement: it was changed after signing, or "
            "signed by another key"
        )  # fmt: skip
    return Verification(True, f"signed by {proof.verification_method} on {proof.created}")
