// The Received chain as a timeline, oldest hop first (RFC 5321 §4.4: each
// server adds its field at the top, so the header lists them newest first).
import type { Hop, MimeNode } from "./model";
import { select } from "./state";

function delay(s: number | null): string {
  if (s === null) return "";
  const a = Math.abs(s);
  const txt = a < 120 ? `${a.toFixed(a < 10 && a % 1 ? 1 : 0)} s` : a < 7200 ? `${Math.round(a / 60)} min` : `${(a / 3600).toFixed(1)} h`;
  return s < 0 ? `−${txt}` : `+${txt}`;
}

export function Received({ node }: { node: MimeNode }) {
  const hops = node.received ?? [];
  if (hops.length === 0) return <p class="empty">No Received fields: the message has not passed through a mail server (or they were removed).</p>;
  return (
    <ol class="mime-hops" id="mime-hops">
      {hops.slice(0, 300).map((h, i) => (
        <HopItem key={i} node={node} hop={h} n={i + 1} />
      ))}
      {hops.length > 300 && <li>… {hops.length - 300} more hops</li>}
    </ol>
  );
}

function HopItem({ node, hop: h, n }: { node: MimeNode; hop: Hop; n: number }) {
  const f = node.headers[h.field];
  const when = h.date ? new Date(h.date) : null;
  return (
    <li class="hop" onClick={() => f && select(node.path, { source: node.rangesIn, start: f.range[0], end: f.range[1], label: "Received field" })}>
      <div class="hop-line">
        <span class="hop-n">{n}</span>
        <span class="hop-by">{h.by || "(no by)"}</span>
        {h.with && <span class="hop-with">{h.with}</span>}
        {h.delaySeconds !== null && <span class={`hop-delay${h.delaySeconds < 0 ? " skew" : h.delaySeconds > 300 ? " slow" : ""}`}>{delay(h.delaySeconds)}</span>}
      </div>
      <div class="hop-detail">
        {h.from && <span>from {h.from}</span>}
        {h.via && <span>via {h.via}</span>}
        {h.id && <span>id {h.id}</span>}
        {h.for && <span>for {h.for}</span>}
        <span class="hop-date" title={h.dateText}>
          {when && !isNaN(when.getTime()) ? h.date : h.dateText ? `${h.dateText} (unreadable)` : "no date"}
        </span>
      </div>
    </li>
  );
}
