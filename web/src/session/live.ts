// The live session's state, in signals, and the actions that change it.
// The protocol runs in the worker (core/session); this file only keeps what
// the page shows: the events, the client state machine, what is pending.
import { batch, computed, signal } from "@preact/signals";
import { cancelOp, closeSession, openSession, sessionOp } from "../core";
import type { OpResult, Proto, SessionEvent, SessionOp, SessionState, TLSMode } from "../protocol";
import { sandbox, targets } from "../state";

/** A server to connect to. */
export interface Preset {
  id: string;
  group: string; // "Sandbox" or "Examples"
  label: string;
  proto: Proto;
  host: string;
  port: number;
  tls: TLSMode;
  sandbox?: boolean;
}

/**
 * Well-known providers' submission, IMAP and POP3 endpoints, as examples of
 * the ports and TLS modes RFC 8314 describes. They need a real account;
 * the tunnel's policy decides whether they can be reached from this server.
 */
const examples: Preset[] = [
  { id: "gmail-smtp-587", group: "Examples", label: "Gmail submission", proto: "smtp", host: "smtp.gmail.com", port: 587, tls: "starttls" },
  { id: "gmail-smtp-465", group: "Examples", label: "Gmail submission (implicit TLS)", proto: "smtp", host: "smtp.gmail.com", port: 465, tls: "implicit" },
  { id: "gmail-imap", group: "Examples", label: "Gmail IMAP", proto: "imap", host: "imap.gmail.com", port: 993, tls: "implicit" },
  { id: "gmail-pop3", group: "Examples", label: "Gmail POP3", proto: "pop3", host: "pop.gmail.com", port: 995, tls: "implicit" },
  { id: "ms-smtp", group: "Examples", label: "Microsoft 365 submission", proto: "smtp", host: "smtp.office365.com", port: 587, tls: "starttls" },
  { id: "ms-imap", group: "Examples", label: "Microsoft 365 IMAP", proto: "imap", host: "outlook.office365.com", port: 993, tls: "implicit" },
  { id: "ms-pop3", group: "Examples", label: "Microsoft 365 POP3", proto: "pop3", host: "outlook.office365.com", port: 995, tls: "implicit" },
  { id: "fastmail-smtp", group: "Examples", label: "Fastmail submission", proto: "smtp", host: "smtp.fastmail.com", port: 465, tls: "implicit" },
  { id: "fastmail-imap", group: "Examples", label: "Fastmail IMAP", proto: "imap", host: "imap.fastmail.com", port: 993, tls: "implicit" },
  { id: "fastmail-pop3", group: "Examples", label: "Fastmail POP3", proto: "pop3", host: "pop.fastmail.com", port: 995, tls: "implicit" },
  { id: "icloud-smtp", group: "Examples", label: "iCloud submission", proto: "smtp", host: "smtp.mail.me.com", port: 587, tls: "starttls" },
  { id: "icloud-imap", group: "Examples", label: "iCloud IMAP", proto: "imap", host: "imap.mail.me.com", port: 993, tls: "implicit" },
];

const tlsWords: Record<TLSMode, string> = { none: "plain text", starttls: "STARTTLS", implicit: "implicit TLS" };

