import type { SessionEvent } from "../protocol";
import "./diagrams.css";

// The diagram's coordinates, in viewBox units; the SVG scales to the
// container's width, so these are proportions more than pixels.
const W = 720; // viewBox width
const CX = 160; // the client's lifeline
const SX = 650; // the server's lifeline
const HEAD = 44; // the lifelines' name boxes
const TOP = HEAD + 10; // the first row's top
const ROW = 26; // one event per row; must match the arrow geometry below
const MAX_LABEL = 48; // characters on an arrow before "…"
const MAX_NOTE = 64; // characters on a local note spanning both lifelines
const PREVIEW = 512; // bytes searched for the first line when there is no summary

/**
 * A sequence diagram of a session: the page on the left, the server on the
 * right, one arrow per command or reply and a band across both lifelines for
 * what happens locally (connect, the TLS handshake, close, errors). From a
 * TLS handshake on the exchange is shaded and marked with a lock. Each arrow
 * is a button: a click or Enter calls onPick with the event's seq.
 */
export function SequenceDiagram(props: { events: SessionEvent[]; selected?: number; onPick?: (seq: number) => void }) {
  const { events, selected, onPick } = props;
  const height = TOP + Math.max(events.length, 1) * ROW + 14;
  const pick = (seq: number) => onPick?.(seq);
  return (
    <div class="seq-diagram" id="sequence">
      <svg viewBox={`0 0 ${W} ${height}`} width="100%" role="group" aria-label="Sequence diagram: the page and the server, one arrow per command or reply">
        {encryptedRegions(events).map((r) => (
          <TLSRegion key={r.from} r={r} />
        ))}
        <Lifeline x={CX} name="Client (this page)" cls="client" bottom={height - 4} />
        <Lifeline x={SX} name="Server" cls="server" bottom={height - 4} />
        {events.length === 0 && (
          <text class="seq-empty" x={W / 2} y={TOP + 17} text-anchor="middle">
            No events yet
          </text>
        )}
        {events.map((e, i) =>
          e.dir === "i" ? (
            <Note key={e.seq} e={e} top={TOP + i * ROW} selected={e.seq === selected} pick={pick} />
          ) : (
            <Arrow key={e.seq} e={e} top={TOP + i * ROW} selected={e.seq === selected} pick={pick} />
          ),
        )}
      </svg>
    </div>
  );
}

function Lifeline({ x, name, cls, bottom }: { x: number; name: string; cls: string; bottom: number }) {
  const w = name.length * 8.4 + 24;
  return (
    <g class={`lifeline ${cls}`}>
      <line x1={x} y1={HEAD - 6} x2={x} y2={bottom} />
      <rect x={x - w / 2} y={6} width={w} height={HEAD - 12} rx={5} />
      <text x={x} y={HEAD / 2 + 5} text-anchor="middle">
        {name}
      </text>
    </g>
  );
}

type RowProps = { e: SessionEvent; top: number; selected: boolean; pick: (seq: number) => void };

/** The attributes that make a row a button: click, Enter or Space picks it. */
function button(e: SessionEvent, cls: string, label: string, selected: boolean, pick: (seq: number) => void) {
  return {
    class: `${cls}${selected ? " selected" : ""}`,
    "data-seq": e.seq,
    "data-kind": e.kind,
    tabindex: 0, // the SVG attribute; Preact would write tabIndex verbatim, which SVG ignores
    role: "button" as const,
    "aria-label": label,
    "aria-current": selected ? ("true" as const) : undefined,
    onClick: () => pick(e.seq),
    onKeyDown: (k: KeyboardEvent) => {
      if (k.key === "Enter" || k.key === " ") {
        k.preventDefault();
        pick(e.seq);
      }
    },
  };
}

function Arrow({ e, top, selected, pick }: RowProps) {
  const full = label(e);
  const short = truncate(full, MAX_LABEL);
  const warn = e.warnings?.length ? e.warnings : undefined;
  const bad = e.problems?.length ? e.problems : undefined;
  const y = top + 19;
  const [x1, x2] = e.dir === "c" ? [CX, SX] : [SX, CX];
  const head = e.dir === "c" ? -1 : 1; // which way the arrowhead's back points
  const title = [full, ...(bad ?? []).map((p) => "⚠ " + p), ...(warn ?? []).map((w) => "⚠ " + w)].join("\n");
  const cls = `seq-arrow dir-${e.dir} kind-${e.kind}${e.code && e.code >= 400 ? " negative" : ""}${isNegative(e.status) ? " negative" : ""}`;
  return (
    <g {...button(e, cls, `${e.dir === "c" ? "Client to server" : "Server to client"}: ${title}`, selected, pick)}>
      <title>{title}</title>
      <rect class="hit" x={2} y={top + 1} width={W - 4} height={ROW - 2} rx={3} />
      <text class="elapsed" x={8} y={top + 17}>
        {elapsed(e.elapsed)}
      </text>
      <line class="shaft" x1={x1} y1={y} x2={x2 + head * 8} y2={y} />
      <path class="head" d={`M${x2} ${y} l${head * 9} -4.5 v9 z`} />
      <text class="label" x={(CX + SX) / 2} y={top + 14} text-anchor="middle">
        {short}
        {(bad || warn) && <tspan class={bad ? "problem-mark" : "warn-mark"}> ⚠</tspan>}
      </text>
    </g>
  );
}

