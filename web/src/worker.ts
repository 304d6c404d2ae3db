// The Web Worker that runs Mailwire's Go core (compiled to WebAssembly), so
// parsing and sessions never block the page. It only relays messages.
import { rowStarts } from "./mime/rows";
import type { FromWorker, MimeReply, MimeRequest, OpResult, SessionEvent, SessionOp, SessionState, ToWorker } from "./protocol";

interface GoRuntime {
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}

interface MailwireAPI {
  version: string;
  open(id: number, options: object, onEvent: (e: SessionEvent) => void, onState: (s: SessionState) => void): string | undefined;
  op(id: number, req: number, op: SessionOp, onResult: (req: number, r: OpResult) => void): string | undefined;
  cancel(id: number): void;
  close(id: number): void;
  // The MIME explorer (wasm/mime_js.go): each returns its result or an Error.
  mimeLoad(doc: number, bytes: Uint8Array): string | Error;
  mimeParse(doc: number, index: number): { json: string; parseMs: number; modelMs: number } | Error;
  mimeBody(doc: number, index: number, path: string, kind: string): Uint8Array | Error;
  mimeClose(doc: number): void;
}

interface WorkerScope {
  postMessage(msg: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
  importScripts(...urls: string[]): void;
  Go: new () => GoRuntime;
  mailwire?: MailwireAPI;
  mailwireReady?: (version: string) => void;
}

const scope = self as unknown as WorkerScope;
const t0 = performance.now();
let api: MailwireAPI | undefined;
const pending: ToWorker[] = [];

function post(msg: FromWorker) {
  scope.postMessage(msg);
}

function handle(msg: ToWorker) {
  if (!api) {
    pending.push(msg);
    return;
  }
  let err: string | undefined;
  switch (msg.type) {
    case "open":
      err = api.open(
        msg.id,
        msg.options,
        (event) => post({ type: "event", id: msg.id, event }),
        (state) => post({ type: "state", id: msg.id, state }),
      );
      break;
    case "op": {
      // a refused operation is answered like any other, so its promise ends
      const refused = api.op(msg.id, msg.req, msg.op, (req, result) => post({ type: "result", id: msg.id, req, result }));
      if (refused) post({ type: "result", id: msg.id, req: msg.req, result: { ok: false, error: refused } });
      break;
    }
    case "cancel":
      api.cancel(msg.id);
      break;
    case "close":
      api.close(msg.id);
      break;
    case "mime":
      mime(api, msg.req, msg.request);
      break;
  }
  if (err) post({ type: "error", message: err });
}

/** Runs one MIME explorer request; buffers go back transferred, not copied. */
function mime(api: MailwireAPI, req: number, r: MimeRequest) {
  const t = performance.now();
  const fail = (e: Error) => post({ type: "mime-error", req, message: e.message });
  const reply = (reply: MimeReply, transfer: Transferable[] = []) => scope.postMessage({ type: "mime", req, reply }, transfer);
  switch (r.op) {
    case "load": {
      const data = r.data;
      (data instanceof Blob ? data.arrayBuffer() : Promise.resolve(data)).then((buffer) => {
        const res = api.mimeLoad(r.doc, new Uint8Array(buffer));
        if (res instanceof Error) return fail(res);
        const rows = rowStarts(new Uint8Array(buffer));
        reply({ op: "load", buffer, messages: JSON.parse(res), rows, ms: performance.now() - t }, [buffer, rows.buffer]);
      }, fail);
      return;
    }
    case "parse": {
      const res = api.mimeParse(r.doc, r.index);
      if (res instanceof Error) return fail(res);
      reply({ op: "parse", json: res.json, parseMs: res.parseMs, modelMs: res.modelMs, ms: performance.now() - t });
      return;
    }
    case "body": {
      const res = api.mimeBody(r.doc, r.index, r.path, r.kind);
      if (res instanceof Error) return fail(res);
      reply({ op: "body", bytes: res }, [res.buffer]);
      return;
    }
    case "close":
      api.mimeClose(r.doc);
      reply({ op: "close" });
      return;
  }
}

async function init(wasm: string, wasmExec: string) {
  scope.importScripts(wasmExec);
  const go = new scope.Go();
  scope.mailwireReady = (version: string) => {
    api = scope.mailwire;
    post({ type: "ready", version, ms: performance.now() - t0 });
    pending.splice(0).forEach(handle);
  };
  const { instance } = await WebAssembly.instantiateStreaming(fetch(wasm), go.importObject);
  go.run(instance).catch((e: unknown) => post({ type: "error", message: `the Go runtime stopped: ${e}` }));
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === "init") {
    init(msg.wasm, msg.wasmExec).catch((e: unknown) => post({ type: "error", message: `loading the WASM failed: ${e}` }));
    return;
  }
  handle(msg);
};
