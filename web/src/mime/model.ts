// The JSON model core/mime gives the browser (see core/mime/json.go), and
// small helpers to walk it. The page renders what the core reports; it does
// not parse MIME itself.

export type Pair = [number, number];

export interface Diagnostic {
  severity: "info" | "warning" | "error";
  code: string;
  message: string;
  offset: number;
  len: number;
  rfc?: string;
}

export interface Field {
  name: string;
  raw: string;
  value: string; // unfolded
  decoded: string; // RFC 2047 words decoded, as UTF-8
  range: Pair;
  meaning?: string;
  rfc?: string;
}

export interface Hop {
  field: number; // index into the node's headers
  from?: string;
  by?: string;
  via?: string;
  with?: string;
  id?: string;
  for?: string;
  date?: string; // RFC 3339
  dateText?: string;
  delaySeconds: number | null;
}

export interface Attachment {
  filename: string;
  mode: string;
  size: number;
  sha256?: string;
  range: Pair;
  rangeIn: "source" | "body";
  diagnostics: Diagnostic[];
}

export interface Ranges {
  part: Pair;
  mboxFrom?: Pair;
  header: Pair;
  body: Pair;
  boundaries?: Pair[];
  preamble?: Pair;
  epilogue?: Pair;
}

export interface MimeNode {
  path: string;
  contentType: string;
  params: Record<string, string>;
  disposition: string;
  dispositionParams?: Record<string, string>;
  filename: string;
  transferEncoding: string;
  charset?: string;
  message?: boolean;
  rangesIn: string; // "input" or "decoded:<path>"
  ranges: Ranges;
  size: number;
  sha256?: string;
  textSize?: number;
  headers: Field[];
  received?: Hop[];
  attachments?: Attachment[];
  diagnostics: Diagnostic[];
  children: MimeNode[];
}

export interface Model {
  size: number;
  parts: number;
  root: MimeNode;
}

/** Index of a model: nodes by path, and each node's parent. */
export interface Index {
  byPath: Map<string, MimeNode>;
  parent: Map<string, MimeNode>;
}

export function indexModel(m: Model): Index {
  const byPath = new Map<string, MimeNode>();
  const parent = new Map<string, MimeNode>();
  const stack: MimeNode[] = [m.root];
  while (stack.length) {
    const n = stack.pop()!;
    byPath.set(n.path, n);
    for (const c of n.children) {
      parent.set(c.path, n);
      stack.push(c);
    }
  }
  return { byPath, parent };
}

/**
 * The deepest node whose own bytes (in source) hold offset: boundary lines,
 * preamble and epilogue belong to their multipart, a part's header and body
 * to the part.
 */
export function nodeAt(root: MimeNode, source: string, offset: number): MimeNode | undefined {
  let n = findSourceRoot(root, source);
  while (n) {
    const kids = n.children;
    // Children are in byte order: binary search the last starting at or before offset.
    let lo = 0;
    let hi = kids.length - 1;
    let hit = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (kids[mid].ranges.part[0] <= offset) {
        hit = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const c = hit >= 0 ? kids[hit] : undefined;
    if (!c || c.rangesIn !== source || offset >= c.ranges.part[1]) return n;
    n = c;
  }
  return n;
}

/** The top node whose ranges index source. */
export function findSourceRoot(root: MimeNode, source: string): MimeNode | undefined {
  if (source === "input") return root;
  // "decoded:P": the message enclosed in part P is P's only child.
  const p = source.slice("decoded:".length);
  const want = p === "" ? "1" : `${p}.1`;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.path === want) return n;
    if (want.startsWith(n.path === "" ? "" : n.path + ".")) stack.push(...n.children);
  }
  return undefined;
}

export const severityRank = { info: 0, warning: 1, error: 2 } as const;

/** The worst severity among a node's own diagnostics (and its uuencoded files'). */
export function worst(n: MimeNode): Diagnostic["severity"] | undefined {
  let w: Diagnostic["severity"] | undefined;
  const all = [...n.diagnostics, ...(n.attachments ?? []).flatMap((a) => a.diagnostics)];
  for (const d of all) if (!w || severityRank[d.severity] > severityRank[w]) w = d.severity;
  return w;
}

export function diagCount(n: MimeNode): number {
  return n.diagnostics.length + (n.attachments ?? []).reduce((s, a) => s + a.diagnostics.length, 0);
}

/** "1.2" → "part 1.2"; "" → "the message". */
export function pathLabel(path: string): string {
  return path === "" ? "the message" : `part ${path}`;
}

export function humanSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The value of the first header field named name (case-insensitive). */
export function header(n: MimeNode, name: string): Field | undefined {
  const l = name.toLowerCase();
  return n.headers.find((f) => f.name.toLowerCase() === l);
}

/** A file name for saving the part's decoded body. */
export function saveName(n: MimeNode): string {
  if (n.filename) return n.filename.replace(/[\/\\\x00-\x1f]/g, "_");
  const base = n.path === "" ? "message" : `part-${n.path}`;
  const ext: Record<string, string> = {
    "text/plain": ".txt",
    "text/html": ".html",
    "message/rfc822": ".eml",
    "message/global": ".eml",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
  };
  return base + (ext[n.contentType] ?? ".bin");
}
