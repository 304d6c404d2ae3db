import { useSignal } from "@preact/signals";
import { memo } from "preact/compat";
import { useEffect, useMemo } from "preact/hooks";
import { hex, visibleLines } from "../bytes";
import type { SessionEvent, TLSInfo } from "../protocol";
import { go } from "../router";
import { openBytes } from "../mime/state";
import { events, hexAll, rfcRefs, selectedSeq } from "./live";

const prefix: Record<SessionEvent["dir"], string> = { c: "C:", s: "S:", i: "*" };

/** Lines shown of a long unit before "show all". */
const shownLines = 60;

/** The session's steps in wire order: raw bytes both ways, parsed and explained. */
export function Timeline() {
  const list = events.value;
  useEffect(() => {
    const seq = selectedSeq.value;
    if (seq !== null) document.getElementById(`step-${seq}`)?.scrollIntoView({ block: "nearest" });
  }, [selectedSeq.value]);
  if (list.length === 0) return <p class="empty">Pick a server and press Connect. Every byte each way will appear here, explained.</p>;
  let tlsOn = false;
  return (
    <ol class="timeline" id="timeline">
      {list.map((e) => {
        if (e.kind === "tls" && e.tls && !e.tls.verifyError) tlsOn = true;
        else if (e.kind === "close") tlsOn = false;
        return <Step e={e} key={e.seq} encrypted={tlsOn && e.kind !== "tls"} />;
      })}
    </ol>
  );
}

/**
 * One step. Memoized: a long session re-renders only the steps whose props
 * or signals changed, not every step for every new event.
 */
const Step = memo(function Step({ e, encrypted }: { e: SessionEvent; encrypted: boolean }) {
  const asHex = useSignal(false);
  const all = useSignal(false);
  const hexOn = asHex.value || hexAll.value;
  const sel = selectedSeq.value === e.seq;
  const text = useMemo(() => (e.raw.length > 0 ? visibleLines(e.raw) : []), [e.raw]);
  const lines = hexOn ? [] : text;
  const cut = !all.value && lines.length > shownLines;
  return (
    <li
      id={`step-${e.seq}`}
      class={`step dir-${e.dir} kind-${e.kind}${sel ? " selected" : ""}${encrypted ? " encrypted" : ""}${e.warnings?.length ? " warned" : ""}`}
      data-kind={e.kind}
      data-seq={e.seq}
      data-state={e.state}
      onClick={() => (selectedSeq.value = e.seq)}
    >
      <div class="when">
        {e.elapsed.toFixed(1)} ms
        {encrypted && (
          <div class="lock" title={`Encrypted on the wire: ${e.wireOut ?? 0} bytes out, ${e.wireIn ?? 0} bytes in since the handshake (TLS records, not the protocol bytes shown)`}>
            <span class="badge tls-badge">TLS</span>
            <br />↑{fmtBytes(e.wireOut ?? 0)}
            <br />↓{fmtBytes(e.wireIn ?? 0)}
          </div>
        )}
      </div>
      <div class="wire">
        {e.raw.length === 0 ? (
          <div class="line local">
            <span class="who">*</span> {e.summary}
          </div>
        ) : hexOn ? (
          <pre class="hex">{hex(e.raw)}</pre>
        ) : (
          <>
            {(cut ? lines.slice(0, shownLines) : lines).map((l, i) => (
              <div class="line" key={i}>
                <span class="who">{prefix[e.dir]}</span>{" "}
                {l.parts.map((p, j) =>
                  p.ctl ? (
                    <span class="ctl" key={j}>
                      {p.text}
                    </span>
                  ) : (
                    <span key={j}>{p.text}</span>
                  ),
                )}
                {l.eol && (
                  <span class={`eol eol-${l.eol}`} title={l.eol === "CRLF" ? "CR LF: the line end mail protocols require" : `a bare ${l.eol}`}>
                    {l.eol === "CRLF" ? "CR LF" : l.eol}
                  </span>
                )}
              </div>
            ))}
            {cut && (
              <button type="button" class="more" onClick={() => (all.value = true)}>
                show all {lines.length} lines ({fmtBytes(e.raw.length)})
              </button>
            )}
          </>
        )}
        {e.raw.length > 0 && (
          <button type="button" class="hex-toggle" onClick={(ev) => ((ev.stopPropagation(), (asHex.value = !asHex.value)))} title="Show these bytes in hexadecimal">
            {hexOn ? "text" : "hex"}
          </button>
        )}
      </div>
      <div class="meaning">
        {e.raw.length > 0 && e.summary && <div class="summary">{e.summary}</div>}
        {e.masked && <div class="masked"><span class="badge">masked</span> a password was masked here; it went to the server as typed</div>}
        {e.warnings?.map((w, i) => (
          <div class="warning" key={i}>
            ⚠ {w}
          </div>
        ))}
        {e.explain && <div class="explain">{e.explain}</div>}
        {e.tls && <TLSCard t={e.tls} />}
        {e.details && e.details.length > 0 && <Details e={e} />}
        {e.rfc && <Refs refs={e.rfc} />}
        {e.problems?.map((p, i) => (
          <div class="problem" key={i}>
            ✗ {p}
          </div>
        ))}
        {e.message && e.message.length > 0 && (
          <button type="button" class="open-mime" onClick={() => openInExplorer(e)}>
            Open this message in the MIME explorer ({fmtBytes(e.message.length)})
          </button>
        )}
      </div>
    </li>
  );
});

