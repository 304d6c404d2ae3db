// A part's header fields: raw as on the wire, unfolded, decoded, and what
// each means with the RFC that defines it. Clicking a field points it out
// in the raw view.
import { useSignal } from "@preact/signals";
import type { Field, MimeNode } from "./model";
import { focus, select } from "./state";

const MAX_RAW = 4096; // characters of a raw field shown before "…"
const MAX_FIELDS = 300; // fields listed before "show all"

export function Headers({ node }: { node: MimeNode }) {
  const all = useSignal(false);
  if (node.headers.length === 0) {
    return (
      <p class="empty">
        No header fields: {node.message ? "the message" : "this part"} is read with the defaults (
        {node.path === "" || node.message ? "RFC 5322 §2.1" : "RFC 2045 §5.2: text/plain; charset=us-ascii"}).
      </p>
    );
  }
  const f = focus.value;
  const shown = all.value ? node.headers : node.headers.slice(0, MAX_FIELDS);
  return (
    <>
      <ol class="mime-headers" id="mime-headers">
        {shown.map((h, i) => (
          <HeaderField key={i} node={node} field={h} active={!!f && f.source === node.rangesIn && f.start === h.range[0] && f.end === h.range[1]} />
        ))}
      </ol>
      {shown.length < node.headers.length && (
        <button onClick={() => (all.value = true)}>show all {node.headers.length.toLocaleString()} fields</button>
      )}
    </>
  );
}

function HeaderField({ node, field: h, active }: { node: MimeNode; field: Field; active: boolean }) {
  const raw = h.raw.length > MAX_RAW ? h.raw.slice(0, MAX_RAW) + "…" : h.raw;
  const decodedDiffers = h.decoded !== h.value;
  return (
    <li
      class={`field${active ? " active" : ""}`}
      onClick={() => select(node.path, { source: node.rangesIn, start: h.range[0], end: h.range[1], label: `${h.name} field` })}
      title="show in the raw view"
    >
      <div class="field-head">
        <span class="field-name">{h.name}</span>
        {h.rfc && <span class="rfc">{h.rfc}</span>}
        <span class="range">
          bytes {h.range[0]}–{h.range[1]}
        </span>
      </div>
      {h.meaning && <div class="meaning">{h.meaning}</div>}
      <dl>
        <dt>raw</dt>
        <dd class="wire">{visibleEols(raw)}</dd>
        {h.value !== h.raw.slice(h.raw.indexOf(":") + 1).trim() && (
          <>
            <dt>unfolded</dt>
            <dd class="wire">{h.value}</dd>
          </>
        )}
        {decodedDiffers && (
          <>
            <dt>decoded</dt>
            <dd class="decoded">{h.decoded}</dd>
          </>
        )}
      </dl>
    </li>
  );
}

/** The raw field with its line ends shown as tokens (folds are visible). */
function visibleEols(s: string) {
  const out = [];
  const re = /\r\n|\n|\r/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let k = 0;
  while ((m = re.exec(s))) {
    out.push(s.slice(last, m.index));
    out.push(
      <span class={`eol eol-${m[0] === "\r\n" ? "CRLF" : m[0] === "\n" ? "LF" : "CR"}`} key={k++}>
        {m[0] === "\r\n" ? "CRLF" : m[0] === "\n" ? "LF" : "CR"}
      </span>,
    );
    if (m.index + m[0].length < s.length) out.push("\n");
    last = m.index + m[0].length;
  }
  out.push(s.slice(last));
  return out;
}
