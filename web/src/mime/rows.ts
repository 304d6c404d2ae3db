// The raw view's rows: every line of the source starts a row, and lines
// longer than ROW_BYTES continue on further rows, so each row has the same
// height and a 50 MB message needs only an index, not 50 MB of DOM.

export const ROW_BYTES = 128;

const cache = new WeakMap<Uint8Array, Uint32Array>();

/** The start offset of every row of b (cached per array). */
export function rowStarts(b: Uint8Array): Uint32Array {
  let rows = cache.get(b);
  if (rows) return rows;
  let out = new Uint32Array(Math.max(16, (b.length >> 6) + 16));
  let n = 0;
  const push = (v: number) => {
    if (n === out.length) {
      const grown = new Uint32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[n++] = v;
  };
  let start = 0;
  push(0);
  while (start < b.length) {
    const nl = b.indexOf(0x0a, start);
    const end = nl < 0 ? b.length : nl + 1; // the row keeps its line end
    let content = end; // without the line end: a continuation row never holds only CR LF
    if (nl >= 0) content = nl > start && b[nl - 1] === 0x0d ? nl - 1 : nl;
    for (let s = start + ROW_BYTES; s < content; s += ROW_BYTES) push(s);
    if (end < b.length) push(end);
    start = end;
  }
  rows = out.slice(0, n);
  cache.set(b, rows);
  return rows;
}

/**
 * Records the rows of sub = file[start:end] from the rows of the whole file
 * (computed in the worker), so rowStarts(sub) costs no scan. A message of
 * an mbox starts at a line start, so its rows are the file's, shifted.
 */
export function seedRows(sub: Uint8Array, fileRows: Uint32Array, start: number, end: number) {
  if (cache.has(sub)) return;
  const a = rowOf(fileRows, start);
  const z = end > start ? rowOf(fileRows, end - 1) + 1 : a;
  // The first message of a file shares the file's index; later ones get a shifted copy.
  const rows = start === 0 ? fileRows.subarray(a, z) : fileRows.slice(a, z);
  if (start > 0) for (let i = 0; i < rows.length; i++) rows[i] -= start;
  if (rows.length === 0 || rows[0] !== 0) return; // not aligned: let rowStarts scan
  cache.set(sub, rows);
}

/** The row holding offset (binary search). */
export function rowOf(rows: Uint32Array, offset: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rows[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** One piece of a row: text for a run of bytes, or a token for a line end or an odd byte. */
export interface Piece {
  offset: number; // of its first byte
  len: number; // bytes
  text: string;
  kind: "text" | "eol" | "bad-eol" | "ctl" | "utf8";
}

/**
 * Splits b[start:end] into pieces. Text pieces are printable ASCII (one
 * character per byte, so a click maps to its byte); each UTF-8 character
 * and each control byte is a piece of its own; stops splits pieces as well
 * (the edges of highlighted ranges).
 */
export function pieces(b: Uint8Array, start: number, end: number, stops: number[] = []): Piece[] {
  const out: Piece[] = [];
  let run = start;
  let si = 0;
  const sorted = stops.filter((s) => s > start && s < end).sort((x, y) => x - y);
  const flush = (at: number) => {
    if (at > run) out.push({ offset: run, len: at - run, text: latin(b, run, at), kind: "text" });
    run = at;
  };
  let i = start;
  while (i < end) {
    while (si < sorted.length && sorted[si] <= i) {
      flush(i);
      si++;
    }
    const c = b[i];
    if ((c >= 0x20 && c < 0x7f) || c === 0x09) {
      i++;
      continue;
    }
    flush(i);
    if (c === 0x0d && b[i + 1] === 0x0a && i + 1 < end) {
      out.push({ offset: i, len: 2, text: "CRLF", kind: "eol" });
      i += 2;
    } else if (c === 0x0a || c === 0x0d) {
      out.push({ offset: i, len: 1, text: c === 0x0a ? "LF" : "CR", kind: "bad-eol" });
      i++;
    } else if (c >= 0x80) {
      const n = utf8Len(b, i, end);
      if (n > 0) {
        out.push({ offset: i, len: n, text: new TextDecoder().decode(b.subarray(i, i + n)), kind: "utf8" });
        i += n;
      } else {
        out.push({ offset: i, len: 1, text: hex2(c), kind: "ctl" });
        i++;
      }
    } else {
      out.push({ offset: i, len: 1, text: c === 0x7f ? "DEL" : hex2(c), kind: "ctl" });
      i++;
    }
    run = i;
  }
  flush(end);
  return out;
}

function hex2(c: number): string {
  return "\\x" + c.toString(16).padStart(2, "0");
}

function latin(b: Uint8Array, s: number, e: number): string {
  let out = "";
  for (let i = s; i < e; i += 4096) out += String.fromCharCode.apply(null, b.subarray(i, Math.min(e, i + 4096)) as unknown as number[]);
  return out;
}

/** Length of a valid UTF-8 sequence at i (2 to 4 bytes), or 0. */
function utf8Len(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  const n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? (c <= 0xef ? 3 : 0) : c >= 0xc2 && c <= 0xdf ? 2 : 0;
  if (n === 0 || i + n > end) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return 0;
  if (n === 3 && ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] >= 0xa0))) return 0;
  if (n === 4 && ((c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] >= 0x90))) return 0;
  return n;
}

/** Bytes as text for copying: UTF-8 where valid, else Latin-1 byte by byte. */
export function bytesToText(b: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    return latin(b, 0, b.length);
  }
}