function Refs({ refs }: { refs: string }) {
  return (
    <div class="rfc">
      {rfcRefs(refs).map((r, i) => (
        <span key={i}>
          {i > 0 && ", "}
          {r.url ? (
            <a href={r.url} target="_blank" rel="noopener noreferrer">
              {r.text}
            </a>
          ) : (
            r.text
          )}
        </span>
      ))}
    </div>
  );
}

function Details({ e }: { e: SessionEvent }) {
  const list = e.details!;
  const names = list.map((d) => d.name);
  return (
    <details class="details-box" open={selectedSeq.value === e.seq}>
      <summary>
        parsed: {names.slice(0, 8).join(", ")}
        {names.length > 8 ? `, … (${names.length})` : ""}
      </summary>
      <dl class="details">
        {list.map((d, i) => (
          <div class="detail" key={i}>
            <dt>
              {d.name}
              {d.value ? <code>{d.value}</code> : null}
            </dt>
            {(d.explain || d.rfc) && (
              <dd>
                {d.explain} {d.rfc && <Refs refs={d.rfc} />}
              </dd>
            )}
          </div>
        ))}
      </dl>
    </details>
  );
}

function TLSCard({ t }: { t: TLSInfo }) {
  return (
    <div class={`tls-card ${t.verified ? "verified" : "unverified"}`} id="tls-card">
      <div>
        <b>{t.version}</b> {t.cipherSuite} {t.alpn && <span>ALPN {t.alpn}</span>} {t.resumed && <span>(resumed)</span>}
      </div>
      <div class="verify">
        {t.verified ? `✓ the certificate chain verifies and names ${t.serverName}` : `✗ not verified: ${t.verifyError ?? "unknown reason"}`}
      </div>
      {t.chain && (
        <ol class="chain">
          {t.chain.map((c, i) => (
            <li key={i} title={`SHA-256 ${c.sha256}`}>
              <b>{c.subject || "(no subject)"}</b>
              {c.isCA ? " (CA)" : ""} — issued by {c.issuer}
              {(c.dnsNames?.length || c.ips?.length) && <span class="names"> · names: {[...(c.dnsNames ?? []), ...(c.ips ?? [])].join(", ")}</span>}
              <span class="validity">
                {" "}
                · valid {c.notBefore.slice(0, 10)} to {c.notAfter.slice(0, 10)}
                {c.keyType ? ` · ${c.keyType}` : ""}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Hands a fetched or sent message to the MIME explorer. */
function openInExplorer(e: SessionEvent) {
  const name = `${e.proto ?? "session"}-${e.verb?.toLowerCase() ?? "message"}-${e.seq}.eml`;
  openBytes(e.message!.slice(), name);
  go("message");
}
