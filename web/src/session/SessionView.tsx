import { useSignal } from "@preact/signals";
import { SandboxReset } from "../components/SandboxReset";
import { ConnectForm } from "./ConnectForm";
import { CommandLine, QuickActions } from "./Console";
import { Learned } from "./Learned";
import { SequenceDiagram } from "./SequenceDiagram";
import { StateDiagram } from "./StateDiagram";
import { Timeline } from "./Timeline";
import { conn, events, hexAll, selectedSeq, state } from "./live";

/** A live protocol session: connect, drive it, watch every byte explained. */
export function SessionView() {
  const tab = useSignal<"timeline" | "sequence">("timeline");
  const c = conn.value;
  const st = state.value;
  return (
    <section class="view view-session" aria-label="Live session">
      <div class="session-main">
        <ConnectForm />
        <QuickActions />
        <div class="timeline-tools">
          <span class="tabs" role="tablist">
            <button type="button" role="tab" id="tab-timeline" aria-selected={tab.value === "timeline"} class={tab.value === "timeline" ? "on" : ""} onClick={() => (tab.value = "timeline")}>
              Timeline
            </button>
            <button type="button" role="tab" id="tab-sequence" aria-selected={tab.value === "sequence"} class={tab.value === "sequence" ? "on" : ""} onClick={() => (tab.value = "sequence")}>
              Sequence diagram
            </button>
          </span>
          <label>
            <input type="checkbox" id="hex-all" checked={hexAll.value} onChange={(e) => (hexAll.value = e.currentTarget.checked)} /> hex
          </label>
          {c?.sandbox && <SandboxReset />}
        </div>
        {tab.value === "timeline" ? (
          <Timeline />
        ) : (
          <SequenceDiagram
            events={events.value}
            selected={selectedSeq.value ?? undefined}
            onPick={(seq) => {
              selectedSeq.value = seq;
              tab.value = "timeline";
            }}
          />
        )}
        <CommandLine />
      </div>
      {c && (
        <aside class="session-side" aria-label="Session state">
          <StateDiagram proto={c.proto} state={st?.state ?? "connect"} tls={st?.tls} />
          <Learned />
        </aside>
      )}
    </section>
  );
}
