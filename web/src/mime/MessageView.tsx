/** The MIME explorer: paste, drop or open a message and see its tree. */
import { useSignal } from "@preact/signals";
import { Details } from "./Details";
import { MboxPicker } from "./MboxPicker";
import { RawView } from "./RawView";
import { Source, openFile } from "./Source";
import { Summary } from "./Summary";
import { Tree } from "./Tree";
import "./mime.css";
import { busy, error, model, openBytes } from "./state";

export function MessageView() {
  const dragging = useSignal(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    dragging.value = false;
    const dt = e.dataTransfer;
    const f = dt?.files?.[0];
    if (f) {
      openFile(f);
      return;
    }
    const text = dt?.getData("text/plain");
    if (text) openBytes(new TextEncoder().encode(text), "dropped text");
  };
  return (
    <section
      class={`view view-message${dragging.value ? " dragging" : ""}`}
      id="mime-view"
      aria-label="Message explorer"
      onDragOver={(e) => {
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
        dragging.value = true;
      }}
      onDragLeave={(e) => {
        if (e.target === e.currentTarget) dragging.value = false;
      }}
      onDrop={onDrop}
    >
      <Source />
      {busy.value && (
        <p class="busy" id="mime-busy" role="status">
          {busy.value}
        </p>
      )}
      {error.value && (
        <p class="problem" role="alert" id="mime-error">
          {error.value}
        </p>
      )}
      <MboxPicker />
      {model.value && (
        <>
          <Summary />
          <div class="mime-grid">
            <Tree />
            <Details />
          </div>
          <RawView />
        </>
      )}
      {dragging.value && <div class="drop-overlay">Drop a message (.eml) or a mailbox (.mbox) to explore it</div>}
    </section>
  );
}
