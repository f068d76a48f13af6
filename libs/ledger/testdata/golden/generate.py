#!/usr/bin/env python3
"""Golden vectors for the Cairn audit ledger, computed independently of the TypeScript code.

Python 3 standard library only. Writes, next to this file:
  chain.json    two organizations' chains: each entry, its RFC 8785 canonical JSON, prevHash, hash,
                plus the NDJSON export lines (the two organizations interleaved)
  export.ndjson the same export lines, one a line, for the offline verifier CLI

The formula (DESIGN.md, "Audit ledger"):
  entry_n    = {seq: n, eventId, type, occurredAt, payload}
  hash_n     = hex(SHA-256(UTF-8(prevHash_n) || UTF-8(JCS(entry_n))))
  prevHash_1 = hex(SHA-256(UTF-8("cairn-ledger-genesis:" + orgId))),  prevHash_n = hash_{n-1}

`canonicalize` below is a complete RFC 8785 implementation written from the RFC, not from the
TypeScript: numbers go through Python's shortest round-trip repr and are then laid out with the
ECMAScript Number::toString rules; keys are sorted by UTF-16 code units (not by code points, which
is what Python's own sort would do). Run: python3 generate.py
"""

import hashlib
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------------------------
# RFC 8785 JSON Canonicalization Scheme


class CanonicalizationError(ValueError):
    pass


def es_number(value):
    """ECMAScript Number::toString(value) for a finite double (RFC 8785 section 3.2.2.3)."""
    if isinstance(value, bool):
        raise CanonicalizationError("a boolean is not a number")
    value = float(value)  # JSON numbers are IEEE-754 doubles; big integers round like JSON.parse
    if math.isnan(value) or math.isinf(value):
        raise CanonicalizationError(f"{value} is not a JSON number")
    if value == 0:
        return "0"  # also for -0
    sign = "-" if value < 0 else ""
    # repr gives the shortest digit string that round-trips, closest to the value (as ES requires).
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    digits = all_digits.lstrip("0")
    trailing_zeros = len(digits) - len(digits.rstrip("0"))
    digits = digits.rstrip("0")
    k = len(digits)
    # value = digits * 10^(n - k)
    n = int(exponent or "0") - len(fraction) + trailing_zeros + k
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exponent_text = ("+" if e >= 0 else "-") + str(abs(e))
    if k == 1:
        return sign + digits + "e" + exponent_text
    return sign + digits[0] + "." + digits[1:] + "e" + exponent_text


SHORT_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}


def es_string(value):
    """RFC 8785 section 3.2.2.2."""
    out = ['"']
    for char in value:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            raise CanonicalizationError(f"lone surrogate U+{code:04X}")
        if code in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[code])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def utf16_units(key):
    return key.encode("utf-16-be")  # byte order of big-endian UTF-16 = order of its code units


def canonicalize(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return es_number(value)
    if isinstance(value, str):
        return es_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonicalize(item) for item in value) + "]"
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalizationError(f"object key {key!r} is not a string")
        members = sorted(value.items(), key=lambda item: utf16_units(item[0]))
        return "{" + ",".join(es_string(key) + ":" + canonicalize(item) for key, item in members) + "}"
    raise CanonicalizationError(f"{type(value).__name__} is not a JSON value")


def self_check():
    """RFC 8785 Appendix B (IEEE-754 bit patterns) and the section 3.2.3 sorting example."""
    import struct

    table = [
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"),
        ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"),
        ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"),
        ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"),
        ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"),
        ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"),
        ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ]
    for bits, expected in table:
        (number,) = struct.unpack(">d", bytes.fromhex(bits))
        got = es_number(number)
        assert got == expected, f"{bits}: {got} != {expected}"
    sorting = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001F600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    order = [value for _, value in json.loads(canonicalize(sorting), object_pairs_hook=lambda pairs: pairs)]
    assert order == [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ], order


# --------------------------------------------------------------------------------------------
# The chain


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def genesis_hash(org_id):
    return sha256_hex("cairn-ledger-genesis:" + org_id)


