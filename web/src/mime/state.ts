// The explorer's state, in signals, and the actions that change it. Bytes
// stay in the worker (Go holds the parsed message); the page keeps the
// file's bytes for the raw view and asks for decoded bodies one at a time.
import { batch, computed, signal } from "@preact/signals";
import { mimeRequest } from "../core";
import type { BodyKind } from "../protocol";
import { type Index, type MimeNode, type Model, indexModel } from "./model";
import { seedRows } from "./rows";

export interface Doc {
  id: number;
  name: string;
  bytes: Uint8Array; // the whole file
  messages: [number, number][]; // an mbox holds several
  rows: Uint32Array; // the raw view's row starts in bytes, from the worker
}

export interface ParseInfo {
  parseMs: number; // mime.Parse in Go
  modelMs: number; // the JSON model in Go
  ms: number; // the worker's whole call
  pageMs: number; // request to rendered model, seen from the page
}

/** A byte range to point out in the raw view (a field, a diagnostic). */
export interface Focus {
  source: string;
  start: number;
  end: number;
  label: string;
}

export const doc = signal<Doc | null>(null);
export const msgIndex = signal(0);
export const model = signal<Model | null>(null);
export const parseInfo = signal<ParseInfo | null>(null);
export const selected = signal("");
export const focus = signal<Focus | null>(null);
export const collapsed = signal<ReadonlySet<string>>(new Set());
export const busy = signal("");
export const error = signal("");
/** Decoded bodies that other parts' offsets index ("decoded:P"), once fetched. */
export const sources = signal<ReadonlyMap<string, Uint8Array>>(new Map());

export const index = computed<Index | null>(() => (model.value ? indexModel(model.value) : null));
export const selectedNode = computed<MimeNode | null>(() => index.value?.byPath.get(selected.value) ?? null);

/** The bytes of the message being explored (a slice of an mbox). */
export const messageBytes = computed<Uint8Array | null>(() => {
  const d = doc.value;
  if (!d) return null;
  const [s, e] = d.messages[msgIndex.value] ?? [0, d.bytes.length];
  const b = d.bytes.subarray(s, e);
  seedRows(b, d.rows, s, e);
  return b;
});

/** Which bytes the raw view shows: the input, or a decoded body holding the selected part. */
export const rawSource = computed(() => selectedNode.value?.rangesIn ?? "input");

export function sourceBytes(source: string): Uint8Array | null {
  return source === "input" ? messageBytes.value : (sources.value.get(source) ?? null);
}

let nextDoc = 1;

/**
 * Opens a message: a File (chosen or dropped), which the worker reads, or
 * bytes (pasted), whose buffer moves to the worker. Either way the bytes
 * come back transferred for the raw view; then the first message is parsed.
 */
export async function openBytes(data: Uint8Array | Blob, name: string) {
  const old = doc.value;
  const id = nextDoc++;
  batch(() => {
    busy.value = `reading ${name}…`;
    error.value = "";
  });
  try {
    let r;
    if (data instanceof Blob) {
      r = await mimeRequest({ op: "load", doc: id, data });
    } else {
      // Transfer a buffer holding exactly these bytes.
      const buffer =
        data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? (data.buffer as ArrayBuffer) : data.slice().buffer;
      r = await mimeRequest({ op: "load", doc: id, data: buffer }, [buffer]);
    }
    if (old) mimeRequest({ op: "close", doc: old.id }).catch(() => {});
    batch(() => {
      doc.value = { id, name, bytes: new Uint8Array(r.buffer), messages: r.messages, rows: r.rows };
      model.value = null;
    });
    await parse(0);
  } catch (e) {
    batch(() => {
      busy.value = "";
      error.value = `${e instanceof Error ? e.message : e}`;
    });
  }
}

/** Parses message i of the open file (an mbox lets the user pick). */
export async function parse(i: number) {
  const d = doc.value;
  if (!d) return;
  busy.value = d.messages.length > 1 ? `parsing message ${i + 1} of ${d.messages.length}…` : "parsing…";
  const t = performance.now();
  try {
    const r = await mimeRequest({ op: "parse", doc: d.id, index: i });
    const m = JSON.parse(r.json) as Model;
    batch(() => {
      msgIndex.value = i;
      model.value = m;
      sources.value = new Map();
      collapsed.value = initialCollapse(m);
      selected.value = "";
      focus.value = null;
      busy.value = "";
      parseInfo.value = { parseMs: r.parseMs, modelMs: r.modelMs, ms: r.ms, pageMs: performance.now() - t };
    });
  } catch (e) {
    batch(() => {
      busy.value = "";
      error.value = `${e instanceof Error ? e.message : e}`;
    });
  }
}

/** Large trees start with deep containers folded so the first view is readable. */
function initialCollapse(m: Model): Set<string> {
  const out = new Set<string>();
  if (m.parts <= 200) return out;
  const walk = (n: MimeNode, depth: number) => {
    if (depth >= 2 && n.children.length > 0) out.add(n.path);
    for (const c of n.children) walk(c, depth + 1);
  };
  walk(m.root, 0);
  return out;
}

/** Selects a node; the raw view follows it (fetching a decoded source if it lives in one). */
export function select(path: string, f: Focus | null = null) {
  batch(() => {
    selected.value = path;
    focus.value = f;
    // Unfold the ancestors so the node is visible in the tree.
    const c = new Set(collapsed.value);
    let changed = false;
    for (const a of ancestors(path)) if (c.delete(a)) changed = true;
    if (changed) collapsed.value = c;
  });
  const n = selectedNode.value;
  if (n && n.rangesIn !== "input" && !sources.value.has(n.rangesIn)) {
    const owner = n.rangesIn.slice("decoded:".length);
    const m0 = model.value;
    body(owner, "body").then((b) => {
      if (model.value !== m0) return; // another message was opened meanwhile
      const m = new Map(sources.value);
      m.set(n.rangesIn, b);
      sources.value = m;
    }, reportError);
  }
}

function ancestors(path: string): string[] {
  if (path === "") return [];
  const parts = path.split(".");
  const out = [""];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join("."));
  return out;
}

export function toggle(path: string) {
  const c = new Set(collapsed.value);
  if (!c.delete(path)) c.add(path);
  collapsed.value = c;
}

/** Fetches bytes of a part of the current message from the worker. */
export async function body(path: string, kind: BodyKind): Promise<Uint8Array> {
  const d = doc.value;
  if (!d) throw new Error("no message is open");
  const r = await mimeRequest({ op: "body", doc: d.id, index: msgIndex.value, path, kind });
  return r.bytes;
}

export function reportError(e: unknown) {
  error.value = `${e instanceof Error ? e.message : e}`;
}
