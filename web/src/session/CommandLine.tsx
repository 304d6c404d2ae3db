import { useSignal } from "@preact/signals";
import { sendLine } from "../core";
import { sessionId, sessionOpen } from "../state";

/** A raw command line: what is typed goes to the server followed by CR LF. */
export function CommandLine() {
  const line = useSignal("");
  if (!sessionOpen.value || sessionId.value === null) return null;
  function submit(ev: Event) {
    ev.preventDefault();
    if (sessionId.value === null || line.value === "") return;
    sendLine(sessionId.value, line.value);
    line.value = "";
  }
  return (
    <form class="command" onSubmit={submit}>
      <span class="who">C:</span>
      <input id="command" autocomplete="off" spellcheck={false} placeholder="NOOP, QUIT, …" value={line.value} onInput={(e) => (line.value = e.currentTarget.value)} />
      <button type="submit">Send</button>
    </form>
  );
}
