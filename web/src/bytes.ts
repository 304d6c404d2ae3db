// Rendering raw wire bytes so that line ends and control bytes are visible.

export type Eol = "CRLF" | "LF" | "CR" | "";

export interface VisibleLine {
  /** Pieces of the line: text, or a control byte shown as a token. */
  parts: { text: string; ctl?: boolean }[];
  eol: Eol;
}

const decoder = new TextDecoder("utf-8");

/** Splits raw bytes into lines, keeping which line end each had. */
export function visibleLines(raw: Uint8Array): VisibleLine[] {
  const out: VisibleLine[] = [];
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x0a) {
      const cr = i > start && raw[i - 1] === 0x0d;
      out.push({ parts: parts(raw.subarray(start, cr ? i - 1 : i)), eol: cr ? "CRLF" : "LF" });
      start = i + 1;
    }
  }
  if (start < raw.length) {
    const endsCR = raw[raw.length - 1] === 0x0d;
    out.push({ parts: parts(raw.subarray(start, endsCR ? raw.length - 1 : raw.length)), eol: endsCR ? "CR" : "" });
  }
  return out;
}

function parts(b: Uint8Array): { text: string; ctl?: boolean }[] {
  const s = decoder.decode(b);
  const out: { text: string; ctl?: boolean }[] = [];
  let text = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      if (text) out.push({ text });
      text = "";
      out.push({ text: c === 0x0d ? "CR" : `\\x${c.toString(16).padStart(2, "0")}`, ctl: true });
    } else {
      text += ch;
    }
  }
  if (text || out.length === 0) out.push({ text });
  return out;
}

/** Hex dump of bytes, 16 per line. */
export function hex(raw: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < raw.length; i += 16) {
    const row = Array.from(raw.subarray(i, i + 16));
    lines.push(row.map((b) => b.toString(16).padStart(2, "0")).join(" "));
  }
  return lines.join("\n");
}
