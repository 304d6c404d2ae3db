// One line about the parsed message: what, how big, how many parts and
// problems, how long the parse took in the worker.
import { header, humanSize } from "./model";
import { doc, model, msgIndex, parseInfo } from "./state";

export function Summary() {
  const m = model.value;
  const d = doc.value;
  const p = parseInfo.value;
  if (!m || !d) return null;
  const counts = { error: 0, warning: 0, info: 0 };
  const stack = [m.root];
  while (stack.length) {
    const n = stack.pop()!;
    for (const x of n.diagnostics) counts[x.severity]++;
    for (const a of n.attachments ?? []) for (const x of a.diagnostics) counts[x.severity]++;
    stack.push(...n.children);
  }
  const subject = header(m.root, "Subject")?.decoded;
  return (
    <div class="mime-summary" id="mime-summary">
      <strong>{subject ?? "(no subject)"}</strong>{" "}
      <span class="meta">
        {d.name}
        {d.messages.length > 1 && ` · message ${msgIndex.value + 1} of ${d.messages.length}`} · {humanSize(m.size)} · {m.parts} part{m.parts === 1 ? "" : "s"}
      </span>{" "}
      {(["error", "warning", "info"] as const).map((s) =>
        counts[s] ? (
          <span key={s} class={`badge sev-${s}`} title={`${counts[s]} ${s}(s)`}>
            {counts[s]} {s}
            {counts[s] === 1 ? "" : "s"}
          </span>
        ) : null,
      )}
      {p && (
        <span class="meta timing" title="in the WASM worker: parse, then the JSON model; then the page's whole wait">
          {" "}
          · parsed in {p.parseMs.toFixed(1)} ms, model {p.modelMs.toFixed(1)} ms, {p.pageMs.toFixed(0)} ms in all
        </span>
      )}
    </div>
  );
}
