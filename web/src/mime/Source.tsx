// Where a message comes from: a file (chosen or dropped) or pasted text.
// Nothing is uploaded: the bytes go to the worker in this tab.
import { useSignal } from "@preact/signals";
import { doc, openBytes } from "./state";

/** Opens a File: the worker reads it, so a 50 MB file costs the page's thread nothing. */
export function openFile(f: File) {
  return openBytes(f, f.name);
}

export function Source() {
  const text = useSignal("");
  const crlf = useSignal(true);
  const pasting = useSignal(false);
  const showPaste = pasting.value || !doc.value;
  const explore = () => {
    // A textarea's value has LF line ends whatever was pasted; mail on the
    // wire uses CR LF (RFC 5322 §2.1), so convert unless asked not to.
    let s = text.value;
    if (crlf.value) s = s.replace(/\r?\n/g, "\r\n");
    openBytes(new TextEncoder().encode(s), "pasted message");
    pasting.value = false;
  };
  return (
    <div class="mime-source">
      <div class="source-bar">
        <label class="button file-button">
          Open a file…
          <input
            type="file"
            id="mime-file"
            accept=".eml,.mbox,.msg,.txt,.mbx,message/rfc822,application/mbox"
            onChange={(e) => {
              const input = e.currentTarget as HTMLInputElement;
              const f = input.files?.[0];
              if (f) openFile(f);
              input.value = "";
            }}
          />
        </label>
        <span class="hint">or drop a message or mbox anywhere here, or</span>
        {doc.value && (
          <button id="mime-paste-toggle" onClick={() => (pasting.value = !pasting.value)}>
            Paste a message…
          </button>
        )}
        <span class="hint">· it stays in this tab, nothing is uploaded</span>
      </div>
      {showPaste && (
        <div class="paste">
          <textarea
            id="mime-paste"
            spellcheck={false}
            placeholder={"Paste a raw message here (the source of an email: header fields, a blank line, the body)…"}
            value={text.value}
            onInput={(e) => (text.value = (e.currentTarget as HTMLTextAreaElement).value)}
          />
          <div class="paste-bar">
            <button id="mime-explore" onClick={explore} disabled={!text.value}>
              Explore
            </button>
            <label>
              <input type="checkbox" id="mime-crlf" checked={crlf.value} onChange={(e) => (crlf.value = (e.currentTarget as HTMLInputElement).checked)} /> line ends
              as CR LF (a textarea turns them into LF)
            </label>
          </div>
        </div>
      )}
    </div>
  );
}