/** The sandbox's servers (from /api/config), then the examples. */
export const presets = computed<Preset[]>(() => {
  const sb: Preset[] = targets.value.map((t) => ({
    id: `sandbox-${t.proto}-${t.port}-${t.tls}`,
    group: "Sandbox",
    label: t.name + (/\(/.test(t.name) ? "" : ` (${tlsWords[t.tls as TLSMode] ?? t.tls})`),
    proto: t.proto as Proto,
    host: t.host,
    port: t.port,
    tls: (t.tls as TLSMode) || "none",
    sandbox: true,
  }));
  return [...sb, ...examples];
});

/** The connection being shown. */
export interface Conn {
  proto: Proto;
  host: string;
  port: number;
  tls: TLSMode;
  sandbox: boolean;
}

export interface Advanced {
  serverName: string;
  caPEM: string; // a lab server's CA, PEM
  allowUnverified: boolean;
  client: string; // the EHLO name
  hello: boolean; // SMTP: send EHLO once greeted
}

/** The answer to the latest operation, and how long it took seen from the page. */
export interface Answer {
  label: string;
  result: OpResult;
  ms: number; // page → worker → tunnel → server → back
  n: number; // how many answers so far in this session
}

export const conn = signal<Conn | null>(null);
export const events = signal<SessionEvent[]>([]);
export const state = signal<SessionState | null>(null);
export const sessionId = signal<number | null>(null);
export const connected = signal(false); // from Connect until the close event
export const pending = signal(0); // operations sent and not yet answered
export const answer = signal<Answer | null>(null);
export const selectedSeq = signal<number | null>(null);
export const hexAll = signal(false);
export const history = signal<string[]>([]);

/** The latest TLS handshake, if the session runs over TLS. */
export const tls = computed(() => {
  const list = events.value;
  for (let i = list.length - 1; i >= 0; i--) if (list[i].kind === "tls") return list[i];
  return null;
});

/** Bytes below TLS so far, from the latest event that counted them. */
export const wire = computed(() => {
  const list = events.value;
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i];
    if (e.wireIn !== undefined || e.wireOut !== undefined) return { in: e.wireIn ?? 0, out: e.wireOut ?? 0 };
  }
  return null;
});

/** Commands valid now, upper-case, from the client state machine. */
export const validNow = computed(() => new Set((state.value?.valid ?? []).map((v) => v.toUpperCase())));

// Events reach the timeline at most once per frame: a FETCH of many
// messages brings hundreds in a burst, and rendering each alone would keep
// the page's thread (and the next answer) waiting. A state or an answer
// brings the queued events in first, so the timeline is never behind them.
let queued: SessionEvent[] = [];
let frame = 0;
let timer = 0;

function flushEvents() {
  if (frame) cancelAnimationFrame(frame);
  if (timer) clearTimeout(timer);
  frame = timer = 0;
  if (queued.length === 0) return;
  const q = queued;
  queued = [];
  batch(() => {
    events.value = events.value.concat(q);
    for (const e of q) {
      if (e.kind === "close") {
        connected.value = false;
        pending.value = 0;
      }
      if (e.kind === "error" && e.seq === 0) pending.value = 0; // never connected
    }
  });
}

function queueEvent(e: SessionEvent) {
  queued.push(e);
  if (!frame) frame = requestAnimationFrame(flushEvents);
  if (!timer) timer = setTimeout(flushEvents, 100) as unknown as number; // a hidden tab draws no frames
}

/** Opens a session; the sandbox's CA is trusted for sandbox servers. */
export function connect(c: Conn, adv: Advanced) {
  disconnect();
  let caPEM = adv.caPEM.trim();
  if (c.sandbox && sandbox.value?.caPEM) caPEM = caPEM ? `${caPEM}\n${sandbox.value.caPEM}` : sandbox.value.caPEM;
  batch(() => {
    conn.value = c;
    events.value = [];
    state.value = null;
    answer.value = null;
    selectedSeq.value = null;
    connected.value = true;
    pending.value = 1; // the greeting (and the STARTTLS upgrade)
  });
  const t0 = performance.now();
  const id = openSession(
    {
      proto: c.proto,
      host: c.host,
      port: c.port,
      tls: c.tls,
      serverName: adv.serverName.trim() || undefined,
      caPEM: caPEM || undefined,
      allowUnverified: adv.allowUnverified,
      client: adv.client.trim() || undefined,
    },
    {
      event(e) {
        if (sessionId.value === id) queueEvent(e);
      },
      state(s) {
        if (sessionId.value !== id) return;
        flushEvents();
        const first = state.value === null;
        batch(() => {
          if (first) {
            pending.value = Math.max(0, pending.value - 1);
            answer.value = { label: "connect", result: { ok: true, text: "connected" }, ms: performance.now() - t0, n: 1 };
          }
          state.value = s;
        });
        // The greeting's 220 asks for EHLO (RFC 5321 §4.1.4); with STARTTLS
        // the core has already sent it, twice.
        if (first && adv.hello && s.proto === "smtp" && s.state === "greeted") run({ op: "send", line: `EHLO ${adv.client.trim() || "mailwire.invalid"}` }, "EHLO");
      },
    },
  );
  sessionId.value = id;
}

