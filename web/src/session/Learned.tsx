import { state, tls, wire } from "./live";

/** What the client state machine learned: capabilities, counts, UIDVALIDITY, the user. */
export function Learned() {
  const st = state.value;
  const t = tls.value?.tls;
  const w = wire.value;
  if (!st) return null;
  return (
    <section class="learned" id="learned" aria-label="What the session learned">
      <h3>Learned</h3>
      <ul>
        <li>
          state <b id="state-name">{st.state}</b>
          {st.waiting > 0 && <span> · {st.waiting} command(s) waiting for an answer</span>}
          {st.awaiting && <span> · the server waits for {st.awaiting === "data" ? "the message" : st.awaiting === "sasl" ? "a SASL response" : st.awaiting === "literal" ? "a literal" : "DONE"}</span>}
        </li>
        {st.user && (
          <li>
            logged in as <b>{st.user}</b>
          </li>
        )}
        <li>
          {st.tls ? (
            <span>
              <span class="badge tls-badge">TLS</span>{t ? ` (${t.version}${t.verified ? ", verified" : ", NOT verified"})` : ""}
              {w && ` · ${w.out} bytes out, ${w.in} bytes in on the wire since the handshake`}
            </span>
          ) : (
            <span class="plain">plain text: anyone on the path can read this session</span>
          )}
        </li>
        {(st.learned ?? []).map((d, i) => (
          <li key={i} title={[d.explain, d.rfc].filter(Boolean).join(" — ")}>
            {d.name} <code>{d.value}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
