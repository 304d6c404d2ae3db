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

export type ToWorker =
  | { type: "init"; wasm: string; wasmExec: string }
  | { type: "open"; id: number; options: OpenOptions }
  | { type: "send"; id: number; line: string }
  | { type: "close"; id: number };

export type FromWorker =
  | { type: "ready"; version: string; ms: number }
  | { type: "event"; id: number; event: SessionEvent }
  | { type: "error"; message: string };
