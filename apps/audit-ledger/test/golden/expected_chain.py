#!/usr/bin/env python3
"""Expected ledger entries for events.json, computed independently of the TypeScript code.

  python3 expected_chain.py <orgId>   prints the chain [{seq, eventId, canonical, prevHash, hash}] as JSON
  python3 expected_chain.py --write   rewrites expected.json, the chain of the reference organization

The RFC 8785 implementation and the chain formula are those of libs/ledger/testdata/golden/generate.py,
written from the RFCs in Python's standard library. The integration test publishes events.json for a
fresh organization (its id enters every hash through the genesis), runs this for that id, and compares
the stored entries; expected.json pins the canonical texts, which do not depend on the organization.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "libs", "ledger", "testdata", "golden"))

from generate import chain  # noqa: E402

REFERENCE_ORG = "org-golden"


def expected_chain(org_id):
    with open(os.path.join(HERE, "events.json"), encoding="utf-8") as source:
        events = json.load(source)
    chained = chain(org_id, [(e["id"], e["type"], e["occurredAt"], e["payload"]) for e in events])
    return [
        {
            "seq": c["entry"]["seq"],
            "eventId": c["entry"]["eventId"],
            "canonical": c["canonical"],
            "prevHash": c["prevHash"],
            "hash": c["hash"],
        }
        for c in chained
    ]


def main():
    if sys.argv[1:] == ["--write"]:
        with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as target:
            json.dump({"orgId": REFERENCE_ORG, "entries": expected_chain(REFERENCE_ORG)}, target, indent=2)
            target.write("\n")
    elif len(sys.argv) == 2:
        json.dump(expected_chain(sys.argv[1]), sys.stdout)
    else:
        sys.exit("usage: expected_chain.py <orgId> | --write")


if __name__ == "__main__":
    main()
