// The quick actions for each protocol: a command, the fields it needs, and
// how it is sent. The core composes what needs composing (AUTH PLAIN's
// base64, dot-stuffing, IMAP tags); these only fill in arguments.
import type { Proto, SessionOp } from "../protocol";

export interface Field {
  name: string;
  label: string;
  value: string; // the default
  type?: "text" | "password" | "textarea";
}

export interface Action {
  id: string; // also the button's id: qa-<id>
  label: string;
  verb: string; // the command it sends, matched against the commands valid now
  title: string; // what it does, with the RFC
  fields?: Field[];
  op(v: Record<string, string>): SessionOp;
}

/** An IMAP astring: an atom when it can be, else a quoted string (RFC 9051 §4.3). */
export function imapString(s: string): string {
  if (/^[A-Za-z0-9._\-/]+$/.test(s) && s !== "") return s;
  return `"${s.replace(/[\\"]/g, (c) => "\\" + c)}"`;
}

/** A date as RFC 5322 §3.3 writes it, in the local zone. */
export function rfc5322Date(d = new Date()): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  const zone = (off >= 0 ? "+" : "-") + p(Math.floor(Math.abs(off) / 60)) + p(Math.abs(off) % 60);
  return `${days[d.getDay()]}, ${d.getDate()} ${months[d.getMonth()]} ${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${zone}`;
}

/** A small message to send, with the fields RFC 5322 §3.6 asks for. */
export function sampleMessage(from: string, to: string): string {
  const id = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}@mailwire.invalid`;
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: Hello from Mailwire`,
    `Date: ${rfc5322Date()}`,
    `Message-ID: <${id}>`,
    `MIME-Version: 1.0`,
    `Content-Type: text/plain; charset=utf-8`,
    ``,
    `Hi,`,
    ``,
    `this message was typed into a browser and sent over SMTP, byte by byte.`,
    `.A line that starts with a dot is sent with a second dot (RFC 5321 §4.5.2).`,
    ``,
  ].join("\n");
}

export interface Defaults {
  user: string;
  pass: string;
  from: string;
  to: string;
  client: string;
}

