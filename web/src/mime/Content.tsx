// What a part holds, shown safely: text as text, HTML in a sandboxed frame
// with remote content blocked, images as images, anything else as hex.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { hex } from "../bytes";
import { type Load, useBlobURL, usePartBytes } from "./hooks";
import { type MimeNode, header, humanSize, pathLabel } from "./model";
import { body, index, select } from "./state";

const MAX_TEXT = 256 << 10; // bytes of text shown before "show all"

/** decoded is the leaf's decoded body as its parent fetched it. */
export function Content({ node, decoded }: { node: MimeNode; decoded: Load<Uint8Array> }) {
  const t = node.contentType;
  if (t.startsWith("multipart/")) {
    return (
      <div class="content-container">
        <p>
          A container of {node.children.length} part{node.children.length === 1 ? "" : "s"} (RFC 2046 §5.1), separated by the boundary{" "}
          <code>--{node.params.boundary ?? "?"}</code>
          {node.ranges.preamble && <> · preamble {node.ranges.preamble[1] - node.ranges.preamble[0]} bytes (ignored by readers)</>}
          {node.ranges.epilogue && <> · epilogue {node.ranges.epilogue[1] - node.ranges.epilogue[0]} bytes</>}
        </p>
        <ul class="children">
          {node.children.slice(0, 50).map((c) => (
            <li key={c.path}>
              <button class="link" onClick={() => select(c.path)}>
                {c.path}
              </button>{" "}
              {c.contentType} {c.filename && <em>{c.filename}</em>} {humanSize(c.size)}
            </li>
          ))}
          {node.children.length > 50 && <li>… and {node.children.length - 50} more (see the tree)</li>}
        </ul>
      </div>
    );
  }
  if ((t === "message/rfc822" || t === "message/global") && node.children.length === 1) {
    const c = node.children[0];
    return (
      <p class="content-container">
        Encloses a message (RFC 2046 §5.2.1):{" "}
        <button class="link" onClick={() => select(c.path)}>
          {pathLabel(c.path)}
        </button>
        {c.rangesIn !== "input" && <> — it was {node.transferEncoding}-encoded, so its offsets index the decoded body</>}
      </p>
    );
  }
  if (t === "text/html") return <HtmlPreview node={node} />;
  if (node.textSize !== undefined) return <TextView node={node} />;
  if (t.startsWith("image/")) return <ImageView node={node} decoded={decoded} />;
  return <BinaryView node={node} decoded={decoded} />;
}

function Loading<T>({ load, children }: { load: Load<T>; children: (v: T) => preact.ComponentChildren }) {
  if (load.state === "loading") return <p class="empty">Loading…</p>;
  if (load.state === "error") return <p class="problem">{load.message}</p>;
  return <>{children(load.value)}</>;
}

function TextView({ node }: { node: MimeNode }) {
  const text = usePartBytes(node.path, "text");
  const all = useSignal(false);
  return (
    <Loading load={text.value}>
      {(b) => {
        // Decode only what is shown: a 25 MB text part would otherwise cost the page a long task.
        const cut = !all.value && b.length > MAX_TEXT;
        const s = new TextDecoder().decode(cut ? b.subarray(0, MAX_TEXT) : b);
        return (
          <>
            <p class="content-note">
              {node.charset ? `Decoded from ${node.charset} to UTF-8` : "Text"} · {b.length.toLocaleString()} bytes
              {cut && (
                <>
                  {" "}
                  · the first {MAX_TEXT.toLocaleString()} shown <button onClick={() => (all.value = true)}>show all</button>
                </>
              )}
            </p>
            <pre class="content-text" id="mime-text">
              {s}
            </pre>
          </>
        );
      }}
    </Loading>
  );
}

function ImageView({ node, decoded }: { node: MimeNode; decoded: Load<Uint8Array> }) {
  const url = useBlobURL(decoded.state === "ready" ? decoded.value : null, node.contentType);
  return <Loading load={decoded}>{() => (url ? <img class="content-image" id="mime-image" src={url} alt={node.filename || node.contentType} /> : null)}</Loading>;
}

function BinaryView({ node, decoded }: { node: MimeNode; decoded: Load<Uint8Array> }) {
  return (
    <Loading load={decoded}>
      {(v) => (
        <>
          <p class="content-note">
            {node.contentType}, {v.length.toLocaleString()} bytes decoded; the first {Math.min(256, v.length)} in hex:
          </p>
          <pre class="content-hex">{hex(v.subarray(0, 256))}</pre>
        </>
      )}
    </Loading>
  );
}

