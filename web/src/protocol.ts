// Messages between the page and the worker that runs the Go core.

/** One step of a session, as core/session.Event reports it. */
export interface SessionEvent {
  seq: number;
  dir: "c" | "s" | "i";
  time: number; // ms since the epoch
  elapsed: number; // ms since the session started
  kind: string;
  raw: Uint8Array;
  summary: string;
  explain: string;
  rfc: string;
  code?: number;
  verb?: string;
  lines: string[];
  problems: string[];
}

export interface OpenOptions {
  url: string; // the tunnel's WebSocket URL, target included
  host: string;
  port: number;
  proto: string;
  client?: string;
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
  | { type: "send"; id: number; line: string }
  | { type: "close"; id: number };

export type FromWorker =
  | { type: "ready"; version: string; ms: number }
  | { type: "event"; id: number; event: SessionEvent }
  | { type: "mime"; req: number; reply: MimeReply }
  | { type: "mime-error"; req: number; message: string }
  | { type: "error"; message: string };