export function actions(proto: Proto, d: Defaults): Action[] {
  const send = (line: string): SessionOp => ({ op: "send", line });
  const login: Action = {
    id: "login",
    label: proto === "smtp" ? "AUTH" : proto === "imap" ? "LOGIN" : "USER/PASS",
    verb: proto === "smtp" ? "AUTH" : proto === "imap" ? "LOGIN" : "USER",
    title:
      proto === "smtp"
        ? "Authenticate with AUTH PLAIN: base64 of \\0user\\0password (RFC 4954 §4, RFC 4616 §2); the password is masked in the timeline"
        : proto === "imap"
          ? "LOGIN user password (RFC 9051 §6.2.3), or AUTHENTICATE PLAIN when the server disables LOGIN; the password is masked"
          : "USER then PASS (RFC 1939 §7); the password is masked",
    fields: [
      { name: "user", label: "user", value: d.user },
      { name: "pass", label: "password", value: d.pass, type: "password" },
    ],
    op: (v) => ({ op: "login", user: v.user, pass: v.pass }),
  };
  switch (proto) {
    case "smtp":
      return [
        { id: "ehlo", label: "EHLO", verb: "EHLO", title: "Say hello and ask for the server's extensions (RFC 5321 §4.1.1.1)", fields: [{ name: "name", label: "name", value: d.client }], op: (v) => send(`EHLO ${v.name}`) },
        { id: "starttls", label: "STARTTLS", verb: "STARTTLS", title: "Upgrade this connection to TLS; EHLO again afterwards (RFC 3207 §4)", op: () => ({ op: "starttls" }) },
        login,
        { id: "mail", label: "MAIL FROM", verb: "MAIL", title: "Start a mail transaction with the envelope sender (RFC 5321 §4.1.1.2)", fields: [{ name: "from", label: "from", value: d.from }], op: (v) => send(`MAIL FROM:<${v.from}>`) },
        { id: "rcpt", label: "RCPT TO", verb: "RCPT", title: "Name one envelope recipient (RFC 5321 §4.1.1.3)", fields: [{ name: "to", label: "to", value: d.to }], op: (v) => send(`RCPT TO:<${v.to}>`) },
        { id: "data", label: "DATA", verb: "DATA", title: "Ask to send the message; the server answers 354 (RFC 5321 §4.1.1.4)", op: () => send("DATA") },
        {
          id: "message",
          label: "Message…",
          verb: "MESSAGE",
          title: "After 354: the message, dot-stuffed, ended by a line with a single dot (RFC 5321 §4.5.2)",
          fields: [{ name: "message", label: "message", value: sampleMessage(d.from, d.to), type: "textarea" }],
          op: (v) => ({ op: "message", message: v.message }),
        },
        {
          id: "sendmail",
          label: "Send a message",
          verb: "MAIL",
          title: "MAIL FROM, RCPT TO, DATA and the message in one go (RFC 5321 §3.3)",
          fields: [
            { name: "from", label: "from", value: d.from },
            { name: "to", label: "to (comma-separated)", value: d.to },
            { name: "message", label: "message", value: sampleMessage(d.from, d.to), type: "textarea" },
          ],
          op: (v) => ({ op: "sendmail", from: v.from, to: v.to.split(",").map((s) => s.trim()).filter(Boolean), message: v.message }),
        },
        { id: "rset", label: "RSET", verb: "RSET", title: "Abandon the mail transaction (RFC 5321 §4.1.1.5)", op: () => send("RSET") },
        { id: "noop", label: "NOOP", verb: "NOOP", title: "Do nothing; the server answers 250 (RFC 5321 §4.1.1.9)", op: () => send("NOOP") },
        { id: "quit", label: "QUIT", verb: "QUIT", title: "End the session (RFC 5321 §4.1.1.10)", op: () => ({ op: "quit" }) },
      ];
    case "imap":
      return [
        { id: "capability", label: "CAPABILITY", verb: "CAPABILITY", title: "List what the server supports (RFC 9051 §6.1.1)", op: () => send("CAPABILITY") },
        { id: "starttls", label: "STARTTLS", verb: "STARTTLS", title: "Upgrade this connection to TLS (RFC 9051 §6.2.1)", op: () => ({ op: "starttls" }) },
        login,
        {
          id: "list",
          label: "LIST",
          verb: "LIST",
          title: "List mailboxes matching a pattern (RFC 9051 §6.3.9)",
          fields: [{ name: "pattern", label: "pattern", value: "*" }],
          op: (v) => send(`LIST "" ${imapString(v.pattern)}`),
        },
        { id: "select", label: "SELECT", verb: "SELECT", title: "Open a mailbox read-write (RFC 9051 §6.3.2)", fields: [{ name: "mailbox", label: "mailbox", value: "INBOX" }], op: (v) => send(`SELECT ${imapString(v.mailbox)}`) },
        {
          id: "search",
          label: "SEARCH",
          verb: "SEARCH",
          title: "Find messages; the answer lists sequence numbers, not UIDs (RFC 9051 §6.4.4)",
          fields: [{ name: "criteria", label: "criteria", value: "ALL" }],
          op: (v) => send(`SEARCH ${v.criteria}`),
        },
        {
          id: "fetch",
          label: "FETCH",
          verb: "FETCH",
          title: "Read message data: FLAGS, ENVELOPE, BODY[] ... (RFC 9051 §6.4.5)",
          fields: [
            { name: "set", label: "messages", value: "1:*" },
            { name: "items", label: "items", value: "(FLAGS ENVELOPE RFC822.SIZE)" },
          ],
          op: (v) => send(`FETCH ${v.set} ${v.items}`),
        },
        {
          id: "fetchbody",
          label: "FETCH BODY[]",
          verb: "FETCH",
          title: "Fetch a whole message; BODY[] sets \\Seen, BODY.PEEK[] would not (RFC 9051 §6.4.5)",
          fields: [{ name: "set", label: "message", value: "1" }],
          op: (v) => send(`FETCH ${v.set} BODY[]`),
        },
        {
          id: "store",
          label: "STORE",
          verb: "STORE",
          title: "Change flags; \\Deleted marks for EXPUNGE (RFC 9051 §6.4.6)",
          fields: [
            { name: "set", label: "messages", value: "1" },
            { name: "change", label: "change", value: "+FLAGS (\\Deleted)" },
          ],
          op: (v) => send(`STORE ${v.set} ${v.change}`),
        },
        { id: "expunge", label: "EXPUNGE", verb: "EXPUNGE", title: "Remove the messages flagged \\Deleted (RFC 9051 §6.4.3)", op: () => send("EXPUNGE") },
        { id: "idle", label: "IDLE", verb: "IDLE", title: "Wait for the server to push changes; DONE ends it (RFC 2177, RFC 9051 §6.3.13)", op: () => send("IDLE") },
        { id: "done", label: "DONE", verb: "DONE", title: "End IDLE (RFC 9051 §6.3.13)", op: () => send("DONE") },
        { id: "noop", label: "NOOP", verb: "NOOP", title: "Do nothing, but hear about changes (RFC 9051 §6.1.2)", op: () => send("NOOP") },
        { id: "logout", label: "LOGOUT", verb: "LOGOUT", title: "End the session; the server says BYE (RFC 9051 §6.1.3)", op: () => ({ op: "quit" }) },
      ];
    case "pop3":
      return [
        { id: "capa", label: "CAPA", verb: "CAPA", title: "List what the server supports (RFC 2449 §5)", op: () => send("CAPA") },
        { id: "starttls", label: "STLS", verb: "STLS", title: "Upgrade this connection to TLS (RFC 2595 §4)", op: () => ({ op: "starttls" }) },
        login,
        { id: "stat", label: "STAT", verb: "STAT", title: "Count the messages and their octets (RFC 1939 §5)", op: () => send("STAT") },
        { id: "list", label: "LIST", verb: "LIST", title: "Each message's number and size (RFC 1939 §5)", op: () => send("LIST") },
        { id: "uidl", label: "UIDL", verb: "UIDL", title: "Each message's unique id, stable across sessions (RFC 1939 §7)", op: () => send("UIDL") },
        { id: "retr", label: "RETR", verb: "RETR", title: "Retrieve a whole message (RFC 1939 §5)", fields: [{ name: "n", label: "message", value: "1" }], op: (v) => send(`RETR ${v.n}`) },
        {
          id: "top",
          label: "TOP",
          verb: "TOP",
          title: "The header and the first lines of the body (RFC 1939 §7)",
          fields: [
            { name: "n", label: "message", value: "1" },
            { name: "lines", label: "lines", value: "3" },
          ],
          op: (v) => send(`TOP ${v.n} ${v.lines}`),
        },
        { id: "dele", label: "DELE", verb: "DELE", title: "Mark a message deleted; QUIT makes it so (RFC 1939 §5)", fields: [{ name: "n", label: "message", value: "1" }], op: (v) => send(`DELE ${v.n}`) },
        { id: "rset", label: "RSET", verb: "RSET", title: "Unmark the messages marked deleted (RFC 1939 §5)", op: () => send("RSET") },
        { id: "noop", label: "NOOP", verb: "NOOP", title: "Do nothing; +OK (RFC 1939 §5)", op: () => send("NOOP") },
        { id: "quit", label: "QUIT", verb: "QUIT", title: "End the session; in TRANSACTION the deletions happen now (RFC 1939 §6)", op: () => ({ op: "quit" }) },
      ];
  }
}
