// The page's handle on the worker: starts it, tracks readiness, routes
// session events. State lives in signals so components re-render.
import { signal } from "@preact/signals";
import type { FromWorker, MimeReply, MimeRequest, OpenOptions, SessionEvent, ToWorker } from "./protocol";

export const wasmReady = signal(false);
export const wasmVersion = signal("");
export const wasmLoadMs = signal(0);
export const workerError = signal("");

type Listener = (e: SessionEvent) => void;
const listeners = new Map<number, Listener>();
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
        listeners.get(msg.id)?.(msg.event);
        break;
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

/** Opens a session; events go to onEvent. Returns the session id. */
export function openSession(options: Omit<OpenOptions, "url">, onEvent: Listener): number {
  const id = nextId++;
  listeners.set(id, onEvent);
  post({ type: "open", id, options: { ...options, url: tunnelURL(options.host, options.port) } });
  return id;
}

export function sendLine(id: number, line: string) {
  post({ type: "send", id, line });
}

export function closeSession(id: number) {
  post({ type: "close", id });
  listeners.delete(id);
}

// The MIME explorer's requests: one reply each, matched by number.
const mimeWaiting = new Map<number, { resolve: (r: MimeReply) => void; reject: (e: Error) => void }>();
let nextReq = 1;

/**
 * Sends a MIME explorer request to the worker (queued there until the WASM
 * is ready). Buffers in transfer move to the worker without a copy.
 */
export function mimeRequest<R extends MimeRequest>(request: R, transfer: Transferable[] = []): Promise<Extract<MimeReply, { op: R["op"] }>> {
  if (!worker) return Promise.reject(new Error("the protocol engine is not running"));
  const req = nextReq++;
  return new Promise((resolve, reject) => {
    mimeWaiting.set(req, { resolve: resolve as (r: MimeReply) => void, reject });
    post({ type: "mime", req, request }, transfer);
  });
}
