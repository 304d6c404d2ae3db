// The page's handle on the worker: starts it, tracks readiness, routes
// session events. State lives in signals so components re-render.
import { signal } from "@preact/signals";
import type { FromWorker, MimeReply, MimeRequest, OpResult, OpenOptions, SessionEvent, SessionOp, SessionState, ToWorker } from "./protocol";

export const wasmReady = signal(false);
export const wasmVersion = signal("");
export const wasmLoadMs = signal(0);
export const workerError = signal("");

/** Where a live session's news goes. */
export interface SessionListener {
  event(e: SessionEvent): void;
  state(s: SessionState): void;
}
const listeners = new Map<number, SessionListener>();
const results = new Map<string, (r: OpResult) => void>();
let worker: Worker | undefined;
let nextId = 1;

function post(msg: ToWorker, transfer: Transferable[] = []) {
  worker?.postMessage(msg, transfer);
}

/** Starts the worker with the asset URLs the server put on <body>. */
export function startCore() {
  const ds = document.body.dataset;
  if (!ds.worker || !ds.wasm || !ds.wasmExec) {
    workerError.value = "this page was not built with its assets (run make build)";
    return;
  }
  worker = new Worker(ds.worker);
  worker.onmessage = (ev: MessageEvent<FromWorker>) => {
    const msg = ev.data;
    switch (msg.type) {
      case "ready":
        wasmVersion.value = msg.version;
        wasmLoadMs.value = performance.now();
        wasmReady.value = true;
        performance.mark("mailwire-wasm-ready");
        break;
      case "event":
        listeners.get(msg.id)?.event(msg.event);
        break;
      case "state":
        listeners.get(msg.id)?.state(msg.state);
        break;
      case "result": {
        const key = `${msg.id}/${msg.req}`;
        results.get(key)?.(msg.result);
        results.delete(key);
        break;
      }
      case "mime":
        mimeWaiting.get(msg.req)?.resolve(msg.reply);
        mimeWaiting.delete(msg.req);
        break;
      case "mime-error":
        mimeWaiting.get(msg.req)?.reject(new Error(msg.message));
        mimeWaiting.delete(msg.req);
        break;
      case "error":
        workerError.value = msg.message;
        break;
    }
  };
  worker.onerror = (ev) => {
    workerError.value = `worker error: ${ev.message}`;
  };
  post({ type: "init", wasm: new URL(ds.wasm, location.href).href, wasmExec: new URL(ds.wasmExec, location.href).href });
}

/** The tunnel's WebSocket URL for a target, on this page's own origin. */
export function tunnelURL(host: string, port: number): string {
  const u = new URL("/tunnel", location.href);
  u.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  u.searchParams.set("host", host);
  u.searchParams.set("port", String(port));
  return u.href;
}

/** Opens a session; its events and states go to the listener. Returns the session id. */
export function openSession(options: Omit<OpenOptions, "url">, listener: SessionListener): number {
  const id = nextId++;
  listeners.set(id, listener);
  post({ type: "open", id, options: { ...options, url: tunnelURL(options.host, options.port) } });
  return id;
}

let nextReq = 1;

/**
 * Asks a session to send something; resolves with the server's final
 * answer (or an error: closed, timed out, cancelled). Operations run one at
 * a time, in order.
 */
export function sessionOp(id: number, op: SessionOp): Promise<OpResult> {
  const req = nextReq++;
  return new Promise((resolve) => {
    results.set(`${id}/${req}`, resolve);
    post({ type: "op", id, req, op });
  });
}

/** Stops waiting for the answer to the operation under way. */
export function cancelOp(id: number) {
  post({ type: "cancel", id });
}

export function closeSession(id: number) {
  post({ type: "close", id });
  listeners.delete(id);
  for (const [key, resolve] of results) {
    if (key.startsWith(`${id}/`)) {
      resolve({ ok: false, error: "the session is closed" });
      results.delete(key);
    }
  }
}

// The MIME explorer's requests: one reply each, matched by number.
const mimeWaiting = new Map<number, { resolve: (r: MimeReply) => void; reject: (e: Error) => void }>();
let nextMimeReq = 1;

/**
 * Sends a MIME explorer request to the worker (queued there until the WASM
 * is ready). Buffers in transfer move to the worker without a copy.
 */
export function mimeRequest<R extends MimeRequest>(request: R, transfer: Transferable[] = []): Promise<Extract<MimeReply, { op: R["op"] }>> {
  if (!worker) return Promise.reject(new Error("the protocol engine is not running"));
  const req = nextMimeReq++;
  return new Promise((resolve, reject) => {
    mimeWaiting.set(req, { resolve: resolve as (r: MimeReply) => void, reject });
    post({ type: "mime", req, request }, transfer);
  });
}