def chain(org_id, events):
    prev_hash = genesis_hash(org_id)
    entries = []
    for seq, (event_id, event_type, occurred_at, payload) in enumerate(events, start=1):
        entry = {"seq": seq, "eventId": event_id, "type": event_type, "occurredAt": occurred_at, "payload": payload}
        canonical = canonicalize(entry)
        entry_hash = sha256_hex(prev_hash + canonical)
        entries.append({"entry": entry, "canonical": canonical, "prevHash": prev_hash, "hash": entry_hash})
        prev_hash = entry_hash
    return entries


def export_line(org_id, chained):
    """One NDJSON line: members in the design's order, payload canonical."""
    entry = chained["entry"]
    members = [
        ("orgId", org_id),
        ("seq", entry["seq"]),
        ("eventId", entry["eventId"]),
        ("type", entry["type"]),
        ("occurredAt", entry["occurredAt"]),
        ("payload", entry["payload"]),
        ("prevHash", chained["prevHash"]),
        ("hash", chained["hash"]),
    ]
    return "{" + ",".join(es_string(name) + ":" + canonicalize(value) for name, value in members) + "}"


# --------------------------------------------------------------------------------------------
# Realistic events, chosen to exercise every canonicalization rule

ORG_A = "org-acme"
ORG_B = "org-café-日本"  # a non-ASCII organization id reaches the genesis hash as UTF-8

EVENTS_A = [
    (
        "7f0c1e4a-3b2d-4c8e-9a61-0d5e2f7b8c91",
        "org.created.v1",
        "2026-04-18T14:22:18.015Z",
        {"name": "Acme Corp", "plan": "enterprise", "createdBy": None, "limits": {"rps": 500, "retentionDays": 30}},
    ),
    (
        "0b8e5c1d-6f2a-4d7b-8e3c-5a9f1b2c4d6e",
        "retrieval.recorded.v1",
        "2026-04-18T14:22:19.120Z",
        {
            "clientEventId": "r-1",
            "source": "buzo",
            "query": {"text": "How do I reset my password?\nAsked via \"help\" widget", "hash": "9f2c"},
            "results": [
                {"id": "v1", "score": 0.9, "content": "Reset links expire in 24 hours."},
                {"id": "v2", "score": 0.1, "content": "Tabs\tand a backslash \\ here"},
                {"id": "v3", "score": -0.0, "content": ""},
            ],
            "latencyMs": 12,
            "kReturned": 3,
            "cacheHit": False,
            "timestamp": "2026-04-18T14:22:19.100Z",
        },
    ),
    (
        "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
        "generation.recorded.v1",
        "2026-04-18T14:22:20.002Z",
        {
            "model": "gpt-4o",
            "output": "Café au lait ☕ — 日本語のテキスト 🦜; line1\r\nline2 \u2028 sep",
            "usage": {"promptTokens": 1234, "completionTokens": 56, "totalTokens": 1290},
            "temperature": 0.7,
            "topP": 1,
            "costUsd": 1.5e-7,
            "logprobs": [-0.0001, -1.25, -12.5],
        },
    ),
    (
        "c0ffee00-0000-4000-8000-000000000001",
        "citation.detected.v1",
        "2026-04-18T14:22:20.500Z",
        {
            "generationId": "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
            "vectorId": "v1",
            "kind": "paraphrase",
            "similarity": 0.8333333333333334,
            "spans": [[0, 12], [40, 57]],
            "evidence": {"z": 1, "a": 2, "A": 3, "_": 4, "aa": 5, "b": {"y": None, "x": [True, False]}},
        },
    ),
    (
        "e1e2e3e4-e5e6-4e7e-8e9e-aeabacadaeaf",
        "vector.quarantined.v1",
        "2026-04-18T14:23:00.000Z",
        {
            "vectorId": "v2",
            "reason": "PII detected: control \u0001\u001f and DEL \u007f characters",
            "largeNumbers": [1e21, 1e20, 123456789012, 9007199254740992, 1.7976931348623157e308],
            "smallNumbers": [0.000001, 1e-7, 5e-324, 0.30000000000000004, 4.5, -17, 0],
        },
    ),
    (
        "a11ce000-0000-4000-8000-00000000a1e7",
        "alert.raised.v1",
        "2026-04-18T14:23:00.250Z",
        {
            "severity": "critical",
            "rule": "quarantined-vector-cited",
            "context": {},
            "tags": [],
            "nested": [[[]], {}, [{"k": "v"}]],
        },
    ),
]

