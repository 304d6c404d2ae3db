#!/usr/bin/env python3
"""Dump the MIME tree Python's email package builds, for comparison with
core/mime (see compare_test.go and docs/MIME-COMPARISON.md).

Usage: pyemail.py FILE...   prints one JSON object: {file: [node, ...]}.
Paths number nodes like core/mime: "" is the root, "1", "1.2" its
descendants; the message inside a message/rfc822 part "2" is "2.1".
"""
import email
import email.policy
import hashlib
import json
import sys


def nodes(msg, path, out):
    node = {"path": path}
    try:
        node["type"] = msg.get_content_type()
    except Exception as e:  # never seen, but the dump must not stop
        node["type"] = "error: %s" % e
    try:
        fn = msg.get_filename()
        node["filename"] = str(fn) if fn is not None else ""
    except Exception:
        node["filename"] = "?"
    try:
        node["charset"] = msg.get_content_charset() or ""
    except Exception:
        node["charset"] = "?"
    node["defects"] = sorted({type(d).__name__ for d in msg.defects})
    children = []
    if msg.is_multipart():
        payload = msg.get_payload()
        children = payload if isinstance(payload, list) else [payload]
    node["children"] = len(children)
    if not msg.is_multipart():
        try:
            body = msg.get_payload(decode=True)
            if body is None:
                body = b""
            if isinstance(body, str):
                body = body.encode("utf-8", "surrogateescape")
        except Exception:
            body = b""
        node["size"] = len(body)
        node["sha256"] = hashlib.sha256(body).hexdigest()
    out.append(node)
    for i, c in enumerate(children, 1):
        nodes(c, "%s.%d" % (path, i) if path else str(i), out)


def main():
    result = {}
    for f in sys.argv[1:]:
        with open(f, "rb") as fh:
            data = fh.read()
        out = []
        try:
            msg = email.message_from_bytes(data, policy=email.policy.compat32)
            nodes(msg, "", out)
        except Exception as e:
            out = [{"path": "", "error": "%s: %s" % (type(e).__name__, e)}]
        result[f] = out
    json.dump(result, sys.stdout, indent=None, sort_keys=True)


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    main()
