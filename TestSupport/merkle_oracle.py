#!/usr/bin/env python3
"""Independent RFC 6962 oracle: reads {"leaves": [hex...], "queries": [...]} on stdin, answers on stdout.

Written straight from the RFC's recursive definitions (MTH, PATH, PROOF/SUBPROOF) with hashlib,
sharing no code with the Swift implementation it checks.
"""
import hashlib
import json
import sys


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hash(leaves[0])
    k = split(n)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    n = len(leaves)
    if n <= 1:
        return []
    k = split(n)
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, b):
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = split(n)
    if m <= k:
        return subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def main():
    request = json.load(sys.stdin)
    leaves = [bytes.fromhex(h) for h in request["leaves"]]
    answers = []
    for q in request["queries"]:
        if q["kind"] == "root":
            answers.append(mth(leaves[: q["size"]]).hex())
        elif q["kind"] == "inclusion":
            answers.append([h.hex() for h in path(q["index"], leaves[: q["size"]])])
        elif q["kind"] == "consistency":
            old, new = q["old"], q["new"]
            proof = [] if old == 0 or old == new else subproof(old, leaves[:new], True)
            answers.append([h.hex() for h in proof])
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
