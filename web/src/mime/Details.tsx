// Everything about the selected node: what it is, its bytes (download the
// decoded body, copy the raw bytes), its ranges, headers, content,
// diagnostics and, on messages, the Received hops.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { Content } from "./Content";
import { Diagnostics } from "./Diagnostics";
import { Headers } from "./Headers";
import { Received } from "./Received";
import { saveBytes, useBlobURL, usePartBytes } from "./hooks";
import { type MimeNode, type Pair, diagCount, humanSize, pathLabel, saveName } from "./model";
import { bytesToText } from "./rows";
import { body, doc, msgIndex, reportError, select, selectedNode } from "./state";

export function Details() {
  const n = selectedNode.value;
  if (!n) return <div class="mime-details" id="mime-details" />;
  // Keyed by message too: nothing (such as "remote images allowed") carries over to another message.
  return <NodeDetails key={`${doc.value?.id}:${msgIndex.value}:${n.path}`} node={n} />;
}

function NodeDetails({ node: n }: { node: MimeNode }) {
  // A leaf's decoded body is fetched once: for its download link, its hash and its preview.
  const leaf = n.children.length === 0;
  const b = usePartBytes(leaf ? n.path : null, "body");
  const decoded = leaf && b.value.state === "ready" ? b.value.value : null;
  return (
    <div class="mime-details" id="mime-details">
      <h2>
        <span class="path">{pathLabel(n.path)}</span> <span class="ct">{n.contentType}</span>
        {n.filename && <span class="fn"> {n.filename}</span>}
      </h2>
      <Facts node={n} decoded={decoded} />
      <Actions node={n} decoded={decoded} />
      <details open>
        <summary>Content</summary>
        <Content node={n} decoded={b.value} />
      </details>
      <details open>
        <summary>
          Header fields ({n.headers.length}) <span class="rfc">raw, unfolded and decoded</span>
        </summary>
        <Headers node={n} />
      </details>
      <details open={n.diagnostics.length > 0}>
        <summary>Diagnostics ({diagCount(n)})</summary>
        <Diagnostics node={n} />
      </details>
      {n.message && (
        <details open={(n.received?.length ?? 0) > 0}>
          <summary>Received hops ({n.received?.length ?? 0})</summary>
          <Received node={n} />
        </details>
      )}
      <details>
        <summary>Byte ranges</summary>
        <Structure node={n} />
      </details>
    </div>
  );
}

function Facts({ node: n, decoded }: { node: MimeNode; decoded: Uint8Array | null }) {
  const params = Object.entries(n.params);
  const sha = useSignal("");
  useEffect(() => {
    sha.value = n.sha256 ?? "";
    if (n.sha256 || !decoded || !crypto.subtle) return;
    let live = true;
    crypto.subtle.digest("SHA-256", decoded as Uint8Array<ArrayBuffer>).then((d) => {
      if (live) sha.value = [...new Uint8Array(d)].map((x) => x.toString(16).padStart(2, "0")).join("");
    });
    return () => {
      live = false;
    };
  }, [decoded]);
  return (
    <dl class="facts">
      <dt>type</dt>
      <dd>
        {n.contentType}
        {params.map(([k, v]) => (
          <span key={k}>
            ; {k}=<code>{v}</code>
          </span>
        ))}
      </dd>
      {n.disposition && (
        <>
          <dt>disposition</dt>
          <dd>{n.disposition}</dd>
        </>
      )}
      <dt>encoding</dt>
      <dd>{n.transferEncoding}</dd>
      {n.charset && (
        <>
          <dt>charset</dt>
          <dd>{n.charset}</dd>
        </>
      )}
      <dt>size</dt>
      <dd>
        {n.size.toLocaleString()} bytes decoded ({humanSize(n.size)}), {(n.ranges.part[1] - n.ranges.part[0]).toLocaleString()} bytes raw
      </dd>
      {sha.value && (
        <>
          <dt>sha256</dt>
          <dd class="hash" id="mime-sha256">
            {sha.value}
          </dd>
        </>
      )}
    </dl>
  );
}

/** Download the decoded body, copy or save the raw bytes. Leaves fetch their body at once for the link. */
function Actions({ node: n, decoded }: { node: MimeNode; decoded: Uint8Array | null }) {
  const leaf = n.children.length === 0;
  const url = useBlobURL(decoded, n.contentType);
  const copied = useSignal("");
  const copyRaw = async () => {
    try {
      const raw = await body(n.path, "raw");
      await navigator.clipboard.writeText(bytesToText(raw));
      copied.value = `copied ${raw.length.toLocaleString()} bytes`;
    } catch (e) {
      copied.value = `could not copy: ${e instanceof Error ? e.message : e}`;
    }
  };
  const saveRaw = () => body(n.path, "raw").then((raw) => saveBytes(raw, saveName(n).replace(/(\.[^.]*)?$/, ".raw.txt"), "text/plain"), reportError);
  const saveBody = () => body(n.path, "body").then((d) => saveBytes(d, saveName(n), n.contentType), reportError);
  return (
    <div class="actions">
      {leaf ? (
        url ? (
          <a class="button" id="mime-download" href={url} download={saveName(n)}>
            Download decoded ({humanSize(n.size)})
          </a>
        ) : (
          <span class="button disabled">Download decoded…</span>
        )
      ) : (
        <button id="mime-download-body" onClick={saveBody}>
          Download body ({humanSize(n.size)})
        </button>
      )}
      <button id="mime-copy-raw" onClick={copyRaw}>
        Copy raw bytes
      </button>
      <button id="mime-save-raw" onClick={saveRaw}>
        Save raw
      </button>
      {copied.value && <span class="copied">{copied.value}</span>}
      {(n.attachments ?? []).map((a, i) => (
        <button
          key={i}
          class="uu-download"
          onClick={() => body(n.path, `att:${i}`).then((d) => saveBytes(d, a.filename || `uudecoded-${i + 1}.bin`), reportError)}
        >
          Download uuencoded {a.filename} ({humanSize(a.size)})
        </button>
      ))}
    </div>
  );
}

function Structure({ node: n }: { node: MimeNode }) {
  const r = n.ranges;
  const rows: [string, Pair | undefined, string][] = [
    ["whole part", r.part, "the header, the blank line and the body"],
    ["mbox From line", r.mboxFrom, "RFC 4155: not part of the message"],
    ["header", r.header, "RFC 5322 §2.2"],
    ["body", r.body, "after the blank line, RFC 5322 §2.1"],
    ["preamble", r.preamble, "before the first boundary, RFC 2046 §5.1.1"],
    ...(r.boundaries ?? []).slice(0, 100).map((b, i): [string, Pair, string] => [`boundary ${i + 1}`, b, "delimiter line, RFC 2046 §5.1.1"]),
    ["epilogue", r.epilogue, "after the close delimiter, RFC 2046 §5.1.1"],
  ];
  return (
    <table class="ranges">
      <tbody>
        {rows
          .filter((x): x is [string, Pair, string] => !!x[1])
          .map(([name, p, why]) => (
            <tr key={name} onClick={() => select(n.path, { source: n.rangesIn, start: p[0], end: p[1], label: name })}>
              <td>{name}</td>
              <td class="num">
                {p[0]}–{p[1]}
              </td>
              <td class="num">{(p[1] - p[0]).toLocaleString()} B</td>
              <td class="rfc">{why}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