/** Runs an operation and records its answer and round-trip time. */
export async function run(op: SessionOp, label: string): Promise<OpResult> {
  const id = sessionId.value;
  if (id === null || !connected.value) return { ok: false, error: "not connected" };
  pending.value++;
  const t0 = performance.now();
  const result = await sessionOp(id, op);
  const ms = performance.now() - t0;
  if (sessionId.value === id) {
    flushEvents();
    batch(() => {
      pending.value = Math.max(0, pending.value - 1);
      answer.value = { label, result, ms, n: (answer.value?.n ?? 0) + 1 };
    });
  }
  return result;
}

/**
 * Lines that carry a password stay out of the history, so that Up does not
 * bring one back onto a projected screen.
 */
function secretLine(line: string): boolean {
  if (state.value?.awaiting === "sasl" || state.value?.awaiting === "literal") return true;
  const words = line.trim().split(/\s+/).map((w) => w.toUpperCase());
  // an IMAP line may start with a tag: look at the first two words
  for (let i = 0; i < Math.min(2, words.length); i++) {
    if (words[i] === "PASS" || words[i] === "LOGIN" || words[i] === "APOP") return true;
    if ((words[i] === "AUTH" || words[i] === "AUTHENTICATE") && words.length > i + 2) return true;
  }
  return false;
}

/** Sends a typed line (or lines) as it is. */
export function sendTyped(input: string): Promise<OpResult> {
  const first = input.split(/\r?\n/)[0];
  let label = first;
  if (secretLine(input)) {
    // the answer's label names the command, not what followed it
    const words = first.trim().split(/\s+/);
    const v = words.slice(0, 2).findIndex((w) => /^(PASS|LOGIN|APOP|AUTH|AUTHENTICATE)$/i.test(w));
    const keep = v < 0 ? 0 : v + (/^AUTH/i.test(words[v]) ? 2 : 1);
    label = [...words.slice(0, keep), "********"].join(" ");
  } else {
    const h = history.value.filter((l) => l !== input);
    history.value = [...h.slice(-199), input];
  }
  return run({ op: "send", line: input }, label);
}

export function cancel() {
  if (sessionId.value !== null) cancelOp(sessionId.value);
}

export function disconnect() {
  flushEvents();
  if (sessionId.value !== null) closeSession(sessionId.value);
  batch(() => {
    sessionId.value = null;
    connected.value = false;
    pending.value = 0;
  });
}

/** An RFC reference's address at the RFC Editor, e.g. "RFC 5321 §4.1.1.1". */
export function rfcURL(ref: string): string | null {
  const m = /RFC\s*(\d+)(?:\s*(?:§|section\s*)\s*([0-9A-Z][0-9.]*[0-9A-Z]?)|\s*App(?:endix|\.)\s*([A-Z](?:\.[0-9]+)*))?/i.exec(ref);
  if (!m) return null;
  const base = `https://www.rfc-editor.org/rfc/rfc${m[1]}`;
  if (m[2]) return `${base}#section-${m[2].replace(/\.$/, "")}`;
  if (m[3]) return `${base}#appendix-${m[3]}`;
  return base;
}

/** Splits a reference list ("RFC 5321 §4.1.1.1, RFC 1870 §3") for links. */
export function rfcRefs(refs: string): { text: string; url: string | null }[] {
  return refs
    .split(/\s*[,;]\s*(?=RFC)/i)
    .filter((r) => r.trim() !== "")
    .map((text) => ({ text, url: rfcURL(text) }));
}