// The frame's own policy. The page's policy applies too (a srcdoc frame
// inherits it), so this can only narrow it: no scripts, no remote loads.
const cspBlocked = "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; font-src data:; form-action 'none'";
const cspAllowed = "default-src 'none'; img-src data: blob: http: https:; style-src 'unsafe-inline'; font-src data:; form-action 'none'";

// cid: images become data: URLs. The frame has an opaque origin (no
// allow-same-origin), and browsers do not let it load the page's blob: URLs;
// granting it the page's origin only for that would weaken the sandbox.
const MAX_CID = 16 << 20;

function dataURL(b: Uint8Array, type: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(new Blob([b as Uint8Array<ArrayBuffer>], { type: /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : "application/octet-stream" }));
  });
}

const cidRef = /cid:([^"'\s)>]+)/gi;
const remoteRef = /(?:\b(?:src|background|poster|srcset)\s*=\s*["']?\s*|url\(\s*["']?\s*|<link\b[^>]*\bhref\s*=\s*["']?\s*)(?:https?:)?\/\//gi;

/** Content-ID values compare without their angle brackets. */
function contentID(n: MimeNode): string | undefined {
  return header(n, "Content-ID")?.decoded.trim().replace(/^<|>$/g, "");
}

function HtmlPreview({ node }: { node: MimeNode }) {
  const text = usePartBytes(node.path, "text");
  const allow = useSignal(false);
  const source = useSignal(false);
  const doc = useSignal<{ html: string; remote: number; cids: number; missing: string[] } | null>(null);
  const ready = text.value.state === "ready" ? text.value.value : null;

  useEffect(() => {
    if (!ready) return;
    let live = true;
    (async () => {
      let html = new TextDecoder().decode(ready);
      const refs = [...new Set([...html.matchAll(cidRef)].map((m) => m[1]))];
      const byCid = new Map<string, MimeNode>();
      for (const n of index.value?.byPath.values() ?? []) {
        const id = contentID(n);
        if (id) byCid.set(id, n);
      }
      const resolved = new Map<string, string>();
      const missing: string[] = [];
      for (const r of refs) {
        let id = r;
        try {
          id = decodeURIComponent(r);
        } catch {
          /* keep it as written */
        }
        const n = byCid.get(id);
        if (!n) {
          missing.push(id);
          continue;
        }
        const b = await body(n.path, "body");
        if (b.length > MAX_CID) {
          missing.push(`${id} (${humanSize(b.length)}, too large to inline)`);
          continue;
        }
        const u = await dataURL(b, n.contentType);
        resolved.set(r, u);
      }
      html = html.replace(cidRef, (m, r: string) => resolved.get(r) ?? m);
      // A refresh would navigate the frame; the page's frame-src blocks
      // remote targets already, this keeps it from trying.
      html = html.replace(/http-equiv\s*=\s*["']?\s*refresh/gi, "data-mailwire-blocked-refresh");
      if (live) doc.value = { html, remote: (html.match(remoteRef) ?? []).length, cids: resolved.size, missing };
    })().catch((e: Error) => live && (doc.value = { html: `<p>${e.message}</p>`, remote: 0, cids: 0, missing: [] }));
    return () => {
      live = false;
    };
  }, [ready]);

  const d = doc.value;
  return (
    <Loading load={text.value}>
      {(b) => (
        <div class="html-preview">
          <div class="content-note">
            HTML, shown in a sandboxed frame: no scripts, no forms
            {d && d.cids > 0 && <> · {d.cids} cid: image(s) resolved from this message</>}
            {d && d.missing.length > 0 && <> · cid: not found: {d.missing.join(", ")}</>}
            {d && d.remote > 0 && !allow.value && (
              <span class="remote-blocked" id="mime-remote-blocked">
                {" "}
                · {d.remote} remote reference(s) blocked{" "}
                <button id="mime-allow-remote" onClick={() => (allow.value = true)}>
                  Load remote images
                </button>
              </span>
            )}
            {allow.value && <span class="remote-allowed"> · remote images allowed (the sender can see that you opened it)</span>}{" "}
            <label>
              <input type="checkbox" checked={source.value} onChange={(e) => (source.value = (e.currentTarget as HTMLInputElement).checked)} /> source
            </label>
          </div>
          {source.value ? (
            <pre class="content-text">{new TextDecoder().decode(b)}</pre>
          ) : d ? (
            <iframe
              id="mime-html"
              class="content-html"
              title={`HTML of ${pathLabel(node.path)}`}
              sandbox=""
              referrerpolicy="no-referrer"
              srcDoc={`<meta http-equiv="Content-Security-Policy" content="${allow.value ? cspAllowed : cspBlocked}">` + d.html}
            />
          ) : (
            <p class="empty">Resolving cid: images…</p>
          )}
        </div>
      )}
    </Loading>
  );
}
