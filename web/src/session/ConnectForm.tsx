import { useSignal } from "@preact/signals";
import { closeSession, openSession, wasmReady } from "../core";
import { events, sessionId, sessionOpen, targets } from "../state";

/** Picks a target (the sandbox preselected, or a custom host and port) and connects. */
export function ConnectForm() {
  const choice = useSignal("0");
  const host = useSignal("");
  const port = useSignal("");
  const list = targets.value.filter((t) => t.proto === "smtp");

  function connect(ev: Event) {
    ev.preventDefault();
    const t = choice.value === "custom" ? null : list[Number(choice.value)];
    const h = t ? t.host : host.value.trim();
    const p = t ? t.port : Number(port.value);
    if (!h || !(p > 0 && p < 65536)) return;
    if (sessionId.value !== null) closeSession(sessionId.value);
    events.value = [];
    sessionOpen.value = true;
    sessionId.value = openSession({ host: h, port: p, proto: "smtp" }, (e) => {
      events.value = [...events.value, e];
      if (e.kind === "close" || e.kind === "error") sessionOpen.value = false;
    });
  }

  function disconnect() {
    if (sessionId.value !== null) closeSession(sessionId.value);
    sessionId.value = null;
    sessionOpen.value = false;
  }

  return (
    <form class="connect" onSubmit={connect} aria-label="Connect">
      <label>
        Server{" "}
        <select id="target" value={choice.value} onChange={(e) => (choice.value = e.currentTarget.value)}>
          {list.map((t, i) => (
            <option value={String(i)} key={i}>
              {t.name} ({t.host}:{t.port})
            </option>
          ))}
          <option value="custom">Custom host…</option>
        </select>
      </label>
      {choice.value === "custom" && (
        <>
          <input id="host" placeholder="host" value={host.value} onInput={(e) => (host.value = e.currentTarget.value)} />
          <input id="port" placeholder="port" inputMode="numeric" size={6} value={port.value} onInput={(e) => (port.value = e.currentTarget.value)} />
        </>
      )}
      <button id="connect" type="submit" disabled={!wasmReady.value}>
        Connect
      </button>
      {sessionOpen.value && (
        <button type="button" id="disconnect" onClick={disconnect}>
          Disconnect
        </button>
      )}
    </form>
  );
}