function Note({ e, top, selected, pick }: RowProps) {
  const tls = e.kind === "tls" ? e.tls : undefined;
  const failed = e.kind === "tls" && tlsFailed(e);
  let text = e.summary || e.kind;
  if (tls && !failed) {
    text = `${tls.version || "TLS"} handshake${tls.implicit ? " (implicit TLS)" : ""}${tls.cipherSuite ? " · " + tls.cipherSuite : ""}`;
  }
  const full = [tls && !failed ? `${text} · ${tls.verified ? "certificate verified" : "certificate NOT verified"}` : text, ...(e.problems ?? []).map((p) => "⚠ " + p), ...(e.warnings ?? []).map((w) => "⚠ " + w)].join("\n");
  const flagged = !!(e.problems?.length || e.warnings?.length);
  const cls = `seq-note dir-i kind-${e.kind}${failed ? " failed" : ""}${tls && !failed && !tls.verified ? " unverified" : ""}`;
  return (
    <g {...button(e, cls, `Local: ${full}`, selected, pick)}>
      <title>{full}</title>
      <rect class="hit" x={2} y={top + 1} width={W - 4} height={ROW - 2} rx={3} />
      <text class="elapsed" x={8} y={top + 17}>
        {elapsed(e.elapsed)}
      </text>
      <rect class="band" x={CX - 36} y={top + 4} width={SX - CX + 72} height={ROW - 6} rx={4} />
      {tls && !failed && <Lock x={CX - 28} y={top + 6} />}
      <text class="label" x={(CX + SX) / 2} y={top + 18} text-anchor="middle">
        {truncate(text, MAX_NOTE)}
        {flagged && <tspan class="problem-mark"> ⚠</tspan>}
      </text>
    </g>
  );
}

/** A padlock, drawn rather than an emoji so that it needs no font. */
function Lock({ x, y }: { x: number; y: number }) {
  return (
    <g class="lock" transform={`translate(${x} ${y})`} aria-hidden="true">
      <path class="shackle" d="M2.5 7 V4.5 a3.5 3.5 0 0 1 7 0 V7" />
      <rect x={0} y={7} width={12} height={8.5} rx={1.5} />
    </g>
  );
}

interface Region {
  from: number; // row indexes, inclusive
  to: number;
  tls: NonNullable<SessionEvent["tls"]>;
}

/** The rows sent over TLS: from each completed handshake to the close. */
function encryptedRegions(events: SessionEvent[]): Region[] {
  const out: Region[] = [];
  let open: Region | undefined;
  events.forEach((e, i) => {
    if (!open && e.kind === "tls" && e.tls && !tlsFailed(e)) {
      open = { from: i, to: events.length - 1, tls: e.tls };
      out.push(open);
    } else if (open && e.kind === "close") {
      open.to = i;
      open = undefined;
    }
  });
  return out;
}

function TLSRegion({ r }: { r: Region }) {
  const y = TOP + r.from * ROW;
  const h = (r.to - r.from + 1) * ROW;
  const what = `Encrypted from here on: ${r.tls.version}${r.tls.cipherSuite ? ", " + r.tls.cipherSuite : ""}; the certificate ${r.tls.verified ? "verified" : "did NOT verify"}`;
  return (
    <g class={`tls-region${r.tls.verified ? "" : " unverified"}`}>
      <title>{what}</title>
      <rect class="shade" x={CX - 44} y={y} width={SX - CX + 88} height={h} rx={6} />
      <line class="edge" x1={SX + 44} y1={y + 4} x2={SX + 44} y2={y + h - 4} />
      <Lock x={SX + 50} y={y + 5} />
    </g>
  );
}

/**
 * A failed handshake is a KindTLS event too (core/session/session.go): it has
 * no version when the handshake did not complete, and its summary says so.
 */
function tlsFailed(e: SessionEvent): boolean {
  return !e.tls || !e.tls.version || (e.summary?.startsWith("TLS handshake failed") ?? false);
}

function isNegative(status?: string): boolean {
  return status === "NO" || status === "BAD" || status === "-ERR";
}

const firstLines = new WeakMap<SessionEvent, string>();
const utf8 = new TextDecoder();

/** The arrow's text: the summary, or else the first line on the wire. */
function label(e: SessionEvent): string {
  if (e.summary) return e.summary;
  let s = firstLines.get(e);
  if (s === undefined) {
    const raw = e.raw ?? new Uint8Array();
    let end = Math.min(raw.length, PREVIEW);
    for (let i = 0; i < end; i++) {
      if (raw[i] === 0x0a || raw[i] === 0x0d) {
        end = i;
        break;
      }
    }
    s = utf8.decode(raw.subarray(0, end)) || e.kind;
    firstLines.set(e, s);
  }
  return s;
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

function elapsed(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
