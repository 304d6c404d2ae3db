import type { SessionEvent } from "../protocol";
import { visibleLines } from "../bytes";
import { events } from "../state";

const prefix: Record<SessionEvent["dir"], string> = { c: "C:", s: "S:", i: "*" };

/** The session's steps in wire order: C: and S: lines with CR LF made visible. */
export function Timeline() {
  const list = events.value;
  if (list.length === 0) return <p class="empty">Press Connect to open a session. Every byte each way will appear here.</p>;
  return (
    <ol class="timeline" id="timeline">
      {list.map((e) => (
        <Step e={e} key={e.seq} />
      ))}
    </ol>
  );
}

function Step({ e }: { e: SessionEvent }) {
  return (
    <li class={`step dir-${e.dir} kind-${e.kind}`} data-kind={e.kind}>
      <div class="when">{e.elapsed.toFixed(1)} ms</div>
      <div class="wire">
        {e.raw.length > 0 ? (
          visibleLines(e.raw).map((l, i) => (
            <div class="line" key={i}>
              <span class="who">{prefix[e.dir]}</span>{" "}
              {l.parts.map((p, j) => (p.ctl ? <span class="ctl" key={j}>{p.text}</span> : <span key={j}>{p.text}</span>))}
              {l.eol && <span class={`eol eol-${l.eol}`} title={l.eol === "CRLF" ? "CR LF: the line end SMTP requires" : `a bare ${l.eol}`}>{l.eol === "CRLF" ? "CR LF" : l.eol}</span>}
            </div>
          ))
        ) : (
          <div class="line local">
            <span class="who">*</span> {e.summary}
          </div>
        )}
      </div>
      <div class="meaning">
        {e.raw.length > 0 && e.summary && <div class="summary">{e.summary}</div>}
        {e.explain && <div class="explain">{e.explain}</div>}
        {e.rfc && <div class="rfc">{e.rfc}</div>}
        {e.problems.map((p, i) => (
          <div class="problem" key={i}>
            ⚠ {p}
          </div>
        ))}
      </div>
    </li>
  );
}
