// What is wrong (or worth knowing) about a part: severity, code, message,
// where, and the RFC that applies. Clicking one points it out in the raw view.
import type { Diagnostic, MimeNode } from "./model";
import { select } from "./state";

export function Diagnostics({ node }: { node: MimeNode }) {
  const own = node.diagnostics.map((d) => ({ d, where: "", inBody: false }));
  const uu = (node.attachments ?? []).flatMap((a) => a.diagnostics.map((d) => ({ d, where: `uuencoded ${a.filename}: `, inBody: a.rangeIn === "body" })));
  const all = [...own, ...uu];
  if (all.length === 0) return <p class="empty">No problems found.</p>;
  return (
    <ul class="mime-diags" id="mime-diags">
      {all.map(({ d, where, inBody }, i) => (
        <DiagItem key={i} node={node} d={d} prefix={where} inBody={inBody} />
      ))}
    </ul>
  );
}

function DiagItem({ node, d, prefix, inBody }: { node: MimeNode; d: Diagnostic; prefix: string; inBody: boolean }) {
  // Offsets of a uuencoded block found after decoding index the decoded body, not the raw view.
  const show = () => select(node.path, inBody ? null : { source: node.rangesIn, start: d.offset, end: d.offset + d.len, label: d.code });
  return (
    <li class={`diag sev-${d.severity}`} onClick={show} title="show in the raw view">
      <span class={`sev sev-${d.severity}`}>{d.severity}</span> <code>{d.code}</code> {prefix}
      {d.message}
      {d.rfc && <span class="rfc"> ({d.rfc})</span>}{" "}
      <span class="range">
        @{d.offset}
        {d.len > 0 ? `+${d.len}` : ""}
      </span>
    </li>
  );
}
