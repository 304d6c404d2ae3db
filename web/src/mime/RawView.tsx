// The message's bytes, exactly: one fixed-height row per line (long lines
// continue on further rows), only the rows in view are in the DOM. The
// selected part's ranges are highlighted; a click selects the part that
// owns the byte under the pointer.
import { useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { type MimeNode, nodeAt, pathLabel } from "./model";
import { ROW_BYTES, pieces, rowOf, rowStarts } from "./rows";
import { type Focus, focus, model, rawSource, select, selectedNode, sourceBytes } from "./state";

const ROW_H = 18; // px; must match .raw-row in mime.css
const MAX_PX = 8_000_000; // beyond this the scrollbar maps proportionally to rows (browsers cap element heights)
const OVERSCAN = 8;

interface Interval {
  start: number;
  end: number;
  cls: string;
}

/** The highlighted ranges of the selected node in source. */
function intervals(n: MimeNode | null, f: Focus | null, source: string): Interval[] {
  const out: Interval[] = [];
  if (n && n.rangesIn === source) {
    const r = n.ranges;
    out.push({ start: r.part[0], end: r.part[1], cls: "hl-part" });
    if (r.mboxFrom) out.push({ start: r.mboxFrom[0], end: r.mboxFrom[1], cls: "hl-mbox" });
    if (r.header[1] > r.header[0]) out.push({ start: r.header[0], end: r.header[1], cls: "hl-header" });
    for (const b of r.boundaries ?? []) out.push({ start: b[0], end: b[1], cls: "hl-boundary" });
    if (r.preamble) out.push({ start: r.preamble[0], end: r.preamble[1], cls: "hl-outside" });
    if (r.epilogue) out.push({ start: r.epilogue[0], end: r.epilogue[1], cls: "hl-outside" });
  }
  if (f && f.source === source) out.push({ start: f.start, end: Math.max(f.end, f.start + 1), cls: "hl-focus" });
  return out;
}

export function RawView() {
  const source = rawSource.value;
  const bytes = sourceBytes(source);
  const m = model.value;
  if (!bytes || !m) {
    return (
      <div class="mime-raw-wrap">
        <p class="empty">Loading the decoded body that holds this part…</p>
      </div>
    );
  }
  return <Rows bytes={bytes} source={source} root={m.root} />;
}

function Rows({ bytes, source, root }: { bytes: Uint8Array; source: string; root: MimeNode }) {
  const rows = rowStarts(bytes);
  const ref = useRef<HTMLDivElement>(null);
  const scrollTop = useSignal(0);
  const viewH = useSignal(400);
  const node = selectedNode.value;
  const f = focus.value;
  const total = rows.length;
  const natural = total * ROW_H;
  const height = Math.min(natural, MAX_PX);
  const scaled = natural > MAX_PX;
  const visible = Math.ceil(viewH.value / ROW_H);
  const maxFirst = Math.max(0, total - visible);
  const maxScroll = Math.max(1, height - viewH.value);

  let first: number;
  let top: number;
  if (scaled) {
    first = Math.min(maxFirst, Math.round((scrollTop.value / maxScroll) * maxFirst));
    top = scrollTop.value;
  } else {
    first = Math.floor(scrollTop.value / ROW_H);
    top = first * ROW_H;
  }
  const from = Math.max(0, first - (scaled ? 0 : OVERSCAN));
  const to = Math.min(total, first + visible + OVERSCAN);
  if (!scaled) top = from * ROW_H;

  // Follow the selection: bring the focused range, else the part's start, into view.
  const target = f && f.source === source ? f.start : node && node.rangesIn === source ? node.ranges.part[0] : -1;
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const h = el.clientHeight;
    viewH.value = h;
    if (target < 0) return;
    const r = rowOf(rows, target);
    const rowsNow = Math.floor(h / ROW_H);
    const maxFirstNow = Math.max(0, total - rowsNow);
    const maxScrollNow = Math.max(1, Math.min(natural, MAX_PX) - h);
    const firstNow = scaled ? Math.round((el.scrollTop / maxScrollNow) * maxFirstNow) : Math.ceil(el.scrollTop / ROW_H);
    if (r >= firstNow && r < firstNow + rowsNow - 1) return; // already in view
    const want = Math.max(0, r - 2);
    el.scrollTop = scaled ? (want / Math.max(1, maxFirstNow)) * maxScrollNow : want * ROW_H;
    scrollTop.value = el.scrollTop;
  }, [target, source, rows]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => (viewH.value = el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const ivs = intervals(node, f, source);
  const out = [];
  for (let r = from; r < to; r++) {
    const s = rows[r];
    const e = r + 1 < total ? rows[r + 1] : bytes.length;
    const stops: number[] = [];
    const hits: Interval[] = [];
    for (const iv of ivs) {
      if (iv.end <= s || iv.start >= e) continue;
      hits.push(iv);
      stops.push(iv.start, iv.end);
    }
    const cont = e < bytes.length && bytes[e - 1] !== 0x0a && e - s === ROW_BYTES;
    out.push(
      <div class="raw-row" data-row={r} key={r}>
        <span class="gutter">{s}</span>
        <span class="raw-bytes">
          {pieces(bytes, s, e, stops).map((p) => {
            const cls = [`k-${p.kind}`];
            for (const iv of hits) if (p.offset >= iv.start && p.offset < iv.end) cls.push(iv.cls);
            return (
              <span data-o={p.offset} data-n={p.len} class={cls.join(" ")} key={p.offset}>
                {p.text}
              </span>
            );
          })}
          {cont && <span class="cont" title="the line continues on the next row">↩</span>}
        </span>
      </div>,
    );
  }

  const onClick = (ev: MouseEvent) => {
    const off = offsetAt(ev, bytes.length);
    if (off === undefined) return;
    const n = nodeAt(root, source, off);
    if (!n) return;
    const field = n.headers.find((h) => off >= h.range[0] && off < h.range[1]);
    select(n.path, field ? { source, start: field.range[0], end: field.range[1], label: `${field.name} field` } : null);
  };

  return (
    <div class="mime-raw-wrap">
      <div class="raw-caption">
        {source === "input" ? "Raw message" : `Decoded body of ${pathLabel(source.slice(8))} (the enclosed message is encoded)`} ·{" "}
        {bytes.length.toLocaleString()} bytes · {total.toLocaleString()} rows · click a byte to select its part
      </div>
      <div class="mime-raw" id="mime-raw" ref={ref} onScroll={(e) => (scrollTop.value = (e.currentTarget as HTMLElement).scrollTop)} onClick={onClick}>
        <div class="raw-spacer" style={{ height: `${height}px` }}>
          <div class="raw-window" style={{ transform: `translateY(${top}px)` }}>
            {out}
          </div>
        </div>
      </div>
    </div>
  );
}

/** The byte under a click: the piece's offset plus the character within an ASCII run. */
function offsetAt(ev: MouseEvent, size: number): number | undefined {
  let node: Node | null = null;
  let off = 0;
  const d = document as Document & { caretPositionFromPoint?(x: number, y: number): { offsetNode: Node; offset: number } | null };
  if (d.caretPositionFromPoint) {
    const p = d.caretPositionFromPoint(ev.clientX, ev.clientY);
    if (p) ({ offsetNode: node, offset: off } = p);
  } else if (document.caretRangeFromPoint) {
    const r = document.caretRangeFromPoint(ev.clientX, ev.clientY);
    if (r) ({ startContainer: node, startOffset: off } = r);
  }
  const el = (node && node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as Element | null)) ?? (ev.target as Element);
  const piece = el?.closest<HTMLElement>("[data-o]") ?? (ev.target as Element).closest<HTMLElement>("[data-o]");
  if (piece) {
    const o = Number(piece.dataset.o);
    const n = Number(piece.dataset.n);
    const inText = piece.classList.contains("k-text") && node?.nodeType === Node.TEXT_NODE;
    return Math.min(size - 1, o + (inText ? Math.min(off, n - 1) : 0));
  }
  // The gutter or past the end of a row: the row's first byte.
  const row = (ev.target as Element).closest<HTMLElement>(".raw-row");
  const first = row?.querySelector<HTMLElement>("[data-o]");
  return first ? Number(first.dataset.o) : undefined;
}
