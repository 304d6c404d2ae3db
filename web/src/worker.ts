// The Web Worker that runs Mailwire's Go core (compiled to WebAssembly), so
// parsing and sessions never block the page. It only relays messages.
import type { FromWorker, SessionEvent, ToWorker } from "./protocol";

interface GoRuntime {
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}

interface MailwireAPI {
  version: string;
  open(id: number, options: object, onEvent: (e: SessionEvent) => void): string | undefined;
  send(id: number, line: string): string | undefined;
  close(id: number): void;
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
      err = api.open(msg.id, msg.options, (event) => post({ type: "event", id: msg.id, event }));
      break;
    case "send":
      err = api.send(msg.id, msg.line);
      break;
    case "close":
      api.close(msg.id);
      break;
  }
  if (err) post({ type: "error", message: err });
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