EVENTS_B = [
    (
        "b0000000-0000-4000-8000-000000000001",
        "org.created.v1",
        "2026-04-18T09:00:00.000Z",
        {"name": "Café 日本 KK", "plan": "team"},
    ),
    (
        "b0000000-0000-4000-8000-000000000002",
        "apikey.created.v1",
        "2026-04-18T09:00:01.000Z",
        {"prefix": "ck_live_3f9", "keyHash": "sha256:" + "ab" * 32, "scopes": ["ingest", "query", "admin"]},
    ),
    (
        "b0000000-0000-4000-8000-000000000003",
        "retrieval.recorded.v1",
        "2026-04-18T09:05:00.000Z",
        {
            # Keys whose UTF-16 order differs from code-point order: U+1F600 (D83D DE00) sorts before U+FB33.
            "\U0001F600": "Emoji: Grinning Face",
            "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "\u20ac": "Euro Sign",
            "\r": "Carriage Return",
            "1": "One",
            "\u0080": "Control",
            "\u00f6": "Latin Small Letter O With Diaeresis",
        },
    ),
    (
        "b0000000-0000-4000-8000-000000000004",
        "generation.recorded.v1",
        "2026-04-18T09:05:01.000Z",
        {
            "output": "She said \"ça va?\" 🙂 / not escaped",
            "numbers": [333333333.3333333, 1e30, 4.5, 0.002, 1e-27],
            "literals": [None, True, False],
            "escaping": "\u20ac$\u000f\nA'B\"\\\\\"/",
        },
    ),
    (
        "b0000000-0000-4000-8000-000000000005",
        "apikey.revoked.v1",
        "2026-04-18T10:00:00.000Z",
        {"prefix": "ck_live_3f9", "revokedBy": "admin@café.example", "reason": None},
    ),
    (
        "b0000000-0000-4000-8000-000000000006",
        "span.recorded.v1",
        "2026-04-18T10:00:02.125Z",
        {
            "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
            "spanId": "00f067aa0ba902b7",
            "attributes": {"http.status_code": 200, "db.rows": -1, "ratio": 0.1, "enabled": True},
            "durationMs": 2.5,
        },
    ),
]


def main():
    self_check()
    organizations = []
    for org_id, events in ((ORG_A, EVENTS_A), (ORG_B, EVENTS_B)):
        organizations.append({"orgId": org_id, "genesisHash": genesis_hash(org_id), "entries": chain(org_id, events)})
    lines = []
    for index in range(max(len(org["entries"]) for org in organizations)):
        for org in organizations:  # interleaved, as an export of several organizations may be
            if index < len(org["entries"]):
                lines.append(export_line(org["orgId"], org["entries"][index]))
    golden = {
        "description": "Cairn audit-ledger golden vectors, generated by generate.py (Python stdlib, independent of the TypeScript code).",
        "formula": "hash_n = hex(SHA-256(UTF-8(prevHash_n) || UTF-8(JCS(entry_n)))); entry_n = {seq, eventId, type, occurredAt, payload}; prevHash_1 = hex(SHA-256(UTF-8(\"cairn-ledger-genesis:\" + orgId)))",
        "organizations": organizations,
        "exportLines": lines,
    }
    with open(os.path.join(HERE, "chain.json"), "w", encoding="utf-8", newline="\n") as out:
        json.dump(golden, out, ensure_ascii=False, indent=2)
        out.write("\n")
    with open(os.path.join(HERE, "export.ndjson"), "w", encoding="utf-8", newline="\n") as out:
        out.write("".join(line + "\n" for line in lines))
    print(f"wrote chain.json and export.ndjson: {len(lines)} entries, {len(organizations)} organizations")


if __name__ == "__main__":
    main()
