import { useSignal } from "@preact/signals";

/**
 * Empties the sandbox's mailboxes and puts the demo messages back
 * (POST /api/sandbox/reset). The server allows it from this machine
 * (loopback) or with the reset token; anything else gets 403, shown here.
 */
export function SandboxReset() {
  const busy = useSignal(false);
  const status = useSignal("");

  async function reset() {
    if (!confirm("Empty every sandbox mailbox and restore the demo messages?")) return;
    busy.value = true;
    status.value = "";
    try {
      const res = await fetch("/api/sandbox/reset", { method: "POST", cache: "no-store" });
      status.value = res.ok ? "Sandbox reset: demo messages restored." : `Reset refused: ${(await res.text()).trim() || `HTTP ${res.status}`}`;
    } catch (e) {
      status.value = `Reset failed: ${e}`;
    } finally {
      busy.value = false;
    }
  }

  return (
    <span class="sandbox-reset">
      <button type="button" id="sandbox-reset" onClick={reset} disabled={busy.value} title="Empty the sandbox's mailboxes and reseed them">
        {busy.value ? "Resetting…" : "Reset sandbox"}
      </button>
      {status.value && (
        <span role="status" class="sandbox-reset-status">
          {" "}
          {status.value}
        </span>
      )}
    </span>
  );
}
