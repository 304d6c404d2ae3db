import { useSignal } from "@preact/signals";
import { wasmReady } from "../core";
import type { Proto, TLSMode } from "../protocol";
import { sandbox } from "../state";
import { type Preset, conn, connect, connected, disconnect, presets } from "./live";

const protoNames: Record<Proto, string> = { smtp: "SMTP", imap: "IMAP", pop3: "POP3" };

/** The usual port for a protocol in a TLS mode (RFC 8314 §3.3, RFC 6409). */
function usualPort(p: Proto, t: TLSMode): number {
  if (p === "smtp") return t === "implicit" ? 465 : 587;
  if (p === "imap") return t === "implicit" ? 993 : 143;
  return t === "implicit" ? 995 : 110;
}

/**
 * Picks a server: the sandbox's servers for the protocol (in each TLS mode),
 * well-known providers as examples, or a custom host and port with a TLS mode.
 */
export function ConnectForm() {
  const proto = useSignal<Proto>("smtp");
  const choice = useSignal(""); // a preset id, or "custom"
  const host = useSignal("");
  const port = useSignal("");
  const tls = useSignal<TLSMode>("starttls");
  const serverName = useSignal("");
  const caPEM = useSignal("");
  const allowUnverified = useSignal(false);
  const client = useSignal("");
  const hello = useSignal(true);

  const list = presets.value.filter((p) => p.proto === proto.value);
  // the sandbox when there is one; never a provider by default
  const first = list.find((p) => p.sandbox)?.id ?? "custom";
  const picked: Preset | undefined = list.find((p) => p.id === (choice.value || first));
  const custom = !picked;

  function pickProto(p: Proto) {
    proto.value = p;
    choice.value = "";
    port.value = "";
  }

  function submit(ev: Event) {
    ev.preventDefault();
    const h = picked ? picked.host : host.value.trim();
    const mode = picked ? picked.tls : tls.value;
    const p = picked ? picked.port : Number(port.value || usualPort(proto.value, mode));
    if (!h || !(p > 0 && p < 65536)) return;
    connect(
      { proto: proto.value, host: h, port: p, tls: mode, sandbox: !!picked?.sandbox },
      { serverName: serverName.value, caPEM: caPEM.value, allowUnverified: allowUnverified.value, client: client.value, hello: hello.value },
    );
  }

  const groups = [...new Set(list.map((p) => p.group))];
  const c = conn.value;
  return (
    <form class="connect" id="connect-form" onSubmit={submit} aria-label="Connect">
      <fieldset class="protos" aria-label="Protocol">
        {(Object.keys(protoNames) as Proto[]).map((p) => (
          <label key={p} class={proto.value === p ? "on" : ""}>
            <input type="radio" name="proto" value={p} id={`proto-${p}`} checked={proto.value === p} onChange={() => pickProto(p)} />
            {protoNames[p]}
          </label>
        ))}
      </fieldset>
      <label>
        Server{" "}
        <select id="target" value={picked ? picked.id : "custom"} onChange={(e) => (choice.value = e.currentTarget.value)}>
          {groups.map((g) => (
            <optgroup label={g} key={g}>
              {list
                .filter((p) => p.group === g)
                .map((p) => (
                  <option value={p.id} key={p.id}>
                    {p.label} — {p.host}:{p.port}
                  </option>
                ))}
            </optgroup>
          ))}
          <option value="custom">Custom host…</option>
        </select>
      </label>
      {custom && (
        <>
          <input id="host" aria-label="host" placeholder="host, e.g. mail.example.org" value={host.value} onInput={(e) => (host.value = e.currentTarget.value)} />
          <input
            id="port"
            aria-label="port"
            placeholder={String(usualPort(proto.value, tls.value))}
            inputMode="numeric"
            size={6}
            value={port.value}
            onInput={(e) => (port.value = e.currentTarget.value)}
          />
          <select id="tls" aria-label="TLS mode" value={tls.value} onChange={(e) => (tls.value = e.currentTarget.value as TLSMode)}>
            <option value="none">no TLS</option>
            <option value="starttls">{proto.value === "pop3" ? "STLS" : "STARTTLS"}</option>
            <option value="implicit">implicit TLS</option>
          </select>
        </>
      )}
      <button id="connect" type="submit" disabled={!wasmReady.value}>
        {connected.value ? "Reconnect" : "Connect"}
      </button>
      {connected.value && (
        <button type="button" id="disconnect" onClick={disconnect}>
          Disconnect
        </button>
      )}
      <details class="advanced">
        <summary>TLS and name options</summary>
        <label>
          Certificate name{" "}
          <input id="server-name" placeholder="default: the host" value={serverName.value} onInput={(e) => (serverName.value = e.currentTarget.value)} />
        </label>
        <label>
          EHLO name{" "}
          <input id="client-name" placeholder="mailwire.invalid" value={client.value} onInput={(e) => (client.value = e.currentTarget.value)} />
        </label>
        <label>
          <input type="checkbox" id="hello" checked={hello.value} onChange={(e) => (hello.value = e.currentTarget.checked)} /> SMTP: say EHLO as soon as the server
          greets
        </label>
        <label class="wide">
          Extra CA certificates (PEM), trusted besides the public roots — for a lab server
          <textarea id="ca-pem" rows={3} spellcheck={false} value={caPEM.value} onInput={(e) => (caPEM.value = e.currentTarget.value)} />
        </label>
        <label>
          <input type="checkbox" id="allow-unverified" checked={allowUnverified.value} onChange={(e) => (allowUnverified.value = e.currentTarget.checked)} /> go on when
          the certificate does not verify (the timeline still says so)
        </label>
      </details>
      {picked?.sandbox && picked.tls !== "none" && sandbox.value && (
        <details class="trust-note" id="trust-note">
          <summary>
            <span class="badge tls-badge">TLS</span> The sandbox's certificate comes from its own CA, which this page trusts for the sandbox only. Why?
          </summary>
          {sandbox.value.trustNote}{" "}
          <a href={sandbox.value.caURL} download="mailwire-sandbox-ca.pem">
            The sandbox CA
          </a>
        </details>
      )}
      {picked?.sandbox && sandbox.value && (
        <p class="hint">
          Sandbox accounts: {sandbox.value.users.map((u) => u.name).join(", ")} (addresses @{sandbox.value.domain}); their passwords are in the README.
        </p>
      )}
      {picked && !picked.sandbox && <p class="hint">An example: it needs a real account there, and this server's tunnel policy must allow it.</p>}
      {c && (
        <p class="conn-line" id="conn-line">
          {protoNames[c.proto]} to {c.host}:{c.port}, {c.tls === "none" ? "no TLS" : c.tls === "implicit" ? "implicit TLS (RFC 8314)" : c.proto === "pop3" ? "STLS (RFC 2595)" : "STARTTLS"}
        </p>
      )}
    </form>
  );
}
