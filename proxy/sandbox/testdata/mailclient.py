#!/usr/bin/env python3
"""Drive the sandbox with Python's own smtplib, imaplib and poplib.

Used by the Go tests (python_test.go, noloss_test.go): each subcommand
prints one JSON object on stdout. TLS trusts only the CA given with --cafile.

  send  --port P --tls none|starttls|implicit [--auth PLAIN|LOGIN] --file MSG --to ADDR
  imap  --port P --tls ... [--authenticate] [--search HEADER VALUE]
  pop3  --port P --tls ... [--dele UIDL ...] [--sasl]
"""

import argparse
import base64
import hashlib
import imaplib
import json
import poplib
import smtplib
import ssl
import sys


def tls_context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def sha(b):
    return hashlib.sha256(b).hexdigest()


def send(a):
    with open(a.file, "rb") as f:
        msg = f.read()
    ctx = tls_context(a.cafile)
    if a.tls == "implicit":
        s = smtplib.SMTP_SSL(a.host, a.port, context=ctx, timeout=20)
    else:
        s = smtplib.SMTP(a.host, a.port, timeout=20)
    try:
        s.ehlo("python.example")
        if a.tls == "starttls":
            s.starttls(context=ctx)
            s.ehlo("python.example")
        features = sorted(s.esmtp_features)
        if a.auth == "PLAIN":
            s.login(a.user, a.password)  # picks PLAIN from "AUTH PLAIN LOGIN"
        elif a.auth == "LOGIN":
            s.user, s.password = a.user, a.password
            s.auth("LOGIN", s.auth_login)
        refused = s.sendmail(a.sender, a.to, msg)
        s.quit()
    except smtplib.SMTPResponseException as e:
        print(json.dumps({"error": e.smtp_code, "text": e.smtp_error.decode(errors="replace")}))
        return
    print(json.dumps({"features": features, "refused": list(refused), "sha256": sha(msg), "size": len(msg)}))


def imap(a):
    ctx = tls_context(a.cafile)
    if a.tls == "implicit":
        c = imaplib.IMAP4_SSL(a.host, a.port, ssl_context=ctx, timeout=20)
    else:
        c = imaplib.IMAP4(a.host, a.port, timeout=20)
        if a.tls == "starttls":
            c.starttls(ssl_context=ctx)
    caps = sorted(c.capabilities)
    if a.authenticate:
        token = b"\0" + a.user.encode() + b"\0" + a.password.encode()
        c.authenticate("PLAIN", lambda _: token)
    else:
        c.login(a.user, a.password)
    typ, data = c.select("INBOX", readonly=True)
    exists = int(data[0])
    typ, data = c.response("UIDVALIDITY")
    uidvalidity = int(data[0]) if data and data[0] else 0
    if a.search:
        typ, data = c.uid("SEARCH", None, "HEADER", a.search[0], '"%s"' % a.search[1])
    else:
        typ, data = c.uid("SEARCH", None, "ALL")
    uids = data[0].split()
    out = []
    for uid in uids:
        typ, data = c.uid("FETCH", uid, "(BODY.PEEK[] RFC822.SIZE FLAGS)")
        for part in data:
            if isinstance(part, tuple):
                out.append({"uid": int(uid), "sha256": sha(part[1]), "size": len(part[1])})
    c.logout()
    print(json.dumps({"capabilities": caps, "exists": exists, "uidvalidity": uidvalidity, "messages": out}))


def pop3(a):
    ctx = tls_context(a.cafile)
    if a.tls == "implicit":
        p = poplib.POP3_SSL(a.host, a.port, context=ctx, timeout=20)
    else:
        p = poplib.POP3(a.host, a.port, timeout=20)
        if a.tls == "starttls":
            p.stls(context=ctx)
    capa = sorted(p.capa().keys())
    if a.sasl:
        token = base64.b64encode(b"\0" + a.user.encode() + b"\0" + a.password.encode()).decode()
        resp = p._shortcmd("AUTH PLAIN " + token)
    else:
        p.user(a.user)
        p.pass_(a.password)
    count, size = p.stat()
    _, listing, _ = p.uidl()
    out = []
    for entry in listing:
        num, uidl = entry.decode().split()
        _, lines, octets = p.retr(int(num))
        body = b"".join(l + b"\r\n" for l in lines)
        out.append({"num": int(num), "uidl": uidl, "sha256": sha(body), "octets": octets})
        if uidl in a.dele:
            p.dele(int(num))
    p.quit()
    print(json.dumps({"capa": capa, "count": count, "size": size, "messages": out}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["send", "imap", "pop3"])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    ap.add_argument("--cafile", required=True)
    ap.add_argument("--user", default="alice@sandbox.test")
    ap.add_argument("--password", default="alice-password")
    ap.add_argument("--auth", choices=["none", "PLAIN", "LOGIN"], default="none")
    ap.add_argument("--authenticate", action="store_true")
    ap.add_argument("--sasl", action="store_true")
    ap.add_argument("--file")
    ap.add_argument("--sender", default="bob@sandbox.test")
    ap.add_argument("--to", action="append", default=[])
    ap.add_argument("--search", nargs=2)
    ap.add_argument("--dele", action="append", default=[])
    a = ap.parse_args()
    {"send": send, "imap": imap, "pop3": pop3}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
