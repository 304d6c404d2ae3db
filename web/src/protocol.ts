// Messages between the page and the worker that runs the Go core.

/** One item of a unit's parsed form (explain.Detail). */
export interface Detail {
  name: string;
  value?: string;
  explain?: string;
  rfc?: string;
}

export interface CertInfo {
  subject: string;
  issuer: string;
  dnsNames?: string[];
  ips?: string[];
  notBefore: string;
  notAfter: string;
  sha256: string;
  keyType?: string;
  isCA?: boolean;
}

/** A TLS handshake's outcome (session.TLSInfo). */
export interface TLSInfo {
  version: string;
  cipherSuite?: string;
  alpn?: string;
  serverName?: string;
  resumed?: boolean;
  chain?: CertInfo[];
  verified: boolean;
  verifyError?: string;
  implicit?: boolean;
}

/** One step of a session, as core/session.Event reports it. */
export interface SessionEvent {
  seq: number;
  dir: "c" | "s" | "i";
  time: number; // ms since the epoch
  elapsed: number; // ms since the session started
  kind: string;
  raw: Uint8Array; // the bytes on the wire (a password masked)
  summary?: string;
  explain?: string;
  rfc?: string;
  code?: number;
  verb?: string;
  lines?: string[];
  problems?: string[];
  proto?: string;
  masked?: boolean;
  status?: string;
  enhanced?: string;
  tag?: string;
  details?: Detail[];
  warnings?: string[];
  state?: string;
  valid?: string[];
  message?: Uint8Array; // a whole message this unit carries (DATA, RETR, FETCH BODY[])
  startTLS?: boolean;
  tls?: TLSInfo;
  wireIn?: number; // bytes below TLS so far (encrypted)
  wireOut?: number;
}

/** The client state machine (explain.State). */
export interface SessionState {
  proto: string;
  state: string;
  valid?: string[];
  learned?: Detail[];
  tls: boolean;
  user?: string;
  waiting: number;
  awaiting?: string;
}

export type Proto = "smtp" | "imap" | "pop3";
export type TLSMode = "none" | "starttls" | "implicit";

export interface OpenOptions {
  url: string; // the tunnel's WebSocket URL, target included
  host: string;
  port: number;
  proto: Proto;
  tls: TLSMode;
  serverName?: string; // the name the certificate must match; default the host
  caPEM?: string; // CA certificates trusted besides the built-in roots
  allowUnverified?: boolean;
  client?: string; // the EHLO name
  timeoutMs?: number;
}

/** What the page asks a live session to do (wasm/session_js.go). */
export type SessionOp =
  | { op: "send"; line: string }
  | { op: "login"; user: string; pass: string }
  | { op: "sendmail"; from: string; to: string[]; message: string }
  | { op: "message"; message: string } // after 354: dot-stuffed by the core
  | { op: "starttls" }
  | { op: "quit" };

/** The server's final answer to an operation (session.Result). */
export interface OpResult {
  ok: boolean;
  code?: number;
  status?: string;
  text?: string;
  error?: string;
}

/** What the MIME explorer can ask the worker for (web/src/mime). */
export type BodyKind = "body" | "text" | "raw" | "source" | `att:${number}`;

/**
 * A MIME explorer request. "load" hands the worker a file (a Blob, which
 * the worker reads off the page's thread) or a buffer (transferred, not
 * copied); the reply hands the bytes to the page for the raw view, again
 * transferred. The Go side keeps its own copy, so bodies are decoded there
 * and sent only when asked for.
 * The reply also carries the raw view's row index (see mime/rows.ts), built
 * in the worker so that a 50 MB file costs the page no long task.
 */
export type MimeRequest =
  | { op: "load"; doc: number; data: ArrayBuffer | Blob }
  | { op: "parse"; doc: number; index: number }
  | { op: "body"; doc: number; index: number; path: string; kind: BodyKind }
  | { op: "close"; doc: number };

export type MimeReply =
  | { op: "load"; buffer: ArrayBuffer; messages: [number, number][]; rows: Uint32Array; ms: number }
  | { op: "parse"; json: string; parseMs: number; modelMs: number; ms: number }
  | { op: "body"; bytes: Uint8Array }
  | { op: "close" };

export type ToWorker =
  | { type: "init"; wasm: string; wasmExec: string }
  | { type: "mime"; req: number; request: MimeRequest }
  | { type: "open"; id: number; options: OpenOptions }
  | { type: "op"; id: number; req: number; op: SessionOp }
  | { type: "cancel"; id: number }
  | { type: "close"; id: number };

export type FromWorker =
  | { type: "ready"; version: string; ms: number }
  | { type: "event"; id: number; event: SessionEvent }
  | { type: "state"; id: number; state: SessionState }
  | { type: "result"; id: number; req: number; result: OpResult }
  | { type: "mime"; req: number; reply: MimeReply }
  | { type: "mime-error"; req: number; message: string }
  | { type: "error"; message: string };
