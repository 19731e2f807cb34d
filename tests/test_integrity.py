"""Data Integrity proofs (eddsa-rdfc-2022): the published W3C test vector, tampering, canonical form."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from imvokg.integrity import (
    MAX_BLANK_NODES,
    IntegrityError,
    Proof,
    base58btc_decode,
    base58btc_encode,
    canonical_nquads,
    parse_statement,
    public_key_from_multibase,
    public_key_multibase,
    secret_key_from_multibase,
    secret_key_multibase,
    sign,
    verify,
)

# The test vector of "Data Integrity EdDSA Cryptosuites v1.0" (W3C Recommendation), appendix B.1,
# representation eddsa-rdfc-2022: the key pair, the credential's canonical form and its
# SHA-256, the canonical proof configuration's SHA-256, and the signature.
W3C_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_METHOD = f"did:key:{W3C_PUBLIC}#{W3C_PUBLIC}"
W3C_CREATED = "2023-02-24T23:36:38Z"
W3C_DOCUMENT_SHA256 = "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
W3C_PROOF_SHA256 = "bea7b7acfbad0126b135104024a5f1733e705108f42d59668b05c0c50004c6b0"
W3C_SIGNATURE = (
    "4d8e53c2d5b3f2a7891753eb16ca993325bdb0d3cfc5be1093d0a18426f5ef85"
    "78cadc0fd4b5f4dd0d1ce0aefd15ab120b7a894d0eb094ffda4e6553cd1ed50d"
)
CRED = "https://www.w3.org/2018/credentials#"
EXAMPLES = "https://www.w3.org/ns/credentials/examples#"
W3C_CREDENTIAL = f"""
<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <{CRED}validFrom> "2023-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://schema.org/name> "Alumni Credential" .
<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <{CRED}issuer> <https://vc.example/issuers/5678> .
<did:example:abcdefgh> <{EXAMPLES}alumniOf> "The School of Examples" .
<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EXAMPLES}AlumniCredential> .
<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://schema.org/description> "A minimum viable example of an Alumni Credential." .
<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CRED}VerifiableCredential> .
<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <{CRED}credentialSubject> <did:example:abcdefgh> .
<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <{CRED}credentialSubject> <did:example:abcdefgh> .
""".encode()  # noqa: E501  (out of order and with a duplicate: the canonical form sorts and removes it)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_w3c_vector_canonical_forms_and_signature() -> None:
    statement = parse_statement(W3C_CREDENTIAL)
    assert sha256(canonical_nquads(statement)) == W3C_DOCUMENT_SHA256
    assert sha256(Proof(W3C_METHOD, W3C_CREATED, "").configuration()) == W3C_PROOF_SHA256
    key = secret_key_from_multibase(W3C_SECRET)
    assert public_key_multibase(key.public_key()) == W3C_PUBLIC
    proof = sign(statement, key, W3C_METHOD, created=W3C_CREATED)
    assert base58btc_decode(proof.proof_value[1:]).hex() == W3C_SIGNATURE  # Ed25519 is deterministic
    assert verify(statement, proof, public_key_from_multibase(W3C_PUBLIC)).valid


def test_one_changed_triple_or_another_key_fails() -> None:
    key = Ed25519PrivateKey.generate()
    statement = parse_statement(W3C_CREDENTIAL)
    proof = sign(statement, key, "https://example.org/authority#key-1")
    assert verify(statement, proof, key.public_key()).valid
    changed = parse_statement(W3C_CREDENTIAL.replace(b"The School of Examples", b"Another School"))
    outcome = verify(changed, proof, key.public_key())
    assert not outcome.valid and "changed after signing" in outcome.reason
    fewer = statement[1:]
    assert not verify(fewer, proof, key.public_key()).valid
    assert not verify(statement, proof, Ed25519PrivateKey.generate().public_key()).valid
    later = Proof(proof.verification_method, "2030-01-01T00:00:00Z", proof.proof_value)
    assert not verify(statement, later, key.public_key()).valid, "the date is signed too"
    cut = Proof(proof.verification_method, proof.created, proof.proof_value[:-4])
    assert "64 bytes" in verify(statement, cut, key.public_key()).reason


def test_blank_node_names_do_not_change_the_canonical_form() -> None:
    one = parse_statement(
        b'_:x <http://ex/p> _:y .\n_:y <http://ex/q> "v" .\n<http://ex/s> <http://ex/r> _:x .\n'
    )
    other = parse_statement(
        b'<http://ex/s> <http://ex/r> _:b2 .\n_:b1 <http://ex/q> "v" .\n_:b2 <http://ex/p> _:b1 .\n'
    )
    assert canonical_nquads(one) == canonical_nquads(other)
    text = canonical_nquads(one)
    assert len(text.splitlines()) == 3 and "_:x" not in text and "_:b1" not in text
    assert {"_:c14n0", "_:c14n1"} == {word for word in text.split() if word.startswith("_:")}
    assert text == "".join(sorted(text.splitlines(keepends=True)))
    key = Ed25519PrivateKey.generate()
    assert verify(other, sign(one, key, "https://example.org/k#1"), key.public_key()).valid


def test_literals_are_written_in_canonical_form() -> None:
    statement = parse_statement(
        b'<http://ex/s> <http://ex/p> "tab\\there \\"quoted\\" back\\\\slash\\nline\\u0001\\u007F '
        b'caf\\u00E9"@EN-gb .\n'
        b'<http://ex/s> <http://ex/p> "plain"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
    )
    assert canonical_nquads(statement) == (
        '<http://ex/s> <http://ex/p> "plain" .\n'
        '<http://ex/s> <http://ex/p> "tab\\there \\"quoted\\" back\\\\slash\\nline\\u0001\\u007F '
        'café"@en-gb .\n'
    )


def test_too_many_blank_nodes_are_refused_not_canonicalized() -> None:
    lines = "".join(f"_:n{i} <http://ex/p> _:n{i + 1} .\n" for i in range(MAX_BLANK_NODES + 1))
    with pytest.raises(IntegrityError, match="blank nodes"):
        canonical_nquads(parse_statement(lines.encode()))


def test_keys_round_trip_through_multibase() -> None:
    key = Ed25519PrivateKey.generate()
    again = secret_key_from_multibase(secret_key_multibase(key))
    assert public_key_multibase(again.public_key()) == public_key_multibase(key.public_key())
    assert base58btc_decode(base58btc_encode(b"\0\0\x01\x02")) == b"\0\0\x01\x02"
    with pytest.raises(IntegrityError):
        public_key_from_multibase("z" + base58btc_encode(b"\x12\x00" + bytes(32)))
    with pytest.raises(IntegrityError):
        public_key_from_multibase("m" + "A" * 40)


def test_a_statement_that_does_not_parse_is_an_input_error() -> None:
    with pytest.raises(IntegrityError, match="does not parse"):
        parse_statement(b"<http://ex/s> <http://ex/p> .\n")


def test_graph_names_are_not_part_of_the_statement() -> None:
    quads = [
        ox.Quad(
            ox.NamedNode("http://ex/s"),
            ox.NamedNode("http://ex/p"),
            ox.Literal("o"),
            ox.NamedNode("http://ex/g"),
        )
    ]
    as_quads = parse_statement(b'<http://ex/s> <http://ex/p> "o" <http://ex/g> .\n', "application/n-quads")
    assert canonical_nquads(as_quads) == '<http://ex/s> <http://ex/p> "o" .\n'
    assert canonical_nquads(quads) == '<http://ex/s> <http://ex/p> "o" <http://ex/g> .\n'


# -- the same canonical form as the reference implementation ------------------------------

CLIENTS = Path(__file__).resolve().parent / "clients"


def random_dataset(chance: random.Random) -> list[ox.Quad]:
    """A small graph of blank nodes and IRIs, with cycles and symmetric parts (the hard cases)."""
    nodes: list[ox.NamedNode | ox.BlankNode] = [ox.BlankNode(f"n{i}") for i in range(chance.randint(1, 8))]
    nodes += [ox.NamedNode(f"http://ex/r{i}") for i in range(chance.randint(0, 3))]
    predicates = [ox.NamedNode(f"http://ex/p{i}") for i in range(chance.randint(1, 3))]
    texts = ["a", "tab\there", 'q"uote', "new\nline", "\u0001ctl\u007f", "café", "\\"]
    quads = []
    for _ in range(chance.randint(1, 14)):
        subject = chance.choice(nodes)
        if chance.random() < 0.3:
            language = chance.choice(["", "en", "nl"])
            value = chance.choice(texts)
            obj: object = ox.Literal(value, language=language) if language else ox.Literal(value)
        else:
            obj = chance.choice(nodes)
        graph = chance.choice([ox.DefaultGraph(), ox.NamedNode("http://ex/g"), ox.BlankNode("g0")])
        quads.append(ox.Quad(subject, chance.choice(predicates), obj, graph))  # type: ignore[arg-type]
    return quads


def symmetric_datasets() -> list[list[ox.Quad]]:
    """Rings, twin triangles and a star: blank nodes no first-degree hash tells apart."""
    p, q = ox.NamedNode("http://ex/p"), ox.NamedNode("http://ex/q")

    def ring(names: list[str]) -> list[ox.Quad]:
        nodes = [ox.BlankNode(n) for n in names]
        return [ox.Quad(a, p, b) for a, b in zip(nodes, nodes[1:] + nodes[:1], strict=True)]

    star = [ox.Quad(ox.BlankNode("hub"), q, ox.BlankNode(f"leaf{i}")) for i in range(5)]
    return [
        ring([f"r{i}" for i in range(6)]),
        ring(["a", "b", "c"]) + ring(["d", "e", "f"]),
        ring(["a", "b", "c"]) + ring(["d", "e", "f"]) + [ox.Quad(ox.BlankNode("a"), q, ox.BlankNode("d"))],
        star + [ox.Quad(ox.BlankNode(f"leaf{i}"), p, ox.BlankNode(f"leaf{i + 1}")) for i in range(4)],
    ]


def test_the_canonical_form_equals_rdf_canonize() -> None:
    """300 random datasets and a few symmetric ones: the same output as rdf-canonize (Digital Bazaar)."""
    if shutil.which("node") is None or not (CLIENTS / "node_modules" / "rdf-canonize").exists():
        pytest.skip("needs node and `npm ci` in tests/clients (.ci/run does both)")
    chance = random.Random(20261203)
    datasets = [random_dataset(chance) for _ in range(300)] + symmetric_datasets()
    documents = [ox.serialize(d, format=ox.RdfFormat.N_QUADS).decode() for d in datasets]
    done = subprocess.run(
        ["node", str(CLIENTS / "canonize.mjs")],
        input=json.dumps(documents).encode(),
        capture_output=True,
        check=True,
        timeout=120,
    )
    expected = json.loads(done.stdout)
    for dataset, document, theirs in zip(datasets, documents, expected, strict=True):
        assert canonical_nquads(dataset) == theirs, document
